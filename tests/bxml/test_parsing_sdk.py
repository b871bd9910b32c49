"""Every document the official SDK (bandwidth-sdk 23.3.1) builds parses, with the right fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bandwidth.models import bxml as sdk

from ringback import bxml
from ringback.bxml import Document, parse

Case = tuple[str, Callable[[], Any], bxml.Verb]

CASES: list[Case] = [
    (
        "speak-ssml",
        lambda: sdk.SpeakSentence(
            'Hello <say-as interpret-as="telephone">5551234</say-as>'
            ' <break time="1s"/> <sub alias="World Wide Web">WWW</sub> & bye',
            voice="julie",
        ),
        bxml.SpeakSentence(
            'Hello <say-as interpret-as="telephone">5551234</say-as> <break time="1s"/>'
            ' <sub alias="World Wide Web">WWW</sub> &amp; bye',
            voice="julie",
        ),
    ),
    (
        "speak-gender-locale",
        lambda: sdk.SpeakSentence("Hola", gender="male", locale="es_MX"),
        bxml.SpeakSentence("Hola", gender="male", locale="es_MX"),
    ),
    (
        "play-audio",
        lambda: sdk.PlayAudio("https://a/x.wav", username="u", password="p"),
        bxml.PlayAudio("https://a/x.wav", username="u", password="p"),
    ),
    (
        "gather-full",
        lambda: sdk.Gather(
            audio_verbs=[sdk.SpeakSentence("Press"), sdk.PlayAudio("/beep.wav")],
            gather_url="/g",
            gather_method="GET",
            gather_fallback_url="https://b/g",
            gather_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="menu",
            terminating_digits="#*",
            max_digits=3,
            inter_digit_timeout=2,
            first_digit_timeout=0,
            repeat_count=3,
        ),
        bxml.Gather(
            (bxml.SpeakSentence("Press"), bxml.PlayAudio("/beep.wav")),
            gather_url="/g",
            gather_method="GET",
            gather_fallback_url="https://b/g",
            gather_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="menu",
            terminating_digits="#*",
            max_digits=3,
            inter_digit_timeout=2.0,
            first_digit_timeout=0.0,
            repeat_count=3,
        ),
    ),
    (
        "gather-speech",
        lambda: sdk.Gather(
            input="dtmf_speech",
            hints="yes,no",
            language="en-US",
            partial_result_callback="/partial",
            partial_result_callback_method="GET",
            profanity_filter=False,
            speech_model="default",
            speech_timeout=3,
        ),
        bxml.Gather(
            input="dtmf_speech",
            hints="yes,no",
            language="en-US",
            partial_result_callback="/partial",
            partial_result_callback_method="GET",
            profanity_filter=False,
            speech_model="default",
            speech_timeout=3.0,
        ),
    ),
    (
        "start-gather",
        lambda: sdk.StartGather(
            dtmf_url="/dtmf", dtmf_method="GET", username="u", password="p", tag="t"
        ),
        bxml.StartGather("/dtmf", dtmf_method="GET", username="u", password="p", tag="t"),
    ),
    ("stop-gather", sdk.StopGather, bxml.StopGather()),
    ("record-default", sdk.Record, bxml.Record()),
    (
        "record-full",
        lambda: sdk.Record(
            record_complete_url="/rc",
            record_complete_method="GET",
            record_complete_fallback_url="/rcf",
            record_complete_fallback_method="GET",
            recording_available_url="/ra",
            recording_available_method="GET",
            transcribe=True,
            transcription_available_url="/ta",
            transcription_available_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="",
            terminating_digits="",
            max_duration=30,
            silence_timeout="3",
            file_format="mp3",
            detect_language=True,
            recording_name="voicemail",
        ),
        bxml.Record(
            record_complete_url="/rc",
            record_complete_method="GET",
            record_complete_fallback_url="/rcf",
            record_complete_fallback_method="GET",
            recording_available_url="/ra",
            recording_available_method="GET",
            transcribe=True,
            transcription_available_url="/ta",
            transcription_available_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="",
            terminating_digits="",
            max_duration=30.0,
            silence_timeout=3.0,
            file_format="mp3",
            detect_language=True,
            recording_name="voicemail",
        ),
    ),
    (
        "start-recording",
        lambda: sdk.StartRecording(
            recording_available_url="/ra",
            recording_available_method="GET",
            transcribe=True,
            transcription_available_url="/ta",
            transcription_available_method="GET",
            username="u",
            password="p",
            tag="rec",
            file_format="mp3",
            multi_channel=True,
            detect_language=True,
            recording_name="call",
        ),
        bxml.StartRecording(
            recording_available_url="/ra",
            recording_available_method="GET",
            transcribe=True,
            transcription_available_url="/ta",
            transcription_available_method="GET",
            username="u",
            password="p",
            tag="rec",
            file_format="mp3",
            multi_channel=True,
            detect_language=True,
            recording_name="call",
        ),
    ),
    ("pause-recording", sdk.PauseRecording, bxml.PauseRecording()),
    ("resume-recording", sdk.ResumeRecording, bxml.ResumeRecording()),
    ("stop-recording", sdk.StopRecording, bxml.StopRecording()),
    (
        "transfer-full",
        lambda: sdk.Transfer(
            transfer_to=[
                sdk.PhoneNumber(
                    "+15551112222",
                    transfer_answer_url="/ta",
                    transfer_answer_method="GET",
                    transfer_answer_fallback_url="/taf",
                    transfer_answer_fallback_method="GET",
                    transfer_disconnect_url="/td",
                    transfer_disconnect_method="GET",
                    username="u",
                    password="p",
                    fallback_username="fu",
                    fallback_password="fp",
                    tag="leg-b",
                    uui="abc;encoding=base64",
                ),
                sdk.SipUri("sip:a@b.com", uui="eyJ9;encoding=jwt", transfer_answer_url="/ta2"),
            ],
            transfer_caller_id="+15553334444",
            transfer_caller_display_name="Front Desk",
            call_timeout="15",
            transfer_complete_url="/tc",
            transfer_complete_method="GET",
            transfer_complete_fallback_url="/tcf",
            transfer_complete_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="xfer",
            diversion_treatment="stack",
            diversion_reason="user-busy",
            privacy=True,
        ),
        bxml.Transfer(
            (
                bxml.PhoneNumber(
                    "+15551112222",
                    transfer_answer_url="/ta",
                    transfer_answer_method="GET",
                    transfer_answer_fallback_url="/taf",
                    transfer_answer_fallback_method="GET",
                    transfer_disconnect_url="/td",
                    transfer_disconnect_method="GET",
                    username="u",
                    password="p",
                    fallback_username="fu",
                    fallback_password="fp",
                    tag="leg-b",
                    uui="abc;encoding=base64",
                ),
                bxml.SipUri("sip:a@b.com", uui="eyJ9;encoding=jwt", transfer_answer_url="/ta2"),
            ),
            transfer_caller_id="+15553334444",
            transfer_caller_display_name="Front Desk",
            call_timeout=15.0,
            transfer_complete_url="/tc",
            transfer_complete_method="GET",
            transfer_complete_fallback_url="/tcf",
            transfer_complete_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="xfer",
            diversion_treatment="stack",
            diversion_reason="user-busy",
            privacy=True,
        ),
    ),
    (
        "transfer-private-caller-id",
        lambda: sdk.Transfer([sdk.PhoneNumber("+15551112222")], transfer_caller_id="Anonymous"),
        bxml.Transfer((bxml.PhoneNumber("+15551112222"),), transfer_caller_id="Anonymous"),
    ),
    (
        "bridge-full",
        lambda: sdk.Bridge(
            "c-123",
            bridge_complete_url="/bc",
            bridge_complete_method="GET",
            bridge_complete_fallback_url="/bcf",
            bridge_complete_fallback_method="GET",
            bridge_target_complete_url="/btc",
            bridge_target_complete_method="GET",
            bridge_target_complete_fallback_url="/btcf",
            bridge_target_complete_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="b",
        ),
        bxml.Bridge(
            "c-123",
            bridge_complete_url="/bc",
            bridge_complete_method="GET",
            bridge_complete_fallback_url="/bcf",
            bridge_complete_fallback_method="GET",
            bridge_target_complete_url="/btc",
            bridge_target_complete_method="GET",
            bridge_target_complete_fallback_url="/btcf",
            bridge_target_complete_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="b",
        ),
    ),
    (
        "conference-full",
        lambda: sdk.Conference(
            "my-conf.1_a",
            mute=True,
            hold=True,
            call_ids_to_coach="c-1,c-2",
            conference_event_url="/conf",
            conference_event_method="GET",
            conference_event_fallback_url="/conff",
            conference_event_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="c",
            callback_timeout="5",
        ),
        bxml.Conference(
            "my-conf.1_a",
            mute=True,
            hold=True,
            call_ids_to_coach="c-1,c-2",
            conference_event_url="/conf",
            conference_event_method="GET",
            conference_event_fallback_url="/conff",
            conference_event_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="c",
            callback_timeout=5.0,
        ),
    ),
    (
        "redirect-full",
        lambda: sdk.Redirect(
            redirect_url="/r",
            redirect_method="GET",
            redirect_fallback_url="/rf",
            redirect_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="r",
        ),
        bxml.Redirect(
            "/r",
            redirect_method="GET",
            redirect_fallback_url="/rf",
            redirect_fallback_method="GET",
            username="u",
            password="p",
            fallback_username="fu",
            fallback_password="fp",
            tag="r",
        ),
    ),
    ("hangup", sdk.Hangup, bxml.Hangup()),
    ("pause-default", sdk.Pause, bxml.Pause()),
    ("pause", lambda: sdk.Pause(duration=2.5), bxml.Pause(2.5)),
    ("ring", lambda: sdk.Ring(duration=3, answer_call=False), bxml.Ring(3.0, answer_call=False)),
    (
        "forward-full",
        lambda: sdk.Forward(
            to="sip:desk@example.com",
            _from="+15553210000",
            call_timeout="20",
            diversion_treatment="propagate",
            diversion_reason="no-answer",
            uui="abc;encoding=base64",
            privacy=True,
            caller_display_name="Bob",
        ),
        bxml.Forward(
            "sip:desk@example.com",
            from_="+15553210000",
            call_timeout=20.0,
            diversion_treatment="propagate",
            diversion_reason="no-answer",
            uui="abc;encoding=base64",
            privacy=True,
            caller_display_name="Bob",
        ),
    ),
    (
        "send-dtmf",
        lambda: sdk.SendDtmf("12w34,#*AdW", tone_duration=100, tone_interval=50),
        bxml.SendDtmf("12w34,#*AdW", tone_duration=100.0, tone_interval=50.0),
    ),
    ("tag", lambda: sdk.Tag("hello"), bxml.Tag("hello")),
    ("tag-clear", lambda: sdk.Tag(""), bxml.Tag("")),
    (
        "start-stream-full",
        lambda: sdk.StartStream(
            destination="wss://x",
            destination_username="du",
            destination_password="dp",
            stream_params=[sdk.StreamParam(name="a", value="b"), sdk.StreamParam("c", "")],
            name="s1",
            mode="bidirectional",
            tracks="both",
            stream_event_url="/se",
            stream_event_method="GET",
            username="u",
            password="p",
        ),
        bxml.StartStream(
            "wss://x",
            destination_username="du",
            destination_password="dp",
            params=(bxml.StreamParam("a", "b"), bxml.StreamParam("c", "")),
            name="s1",
            mode="bidirectional",
            tracks="both",
            stream_event_url="/se",
            stream_event_method="GET",
            username="u",
            password="p",
        ),
    ),
    ("stop-stream", lambda: sdk.StopStream("s1", wait=True), bxml.StopStream("s1", wait=True)),
    (
        "start-transcription-full",
        lambda: sdk.StartTranscription(
            name="t1",
            tracks="outbound",
            transcription_event_url="/te",
            transcription_event_method="GET",
            username="u",
            password="p",
            destination="wss://t",
            stabilized=False,
            custom_params=[sdk.CustomParam(name="k", value="v")],
            detect_language=True,
            preferred_languages="en-US,es-US",
        ),
        bxml.StartTranscription(
            (bxml.CustomParam("k", "v"),),
            name="t1",
            tracks="outbound",
            transcription_event_url="/te",
            transcription_event_method="GET",
            username="u",
            password="p",
            destination="wss://t",
            stabilized=False,
            detect_language=True,
            preferred_languages="en-US,es-US",
        ),
    ),
    ("stop-transcription-all", sdk.StopTranscription, bxml.StopTranscription()),
    ("stop-transcription", lambda: sdk.StopTranscription("t1"), bxml.StopTranscription("t1")),
    (
        "connect",
        lambda: sdk.Connect(
            [sdk.Endpoint("e-1"), sdk.Endpoint("e-2")],
            event_callback_url="/cs",
            event_fallback_url="/csf",
        ),
        bxml.Connect(
            (bxml.Endpoint("e-1"), bxml.Endpoint("e-2")),
            event_callback_url="/cs",
            event_fallback_url="/csf",
        ),
    ),
    (
        "refer",
        lambda: sdk.Refer(
            sdk.SipUri("sip:x@y.com"),
            refer_complete_url="/refer",
            refer_complete_method="GET",
            tag="ref",
        ),
        bxml.Refer(
            bxml.SipUri("sip:x@y.com"),
            refer_complete_url="/refer",
            refer_complete_method="GET",
            tag="ref",
        ),
    ),
]


@pytest.mark.parametrize(("build", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_parsing_sdk_response_verb_parses_to_expected_fields(
    build: Callable[[], Any], expected: bxml.Verb
) -> None:
    """Each verb the SDK serializes inside <Response> parses to exactly the expected dataclass."""
    text = sdk.Response([build()]).to_bxml()
    assert parse(text) == Document((expected,))


def test_parsing_sdk_bxml_root_with_every_verb_parses_in_order() -> None:
    """One <Bxml> document (the SDK's other root) with every verb keeps the order and the root."""
    text = sdk.Bxml([build() for _, build, _ in CASES]).to_bxml()
    assert parse(text) == Document(tuple(expected for _, _, expected in CASES), root="Bxml")


def test_parsing_sdk_cases_cover_every_verb() -> None:
    """The SDK cases above exercise every top-level verb class."""
    assert {type(expected).__name__ for _, _, expected in CASES} == set(bxml.VERB_CLASSES)


def test_parsing_sdk_empty_response_is_an_empty_document() -> None:
    """`Response()` serializes to an empty document, which parses with no verbs."""
    assert parse(sdk.Response().to_bxml()) == Document()


def test_parsing_sdk_conference_context_documents_parse() -> None:
    """What an app answers a conference event with parses in the conference context."""
    text = sdk.Bxml(
        [
            sdk.SpeakSentence("Welcome"),
            sdk.PlayAudio("/hold.mp3"),
            sdk.StartRecording(recording_available_url="/ra"),
            sdk.PauseRecording(),
            sdk.ResumeRecording(),
            sdk.StopRecording(),
        ]
    ).to_bxml()
    assert len(parse(text, context="conference").verbs) == 6


def test_parsing_sdk_transfer_answer_documents_parse() -> None:
    """A B-leg's transferAnswer reply (no Bridge/Conference/Forward/Transfer) parses."""
    text = sdk.Response([sdk.SpeakSentence("You have a call"), sdk.Pause(0.5)]).to_bxml()
    assert len(parse(text, context="transferAnswer").verbs) == 2
