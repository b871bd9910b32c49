"""The verbs that connect calls, and their nested elements (spec §4.6): `<Transfer>` and its
`<PhoneNumber>`/`<SipUri>` destinations, `<Bridge>`, `<Conference>`, `<Forward>`, `<Connect>`
with its `<Endpoint>`s, and `<Refer>`. Read them from `ringback.bxml` or `ringback.bxml.verbs`;
the conventions are those of `verbs.py` (frozen dataclasses, defaults filled in, no slots).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from ringback.bxml.element import Nested, Verb


@dataclass(frozen=True)
class PhoneNumber(Nested):
    """A `<Transfer>` destination: an E.164 number, with its own B-leg callbacks."""

    number: str
    _: KW_ONLY
    transfer_answer_url: str | None = None
    transfer_answer_method: str = "POST"
    transfer_answer_fallback_url: str | None = None
    transfer_answer_fallback_method: str = "POST"
    transfer_disconnect_url: str | None = None
    transfer_disconnect_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None
    uui: str | None = None


@dataclass(frozen=True)
class SipUri(Nested):
    """A `<Transfer>` destination (or the `<Refer>` target): a `sip:` URI."""

    uri: str
    _: KW_ONLY
    transfer_answer_url: str | None = None
    transfer_answer_method: str = "POST"
    transfer_answer_fallback_url: str | None = None
    transfer_answer_fallback_method: str = "POST"
    transfer_disconnect_url: str | None = None
    transfer_disconnect_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None
    uui: str | None = None


@dataclass(frozen=True)
class Transfer(Verb):
    """Dial 1–8 destinations at once and bridge the first to answer; blocking."""

    destinations: tuple[PhoneNumber | SipUri, ...] = ()
    _: KW_ONLY
    transfer_caller_id: str | None = None
    transfer_caller_display_name: str | None = None
    privacy: bool = False
    call_timeout: float = 30.0
    transfer_complete_url: str | None = None
    transfer_complete_method: str = "POST"
    transfer_complete_fallback_url: str | None = None
    transfer_complete_fallback_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None
    diversion_treatment: str = "none"
    diversion_reason: str = "unknown"


@dataclass(frozen=True)
class Bridge(Verb):
    """Bridge this call with the existing call `call_id`."""

    call_id: str
    _: KW_ONLY
    bridge_complete_url: str | None = None
    bridge_complete_method: str = "POST"
    bridge_complete_fallback_url: str | None = None
    bridge_complete_fallback_method: str = "POST"
    bridge_target_complete_url: str | None = None
    bridge_target_complete_method: str = "POST"
    bridge_target_complete_fallback_url: str | None = None
    bridge_target_complete_fallback_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class Conference(Verb):
    """Join (creating if needed) the conference called `name`."""

    name: str
    _: KW_ONLY
    mute: bool = False
    hold: bool = False
    call_ids_to_coach: str | None = None
    conference_event_url: str | None = None
    conference_event_method: str = "POST"
    conference_event_fallback_url: str | None = None
    conference_event_fallback_method: str = "POST"
    username: str | None = None
    password: str | None = None
    fallback_username: str | None = None
    fallback_password: str | None = None
    tag: str | None = None
    callback_timeout: float | None = None  # None: inherit the creating call's timeout


@dataclass(frozen=True)
class Forward(Verb):
    """Forward an unanswered inbound call to `to`; the app loses control of the call."""

    to: str
    _: KW_ONLY
    from_: str | None = None  # wire name `from`, a Python keyword
    call_timeout: float = 30.0
    diversion_treatment: str = "none"
    diversion_reason: str = "unknown"
    uui: str | None = None
    privacy: bool = False
    caller_display_name: str | None = None


@dataclass(frozen=True)
class Endpoint(Nested):
    """A BRTC endpoint to connect to, inside `<Connect>`."""

    endpoint_id: str


@dataclass(frozen=True)
class Connect(Verb):
    """Connect the call to BRTC endpoints (beta)."""

    endpoints: tuple[Endpoint, ...] = ()
    _: KW_ONLY
    event_callback_url: str | None = None
    event_fallback_url: str | None = None


@dataclass(frozen=True)
class Refer(Verb):
    """SIP REFER the call to `sip_uri` (inbound SIP calls only)."""

    sip_uri: SipUri
    _: KW_ONLY
    refer_complete_url: str | None = None
    refer_complete_method: str = "POST"
    tag: str | None = None
