"""Finding calls the way a person looks for them: by state, cause, number, application, id.

`GET /_ringback/calls` and the console's call list read the same query string through
`read_call_filters` and the same rows through `find_calls`, so the page and its JSON twin
always agree. Newest first; live calls show their current state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ringback.errors import RequestValidationError
from ringback.runtime import Platform

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_FILTER_CHARS = 200  # a filter longer than any id, number or cause is a mistake

# Query parameter → CallFilters field.
PARAMETERS = {
    "state": "state",
    "cause": "cause",
    "number": "number",
    "applicationId": "application_id",
    "parentCallId": "parent_call_id",
    "id": "id_contains",
}


@dataclass(frozen=True, slots=True)
class CallFilters:
    """What to look for; None matches anything."""

    state: str | None = None
    cause: str | None = None
    number: str | None = None
    application_id: str | None = None
    parent_call_id: str | None = None
    id_contains: str | None = None
    limit: int = DEFAULT_LIMIT

    def query(self) -> dict[str, str]:
        """The query parameters that give these filters back (empty ones left out)."""
        fields = asdict(self)
        found = {name: fields[field] for name, field in PARAMETERS.items() if fields[field]}
        if self.limit != DEFAULT_LIMIT:
            found["limit"] = str(self.limit)
        return found


def read_call_filters(params: Mapping[str, str]) -> CallFilters:
    """Filters from a query string; a blank value means no filter. Bad input names the field."""
    values: dict[str, Any] = {}
    for name, field in PARAMETERS.items():
        value = (params.get(name) or "").strip()
        if len(value) > MAX_FILTER_CHARS:
            raise RequestValidationError(
                f"{name} is {len(value)} characters long; at most {MAX_FILTER_CHARS}", field=name
            )
        if value:
            values[field] = value
    limit = (params.get("limit") or "").strip()
    if limit:
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise RequestValidationError(
                f"limit must be a whole number from 1 to {MAX_LIMIT}, but was {limit[:20]!r}",
                field="limit",
            )
        values["limit"] = int(limit)
    return CallFilters(**values)


def find_calls(platform: Platform, filters: CallFilters) -> list[dict[str, Any]]:
    """The calls that match, newest first, each with its live state when it is up."""
    rows = platform.store.find_calls(
        state=filters.state,
        cause=filters.cause,
        number=filters.number,
        application_id=filters.application_id,
        parent_call_id=filters.parent_call_id,
        id_contains=filters.id_contains,
        limit=filters.limit,
    )
    return [platform.call_state(row["callId"]) or row for row in rows]
