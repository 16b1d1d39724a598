"""The launcher: starts every node as an OS process, drives the months, reports (entry: launcher.__main__)."""
