"""`<Connect>`: connect the call to BRTC (WebRTC) endpoints — Bandwidth's beta."""

from __future__ import annotations

from ringback.bxml import Connect
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun


@handles(Connect)
class ConnectRun(VerbRun):
    """Accept `<Connect>` and hold the call on a silent endpoint until one side hangs up.

    How we differ from Bandwidth: BRTC endpoints are not emulated, so the `<Endpoint>` ids are
    not checked (an unknown id is not refused), no audio reaches anyone, the endpoint never
    hangs up on its own, and no Connect status event is sent to `eventCallbackUrl` or
    `eventFallbackUrl` (its payload is not documented). The verb answers an inbound call and
    lasts until the far end hangs up, the call is completed or redirected through the REST API,
    or new BXML replaces it; so the verbs after it never run.
    """

    def start(self) -> None:
        """Connect, and stay connected."""
        endpoints = [endpoint.endpoint_id for endpoint in self.verb.endpoints]
        self.engine.note(
            self.call,
            "connect",
            f"connected to BRTC endpoint(s) {', '.join(endpoints)} (emulated: silent)",
            endpoints=endpoints,
        )
