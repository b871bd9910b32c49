"""What a call's observer hears: the moments a second wire (v1's callbacks) reports.

v2 calls report through the webhooks their BXML asks for, so they have no observer. A v1 call
(`ringback.engine.v1`) has one that turns these moments into v1 callback events; the engine
calls the hooks at the one place each thing happens, for every call, so the behaviour is shared
and only the report differs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ringback.engine.call import Call
    from ringback.engine.core import Engine
    from ringback.engine.recordings import Recording
    from ringback.engine.verbs.base import VerbRun


class CallObserver:
    """No-op hooks; a subclass overrides those it reports."""

    def call_answered(self, engine: Engine, call: Call) -> None:
        """The call is now up (answered by the far end, by the app, or automatically)."""

    def transfer_leg_id(self, engine: Engine, call: Call, verb: object) -> str | None:
        """The id for a B-leg this call's `<Transfer>` dials (None: the engine's own)."""
        return None

    def transfer_leg_created(self, engine: Engine, call: Call, b_leg: Call) -> None:
        """A B-leg of this call's transfer exists (not dialed yet)."""

    def verb_started(self, engine: Engine, call: Call, run: VerbRun) -> None:
        """A verb began on the call."""

    def verb_ended(self, engine: Engine, call: Call, run: VerbRun, interrupted: bool) -> None:
        """A verb ended (or was interrupted: a stop, a new command, the call's end)."""

    def digit_pressed(self, engine: Engine, call: Call, digit: str, tone_s: float) -> None:
        """The far end pressed a key (reported before any verb acts on it)."""

    def recording_done(self, engine: Engine, call: Call, recording: Recording) -> None:
        """A recording of the call was saved (and transcribed, if asked)."""

    def call_ended(self, engine: Engine, call: Call) -> None:
        """The call ended; `call.cause` says why."""
