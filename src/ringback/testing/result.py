"""What a finished call left behind, shaped for assertions.

A `CallResult` is read once, when the call (and the legs it started) has ended and its last
webhook was delivered: the call's REST state, its timeline, its recordings with their audio and
transcriptions. Webhooks are grouped from the timeline's delivery attempts (a retry is the same
webhook, attempted twice; a duplicate is two webhooks), parsed from the bytes Ringback sent, and
typed on request with the official SDK's callback models (`bandwidth-sdk` 23.x).
"""

from __future__ import annotations

import io
import json
import os
import wave
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from ringback.errors import TestingError, WebhookNotFoundError
from ringback.testing import golden
from ringback.testing.report import render_call

NORMAL_CAUSE = "hangup"

# The SDK's model of each event that has one (spec §2.1, last column).
SDK_MODELS = {
    "initiate": "InitiateCallback",
    "answer": "AnswerCallback",
    "disconnect": "DisconnectCallback",
    "redirect": "RedirectCallback",
    "gather": "GatherCallback",
    "dtmf": "DtmfCallback",
    "recordComplete": "RecordingCompleteCallback",
    "recordingAvailable": "RecordingAvailableCallback",
    "transcriptionAvailable": "TranscriptionAvailableCallback",
    "machineDetectionComplete": "MachineDetectionCompleteCallback",
    "transferAnswer": "TransferAnswerCallback",
    "transferComplete": "TransferCompleteCallback",
    "transferDisconnect": "TransferDisconnectCallback",
    "bridgeComplete": "BridgeCompleteCallback",
    "bridgeTargetComplete": "BridgeTargetCompleteCallback",
    "conferenceCreated": "ConferenceCreatedCallback",
    "conferenceMemberJoin": "ConferenceMemberJoinCallback",
    "conferenceMemberExit": "ConferenceMemberExitCallback",
    "conferenceRedirect": "ConferenceRedirectCallback",
    "conferenceCompleted": "ConferenceCompletedCallback",
    "conferenceRecordingAvailable": "ConferenceRecordingAvailableCallback",
    "referComplete": "ReferCompleteCallback",
}


def sdk_model(event_type: str, body: dict[str, Any]) -> Any:
    """The event parsed with the official SDK's callback model (the raw dict if it has none)."""
    name = SDK_MODELS.get(event_type)
    if name is None:
        return body
    try:
        import bandwidth
    except ImportError:  # pragma: no cover - the SDK is what users' apps are written with
        raise TestingError(
            "typed webhooks need the official SDK: pip install bandwidth-sdk"
            " (or read .body for the raw JSON)"
        ) from None
    return getattr(bandwidth, name).from_dict(body)


@dataclass(frozen=True)
class Webhook:
    """One webhook as the app received it: its event, body, and the app's answer."""

    event_type: str
    body: dict[str, Any]
    url: str
    method: str
    status: int | None  # of the last attempt; None when no response came
    response: str  # the app's answer (BXML for a sync webhook)
    attempts: int  # 2 when the first attempt failed and the retry was sent
    sync: bool  # True when Ringback waited for BXML (answer, gather, ...)
    at: float  # the clock, epoch seconds
    note: str | None = None
    fault: str | None = None  # the fault on purpose it was delivered with (`duplicate`, ...)

    @property
    def model(self) -> Any:
        """The body parsed with the SDK's callback model (`GatherCallback`, ...)."""
        return sdk_model(self.event_type, self.body)


class EventList(list[str]):
    """The event types of a call's webhooks, in order; it knows its call, for pytest's report."""

    def __init__(self, events: list[str], call: CallResult) -> None:
        super().__init__(events)
        self.call = call


@dataclass(frozen=True)
class Recording:
    """A recording of the call: its REST metadata, audio and transcription."""

    recording_id: str
    metadata: dict[str, Any]
    audio: bytes
    media_type: str
    transcription: str | None

    @property
    def duration(self) -> float:
        """Seconds of audio, measured from the WAV file itself."""
        if self.audio[:4] != b"RIFF":
            raise TestingError(
                f"recording {self.recording_id} is {self.media_type}, not WAV: use"
                " metadata['duration']"
            )
        with wave.open(io.BytesIO(self.audio), "rb") as wav:
            frames: int = wav.getnframes()
            rate: int = wav.getframerate()
        return frames / rate


@dataclass
class CallResult:
    """A finished call: webhooks, verbs, timeline, recordings, disconnect cause, legs."""

    call_id: str
    state: dict[str, Any]
    timeline: list[dict[str, Any]]
    recordings: list[Recording] = field(default_factory=list)
    legs: list[CallResult] = field(default_factory=list)
    cut_short: str | None = None  # why Ringback hung up a call that did not end by itself
    spec: dict[str, Any] | None = None  # how it was placed (ringback.call/inbound): replayable
    ringback_url: str = ""  # the platform's URL, for golden files
    update_goldens: bool = False  # assert_matches writes the golden file instead of comparing

    @property
    def cause(self) -> str | None:
        """The disconnect cause (`hangup`, `busy`, `callback-error`, `invalid-bxml`, ...)."""
        cause = self.state.get("disconnectCause")
        return str(cause) if cause else None

    @property
    def error_message(self) -> str | None:
        """Why the call failed, as the `disconnect` webhook says it."""
        message = self.state.get("errorMessage")
        return str(message) if message else None

    @property
    def ended_normally(self) -> bool:
        """The call ended by itself with cause `hangup` (whichever side hung up)."""
        return self.cut_short is None and self.cause == NORMAL_CAUSE

    @property
    def duration(self) -> float:
        """Seconds of the call's clock from its first timeline entry to its last."""
        if not self.timeline:
            return 0.0
        return float(self.timeline[-1]["at"]) - float(self.timeline[0]["at"])

    @cached_property
    def _webhooks(self) -> list[Webhook]:
        return webhooks_of(self.timeline)

    def webhooks(self, event_type: str | None = None) -> list[Webhook]:
        """The webhooks sent for this call, in order (only those of `event_type` if given)."""
        return [w for w in self._webhooks if event_type is None or w.event_type == event_type]

    def events(self) -> EventList:
        """The event types of the webhooks, in order: `["answer", "gather", "disconnect"]`."""
        return EventList([w.event_type for w in self._webhooks], self)

    def webhook(self, event_type: str, index: int = 0) -> Any:
        """The `index`-th webhook of `event_type`, typed with the SDK's model (`.digits`)."""
        return self.raw_webhook(event_type, index).model

    def raw_webhook(self, event_type: str, index: int = 0) -> Webhook:
        """The `index`-th webhook of `event_type`: body, the app's response, attempts."""
        found = self.webhooks(event_type)
        if index >= len(found) or index < -len(found):
            raise WebhookNotFoundError(
                f"call {self.call_id} sent {len(found)} {event_type!r} webhook(s), asked for"
                f" index {index}; its webhooks were {list(self.events())}"
            )
        return found[index]

    def bxml(self, event_type: str, index: int = 0) -> str:
        """The app's answer to the `index`-th webhook of `event_type`."""
        return self.raw_webhook(event_type, index).response

    def verbs(self) -> list[str]:
        """The BXML verbs run, in the order they started: `["SpeakSentence", "Gather", ...]`."""
        return [
            str(entry["detail"]["verb"])
            for entry in self.timeline
            if entry["kind"] == "verb" and str(entry["summary"]).endswith(" started")
        ]

    def transcriptions(self) -> list[str]:
        """The text of each recording's transcription, for those transcribed."""
        return [r.transcription for r in self.recordings if r.transcription is not None]

    def assert_matches(self, golden_path: str | Path) -> None:
        """Compare the call with its golden file (webhooks, bodies, BXML); a readable diff if not.

        Under `--ringback-update-goldens` (or `Ringback(update_goldens=True)`, or the
        environment variable RINGBACK_UPDATE_GOLDENS=1) the file is written instead.
        """
        update = self.update_goldens or os.environ.get("RINGBACK_UPDATE_GOLDENS", "") == "1"
        golden.assert_matches(self, golden_path, self.ringback_url, update)

    def render(self, *, bodies: bool = False) -> str:
        """The call's timeline as readable text (what pytest shows when a test fails)."""
        return render_call(self, bodies=bodies)

    def __str__(self) -> str:
        return self.render()


def webhooks_of(timeline: list[dict[str, Any]]) -> list[Webhook]:
    """Group a timeline's delivery attempts into webhooks (attempt 1 starts a new one)."""
    found: list[Webhook] = []
    for entry in timeline:
        if entry["kind"] != "webhook":
            continue
        detail = entry["detail"]
        attempt = int(detail.get("attempt") or 1)
        webhook = Webhook(
            event_type=str(detail["event_type"]),
            body=_body(str(detail.get("request_body") or ""), str(detail.get("method"))),
            url=str(detail["url"]),
            method=str(detail.get("method")),
            status=detail.get("status"),
            response=str(detail.get("response_body") or ""),
            attempts=attempt,
            sync=bool(detail.get("sync")),
            at=float(entry["at"]),
            note=detail.get("note"),
            fault=detail.get("fault"),
        )
        if attempt > 1 and found and found[-1].event_type == webhook.event_type:
            found[-1] = webhook  # a retry, a resend with credentials or the fallback
        else:
            found.append(webhook)
    return found


def _body(text: str, method: str) -> dict[str, Any]:
    if method == "GET":
        return dict(parse_qsl(text, keep_blank_values=True))
    if not text:
        return {}
    data = json.loads(text)
    return data if isinstance(data, dict) else {"body": data}
