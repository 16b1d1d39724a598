"""Storage plumbing the nodes share: engines, migrations, group-commit writer, prepared statements, types."""
