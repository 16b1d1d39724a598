"""Developer scripts: stub generation, the README configuration table, the web screenshots."""
