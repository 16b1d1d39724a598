"""How a room joins a run: the addresses it dials, the join card, the key file and the wheel it installs.

No re-exports here: its modules and the screen's import each other, and importing them all
from this file would close that loop; import from the module itself.
"""
