"""Faults on purpose: seeded chaos, the lecturer's kills and cuts, the relays that cut and slow links."""
