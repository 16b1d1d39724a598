"""The throwaway PostgreSQL server a run, a test or a benchmark starts on loopback, and its keeper process."""
