"""Driving the months: the operator client of the central, the month driver and the polls that follow it.

No re-exports here: its modules and the screen's import each other, and importing them all
from this file would close that loop; import from the module itself.
"""
