"""The central's own storage: its tables, its prepared statements, its movement and order rows."""
