"""Use cases of the central: accounts, catalog, cart, checkout, months."""
