"""The branch's own SQLite database: tables, engine and group-commit writer."""
