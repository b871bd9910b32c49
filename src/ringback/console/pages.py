"""The console's pages: the calls, a call as a waterfall, conferences, recordings' audio.

Each page reads through the functions the control API's endpoints use, and names its JSON twin
(`json_url` in the template) so the same data is one click away as JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ringback.api.call_filters import CallFilters, find_calls, read_call_filters
from ringback.console import waterfall
from ringback.console.conferences import conference_page, conference_rows
from ringback.console.highlight import stylesheet
from ringback.console.site import Console
from ringback.engine.call import CallStatus
from ringback.errors import RequestValidationError

CAUSES = (
    "hangup", "busy", "timeout", "cancel", "rejected", "callback-error", "invalid-bxml",
    "application-error", "account-limit", "node-capacity-exceeded", "error", "unknown",
)  # fmt: skip
MAX_LEGS_SHOWN = 50


def page_routes(console: Console) -> list[BaseRoute]:
    """The pages' routes."""
    pages = Pages(console)
    return [
        console.route("/", pages.calls),
        console.route("/calls/{callId}", pages.call),
        console.route("/calls/{callId}/part", pages.call_part),
        console.route("/conferences", pages.conferences),
        console.route("/conferences/{conferenceId}", pages.conference),
        console.route("/recordings/{recordingId}/audio", pages.recording_audio),
        console.route("/_console/highlight.css", pages.highlight_css),
    ]


class Pages:
    """The page endpoints of one console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.platform = console.platform

    async def calls(self, request: Request) -> Response:
        """`/`: the calls, newest first, filtered; new calls and changes arrive live."""
        try:
            filters = read_call_filters(request.query_params)
            error = ""
        except RequestValidationError as exc:
            filters, error = CallFilters(), exc.description
        query = filters.query()
        return self.console.render(
            "calls.html",
            status=400 if error else 200,
            calls=find_calls(self.platform, filters),
            filters=filters,
            error=error,
            states=[status.value for status in CallStatus],
            causes=CAUSES,
            applications=sorted(self.platform.applications),
            json_url="/_ringback/calls" + (f"?{urlencode(query)}" if query else ""),
        )

    async def call(self, request: Request) -> Response:
        """`/calls/{id}`: the call's waterfall, bodies, errors, recordings; live while it is up."""
        call_id = request.path_params["callId"]
        view = self._call_view(call_id)
        if view is None:
            return self._not_found(f"No call {call_id}")
        return self.console.render(
            "live.html",
            title=f"Call {call_id}",
            part="call_part.html",
            after_part="step_form.html",
            watch=call_id,
            part_url=f"/calls/{call_id}/part",
            **view,
        )

    async def call_part(self, request: Request) -> Response:
        """The live part of a call's page, which its script swaps in as the call goes on."""
        view = self._call_view(request.path_params["callId"])
        if view is None:
            return self._not_found(f"No call {request.path_params['callId']}")
        return self.console.render("call_part.html", **view)

    def _call_view(self, call_id: str) -> dict[str, Any] | None:
        state = self.platform.call_state(call_id)
        if state is None:
            return None
        legs = find_calls(self.platform, CallFilters(parent_call_id=call_id, limit=MAX_LEGS_SHOWN))
        legs.reverse()  # oldest first, as they were started
        entries = self.platform.timeline(call_id)
        lanes = [waterfall.CallTimeline(call_id, "call", state, entries)]
        lanes += [
            waterfall.CallTimeline(
                leg["callId"],
                waterfall.leg_label(entries, leg),
                leg,
                self.platform.timeline(leg["callId"]),
            )
            for leg in legs
        ]
        up = any(lane.state.get("state") != CallStatus.DISCONNECTED for lane in lanes)
        drawn = waterfall.build(lanes, now=self.platform.now() if up else None)
        recordings = [r for lane in lanes for r in self._recordings(lane.call_id)]
        return {
            "sockets": media_sockets(entry for lane in lanes for entry in lane.entries),
            "call": state,
            "call_id": call_id,
            "up": state.get("state") != CallStatus.DISCONNECTED,
            "waterfall": drawn,
            "recordings": recordings,
            "json_url": f"/_ringback/calls/{call_id}/timeline",
        }

    def _recordings(self, call_id: str) -> list[dict[str, Any]]:
        """Recordings' metadata, with the transcript's words where the engine still has them."""
        shown = []
        for stored in self.platform.recordings(call_id=call_id):
            live = self.platform.engine.recordings.get(stored.get("recordingId", ""))
            metadata = live.metadata() if live is not None and live.finished else stored
            words = []
            if live is not None and live.transcription is not None:
                words = [t["text"] for t in live.transcription.transcripts()["transcripts"]]
            shown.append({"metadata": metadata, "transcripts": words})
        return shown

    async def conferences(self, _request: Request) -> Response:
        """`/conferences`: every conference of this run, newest first."""
        return self.console.render(
            "conferences.html",
            conferences=conference_rows(self.platform),
            json_url="/_ringback/conferences",
        )

    async def conference(self, request: Request) -> Response:
        """`/conferences/{id}`: its members over time, and its webhooks."""
        conference_id = request.path_params["conferenceId"]
        view = conference_page(self.platform, conference_id)
        if view is None:
            return self._not_found(f"No conference {conference_id} (conferences live in memory)")
        json_url = f"/_ringback/conferences/{conference_id}"
        return self.console.render("conference.html", json_url=json_url, **view)

    async def recording_audio(self, request: Request) -> Response:
        """A recording's audio, for the page's <audio> (the REST download, without its auth)."""
        found = await self.platform.recording_media(request.path_params["recordingId"])
        if found is None:
            return self._not_found("No audio for this recording")
        audio, media_type = found
        return Response(audio, media_type=media_type, headers={"Accept-Ranges": "none"})

    async def highlight_css(self, _request: Request) -> Response:
        """The colours of highlighted bodies."""
        return Response(stylesheet(), media_type="text/css")

    def _not_found(self, message: str) -> Response:
        return self.console.render("not_found.html", status=404, message=message)


def media_sockets(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The call's WebSockets (media streams, real-time transcription), from their timeline
    entries: each socket's notes in order and the last figures (frames, bytes, close code)."""
    sockets: dict[str, dict[str, Any]] = {}
    for entry in entries:
        detail = entry["detail"]
        if entry["kind"] != "websocket" or "socketId" not in detail:
            continue
        socket = sockets.setdefault(
            str(detail["socketId"]),
            {"socketId": detail["socketId"], "purpose": detail.get("purpose"), "notes": []},
        )
        socket["notes"].append(entry["summary"])
        socket.update({key: value for key, value in detail.items() if key not in socket})
        for key in ("closeCode", "cause", "errorMessage", "frames", "bytesSent"):
            if key in detail:
                socket[key] = detail[key]
    return list(sockets.values())
