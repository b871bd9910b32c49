"""`<StartGather>` and `<StopGather>`: a `dtmf` webhook per digit, in the background.

`<StartGather>` takes no time: it puts a `DtmfNotifier` on the call (a Feature, kept across
verbs and across new BXML documents) and the program goes on. Each digit the far end presses
from then on is sent as an async `dtmf` event to `dtmfUrl`, until `<StopGather>` or the end of
the call. The notifier is paused while a `<Gather>` runs, so a digit goes to one place only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ringback.bxml import StartGather, StopGather
from ringback.engine import farend
from ringback.engine.verbs import handles
from ringback.engine.verbs.base import Feature, VerbRun
from ringback.engine.verbs.gather import START_GATHER_FEATURE, GatherRun
from ringback.events import DtmfEvent
from ringback.phones.script import Condition

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.requests import Callback


class DtmfNotifier(Feature):
    """Sends one async `dtmf` event per digit to a `<StartGather>`'s `dtmfUrl`."""

    def __init__(self, engine: Engine, call: Call, callback: Callback) -> None:
        self.engine = engine
        self.call = call
        self.callback = callback

    def on_digit(self, digit: str) -> None:
        """Notify the application, unless a `<Gather>` is taking the digit."""
        if self.call.ended or isinstance(self.call.run, GatherRun):
            return
        event = self.engine.event(DtmfEvent, self.call, digit=digit)
        self.engine.send_webhook(self.call, event, self.callback, sync=False)


@handles(StartGather)
class StartGatherRun(VerbRun):
    """Start sending `dtmf` events; the program goes on at once.

    Stated behaviour:
    - A second `<StartGather>` replaces the first: digits go to the newest `dtmfUrl` only.
    - `dtmfMethod`, `username` and `password` apply to every `dtmf`; there is no fallback URL
      and, as for every async webhook, a failed `dtmf` is dropped (the call is unaffected).
    - `tag` is the call's tag from this verb on; each `dtmf` carries the call's tag
      at the moment of the digit, so a later `<Tag>` or verb `tag` changes it.
    - It keeps running across every other verb and across new BXML (redirects, webhooks); a
      `<Gather>` pauses it while collecting.
    - It answers an unanswered inbound call (hearing digits needs media) [INF].
    - The far end's `{"waitFor": "gather"}` is met while it is active.
    """

    def start(self) -> None:
        """Put the notifier on the call (replacing any earlier one) and go on."""
        callback = self.callback("dtmf", fallback=False)
        assert callback is not None  # dtmfUrl is required; the parser enforces it
        replaced = START_GATHER_FEATURE in self.call.features
        self.call.features[START_GATHER_FEATURE] = DtmfNotifier(self.engine, self.call, callback)
        if replaced:
            self.engine.note(self.call, "gather", "<StartGather> replaces the previous one")
        farend.begin_activity(self.engine, self.call, Condition.GATHER)
        self.done()


@handles(StopGather)
class StopGatherRun(VerbRun):
    """Stop sending `dtmf` events; without an active `<StartGather>` it does nothing."""

    ANSWERS_CALL = False

    def start(self) -> None:
        """Take the notifier off the call."""
        if self.call.features.pop(START_GATHER_FEATURE, None) is None:
            self.engine.note(self.call, "gather", "<StopGather>: no <StartGather> to stop")
        else:
            farend.end_activity(self.call, Condition.GATHER)
        self.done()
