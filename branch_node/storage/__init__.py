"""The branch's own SQLite database: its tables and the store that opens it."""
