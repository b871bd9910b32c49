"""The official SDK's ConferencesApi against a live Ringback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import bandwidth
import pytest
from bandwidth.exceptions import (
    BadRequestException,
    ConflictException,
    NotFoundException,
)
from bandwidth.models.bxml import Bxml, SpeakSentence, StartRecording

from .conftest import ACCOUNT, START, LiveServer

UNKNOWN_CONFERENCE = "conf-00000000-00000000-0000-4000-8000-000000000000"


def conference(live: LiveServer, name: str, members: int = 2) -> tuple[str, list[str]]:
    """A conference `name` with `members` calls in it; (conference id, member call ids)."""
    live.app.routes[f"/join/{name}"] = (
        f'<Response><Conference name="{name}" conferenceEventUrl="/conf-events" tag="t"/>'
        "</Response>"
    )
    call_ids = []
    with live.client() as client:
        calls = bandwidth.CallsApi(client)
        for n in range(members):
            create = bandwidth.CreateCall(
                to=f"+1555777{n:04d}",
                var_from="+15551112222",
                application_id="app-1",
                answer_url=f"{live.app.url}/join/{name}",
            )
            call_ids.append(str(calls.create_call(ACCOUNT, create).call_id))
    live.advance(2)
    with live.client() as client:
        (found,) = bandwidth.ConferencesApi(client).list_conferences(ACCOUNT, name=name)
    return str(found.id), call_ids


def test_sdk_get_conference_with_members(live: LiveServer) -> None:
    """get_conference: the SDK's Conference with both members active."""
    conference_id, call_ids = conference(live, "members")
    with live.client() as client:
        got = bandwidth.ConferencesApi(client).get_conference(ACCOUNT, conference_id)
    assert isinstance(got, bandwidth.Conference)
    assert got.name == "members"
    assert got.tag == "t"
    assert got.conference_event_url == live.app.url + "/conf-events"
    assert got.conference_event_method == "POST"
    assert got.created_time >= datetime.fromtimestamp(START + 1, UTC)  # the first answer
    assert got.completed_time is None
    assert [m.call_id for m in got.active_members] == call_ids
    assert all(m.conference_id == conference_id for m in got.active_members)


def test_sdk_list_conferences_pages(live: LiveServer) -> None:
    """list_conferences: no activeMembers; pageSize and the Link header's pageToken page it."""
    for name in ("page-a", "page-b"):
        conference(live, name, members=1)
    with live.client() as client:
        conferences = bandwidth.ConferencesApi(client)
        everything = conferences.list_conferences(ACCOUNT)
        first = conferences.list_conferences_with_http_info(ACCOUNT, page_size=1)
        link = first.headers["link"]
        token = parse_qs(urlsplit(link[1 : link.index(">")]).query)["pageToken"][0]
        second = conferences.list_conferences(ACCOUNT, page_size=1, page_token=token)
    assert len(everything) >= 2
    assert all(c.active_members is None for c in everything)
    assert [c.id for c in first.data + second] == [c.id for c in everything[:2]]


def test_sdk_conference_members(live: LiveServer) -> None:
    """get/update_conference_member: mute is kept; a second coach is a conflict."""
    conference_id, (first, second) = conference(live, "coached")
    with live.client() as client:
        conferences = bandwidth.ConferencesApi(client)
        response = conferences.update_conference_member_with_http_info(
            ACCOUNT,
            conference_id,
            first,
            bandwidth.UpdateConferenceMember(mute=True, call_ids_to_coach=[second]),
        )
        member = conferences.get_conference_member(ACCOUNT, conference_id, first)
        with pytest.raises(ConflictException):
            conferences.update_conference_member(
                ACCOUNT,
                conference_id,
                second,
                bandwidth.UpdateConferenceMember(call_ids_to_coach=[first]),
            )
    assert response.status_code == 204
    assert isinstance(member, bandwidth.ConferenceMember)
    assert (member.mute, member.hold, member.call_ids_to_coach) == (True, False, [second])
    assert member.member_url == (
        f"{live.url}/api/v2/accounts/{ACCOUNT}/conferences/{conference_id}/members/{first}"
    )


def test_sdk_update_conference_bxml(live: LiveServer) -> None:
    """update_conference_bxml: 204 for conference BXML; a call-only verb is a 400."""
    conference_id, _ = conference(live, "spoken")
    with live.client() as client:
        conferences = bandwidth.ConferencesApi(client)
        document = Bxml([SpeakSentence("welcome everyone")]).to_bxml()
        response = conferences.update_conference_bxml_with_http_info(
            ACCOUNT, conference_id, document
        )
        with pytest.raises(BadRequestException) as caught:
            conferences.update_conference_bxml(ACCOUNT, conference_id, "<Bxml><Hangup/></Bxml>")
    assert response.status_code == 204
    assert (
        "<Hangup> is not allowed in conference BXML" in json.loads(caught.value.body)["description"]
    )


def test_sdk_update_conference_redirects(live: LiveServer) -> None:
    """update_conference with a redirectUrl: 204 and `conferenceRedirect` to that URL."""
    conference_id, _ = conference(live, "redirected")
    with live.client() as client:
        response = bandwidth.ConferencesApi(client).update_conference_with_http_info(
            ACCOUNT,
            conference_id,
            bandwidth.UpdateConference(redirect_url=live.app.url + "/conf-redirect"),
        )
    live.settle()
    assert response.status_code == 204
    events = [p for p in live.app.events("/conf-redirect") if p["conferenceId"] == conference_id]
    assert [p["eventType"] for p in events] == ["conferenceRedirect"]


def test_sdk_conference_recording(live: LiveServer) -> None:
    """A conference recorded then ended: list/get/download_conference_recording."""
    conference_id, _ = conference(live, "recorded")
    with live.client() as client:
        conferences = bandwidth.ConferencesApi(client)
        conferences.update_conference_bxml(
            ACCOUNT, conference_id, Bxml([StartRecording()]).to_bxml()
        )
        live.advance(3)
        conferences.update_conference(
            ACCOUNT, conference_id, bandwidth.UpdateConference(status="completed")
        )
        live.advance(0)
        ended = conferences.get_conference(ACCOUNT, conference_id)
        (listed,) = conferences.list_conference_recordings(ACCOUNT, conference_id)
        got = conferences.get_conference_recording(ACCOUNT, conference_id, listed.recording_id)
        audio = conferences.download_conference_recording(
            ACCOUNT, conference_id, listed.recording_id
        )
        with pytest.raises(ConflictException):
            conferences.update_conference(
                ACCOUNT, conference_id, bandwidth.UpdateConference(status="completed")
            )
    assert ended.completed_time is not None
    assert ended.active_members == []
    assert isinstance(got, bandwidth.ConferenceRecordingMetadata)
    assert (got.conference_id, got.name, got.channels) == (conference_id, "recorded", 1)
    assert got.duration == "PT3S"
    assert got.media_url.endswith(
        f"/conferences/{conference_id}/recordings/{got.recording_id}/media"
    )
    assert bytes(audio[:4]) == b"RIFF"


def test_sdk_unknown_conference_is_not_found(live: LiveServer) -> None:
    """An unknown conference id: NotFoundException with `Conference [id] not found`."""
    with live.client() as client, pytest.raises(NotFoundException) as caught:
        bandwidth.ConferencesApi(client).get_conference(ACCOUNT, UNKNOWN_CONFERENCE)
    assert json.loads(caught.value.body)["description"] == (
        f"Conference [{UNKNOWN_CONFERENCE}] not found"
    )
