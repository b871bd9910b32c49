"""Query parameters of the list endpoints: filters and paging (pure, no I/O).

Times (`minStartTime`, `maxCreatedTime`, ...) are ISO-8601; one without a zone is UTC. They are
normalized to the timestamps Ringback writes (`2019-06-20T15:54:25.435Z`), which compare as
strings. A page token is the position of the last item of the previous page (a call's sequence
number in the store, a conference's index): opaque to clients, who follow the `Link` header.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ringback.api.fields import show
from ringback.errors import RequestValidationError
from ringback.events import timestamp_from_epoch

MAX_CALLS_PAGE = 10000
MAX_CONFERENCES_PAGE = 1000
DEFAULT_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Page:
    """How many items to return, after which position."""

    size: int
    after: int = 0


@dataclass(frozen=True, slots=True)
class CallQuery:
    """GET /calls (spec §5.5)."""

    to: str | None
    from_: str | None
    min_start_time: str | None
    max_start_time: str | None
    disconnect_cause: str | None
    page: Page

    def filters(self) -> dict[str, Any]:
        """The keyword filters of `Platform.list_calls` (paging aside)."""
        return {
            "to": self.to,
            "from_": self.from_,
            "min_start_time": self.min_start_time,
            "max_start_time": self.max_start_time,
            "disconnect_cause": self.disconnect_cause,
        }


@dataclass(frozen=True, slots=True)
class RecordingQuery:
    """GET /recordings (spec §5.8)."""

    to: str | None
    from_: str | None
    min_start_time: str | None
    max_start_time: str | None

    def matches(self, metadata: Mapping[str, Any]) -> bool:
        """Whether a recording's metadata passes the filters (times inclusive)."""
        start = metadata.get("startTime") or ""
        return (
            (self.to is None or metadata.get("to") == self.to)
            and (self.from_ is None or metadata.get("from") == self.from_)
            and (self.min_start_time is None or start >= self.min_start_time)
            and (self.max_start_time is None or start <= self.max_start_time)
        )


@dataclass(frozen=True, slots=True)
class ConferenceQuery:
    """GET /conferences (spec §5.9)."""

    name: str | None
    min_created_time: float | None
    max_created_time: float | None
    page: Page

    def matches(self, name: str, created_time: float) -> bool:
        """Whether a conference passes the filters (times inclusive, to the millisecond)."""
        created = round(created_time, 3)
        return (
            (self.name is None or name == self.name)
            and (self.min_created_time is None or created >= self.min_created_time)
            and (self.max_created_time is None or created <= self.max_created_time)
        )


def call_query(params: Mapping[str, str]) -> CallQuery:
    """The filters and page of GET /calls."""
    return CallQuery(
        to=params.get("to"),
        from_=params.get("from"),
        min_start_time=_timestamp(params, "minStartTime"),
        max_start_time=_timestamp(params, "maxStartTime"),
        disconnect_cause=params.get("disconnectCause"),
        page=page(params, MAX_CALLS_PAGE),
    )


def recording_query(params: Mapping[str, str]) -> RecordingQuery:
    """The filters of GET /recordings."""
    return RecordingQuery(
        to=params.get("to"),
        from_=params.get("from"),
        min_start_time=_timestamp(params, "minStartTime"),
        max_start_time=_timestamp(params, "maxStartTime"),
    )


def conference_query(params: Mapping[str, str]) -> ConferenceQuery:
    """The filters and page of GET /conferences."""
    return ConferenceQuery(
        name=params.get("name"),
        min_created_time=epoch_seconds(params, "minCreatedTime"),
        max_created_time=epoch_seconds(params, "maxCreatedTime"),
        page=page(params, MAX_CONFERENCES_PAGE),
    )


def page(params: Mapping[str, str], max_size: int) -> Page:
    """`pageSize` (1..max, default 1000 or max if smaller) and `pageToken`."""
    size = min(DEFAULT_PAGE_SIZE, max_size)
    raw_size = params.get("pageSize")
    if raw_size is not None:
        try:
            size = int(raw_size)
        except ValueError:
            raise RequestValidationError(
                f"Invalid pageSize: must be a whole number, but was {show(raw_size)}", "pageSize"
            ) from None
        if not 1 <= size <= max_size:
            raise RequestValidationError(
                f"pageSize must be within the range [1, {max_size}], but was {size}", "pageSize"
            )
    token = params.get("pageToken")
    after = 0
    if token is not None:
        if not token.isdigit():
            raise RequestValidationError(
                f"Invalid pageToken: {show(token)} is not a token from a Link header",
                "pageToken",
            )
        after = int(token)
    return Page(size=size, after=after)


def epoch_seconds(params: Mapping[str, str], key: str) -> float | None:
    """An ISO-8601 time parameter as epoch seconds (to the millisecond); None when absent."""
    raw = params.get(key)
    if raw is None:
        return None
    text = raw.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RequestValidationError(
            f"Invalid {key}: must be an ISO-8601 date-time such as 2022-06-16T13:15:07.160Z, "
            f"but was {show(raw)}",
            key,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp(), 3)


def _timestamp(params: Mapping[str, str], key: str) -> str | None:
    seconds = epoch_seconds(params, key)
    return None if seconds is None else timestamp_from_epoch(seconds)
