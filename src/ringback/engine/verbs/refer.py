"""`<Refer>`: SIP REFER the caller to another SIP URI.

How this works. Bandwidth sends a SIP REFER to the far end of an inbound SIP URI call; the far
end answers the REFER (`referSipResponseCode`), dials the target, and reports the outcome in a
final NOTIFY (`notifySipResponseCode`). Here the far end always accepts a REFER with 202, and the
target's phone script (the phone registered for the `<SipUri>`; none: a phone that answers after
1 s) decides the NOTIFY, after its `answerAfter`:

| target phone                            | outcome | referSipResponseCode | notifySipResponseCode |
|-----------------------------------------|---------|----------------------|-----------------------|
| human / machine, answering within 30 s  | success | 202                  | 200                   |
| busy                                    | failure | 202                  | 486                   |
| reject                                  | failure | 202                  | 603                   |
| no-answer, or answering after 30 s      | failure at 30 s (NOTIFY timeout) | 202 | absent  |
| (the call is not an inbound `sip:` call) | failure at once | 405 | absent          |

On success the call is over: it ends with cause `hangup` and `referComplete` (referCallStatus
`success`) goes out as a notification (any reply is ignored). On failure `referComplete` is a sync
webhook whose BXML runs on the still-active call; without `referCompleteUrl` execution continues
after `<Refer>`.
"""

from __future__ import annotations

from typing import Final

from ringback.bxml import Refer
from ringback.engine import farend
from ringback.engine.call import Direction
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import VerbRun
from ringback.events import ReferCompleteEvent
from ringback.phones.script import AnswerMode

# The far end waits this long for the target before giving up on the NOTIFY.
NOTIFY_TIMEOUT_S: Final = 30.0

SIP_ACCEPTED: Final = 202
SIP_OK: Final = 200
SIP_METHOD_NOT_ALLOWED: Final = 405
SIP_BUSY_HERE: Final = 486
SIP_DECLINE: Final = 603


@handles(Refer)
class ReferRun(VerbRun):
    """Refer the caller to the `<SipUri>`; the target's phone script decides the outcome.

    Simplifications: the caller's own phone always accepts the REFER (202) unless the call is
    not an inbound call to a `sip:` URI, which gets 405 at once; the target is not a call of its
    own (it is not in the REST API and sends no webhooks). On success, `referComplete` is sent
    just before the call's `disconnect`, at the same instant: on Bandwidth the call is torn down
    first, but nothing may follow a call's end here.
    """

    def start(self) -> None:
        """Send the REFER and wait for the NOTIFY."""
        call, target = self.call, self.verb.sip_uri.uri
        if call.direction is not Direction.INBOUND or not call.to.startswith("sip:"):
            self.engine.note(
                call, "refer", f"REFER to {target} refused: not an inbound SIP URI call"
            )
            self._failed(SIP_METHOD_NOT_ALLOWED, None)
            return
        phone = farend.phone_for(self.engine, target)
        self.engine.note(call, "refer", f"REFER to {target} accepted (202)", to=target)
        answers = phone.answer in (AnswerMode.HUMAN, AnswerMode.MACHINE)
        if phone.answer is AnswerMode.NO_ANSWER or (
            answers and phone.answer_after_s >= NOTIFY_TIMEOUT_S
        ):
            self.after(NOTIFY_TIMEOUT_S, lambda: self._failed(SIP_ACCEPTED, None))
        elif answers:
            self.after(phone.answer_after_s, self._succeeded)
        else:
            notify = SIP_BUSY_HERE if phone.answer is AnswerMode.BUSY else SIP_DECLINE
            self.after(
                min(phone.answer_after_s, NOTIFY_TIMEOUT_S),
                lambda: self._failed(SIP_ACCEPTED, notify),
            )

    def _succeeded(self) -> None:
        call = self.call
        self.engine.note(call, "refer", "REFER succeeded: the call has left Bandwidth")
        callback = self.callback("refer_complete", fallback=False)
        if callback is not None:
            event = self.engine.event(
                ReferCompleteEvent,
                call,
                refer_call_status="success",
                refer_sip_response_code=SIP_ACCEPTED,
                notify_sip_response_code=SIP_OK,
            )
            self.engine.send_webhook(call, event, callback, sync=False)
        self.engine.end_call(call, "hangup")

    def _failed(self, refer_code: int, notify_code: int | None) -> None:
        self.engine.note(
            self.call,
            "refer",
            "REFER failed",
            referSipResponseCode=refer_code,
            notifySipResponseCode=notify_code,
        )
        callback = self.callback("refer_complete", fallback=False)
        if callback is None:
            self.done()
            return
        self.fetch(
            ReferCompleteEvent,
            callback,
            refer_call_status="failure",
            refer_sip_response_code=refer_code,
            notify_sip_response_code=notify_code,
        )
