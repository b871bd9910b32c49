"""BXML, the verb language: parse safely, validate, render (spec §4).

parse(text, context="call") -> Document     raises BxmlSyntaxError / BxmlInvalidError
parse_reply(text, context="call") -> Document   the same, recent documents remembered
check(text, context="call") -> list[BxmlError]   every error found; [] when valid
render(document) -> str                     canonical BXML; parse(render(d)) == d
"""

from ringback.bxml.connecting import (
    Bridge,
    Conference,
    Connect,
    Endpoint,
    Forward,
    PhoneNumber,
    Refer,
    SipUri,
    Transfer,
)
from ringback.bxml.element import Nested, Verb
from ringback.bxml.parsing import check, parse, parse_reply
from ringback.bxml.rendering import render
from ringback.bxml.verbs import (
    NESTED_CLASSES,
    VERB_CLASSES,
    CustomParam,
    Document,
    Gather,
    Hangup,
    Pause,
    PauseRecording,
    PlayAudio,
    Record,
    Redirect,
    ResumeRecording,
    Ring,
    SendDtmf,
    SpeakSentence,
    StartGather,
    StartRecording,
    StartStream,
    StartTranscription,
    StopGather,
    StopRecording,
    StopStream,
    StopTranscription,
    StreamParam,
    Tag,
)
from ringback.errors import BxmlError, BxmlInvalidError, BxmlSyntaxError

__all__ = [
    "NESTED_CLASSES",
    "VERB_CLASSES",
    "Bridge",
    "BxmlError",
    "BxmlInvalidError",
    "BxmlSyntaxError",
    "Conference",
    "Connect",
    "CustomParam",
    "Document",
    "Endpoint",
    "Forward",
    "Gather",
    "Hangup",
    "Nested",
    "Pause",
    "PauseRecording",
    "PhoneNumber",
    "PlayAudio",
    "Record",
    "Redirect",
    "Refer",
    "ResumeRecording",
    "Ring",
    "SendDtmf",
    "SipUri",
    "SpeakSentence",
    "StartGather",
    "StartRecording",
    "StartStream",
    "StartTranscription",
    "StopGather",
    "StopRecording",
    "StopStream",
    "StopTranscription",
    "StreamParam",
    "Tag",
    "Transfer",
    "Verb",
    "check",
    "parse",
    "parse_reply",
    "render",
]
