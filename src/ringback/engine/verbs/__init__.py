"""Verb handlers: one module per verb, each registering its `VerbRun` class with `handles`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ringback.engine.verbs.base import VerbRun

HANDLERS: dict[type, type[VerbRun]] = {}


def handles(*verb_types: type) -> Callable[[type[VerbRun]], type[VerbRun]]:
    """Register a VerbRun class as the handler of these BXML verb classes."""

    def register(run_class: type[VerbRun]) -> type[VerbRun]:
        for verb_type in verb_types:
            HANDLERS[verb_type] = run_class
        return run_class

    return register


def handler_for(verb: Any) -> type[VerbRun]:
    """The VerbRun class that executes this verb."""
    return HANDLERS[type(verb)]


# Importing the modules registers their handlers.
from ringback.engine.verbs import (  # noqa: E402
    bridge,
    conference,
    connect,
    forward,
    gather,
    hangup,
    pause,
    play,
    record,
    recording,
    redirect,
    refer,
    ring,
    send_dtmf,
    speak,
    start_gather,
    stream,
    tag,
    transcription,
    transfer,
)

__all__ = [
    "HANDLERS",
    "bridge",
    "conference",
    "connect",
    "forward",
    "gather",
    "handler_for",
    "handles",
    "hangup",
    "pause",
    "play",
    "record",
    "recording",
    "redirect",
    "refer",
    "ring",
    "send_dtmf",
    "speak",
    "start_gather",
    "stream",
    "tag",
    "transcription",
    "transfer",
]
