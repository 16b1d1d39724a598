"""A customer of the distribution network: simulated (seeded traffic) or an interactive shop."""
