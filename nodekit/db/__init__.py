"""Storage plumbing every node shares: engines, the group-commit writer, prepared statements, column types."""
