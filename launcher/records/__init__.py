"""The launcher's shared records: what it saw of the run, the faults it caused, the pace; every room's."""
