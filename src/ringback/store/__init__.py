"""Persistence: one SQLite file holding calls, timelines, delivery attempts and recordings."""

from ringback.store.sqlite import Store

__all__ = ["Store"]
