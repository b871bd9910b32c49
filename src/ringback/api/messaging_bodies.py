"""The Messaging API v2's request bodies and query parameters, checked (messaging spec §2.1–§2.5).

A bad POST /messages is one 400 `request-validation` "Your request could not be accepted" whose
`fieldErrors` name every wrong field (the SDK's `CreateMessageRequestError`); search and media
errors are `{type, description}`. Limits are those of `ringback.messaging.limits`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ringback.api.fields import E164, json_kind
from ringback.api.json_input import parse_json
from ringback.api.validation import media_type
from ringback.errors import MessagingRequestError, RequestValidationError
from ringback.messaging import limits
from ringback.messaging.model import Status

REQUEST_VALIDATION = "request-validation"
NOT_ACCEPTED = "Your request could not be accepted"
ALPHANUMERIC_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 +\-_&]{1,11}$")
PRIORITIES = ("default", "high")
MAX_SEARCH_RESULTS = 10_000
DEFAULT_SEARCH_LIMIT = 100
PARTIAL_NUMBER_MIN = 5
MAX_LISTED_NUMBERS = 10


def invalid(description: str) -> MessagingRequestError:
    """A 400 `request-validation` with a description and no field errors."""
    return MessagingRequestError(400, REQUEST_VALIDATION, description)


def e164_problem(value: str) -> str:
    """Bandwidth's wording for a number that is not E.164."""
    return f"'{value}' must be replaced with a valid E164 formatted telephone number"


@dataclass(frozen=True, slots=True)
class CreateMessage:
    """POST /users/{accountId}/messages, checked."""

    application_id: str
    to: tuple[str, ...]
    from_: str
    text: str
    media: tuple[str, ...]
    tag: str | None
    priority: str | None
    expiration: float | None
    expiration_text: str | None


@dataclass
class _Problems:
    found: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, description: str) -> None:
        self.found.append((name, description))


def read_create_message(content_type: str | None, raw: bytes, now: float) -> CreateMessage:
    """The body of POST /messages; every problem at once in `fieldErrors`."""
    kind = media_type(content_type)
    if kind != "application/json" and not kind.endswith("+json"):
        raise MessagingRequestError(
            415,
            "unsupported-content-type",
            f"Content type '{content_type or ''}' not supported. Please use 'application/json'",
        )
    try:
        data = parse_json(raw)
    except RequestValidationError as exc:  # the one JSON reader's 400, in this API's shape
        raise invalid(exc.description) from None
    if not isinstance(data, Mapping):
        raise invalid(f"The request body must be a JSON object, but was {json_kind(data)}")
    problems = _Problems()
    app_id = _string(data, "applicationId", problems, required=True, limit=256)
    to = _recipients(data.get("to"), problems)
    from_ = _sender(data.get("from"), problems)
    text = _string(data, "text", problems, limit=limits.MAX_TEXT_CHARS) or ""
    media = _media(data.get("media"), problems)
    if not text and not media and "text" not in [name for name, _ in problems.found]:
        problems.add("text", "A message needs text or media")
    tag = _string(data, "tag", problems, limit=limits.MAX_TAG_CHARS, blank=True)
    priority = _string(data, "priority", problems)
    if priority is not None and priority not in PRIORITIES:
        problems.add("priority", f"'{priority}' must be one of default, high")
    expiration, expiration_text = _expiration(data.get("expiration"), now, problems)
    if problems.found:
        raise MessagingRequestError(400, REQUEST_VALIDATION, NOT_ACCEPTED, tuple(problems.found))
    return CreateMessage(
        app_id or "", to, from_ or "", text, media, tag, priority, expiration, expiration_text
    )


def _string(
    data: Mapping[str, Any],
    key: str,
    problems: _Problems,
    *,
    required: bool = False,
    limit: int | None = None,
    blank: bool = False,
) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            problems.add(key, f"'{key}' is required")
        return None
    if not isinstance(value, str):
        problems.add(key, f"'{key}' must be a string, but was {json_kind(value)}")
        return None
    if required and not value.strip() and not blank:
        problems.add(key, f"'{key}' must not be blank")
        return None
    if limit is not None and len(value) > limit:
        problems.add(key, f"'{key}' must be {limit} characters or less, but was {len(value)}")
        return None
    return value


def _recipients(value: Any, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        problems.add("to", "'to' is required")
        return ()
    items = [value] if isinstance(value, str) else value  # a single string is accepted (§2.1)
    if not isinstance(items, list) or not items:
        problems.add("to", "'to' must be a non-empty array of E164 telephone numbers")
        return ()
    if len(items) > limits.MAX_RECIPIENTS:
        problems.add(
            "to",
            f"A group message may have at most {limits.MAX_RECIPIENTS} recipients,"
            f" but 'to' has {len(items)}",
        )
        return ()
    numbers: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not E164.match(item):
            shown = item if isinstance(item, str) else json.dumps(item)
            problems.add(f"to[{index}]", e164_problem(str(shown)[:64]))
        elif item in numbers:
            problems.add(f"to[{index}]", f"'{item}' is listed twice: recipients must be unique")
        else:
            numbers.append(item)
    return tuple(numbers)


def _sender(value: Any, problems: _Problems) -> str | None:
    if value is None:
        problems.add("from", "'from' is required")
        return None
    # A sender id has letters; anything starting with "+" is meant as a number (spec §1.2).
    alphanumeric = isinstance(value, str) and not value.startswith("+")
    if not isinstance(value, str) or not (
        E164.match(value) or (alphanumeric and ALPHANUMERIC_SENDER.match(value))
    ):
        shown = value if isinstance(value, str) else json.dumps(value)
        problems.add("from", e164_problem(str(shown)[:64]))
        return None
    return value


def _media(value: Any, problems: _Problems) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add("media", f"'media' must be an array of URLs, but was {json_kind(value)}")
        return ()
    if len(value) > limits.MAX_MEDIA_PER_MESSAGE:
        problems.add(
            "media",
            f"A message may carry at most {limits.MAX_MEDIA_PER_MESSAGE} media files,"
            f" but 'media' has {len(value)}",
        )
        return ()
    urls: list[str] = []
    for index, item in enumerate(value):
        name = f"media[{index}]"
        if not isinstance(item, str):
            problems.add(name, f"must be a URL, but was {json_kind(item)}")
        elif len(item) > limits.MAX_MEDIA_URL_CHARS:
            problems.add(name, f"must be {limits.MAX_MEDIA_URL_CHARS} characters or less")
        elif urlsplit(item).scheme not in ("http", "https") or not urlsplit(item).netloc:
            problems.add(name, f"'{item[:200]}' must be an absolute http or https URL")
        else:
            urls.append(item)
    return tuple(urls)


def _expiration(value: Any, now: float, problems: _Problems) -> tuple[float | None, str | None]:
    if value is None:
        return None, None
    moment = parse_time(value) if isinstance(value, str) else None
    if moment is None:
        problems.add("expiration", f"'{str(value)[:64]}' must be an RFC-3339 date-time")
        return None, None
    if moment <= now:
        problems.add("expiration", f"'{value}' must be in the future")
        return None, None
    return moment, value


def parse_time(value: str) -> float | None:
    """An ISO-8601/RFC-3339 date-time (`Z` or an offset; naive means UTC) as epoch seconds."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


# ---- GET /users/{accountId}/messages ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Search:
    """Message search's parameters, checked."""

    filters: dict[str, Any]
    sources: tuple[str, ...] = ()
    source_part: str | None = None
    destinations: tuple[str, ...] = ()
    destination_part: str | None = None
    sort: tuple[str, bool] = ("receiveTime", True)
    offset: int = 0
    limit: int = DEFAULT_SEARCH_LIMIT


def read_search(params: Mapping[str, str], sortable: tuple[str, ...]) -> Search:
    """GET /messages query parameters (spec §2.2); at least one is required."""
    if not params:
        raise invalid("At least one query parameter is required to search messages")
    filters: dict[str, Any] = {
        "message_id": params.get("messageId"),
        "status": _enum(params, "messageStatus", tuple(s.value for s in Status)),
        "direction": _enum(params, "messageDirection", ("INBOUND", "OUTBOUND")),
        "message_type": _enum(params, "messageType", ("sms", "mms", "rcs")),
        "error_code": _integer(params, "errorCode", 0, 99999),
        "from_time": _time(params, "fromDateTime"),
        "to_time": _time(params, "toDateTime"),
    }
    sources, source_part = _numbers(params, "sourceTn")
    destinations, destination_part = _numbers(params, "destinationTn")
    limit = _integer(params, "limit", 1, MAX_SEARCH_RESULTS)
    limit = DEFAULT_SEARCH_LIMIT if limit is None else limit
    offset = _page_token(params.get("pageToken"))
    if offset + limit > MAX_SEARCH_RESULTS:
        raise invalid(f"limit + offset must not exceed {MAX_SEARCH_RESULTS}")
    return Search(
        filters,
        sources,
        source_part,
        destinations,
        destination_part,
        _sort(params.get("sort"), sortable),
        offset,
        limit,
    )


def _enum(params: Mapping[str, str], key: str, allowed: tuple[str, ...]) -> str | None:
    value = params.get(key)
    if value is not None and value not in allowed:
        raise invalid(f"Invalid {key} '{value[:64]}': must be one of {', '.join(allowed)}")
    return value


def _integer(params: Mapping[str, str], key: str, low: int, high: int) -> int | None:
    value = params.get(key)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise invalid(f"Invalid {key} '{value[:64]}': must be an integer") from None
    if not low <= number <= high:
        raise invalid(f"Invalid {key} {number}: must be from {low} to {high}")
    return number


def _time(params: Mapping[str, str], key: str) -> float | None:
    value = params.get(key)
    if value is None:
        return None
    moment = parse_time(value)
    if moment is None:
        raise invalid(f"Invalid {key} '{value[:64]}': must be an ISO-8601 date-time")
    return moment


def _numbers(params: Mapping[str, str], key: str) -> tuple[tuple[str, ...], str | None]:
    value = params.get(key)
    if value is None:
        return (), None
    parts = [part.strip() for part in value.split(",")]
    if len(parts) == 1 and not E164.match(parts[0]):
        if len(parts[0]) < PARTIAL_NUMBER_MIN:
            raise invalid(
                f"Invalid {key} '{value[:64]}': a partial number needs at least"
                f" {PARTIAL_NUMBER_MIN} characters"
            )
        return (), parts[0]
    if len(parts) > MAX_LISTED_NUMBERS:
        raise invalid(f"Invalid {key}: at most {MAX_LISTED_NUMBERS} numbers in a list")
    for part in parts:
        if not E164.match(part):
            raise invalid(f"Invalid {key}: {e164_problem(part[:64])}")
    return tuple(parts), None


def _sort(value: str | None, sortable: tuple[str, ...]) -> tuple[str, bool]:
    if value is None:
        return "receiveTime", True
    name, _, order = value.partition(":")
    if name not in sortable or order not in ("", "asc", "desc"):
        raise invalid(
            f"Invalid sort '{value[:64]}': use field:asc or field:desc with a field of"
            f" {', '.join(sortable)}"
        )
    return name, order == "desc"


def page_token(offset: int) -> str:
    """The opaque token of the page starting at `offset`."""
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _page_token(value: str | None) -> int:
    if value is None:
        return 0
    try:
        text = base64.urlsafe_b64decode(value.encode()).decode()
        kind, _, number = text.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid(f"Invalid pageToken '{value[:64]}'") from None
    if kind != "offset" or offset < 0:
        raise invalid(f"Invalid pageToken '{value[:64]}'")
    return offset


# ---- media -----------------------------------------------------------------------------------


def check_media_id(media_id: str) -> str:
    """A media id: 1 to 1024 characters, no empty path segment, no `..`."""
    if not media_id or len(media_id) > limits.MAX_MEDIA_ID_CHARS:
        raise invalid(f"A media id must be 1 to {limits.MAX_MEDIA_ID_CHARS} characters long")
    if any(part in ("", ".", "..") for part in media_id.split("/")):
        raise invalid(f"Invalid media id '{media_id[:200]}': empty, '.' or '..' path segment")
    return media_id
