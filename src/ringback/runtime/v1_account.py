"""The v1 account's own settings: applications, phone numbers and the user error log (v1 §2.6-2.10).

Kept as their v1 wire objects (camelCase dicts, already validated by `ringback.api.v1`), in
memory for reads and in the store's settings table so that a restarted `serve` still routes its
numbers. A v1 call itself is an engine call like any other; only these settings are v1's own.
The error log is bounded: the oldest entries go first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ringback.store import Store

APPLICATION = "v1-application"
NUMBER = "v1-number"
USER_ERROR = "v1-error"
MAX_USER_ERRORS = 1000


class V1Account:
    """Applications, phone numbers and user errors of the one v1 user."""

    def __init__(self, store: Store, new_id: Callable[[str], str]) -> None:
        self.store = store
        self.new_id = new_id
        self.applications: dict[str, dict[str, Any]] = {}
        self.numbers: dict[str, dict[str, Any]] = {}  # by number id (`n-...`)
        self.errors: dict[str, dict[str, Any]] = {}

    def load(self) -> None:
        """Read what an earlier run stored, in creation order."""
        self.applications = _ordered(self.store.settings(APPLICATION))
        self.numbers = _ordered(self.store.settings(NUMBER))
        self.errors = _ordered(self.store.settings(USER_ERROR), key="time")

    def clear(self) -> None:
        """Forget everything (the store is reset by its owner)."""
        self.applications.clear()
        self.numbers.clear()
        self.errors.clear()

    # ---- applications ----------------------------------------------------------------------

    def put_application(self, app: dict[str, Any]) -> None:
        """Create or replace an application (its `id` is set)."""
        self.applications[app["id"]] = app
        self.store.put_setting(APPLICATION, app["id"], app)

    def delete_application(self, app_id: str) -> None:
        """Forget an application; numbers routed to it stay, unrouted."""
        self.applications.pop(app_id, None)
        self.store.delete_setting(APPLICATION, app_id)

    # ---- phone numbers ---------------------------------------------------------------------

    def put_number(self, number: dict[str, Any]) -> None:
        """Create or replace a phone number (its `id` is set)."""
        self.numbers[number["id"]] = number
        self.store.put_setting(NUMBER, number["id"], number)

    def delete_number(self, number_id: str) -> None:
        """Release a number."""
        self.numbers.pop(number_id, None)
        self.store.delete_setting(NUMBER, number_id)

    def find_number(self, id_or_number: str) -> dict[str, Any] | None:
        """A number by its id or by the E.164 number itself (v1 §2.7 allows both in paths)."""
        found = self.numbers.get(id_or_number)
        if found is not None:
            return found
        return next((n for n in self.numbers.values() if n["number"] == id_or_number), None)

    def application_for(self, number: str) -> dict[str, Any] | None:
        """The application a number is routed to, if any."""
        found = self.find_number(number)
        if found is None or not found.get("applicationId"):
            return None
        return self.applications.get(found["applicationId"])

    # ---- user errors -----------------------------------------------------------------------

    def record_error(
        self, time: str, category: str, code: str, message: str, details: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        """Log a user error (`GET /errors`): a failed callback, a number with no application."""
        error_id = self.new_id("ue")
        error: dict[str, Any] = {
            "id": error_id,
            "time": time,
            "category": category,
            "code": code,
            "message": message,
            "details": [{"name": name, "value": value} for name, value in details],
        }
        self.errors[error_id] = error
        self.store.put_setting(USER_ERROR, error_id, error)
        while len(self.errors) > MAX_USER_ERRORS:
            oldest = next(iter(self.errors))
            del self.errors[oldest]
            self.store.delete_setting(USER_ERROR, oldest)
        return error


def _ordered(
    rows: Iterable[tuple[str, dict[str, Any]]], key: str = "createdTime"
) -> dict[str, dict[str, Any]]:
    items = sorted(rows, key=lambda row: (str(row[1].get(key, "")), row[1].get("seq", 0)))
    return dict(items)
