"""Driving the months: the operator client of the central, the month driver and the polls that follow it."""
