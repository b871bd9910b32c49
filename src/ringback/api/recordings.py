"""Call recordings, their transcriptions, and real-time transcriptions (spec §5.8).

Emulated: metadata, media download (`audio/vnd.wave` or `audio/mpeg`, rendered on first
download), deleting a recording or only its media, pausing and resuming the `<StartRecording>`
recording, transcribing on request with a `transcriptionAvailable` webhook, and the real-time
transcripts a `<StartTranscription>` left on a call. A recording's transcription is the far
end's words in the recording (`engine/recordings.py`), confidence 1.0.

Differences: transcribing an unknown recording is 404 (Bandwidth answered 502); a recording made
before the server restarted keeps its metadata and audio but can no longer be transcribed (its
sounds lived in memory); `detectLanguage` changes nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ringback.api import validation
from ringback.api.context import Endpoints, empty, json_body, json_response
from ringback.api.queries import recording_query
from ringback.engine.payloads import call_event, timestamp
from ringback.engine.recordings import Recording
from ringback.engine.verbs.transcripts import transcripts
from ringback.errors import ResourceNotFoundError
from ringback.events import Transcription, TranscriptionAvailableEvent

MAX_RECORDINGS_LISTED = 1000
CALL = "/accounts/{accountId}/calls/{callId}"
RECORDING = CALL + "/recordings/{recordingId}"
TRANSCRIPTION = CALL + "/transcriptions/{transcriptionId}"


def recording_not_found(recording_id: str, call_id: str) -> ResourceNotFoundError:
    """404 for a recording that is not this call's."""
    return ResourceNotFoundError(f"Recording [{recording_id}] not found for call [{call_id}]")


class Recordings(Endpoints):
    """The recordings and transcriptions endpoints of one platform."""

    def routes(self) -> list[Route]:
        """Routes relative to /api/v2."""
        route = self.context.route
        return [
            route("/accounts/{accountId}/recordings", self.list_account_call_recordings, "GET"),
            route(CALL + "/recordings", self.list_call_recordings, "GET"),
            route(CALL + "/recording", self.update_call_recording_state, "PUT"),
            route(RECORDING, self.get_call_recording, "GET"),
            route(RECORDING, self.delete_recording, "DELETE"),
            route(RECORDING + "/media", self.download_call_recording, "GET"),
            route(RECORDING + "/media", self.delete_recording_media, "DELETE"),
            route(RECORDING + "/transcription", self.get_recording_transcription, "GET"),
            route(RECORDING + "/transcription", self.transcribe_call_recording, "POST"),
            route(RECORDING + "/transcription", self.delete_recording_transcription, "DELETE"),
            route(CALL + "/transcriptions", self.list_real_time_transcriptions, "GET"),
            route(TRANSCRIPTION, self.get_real_time_transcription, "GET"),
            route(TRANSCRIPTION, self.delete_real_time_transcription, "DELETE"),
        ]

    # ---- metadata ------------------------------------------------------------------------

    def metadata(self, stored: dict[str, Any]) -> dict[str, Any]:
        """A recording's metadata, with a transcription made since it was stored."""
        live = self.platform.engine.recordings.get(stored.get("recordingId", ""))
        if live is not None and live.finished:
            return live.metadata()
        return stored

    def _call_recording(self, request: Request) -> dict[str, Any]:
        call_id = request.path_params["callId"]
        recording_id = request.path_params["recordingId"]
        stored = self.platform.recording(recording_id)
        if stored is None or stored.get("callId") != call_id:
            raise recording_not_found(recording_id, call_id)
        return self.metadata(stored)

    def _live_recording(self, request: Request) -> Recording:
        self._call_recording(request)
        recording_id = request.path_params["recordingId"]
        live = self.platform.engine.recordings.get(recording_id)
        if live is None:
            raise ResourceNotFoundError(
                f"Recording [{recording_id}] was made before Ringback restarted: its sounds "
                "are gone, so it cannot be transcribed"
            )
        return live

    async def list_account_call_recordings(self, request: Request) -> Response:
        """GET /recordings: every call recording of the account, filtered (at most 1000)."""
        query = recording_query(request.query_params)
        found = [
            self.metadata(stored)
            for stored in self.platform.recordings()
            if stored.get("callId") is not None and query.matches(stored)
        ]
        return json_response(found[:MAX_RECORDINGS_LISTED])

    async def list_call_recordings(self, request: Request) -> Response:
        """GET /calls/{callId}/recordings: an unknown call has none (`[]`, as on Bandwidth)."""
        stored = self.platform.recordings(call_id=request.path_params["callId"])
        return json_response([self.metadata(item) for item in stored])

    async def get_call_recording(self, request: Request) -> Response:
        """GET .../recordings/{recordingId}."""
        return json_response(self._call_recording(request))

    async def delete_recording(self, request: Request) -> Response:
        """DELETE .../recordings/{recordingId}: metadata, media and transcription; 204."""
        recording = self._call_recording(request)
        self.platform.delete_recording(recording["recordingId"])
        return empty(204)

    async def download_call_recording(self, request: Request) -> Response:
        """GET .../media: the audio, WAV or MP3."""
        recording = self._call_recording(request)
        media = await self.platform.recording_media(recording["recordingId"])
        if media is None:
            raise ResourceNotFoundError(
                f"Recording [{recording['recordingId']}] has no media: it was deleted"
            )
        audio, media_type = media
        return Response(audio, media_type=media_type)

    async def delete_recording_media(self, request: Request) -> Response:
        """DELETE .../media: the audio only; the metadata stays. 204."""
        recording = self._call_recording(request)
        self.platform.delete_recording_media(recording["recordingId"])
        return empty(204)

    async def update_call_recording_state(self, request: Request) -> Response:
        """PUT /calls/{callId}/recording `{"state": "paused"|"recording"}`; 200."""
        call_id = request.path_params["callId"]
        update = validation.recording_state(call_id, await json_body(request))
        self.context.apply(update)
        return empty(200)

    # ---- recording transcriptions ------------------------------------------------------------

    async def get_recording_transcription(self, request: Request) -> Response:
        """GET .../transcription: the transcripts; 404 until transcribed or after deletion."""
        self._call_recording(request)
        live = self.platform.engine.recordings.get(request.path_params["recordingId"])
        if live is None or live.transcription is None:
            raise ResourceNotFoundError(
                f"Recording [{request.path_params['recordingId']}] has no transcription"
            )
        return json_response(live.transcription.transcripts())

    async def transcribe_call_recording(self, request: Request) -> Response:
        """POST .../transcription: transcribe now, then send `transcriptionAvailable`; 204."""
        asked = validation.transcribe(await json_body(request))
        recording = self._live_recording(request)
        now = self.platform.now()
        done = recording.transcribe(self.platform.engine.ids.transcription(), now)
        call = self.platform.engine.calls.get(request.path_params["callId"])
        if asked.callback is not None and call is not None:
            fields = recording.event_fields()
            del fields["channels"]  # transcriptionAvailable has no channel count
            event = call_event(
                TranscriptionAvailableEvent,
                call,
                now,
                **fields,
                transcription=Transcription(
                    id=done.transcription_id,
                    status=done.status,
                    url=done.url,
                    completed_time=timestamp(done.completed_time),
                ),
                tag=asked.tag,
            )
            self.platform.send_event(event, asked.callback, asked.callback_timeout_s)
        return empty(204)

    async def delete_recording_transcription(self, request: Request) -> Response:
        """DELETE .../transcription; 204 (404 when there is none)."""
        recording = self._live_recording(request)
        if recording.transcription is None:
            raise ResourceNotFoundError(
                f"Recording [{recording.recording_id}] has no transcription"
            )
        recording.transcription = None
        return empty(204)

    # ---- real-time transcriptions ----------------------------------------------------------

    def _transcripts(self, request: Request) -> Any:
        call = self.platform.engine.calls.get(request.path_params["callId"])
        return None if call is None else transcripts(call)

    async def list_real_time_transcriptions(self, request: Request) -> Response:
        """GET /calls/{callId}/transcriptions: the call's finished real-time transcriptions."""
        store = self._transcripts(request)
        if store is None:
            return json_response([])
        return json_response([t.summary_wire() for t in store.by_id.values()])

    async def get_real_time_transcription(self, request: Request) -> Response:
        """GET /calls/{callId}/transcriptions/{transcriptionId}: the tracks' transcripts."""
        store = self._transcripts(request)
        transcription_id = request.path_params["transcriptionId"]
        found = None if store is None else store.by_id.get(transcription_id)
        if found is None:
            raise self._transcription_not_found(request)
        call_id = request.path_params["callId"]
        return json_response(found.detail_wire(self.context.account_id, call_id))

    async def delete_real_time_transcription(self, request: Request) -> Response:
        """DELETE /calls/{callId}/transcriptions/{transcriptionId}: 200 with no body."""
        store = self._transcripts(request)
        if store is None or not store.delete(request.path_params["transcriptionId"]):
            raise self._transcription_not_found(request)
        return empty(200)

    @staticmethod
    def _transcription_not_found(request: Request) -> ResourceNotFoundError:
        return ResourceNotFoundError(
            f"Transcription [{request.path_params['transcriptionId']}] not found for call "
            f"[{request.path_params['callId']}]"
        )
