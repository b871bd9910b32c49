"""v1 recordings, transcriptions and their media (v1 spec §2.4, §2.5, §2.9).

A v1 call's recordings are the engine's recordings (real WAV or MP3 files rendered from what
was said and played); their audio is `GET /media/{callId}-{n}.{format}` and a transcription's
full text `GET /media/{transcriptionId}`.

Simplifications, stated: a recording has at most one transcription (a second POST answers with
the first's Location); transcription is instant on the virtual clock; `DELETE /media` of a
recording is not offered.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ringback.api.v1.calls import Calls
from ringback.api.v1.context import V1Context, created, page
from ringback.api.v1.messages import Messages
from ringback.api.v1.views import (
    media_name,
    recording_view,
    transcription_view,
    v1_recordings,
)
from ringback.engine.recordings import Recording
from ringback.engine.v1 import requests as r
from ringback.errors import V1ApiError


def not_found(kind: str, code: str, name: str, value: str) -> V1ApiError:
    """404 naming the resource."""
    message = f"The {kind} '{value}' could not be found"
    return V1ApiError(404, "not-found", code, message, ((name, value),))


class Recordings:
    """`/recordings`, `/recordings/{id}/transcriptions`, the calls' views of them, `/media`."""

    def __init__(self, context: V1Context) -> None:
        self.context = context
        self.platform = context.platform
        self.calls = Calls(context)
        self.uploads = Messages(context)

    def routes(self) -> list[Route]:
        """The routes of this group."""
        route = self.context.route
        return [
            route("/recordings", self.list_recordings, "GET"),
            route("/recordings/{recordingId}", self.get_recording, "GET"),
            route("/recordings/{recordingId}/transcriptions", self.transcribe, "POST"),
            route("/recordings/{recordingId}/transcriptions", self.list_transcriptions, "GET"),
            route(
                "/recordings/{recordingId}/transcriptions/{transcriptionId}",
                self.get_transcription,
                "GET",
            ),
            route("/calls/{callId}/recordings", self.call_recordings, "GET"),
            route("/calls/{callId}/transcriptions", self.call_transcriptions, "GET"),
            route("/media/{mediaName:path}", self.media, "GET"),
        ]

    def recording(self, request: Request) -> Recording:
        """The v1 recording named in the path."""
        recording_id = request.path_params["recordingId"]
        engine = self.platform.engine
        if not any(rec.recording_id == recording_id for rec in v1_recordings(engine)):
            raise not_found("recording", "recording-not-found", "recordingId", recording_id)
        return engine.recordings[recording_id]

    async def list_recordings(self, request: Request) -> Response:
        """GET /recordings."""
        engine = self.platform.engine
        return page(request, [recording_view(engine, rec) for rec in v1_recordings(engine)])

    async def get_recording(self, request: Request) -> Response:
        """GET /recordings/{id}."""
        return JSONResponse(recording_view(self.platform.engine, self.recording(request)))

    async def call_recordings(self, request: Request) -> Response:
        """GET /calls/{id}/recordings."""
        call, _ = self.calls.call(request.path_params["callId"])
        engine = self.platform.engine
        views = [recording_view(engine, rec) for rec in v1_recordings(engine, call.call_id)]
        return page(request, views)

    async def call_transcriptions(self, request: Request) -> Response:
        """GET /calls/{id}/transcriptions."""
        call, _ = self.calls.call(request.path_params["callId"])
        engine = self.platform.engine
        views = [transcription_view(engine, rec) for rec in v1_recordings(engine, call.call_id)]
        return page(request, [view for view in views if view is not None])

    async def transcribe(self, request: Request) -> Response:
        """POST /recordings/{id}/transcriptions → 201 + Location."""
        recording = self.recording(request)
        existing = recording.transcription
        transcription_id = (
            existing.transcription_id if existing else self.platform.engine.ids.v1("tr")
        )
        self.platform.v1_command(r.Transcribe(recording.recording_id, transcription_id))
        return created(
            self.context.url(
                "recordings", recording.recording_id, "transcriptions", transcription_id
            )
        )

    async def list_transcriptions(self, request: Request) -> Response:
        """GET /recordings/{id}/transcriptions."""
        view = transcription_view(self.platform.engine, self.recording(request))
        return page(request, [view] if view is not None else [])

    async def get_transcription(self, request: Request) -> Response:
        """GET /recordings/{id}/transcriptions/{transcriptionId}."""
        transcription_id = request.path_params["transcriptionId"]
        view = transcription_view(self.platform.engine, self.recording(request))
        if view is None or view["id"] != transcription_id:
            raise not_found(
                "transcription", "transcription-not-found", "transcriptionId", transcription_id
            )
        return JSONResponse(view)

    async def media(self, request: Request) -> Response:
        """GET /media/{name}: a recording's audio, a transcription's text, or an upload."""
        name = request.path_params["mediaName"]
        engine = self.platform.engine
        for recording in v1_recordings(engine):
            transcript = recording.transcription
            if transcript is not None and transcript.transcription_id == name:
                return Response(transcript.text, media_type="text/plain; charset=utf-8")
            if recording.finished and media_name(engine, recording) == name:
                found = await self.platform.recording_media(recording.recording_id)
                if found is not None:
                    audio, media_type = found
                    return Response(audio, media_type=media_type)
        return await self.uploads.get_media(request)  # a file put with PUT /media
