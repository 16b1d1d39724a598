"""Supervising the run's processes: who takes part, their command lines and certificates, start and stop.

No re-exports here: its modules and the screen's import each other, and importing them all
from this file would close that loop; import from the module itself.
"""
