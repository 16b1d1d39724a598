"""Faults on purpose: seeded chaos, the lecturer's kills and cuts, the relays that cut and slow links.

No re-exports here: its modules and the screen's import each other, and importing them all
from this file would close that loop; import from the module itself.
"""
