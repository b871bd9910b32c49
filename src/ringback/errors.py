"""Every exception Ringback raises, in one tree, split by whose fault it is.

    RingbackError
    ├── EventError             an event's wire form is wrong: unknown type, missing or bad field
    ├── BxmlError              a BXML document cannot be run (the customer's mistake)
    │   ├── BxmlSyntaxError    not well-formed XML, too large, or hostile (DTD, entities)
    │   └── BxmlInvalidError   well-formed, but breaks a verb, attribute, range or context rule
    ├── PhoneScriptError       a far-end phone script is malformed (the test author's mistake)
    ├── PlatformError          the running platform cannot serve a request with its settings
    │   ├── UnknownApplicationError  an inbound call to an unconfigured number or application
    │   └── CallQueueFullError  the account's outbound call queue is full (429, Retry-After)
    ├── DeliveryError          a webhook delivery was set up or driven wrongly
    │   ├── WebhookTargetError a webhook URL, method, credentials or timeout is malformed
    │   ├── DeliveryStateError a delivery plan was driven out of order (the caller's bug)
    │   └── FaultError         a fault on purpose (ringback.testing) is malformed
    ├── MediaError             audio for `<PlayAudio>` cannot be used (the customer's mistake)
    │   ├── MediaFetchError    the audio URL could not be fetched: HTTP status, refused, too large
    │   └── UnsupportedMediaError  the fetched bytes are not WAV or MP3 audio Bandwidth plays
    ├── SoundNotReadyError     a stream frame's speech is still being made off the loop (it waits)
    ├── EngineError            the engine was asked something impossible (the caller's bug)
    │   ├── UnknownCallError   a fact names a call the engine does not know
    │   ├── UnknownConferenceError  a fact names a conference (or member) the engine does not know
    │   └── CallStateError     a request does not fit the call's state (e.g. redirect an ended call)
    │       └── V1StateError   ... said in v1's words: its status and code (v1 §1.4)
    ├── ApiError               a REST request is refused: HTTP status and Bandwidth error type
    │   ├── RequestValidationError  a body, field or query parameter is invalid (400)
    │   ├── AuthenticationError     credentials are missing or wrong (401)
    │   ├── AuthorizationError      the credentials may not use this account (403)
    │   ├── ResourceNotFoundError   the path names nothing that exists (404)
    │   ├── CallStillUpError        GET /_ringback/calls/{id}/wait timed out (408)
    │   ├── ClockModeError          the clock cannot do that in its mode (409)
    │   ├── PayloadTooLargeError    the request body is larger than the endpoint takes (413)
    │   ├── UnsupportedMediaTypeError  the body's Content-Type is not the endpoint's (415)
    │   ├── MessagingRequestError   a Messaging API v2 request is refused ({type, description})
    │   ├── MessageStillPendingError  GET /_ringback/messages/{id}/wait timed out (408)
    │   └── V1ApiError              a v1 REST request is refused: status, category and code
    └── TestingError           `ringback.testing` was used wrongly (the test author's mistake)
        ├── AppServingError    the app under test cannot be served: not an app, or it did not start
        ├── WebhookNotFoundError  a call result has no webhook of the type asked for
        └── GoldenMismatchError   a call differs from its golden file (an AssertionError)

Customer mistakes inside a running call (bad BXML, a webhook answering 500, a timeout) are not
exceptions for the emulator: the engine turns them into what Bandwidth does, a `disconnect`
with a cause. The exceptions here are for callers of the library and for input validation.
"""

from __future__ import annotations


class RingbackError(Exception):
    """Base of every exception Ringback raises on purpose."""


class EventError(RingbackError, ValueError):
    """Raised when a webhook event's wire form is invalid; `field` names the offending key."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class BxmlError(RingbackError, ValueError):
    """Raised when a BXML document cannot be run; carries line, column and the verb."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        verb: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        self.verb = verb
        super().__init__(self.describe())

    def describe(self) -> str:
        """The error as a person reads it: `line 3, col 5: <Gather> maxDigits must be ...`."""
        where = ""
        if self.line is not None:
            where = f"line {self.line}, col {self.column or 0}: "
        return f"{where}{self.message}"


class BxmlSyntaxError(BxmlError):
    """Raised for a document that is not well-formed XML, is too large, or is hostile."""


class BxmlInvalidError(BxmlError):
    """Raised for a well-formed document that breaks a verb, attribute or context rule."""


class PhoneScriptError(RingbackError, ValueError):
    """Raised when a far-end phone script is malformed; `where` says which step or key."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class DeliveryError(RingbackError):
    """Base of the errors raised when a webhook delivery is set up or driven wrongly."""


class WebhookTargetError(DeliveryError, ValueError):
    """Raised for a malformed webhook target: URL, method, credentials or callback timeout."""


class DeliveryStateError(DeliveryError):
    """Raised when a delivery plan is driven out of order, e.g. an outcome with nothing pending."""


class FaultError(DeliveryError, ValueError):
    """Raised for a malformed fault on purpose: an unknown kind, a bad delay or count."""


class PlatformError(RingbackError):
    """Raised when the running platform is asked something its settings cannot serve."""


class UnknownApplicationError(PlatformError, LookupError):
    """Raised for an inbound call to a number or application that is not configured."""


class CallQueueFullError(PlatformError):
    """Raised when POST /calls finds the outbound queue full; `retry_after_s` says when to retry."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class MediaError(RingbackError):
    """Base of the errors about `<PlayAudio>` audio; `url` names the file, the message says why."""

    def __init__(self, message: str, url: str) -> None:
        self.message = message
        self.url = url
        super().__init__(message)


class MediaFetchError(MediaError):
    """Raised when an audio URL cannot be fetched: bad URL, refused, timeout, HTTP error, size."""


class UnsupportedMediaError(MediaError, ValueError):
    """Raised when fetched audio is not WAV (16-bit PCM, μ-law, A-law) or MP3, or is cut short."""


class SoundNotReadyError(RingbackError):
    """Raised when a media frame needs a sound still being made in a worker thread (speech on
    the real clock); the frame, and the socket's later ones, wait for it."""


class EngineError(RingbackError):
    """Raised when the engine is fed a fact or request it cannot accept (a caller bug)."""


class UnknownCallError(EngineError, KeyError):
    """Raised when a fact or request names a call id the engine does not know."""


class UnknownConferenceError(EngineError, KeyError):
    """Raised when a request names a conference, or a member of one, the engine does not know."""

    def __str__(self) -> str:
        # KeyError would quote the message; this one is read by people.
        return str(self.args[0]) if self.args else ""


class CallStateError(EngineError):
    """Raised when a request does not fit the call's current state."""


class V1StateError(CallStateError):
    """Raised when a v1 request does not fit a call, gather or conference; v1's status and code."""

    def __init__(self, message: str, code: str = "call-invalid-state", status: int = 403) -> None:
        self.code = code
        self.status = status
        super().__init__(message)


class ApiError(RingbackError):
    """Raised to refuse a REST request; the API renders it as Bandwidth's `{type, description}`."""

    status = 400
    error_type = "validation"

    def __init__(self, description: str) -> None:
        self.description = description
        super().__init__(description)


class RequestValidationError(ApiError, ValueError):
    """Raised for an invalid request body, field or query parameter; `field` names it (400)."""

    def __init__(self, description: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(description)


class AuthenticationError(ApiError):
    """Raised when a REST request's credentials are missing, malformed or wrong (401)."""

    status = 401
    error_type = "authentication-error"


class AuthorizationError(ApiError):
    """Raised when valid credentials name an account that is not this platform's (403)."""

    status = 403
    error_type = "authorization-error"


class ResourceNotFoundError(ApiError, LookupError):
    """Raised when a REST path names a recording, transcription or member that does not exist."""

    status = 404


class CallStillUpError(ApiError):
    """Raised when GET /_ringback/calls/{id}/wait times out before the call ended (408)."""

    status = 408
    error_type = "timeout"


class ClockModeError(ApiError):
    """Raised when the clock is asked to move in a mode that forbids it: advance a real clock."""

    status = 409


class PayloadTooLargeError(ApiError):
    """Raised when a request body is larger than the endpoint takes; read no further (413)."""

    status = 413


class UnsupportedMediaTypeError(ApiError):
    """Raised when a request body's Content-Type is not the one the endpoint takes (415)."""

    status = 415


class MessagingRequestError(ApiError):
    """Raised to refuse a Messaging API v2 request: its own `{type, description, fieldErrors}`
    bodies (messaging spec §2.4), with the status and type given."""

    def __init__(
        self,
        status: int,
        error_type: str,
        description: str,
        field_errors: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.status = status
        self.error_type = error_type
        self.field_errors = field_errors
        super().__init__(description)


class MessageStillPendingError(ApiError):
    """Raised when GET /_ringback/messages/{id}/wait times out before the message settled."""

    status = 408
    error_type = "timeout"


class V1ApiError(ApiError):
    """Raised to refuse a v1 REST request (`/v1/users/...`): its `category` and `code` (v1 §1.4)."""

    def __init__(
        self,
        status: int,
        category: str,
        code: str,
        message: str,
        details: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.status = status
        self.error_type = category
        self.category = category
        self.code = code
        self.details = details
        super().__init__(message)


class TestingError(RingbackError):
    """Raised when `ringback.testing` is used wrongly: a bad option, a platform not started."""

    __test__ = False  # not a pytest test class, whatever its name


class AppServingError(TestingError):
    """Raised when the app under test is not a URL or an app, or its server did not start."""


class WebhookNotFoundError(TestingError, LookupError):
    """Raised when a call result is asked for a webhook the app was never sent."""


class GoldenMismatchError(TestingError, AssertionError):
    """Raised when a call's webhooks or BXML differ from its golden file."""
