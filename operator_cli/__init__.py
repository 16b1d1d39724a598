"""The operator command: opens and closes months and reads the reports of a running central."""
