"""The central distributor: catalog, months, stock, carts, orders (see central.app and central.testing)."""
