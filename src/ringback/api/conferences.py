"""Conferences, their members and their recordings (spec §5.9).

Emulated: list (name and created-time filters, `Link` paging), get with `activeMembers`,
end or redirect (POST, 204), conference BXML (PUT, 204), members' mute, hold and coaching
(GET/PUT), and the conference's recordings with their audio. A conference going on lives in
the running engine; an ended one is read from the store once it has left memory, and after a
restart (one going on when the server stopped is forgotten).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.api import validation
from ringback.api.context import Endpoints, empty, json_body, json_response
from ringback.api.control_conferences import listed
from ringback.api.queries import conference_query
from ringback.errors import CallStateError, ResourceNotFoundError, UnknownConferenceError
from ringback.runtime.conference_records import conference_index, conference_record_of

CONFERENCE = "/accounts/{accountId}/conferences/{conferenceId}"
MEMBER = CONFERENCE + "/members/{memberId}"
RECORDING = CONFERENCE + "/recordings/{recordingId}"
# ConferenceRecordingMetadata's fields, taken from a recording's (call-shaped) metadata.
RECORDING_FIELDS = (
    "accountId",
    "recordingId",
    "duration",
    "channels",
    "startTime",
    "endTime",
    "fileFormat",
    "status",
    "mediaUrl",
    "recordingName",
)


class Conferences(Endpoints):
    """The conference endpoints of one platform."""

    def routes(self) -> list[Route]:
        """Routes relative to /api/v2."""
        route = self.context.route
        return [
            route("/accounts/{accountId}/conferences", self.list_conferences, "GET"),
            route(CONFERENCE, self.get_conference, "GET"),
            route(CONFERENCE, self.update_conference, "POST"),
            route(CONFERENCE + "/bxml", self.update_conference_bxml, "PUT"),
            route(MEMBER, self.get_conference_member, "GET"),
            route(MEMBER, self.update_conference_member, "PUT"),
            route(CONFERENCE + "/recordings", self.list_conference_recordings, "GET"),
            route(RECORDING, self.get_conference_recording, "GET"),
            route(RECORDING + "/media", self.download_conference_recording, "GET"),
        ]

    def _record(self, conference_id: str) -> dict[str, Any]:
        record = conference_record_of(self.platform, conference_id)
        if record is None:
            raise UnknownConferenceError(f"Conference [{conference_id}] not found")
        return record

    def _require_live(self, conference_id: str) -> None:
        """A conference that ended and left memory can no more change than one still in it."""
        platform = self.platform
        if (
            conference_id not in platform.engine.conferences
            and platform.store.conference(conference_id) is not None
        ):
            raise CallStateError(
                f"Conference [{conference_id}] has completed and cannot be modified"
            )

    async def list_conferences(self, request: Request) -> Response:
        """GET /conferences: in creation order, filtered, paged (no `activeMembers`)."""
        query = conference_query(request.query_params)
        found = [
            (position, conference_id)
            for position, (conference_id, name, created) in enumerate(
                conference_index(self.platform), 1
            )
            if position > query.page.after and query.matches(name, created)
        ]
        page = found[: query.page.size]
        headers = {}
        if len(found) > query.page.size:
            next_url = request.url.include_query_params(pageToken=str(page[-1][0]))
            headers["Link"] = f'<{next_url}>; rel="next"'
        body = [listed(self._record(conference_id)["conference"]) for _, conference_id in page]
        return json_response(body, headers=headers)

    async def get_conference(self, request: Request) -> Response:
        """GET /conferences/{conferenceId}: with its active members."""
        return json_response(self._record(request.path_params["conferenceId"])["conference"])

    async def update_conference(self, request: Request) -> Response:
        """POST /conferences/{conferenceId}: end it, or redirect it (`conferenceRedirect`); 204."""
        conference_id = request.path_params["conferenceId"]
        update = validation.conference_update(conference_id, await json_body(request))
        self._require_live(conference_id)
        self.context.apply(update)
        return empty(204)

    async def update_conference_bxml(self, request: Request) -> Response:
        """PUT /conferences/{conferenceId}/bxml: conference BXML for every member to hear; 204."""
        conference_id = request.path_params["conferenceId"]
        text = validation.bxml_text(request.headers.get("content-type"), await request.body())
        self._require_live(conference_id)
        self.context.apply(validation.conference_bxml(conference_id, text))
        return empty(204)

    async def get_conference_member(self, request: Request) -> Response:
        """GET /conferences/{conferenceId}/members/{memberId}: a member in the conference now."""
        conference_id = request.path_params["conferenceId"]
        member_id = request.path_params["memberId"]
        view = self._record(conference_id)["conference"]
        for member in view["activeMembers"]:
            if member["callId"] == member_id:
                return json_response(member)
        raise UnknownConferenceError(
            f"Call [{member_id}] is not a member of conference [{conference_id}]"
        )

    async def update_conference_member(self, request: Request) -> Response:
        """PUT /conferences/{conferenceId}/members/{memberId}: mute, hold, coach; 204."""
        update = validation.member_update(
            request.path_params["conferenceId"],
            request.path_params["memberId"],
            await json_body(request),
        )
        self._require_live(request.path_params["conferenceId"])
        self.context.apply(update)
        return empty(204)

    # ---- recordings ------------------------------------------------------------------------

    def _recording_view(self, conference_id: str, stored: dict[str, Any]) -> dict[str, Any]:
        record = conference_record_of(self.platform, conference_id)
        live = self.platform.engine.recordings.get(stored.get("recordingId", ""))
        view = {key: stored.get(key) for key in RECORDING_FIELDS}
        view["conferenceId"] = conference_id
        view["name"] = record["conference"]["name"] if record else (live and live.conference_name)
        return view

    def _stored_recordings(self, conference_id: str) -> list[dict[str, Any]]:
        return self.platform.recordings(conference_id=conference_id)

    def _recording(self, request: Request) -> dict[str, Any]:
        conference_id = request.path_params["conferenceId"]
        recording_id = request.path_params["recordingId"]
        for stored in self._stored_recordings(conference_id):
            if stored.get("recordingId") == recording_id:
                return stored
        raise ResourceNotFoundError(
            f"Recording [{recording_id}] not found for conference [{conference_id}]"
        )

    async def list_conference_recordings(self, request: Request) -> Response:
        """GET /conferences/{conferenceId}/recordings (an unknown conference has none)."""
        conference_id = request.path_params["conferenceId"]
        stored = self._stored_recordings(conference_id)
        return json_response([self._recording_view(conference_id, item) for item in stored])

    async def get_conference_recording(self, request: Request) -> Response:
        """GET /conferences/{conferenceId}/recordings/{recordingId}."""
        conference_id = request.path_params["conferenceId"]
        return json_response(self._recording_view(conference_id, self._recording(request)))

    async def download_conference_recording(self, request: Request) -> Response:
        """GET .../recordings/{recordingId}/media: the audio."""
        recording_id = self._recording(request)["recordingId"]
        media = await self.platform.recording_media(recording_id)
        if media is None:
            raise ResourceNotFoundError(f"Recording [{recording_id}] has no media: it was deleted")
        audio, media_type = media
        return Response(audio, media_type=media_type)
