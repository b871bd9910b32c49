"""A phone that texts: the texting steps of a phone script, run by the messaging core.

The steps start when the first message reaches the phone; its sender becomes the number the
phone texts back. `waitFor text` is met by a message that arrived since the step began (so the
message that started the script meets a leading `waitFor`); `{"text": words}` needs those words
in it, case and punctuation aside. `text` replies at once (add a `wait` to take time), `wait`
pauses, `unreachable` turns the phone off. A call's steps (`press`, `say`, `hangup`, `waitFor
gather`, ...) are skipped: they belong to calls.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringback.engine.farend import normalize_words
from ringback.phones.script import (
    GoUnreachable,
    PhoneScript,
    SendText,
    Step,
    Wait,
    WaitForText,
    step_to_wire,
)

if TYPE_CHECKING:
    from ringback.messaging.core import MessagingCore

MAX_INBOX = 1000  # unread messages a phone keeps (the newest): a bound, whatever comes in


@dataclass(frozen=True, slots=True)
class Received:
    """A message as the phone saw it."""

    at: float
    message_id: str
    from_: str
    text: str


class TextingPhone:
    """The texting side of the phone behind one number."""

    def __init__(self, core: MessagingCore, number: str, script: PhoneScript) -> None:
        self.core = core
        self.number = number
        self.script = script
        self.unreachable = script.unreachable
        self.steps: deque[Step] = deque(script.steps)
        self.started = False
        self.blocked: WaitForText | None = None
        self.since = 0.0
        self.inbox: list[Received] = []
        self.peer: str | None = None
        self.context: str | None = None  # the message whose timeline shows what the phone does

    def receive(self, at: float, received: Received) -> None:
        """A message reached the phone."""
        # Only what arrived since the current step began can ever be read: the rest goes (it
        # grew by one message a text for as long as the server ran).
        self.inbox = [r for r in self.inbox[-MAX_INBOX + 1 :] if r.at >= self.since]
        if not self.started or self.steps or self.blocked is not None:  # else none will read it
            self.inbox.append(received)
        self.peer = received.from_
        self.context = received.message_id
        if not self.started:
            self.started = True
            self.since = at
            self.run(at)
        elif self.blocked is not None:
            self.run(at)

    def run(self, at: float) -> None:
        """Run steps until one blocks or takes time."""
        if self.blocked is not None:
            matched = self._match(self.blocked)
            if matched is None:
                return
            self.blocked = None
            self.since = at
            self.core.phone_read(self, matched, at)
        while self.steps:
            step = self.steps.popleft()
            match step:
                case WaitForText():
                    matched = self._match(step)
                    if matched is None:
                        self.blocked = step
                        self._note(at, step.describe())
                        return
                    self.since = at
                    self.core.phone_read(self, matched, at)
                case SendText(text=text, media=media):
                    self.core.phone_texted(self, text, media, at)
                case Wait(seconds=seconds):
                    self._note(at, f"waits {seconds:g} s")
                    self.core.later(at + seconds, self._resume)
                    return
                case GoUnreachable():
                    self.unreachable = True
                    self._note(at, "is unreachable from now on")
                case _:
                    self._note(at, f"skips {step_to_wire(step)} (a call's step)")

    def _resume(self, at: float) -> None:
        self.since = at
        self.run(at)

    def _match(self, wait: WaitForText) -> Received | None:
        wanted = normalize_words(wait.contains) if wait.contains else None
        for received in self.inbox:
            if received.at < self.since:
                continue
            if wanted is None or wanted in normalize_words(received.text):
                self.inbox.remove(received)
                return received
        return None

    def _note(self, at: float, what: str) -> None:
        if self.context is not None:
            self.core.note(self.context, at, "far-end", f"phone {self.number} {what}")
