"""The proxy that cuts chosen calls, now in the testing kit (distribution_testing.cutting_proxy)."""

from distribution_testing.cutting_proxy import Cut, CuttingProxy

__all__ = ["Cut", "CuttingProxy"]
