"""Manufacturer links: live streams, offer collection, the notification outbox and month reports."""

from central.link.registry import LinkRegistry
from central.link.reports import queue_month_reports

__all__ = ["LinkRegistry", "queue_month_reports"]
