"""The launcher: starts every node as an OS process, drives the months, reports."""

from launcher.app import launch, main

__all__ = ["launch", "main"]
