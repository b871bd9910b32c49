"""v1 `/conferences` (and members) and `/bridges` (v1 spec §2.2, §2.3).

Validation and views here; the behaviour is `ringback.engine.v1.rooms` on the engine's shared
conference and bridge machinery.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.v1.calls import Calls, read_audio, read_events
from ringback.api.v1.context import V1Context, created, ok, page, read_body
from ringback.api.v1.values import Body
from ringback.api.v1.views import call_view, v1_time
from ringback.engine.core import Engine
from ringback.engine.v1 import bridges, rooms
from ringback.engine.v1 import requests as r
from ringback.engine.v1.leg import leg_of, user_url
from ringback.errors import V1StateError

PROFILES = ("interpret_digits", "passthru_digits")
MAX_BRIDGE_CALLS = 2


def conference_view(engine: Engine, room: rooms.V1Conference) -> dict[str, Any]:
    """GET /conferences/{id}."""
    callback = room.events.callback
    view = {
        "id": room.conference_id,
        "state": room.state,
        "from": room.from_,
        "createdTime": room.created,
        "completedTime": room.completed,
        "activeMembers": room.active_members,
        "hold": room.hold,
        "mute": room.mute,
        "profile": room.profile,
        "callbackUrl": callback.url if callback else None,
        "callbackHttpMethod": callback.method.lower() if callback else None,
        "callbackTimeout": round(room.events.timeout_s * 1000),
        "fallbackUrl": callback.fallback_url if callback else None,
        "tag": room.tag,
        "members": user_url(engine, "conferences", room.conference_id, "members"),
    }
    return {key: value for key, value in view.items() if value is not None}


def member_view(engine: Engine, one: rooms.V1Member) -> dict[str, Any]:
    """GET /conferences/{id}/members/{memberId}."""
    view = {
        "id": one.member_id,
        "state": one.state,
        "mute": one.mute,
        "hold": one.hold,
        "joinTone": one.join_tone,
        "leavingTone": one.leaving_tone,
        "addedTime": one.added,
        "removedTime": one.removed,
        "call": user_url(engine, "calls", one.call_id),
    }
    return {key: value for key, value in view.items() if value is not None}


def bridge_view(engine: Engine, room: bridges.V1Bridge) -> dict[str, Any]:
    """GET /bridges/{id}."""
    state = bridges.bridge_state(engine, room)
    if state == "completed" and room.completed is None:
        ends = [engine.calls[c].end_time for c in room.call_ids if c in engine.calls]
        room.completed = v1_time(max((end for end in ends if end is not None), default=None))
    view = {
        "id": room.bridge_id,
        "state": state,
        "bridgeAudio": room.bridge_audio,
        "calls": user_url(engine, "bridges", room.bridge_id, "calls"),
        "callIds": list(room.call_ids),
        "createdTime": room.created,
        "activatedTime": room.activated,
        "completedTime": room.completed,
    }
    return {key: value for key, value in view.items() if value is not None}


class Rooms:
    """The conference and bridge endpoints."""

    def __init__(self, context: V1Context) -> None:
        self.context = context
        self.platform = context.platform
        self.calls = Calls(context)

    def routes(self) -> list[Route]:
        """The routes of this group."""
        route = self.context.route
        conference = "/conferences/{conferenceId}"
        member = conference + "/members/{memberId}"
        return [
            route("/conferences", self.create_conference, "POST"),
            route(conference, self.get_conference, "GET"),
            route(conference, self.update_conference, "POST"),
            route(conference + "/audio", self.conference_audio, "POST"),
            route(conference + "/members", self.add_member, "POST"),
            route(conference + "/members", self.list_members, "GET"),
            route(member, self.get_member, "GET"),
            route(member, self.update_member, "POST"),
            route(member + "/audio", self.member_audio, "POST"),
            route("/bridges", self.create_bridge, "POST"),
            route("/bridges", self.list_bridges, "GET"),
            route("/bridges/{bridgeId}", self.get_bridge, "GET"),
            route("/bridges/{bridgeId}", self.update_bridge, "POST"),
            route("/bridges/{bridgeId}/audio", self.bridge_audio, "POST"),
            route("/bridges/{bridgeId}/calls", self.bridge_calls, "GET"),
        ]

    @property
    def engine(self) -> Engine:
        """The running engine."""
        return self.platform.engine

    # ---- conferences -----------------------------------------------------------------------

    async def create_conference(self, request: Request) -> Response:
        """POST /conferences → 201 + Location."""
        body = await read_body(request, "conference")
        from_ = body.phone("from", required=True)
        assert from_ is not None
        conference_id = self.engine.ids.v1("conf")
        command = r.CreateConference(
            conference_id,
            from_,
            events=read_events(body),
            profile=body.choice("profile", PROFILES) or "interpret_digits",
            tag=body.text("tag", max_length=256),
        )
        self.platform.v1_command(command)
        return created(self.context.url("conferences", conference_id))

    async def get_conference(self, request: Request) -> Response:
        """GET /conferences/{id}."""
        room = rooms.conference(self.engine, request.path_params["conferenceId"])
        return JSONResponse(conference_view(self.engine, room))

    async def update_conference(self, request: Request) -> Response:
        """POST /conferences/{id}: `state: completed`, `hold`, `mute`, events, `tag`."""
        conference_id = request.path_params["conferenceId"]
        room = rooms.conference(self.engine, conference_id)
        body = await read_body(request, "conference")
        events = None
        if body.has("callbackUrl"):
            events = read_events(body, timeout_s=room.events.timeout_s)
        command = r.UpdateConference(
            conference_id,
            state=body.choice("state", ("active", "completed")),
            hold=body.boolean("hold"),
            mute=body.boolean("mute"),
            events=events,
            tag=body.text("tag", max_length=256),
        )
        self.platform.v1_command(command)
        return ok()

    async def conference_audio(self, request: Request) -> Response:
        """POST /conferences/{id}/audio."""
        conference_id = request.path_params["conferenceId"]
        rooms.conference(self.engine, conference_id)
        audio = read_audio(await read_body(request, "audio"))
        self.platform.v1_command(r.ConferenceAudio(conference_id, audio))
        return ok()

    async def add_member(self, request: Request) -> Response:
        """POST /conferences/{id}/members → 201 + Location of the member."""
        conference_id = request.path_params["conferenceId"]
        rooms.conference(self.engine, conference_id)
        body = await read_body(request, "member")
        call_id = body.text("callId", required=True, max_length=64)
        assert call_id is not None
        self.calls.call(call_id)
        member_id = self.engine.ids.v1("member")
        command = r.AddMember(
            conference_id,
            member_id,
            call_id,
            join_tone=bool(body.boolean("joinTone")),
            leaving_tone=bool(body.boolean("leavingTone")),
            mute=bool(body.boolean("mute")),
            hold=bool(body.boolean("hold")),
        )
        self.platform.v1_command(command)
        return created(self.context.url("conferences", conference_id, "members", member_id))

    async def list_members(self, request: Request) -> Response:
        """GET /conferences/{id}/members (removed members stay, `completed`)."""
        room = rooms.conference(self.engine, request.path_params["conferenceId"])
        return page(request, [member_view(self.engine, one) for one in room.members.values()])

    def _member(self, request: Request) -> rooms.V1Member:
        room = rooms.conference(self.engine, request.path_params["conferenceId"])
        return rooms.member(room, request.path_params["memberId"])

    async def get_member(self, request: Request) -> Response:
        """GET /conferences/{id}/members/{memberId}."""
        return JSONResponse(member_view(self.engine, self._member(request)))

    async def update_member(self, request: Request) -> Response:
        """POST /conferences/{id}/members/{memberId}: remove, mute, hold, tones."""
        one = self._member(request)
        body = await read_body(request, "member")
        command = r.UpdateMember(
            request.path_params["conferenceId"],
            one.member_id,
            state=body.choice("state", ("active", "completed")),
            mute=body.boolean("mute"),
            hold=body.boolean("hold"),
            join_tone=body.boolean("joinTone"),
            leaving_tone=body.boolean("leavingTone"),
        )
        self.platform.v1_command(command)
        return ok()

    async def member_audio(self, request: Request) -> Response:
        """POST /conferences/{id}/members/{memberId}/audio."""
        one = self._member(request)
        audio = read_audio(await read_body(request, "audio"))
        conference_id = request.path_params["conferenceId"]
        self.platform.v1_command(r.MemberAudio(conference_id, one.member_id, audio))
        return ok()

    # ---- bridges ---------------------------------------------------------------------------

    def _call_ids(self, body: Body) -> tuple[str, ...] | None:
        raw = body.raw("callIds")
        if raw is None:
            return None
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise body.invalid("callIds", "a list of call ids")
        if len(raw) > MAX_BRIDGE_CALLS:
            raise V1StateError(
                f"A bridge holds at most {MAX_BRIDGE_CALLS} calls, got {len(raw)}",
                code="bridge-callIds-overflow",
            )
        for call_id in raw:
            self.calls.call(call_id)
        return tuple(raw)

    async def create_bridge(self, request: Request) -> Response:
        """POST /bridges → 201 + Location."""
        body = await read_body(request, "bridge")
        call_ids = self._call_ids(body) or ()
        audio = body.boolean("bridgeAudio")
        bridge_id = self.engine.ids.v1("brg")
        command = r.CreateBridge(bridge_id, call_ids, True if audio is None else audio)
        self.platform.v1_command(command)
        return created(self.context.url("bridges", bridge_id))

    async def list_bridges(self, request: Request) -> Response:
        """GET /bridges."""
        views = [
            bridge_view(self.engine, room)
            for room in self.engine.v1_bridges.values()
            if isinstance(room, bridges.V1Bridge)
        ]
        return page(request, views)

    async def get_bridge(self, request: Request) -> Response:
        """GET /bridges/{id}."""
        room = bridges.bridge(self.engine, request.path_params["bridgeId"])
        return JSONResponse(bridge_view(self.engine, room))

    async def update_bridge(self, request: Request) -> Response:
        """POST /bridges/{id}: `callIds`, `bridgeAudio`."""
        room = bridges.bridge(self.engine, request.path_params["bridgeId"])
        body = await read_body(request, "bridge")
        command = r.UpdateBridge(room.bridge_id, self._call_ids(body), body.boolean("bridgeAudio"))
        self.platform.v1_command(command)
        return ok()

    async def bridge_audio(self, request: Request) -> Response:
        """POST /bridges/{id}/audio: both calls hear it."""
        room = bridges.bridge(self.engine, request.path_params["bridgeId"])
        audio = read_audio(await read_body(request, "audio"))
        self.platform.v1_command(r.BridgeAudio(room.bridge_id, audio))
        return ok()

    async def bridge_calls(self, request: Request) -> Response:
        """GET /bridges/{id}/calls."""
        room = bridges.bridge(self.engine, request.path_params["bridgeId"])
        views = []
        for call_id in room.call_ids:
            call = self.engine.calls.get(call_id)
            leg = leg_of(call) if call is not None else None
            if call is not None and leg is not None:
                views.append(call_view(self.engine, call, leg))
        return page(request, views)
