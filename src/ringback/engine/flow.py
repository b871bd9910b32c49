"""A call's flow through its BXML: fetching documents, starting and ending verbs.

How this works. Each call runs a `Program` (the verbs of a BXML document). `advance` starts verbs
one after the other; a verb that takes time (a `<Pause>`, a `<Gather>`) is a `VerbRun` kept on
the call until it calls `done()`. A verb with a callback URL sends a sync webhook
(`fetch_bxml`) and the call waits; the answer's BXML becomes the new program. Reaching the end of
a program hangs up (spec §4.1).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ringback import bxml
from ringback.engine import lifecycle
from ringback.engine import verbs as handlers
from ringback.engine.call import Call, Program
from ringback.engine.requests import Callback
from ringback.events import Event

if TYPE_CHECKING:
    from ringback.engine.core import Engine
    from ringback.engine.verbs.base import VerbRun

# A call that fetches this many BXML documents without any time passing is in a loop (say, a
# `<Redirect>` to itself): on a virtual clock it would never end, so it ends with an error.
MAX_DOCUMENTS_PER_INSTANT = 100


def fetch_bxml(
    engine: Engine,
    call: Call,
    event_cls: type[Event],
    callback: Callback,
    context: str = "call",
    **extra: Any,
) -> None:
    """Send a sync webhook whose BXML replaces the rest of the call's program."""
    if call.ended:
        return
    if _looping(engine, call):
        message = (
            f"BXML loop: {MAX_DOCUMENTS_PER_INSTANT} documents fetched without any time "
            f"passing (the last from {call.base_url}); Ringback ends such calls"
        )
        engine.end_call(call, "application-error", message)
        return
    call.program = None
    rid = engine.send_webhook(
        call,
        engine.event(event_cls, call, **extra),
        callback,
        sync=True,
        on_answer=lambda body, url: run_reply(engine, call, body, url, context),
        on_fail=lambda message: engine.end_call(call, "callback-error", message),
        replaces_program=True,
    )
    call.waiting = rid


def _looping(engine: Engine, call: Call) -> bool:
    instant, count = call.extra.get("fetches", (None, 0))
    count = count + 1 if instant == engine.now else 1
    call.extra["fetches"] = (engine.now, count)
    return count > MAX_DOCUMENTS_PER_INSTANT


def run_reply(engine: Engine, call: Call, body: str, url: str, context: str = "call") -> None:
    """Run the BXML a sync webhook answered with (`url` is where it came from)."""
    call.waiting = None
    if not body.strip() and not engine.config.empty_reply_is_invalid:
        run_document(engine, call, (), url, context)
        return
    try:
        document = bxml.parse_reply(body, context=context)
    except bxml.BxmlError as error:
        engine.end_call(call, "invalid-bxml", f"Invalid BXML from {url}: {error}")
        return
    note_leniency(engine, call, document)
    run_document(engine, call, document.verbs, url, context)


def note_leniency(engine: Engine, call: Call, document: bxml.Document) -> None:
    """Put what the parser read leniently (`attr="None"`) on the call's timeline."""
    for text in document.notes:
        engine.note(call, "bxml", text)


def run_document(
    engine: Engine, call: Call, verbs: Iterable[Any], base_url: str, context: str = "call"
) -> None:
    """Start running a document's verbs on the call."""
    call.base_url = base_url
    call.program = Program(tuple(verbs), base_url, context)
    advance(engine, call)


def advance(engine: Engine, call: Call) -> None:
    """Start verbs one after another until one takes time, waits for BXML, or the call ends."""
    if call.advancing:
        return  # a verb finished synchronously inside start(); the outer loop carries on
    call.advancing = True
    try:
        while not call.ended and call.run is None and call.waiting is None:
            program = call.program
            if program is None or program.index >= len(program.verbs):
                if call.on_bxml_end is not None:
                    on_bxml_end, call.on_bxml_end = call.on_bxml_end, None
                    on_bxml_end()
                    return
                if call.idle_at_end:
                    call.program = None
                    return
                engine.note(call, "verb", "end of BXML: implicit <Hangup>")
                engine.hang_up(call)
                return
            verb = program.verbs[program.index]
            program.index += 1
            _start_verb(engine, call, verb)
    finally:
        call.advancing = False


def _start_verb(engine: Engine, call: Call, verb: Any) -> None:
    tag = getattr(verb, "tag", None)
    if tag is not None and not isinstance(verb, bxml.Tag):
        call.tag = tag or None  # a verb's tag applies to its own and all later callbacks
    handler = handlers.handler_for(verb)
    if handler.answers_call(verb) and not call.answered:
        lifecycle.answer_inbound(engine, call)
        if call.ended:
            # The caller hung up as the call was answered: `end_call` dropped the program,
            # but this verb had already been taken from it, so it must not start either.
            return
    run = handler(engine, call, verb)
    call.run = run
    engine.note(call, "verb", f"<{type(verb).__name__}> started", verb=type(verb).__name__)
    if call.observer is not None:
        call.observer.verb_started(engine, call, run)
    run.start()


def finish_verb(engine: Engine, call: Call, run: VerbRun) -> None:
    """A verb is over: note it and go on with the program (unless it sent a webhook)."""
    if complete_verb(engine, call, run):
        advance(engine, call)


def complete_verb(engine: Engine, call: Call, run: VerbRun) -> bool:
    """Note that a verb is over, without going on (False if it was not the running one)."""
    if call.run is not run:
        return False
    call.run = None
    run.finished = True
    name = type(run.verb).__name__
    engine.note(call, "verb", f"<{name}> ended", verb=name, started=run.started_at)
    if call.observer is not None:
        call.observer.verb_ended(engine, call, run, interrupted=False)
    return True


def interrupt(engine: Engine, call: Call) -> None:
    """Stop the running verb and drop the rest of the program (redirect, new BXML, hangup)."""
    run = call.run
    call.program = None
    call.waiting = None
    if run is not None:
        stop_run(engine, call, run)


def stop_run(engine: Engine, call: Call, run: VerbRun) -> None:
    """Stop the running verb only; the program goes on when `advance` is next called."""
    call.run = None
    run.stop()
    name = type(run.verb).__name__
    engine.note(call, "verb", f"<{name}> interrupted", verb=name, started=run.started_at)
    if call.observer is not None:
        call.observer.verb_ended(engine, call, run, interrupted=True)
