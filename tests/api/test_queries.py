"""List query parameters: filters normalized, paging checked."""

from __future__ import annotations

import pytest

from ringback.api import queries
from ringback.errors import RequestValidationError


def test_queries_call_filters_normalize_times() -> None:
    """ISO times in any common form become Ringback's timestamps, comparable as strings."""
    query = queries.call_query(
        {
            "to": "+15551234567",
            "from": "+15557654321",
            "minStartTime": "2022-06-16T13:15:07Z",
            "maxStartTime": "2022-06-16T15:15:07.1234+02:00",
            "disconnectCause": "hangup",
            "pageSize": "2",
            "pageToken": "17",
        }
    )
    assert query.filters() == {
        "to": "+15551234567",
        "from_": "+15557654321",
        "min_start_time": "2022-06-16T13:15:07.000Z",
        "max_start_time": "2022-06-16T13:15:07.123Z",
        "disconnect_cause": "hangup",
    }
    assert query.page == queries.Page(size=2, after=17)


def test_queries_default_page() -> None:
    """Without paging parameters a page holds 1000 items from the start."""
    assert queries.call_query({}).page == queries.Page(size=1000, after=0)
    assert queries.conference_query({}).page == queries.Page(size=1000, after=0)


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"pageSize": "0"}, "pageSize must be within the range [1, 10000], but was 0"),
        ({"pageSize": "10001"}, "pageSize must be within the range [1, 10000], but was 10001"),
        ({"pageSize": "ten"}, 'Invalid pageSize: must be a whole number, but was "ten"'),
        ({"pageToken": "abc"}, 'Invalid pageToken: "abc" is not a token from a Link header'),
        (
            {"minStartTime": "yesterday"},
            "Invalid minStartTime: must be an ISO-8601 date-time such as "
            '2022-06-16T13:15:07.160Z, but was "yesterday"',
        ),
    ],
)
def test_queries_call_bad_parameter(params: dict[str, str], description: str) -> None:
    """A bad list parameter is a 400 naming it."""
    with pytest.raises(RequestValidationError) as caught:
        queries.call_query(params)
    assert caught.value.description == description


def test_queries_conference_page_limit_is_1000() -> None:
    """Conferences page by at most 1000."""
    with pytest.raises(RequestValidationError) as caught:
        queries.conference_query({"pageSize": "1001"})
    assert caught.value.description == ("pageSize must be within the range [1, 1000], but was 1001")


def test_queries_conference_matches_name_and_times() -> None:
    """Conference filters: exact name, created time inclusive at both ends."""
    query = queries.conference_query(
        {
            "name": "room",
            "minCreatedTime": "1970-01-01T00:00:10Z",
            "maxCreatedTime": "1970-01-01T00:00:20Z",
        }
    )
    assert query.matches("room", 10.0)
    assert query.matches("room", 20.0)
    assert not query.matches("room", 20.001)
    assert not query.matches("other", 15.0)


def test_queries_recording_matches() -> None:
    """Recording filters compare to, from and startTime."""
    query = queries.recording_query({"to": "+1555", "minStartTime": "2022-06-16T13:15:07Z"})
    assert query.matches({"to": "+1555", "startTime": "2022-06-16T13:15:07.000Z"})
    assert not query.matches({"to": "+1555", "startTime": "2022-06-16T13:15:06.999Z"})
    assert not query.matches({"to": "+1666", "startTime": "2022-06-16T13:15:08.000Z"})
