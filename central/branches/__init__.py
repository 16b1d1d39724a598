"""Branch stores as seen from headquarters: branch table, sales ledger, day-end reports, read models."""

from central.branches.daily import DailyReports
from central.branches.directory import BranchDirectory
from central.branches.inventory import InventoryBoard
from central.branches.reports import BranchReports
from central.branches.sales import SalesLedger

__all__ = ["BranchDirectory", "BranchReports", "DailyReports", "InventoryBoard", "SalesLedger"]
