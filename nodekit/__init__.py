"""Plumbing shared by every node: errors, auth metadata, channels, retries, health, logging, storage."""
