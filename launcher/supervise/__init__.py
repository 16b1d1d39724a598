"""Supervising the run's processes: who takes part, their command lines and certificates, start and stop."""
