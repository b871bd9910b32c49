"""`ringback text`: a handset texts an app; every message that follows is printed with its timeline.

Ringback runs in-process on the virtual clock with its REST API on a loopback port (the app's
SDK replies there: `--api-port 8080`). The app gets `message-received` at `--inbound-url`; what
it sends back goes to the phone behind `--from` (`--phone FILE`, a phone script that may read and
answer), and its status callbacks to `--status-url`. The command waits until nothing more can
happen (every message final, every callback delivered or dropped, no timer left, no API request
for a moment), or `--timeout`.

Exit status: 0 when the app took every message sent to it (a 2xx) and none it sent failed, 1
otherwise (or still going at `--timeout`), 2 for a usage error.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

from ringback.cli.options import check_address, check_url, load_phone
from ringback.engine.clock import ClockMode
from ringback.engine.requests import Callback
from ringback.events import timestamp_from_epoch
from ringback.hosting.local_call import local_platform
from ringback.messaging import InboundRequest, Message, MessagingApplication, Status
from ringback.messaging.model import DEFAULT_CALLBACK_TYPES
from ringback.messaging.records import to_record
from ringback.phones.shortcuts import PhoneShortcuts
from ringback.runtime import Platform
from ringback.runtime.clockwork import settle

DEFAULT_APPLICATION_ID = "ringback-texts"
DEFAULT_APP_NUMBER = "+15550001111"
DEFAULT_PERSON_NUMBER = "+15552223333"
QUIET_CHECK_S = 0.05  # real seconds between looks at a platform that may be done
QUIET_CHECKS = 3  # looks in a row with nothing going on before the run counts as over


@click.command("text")
@click.option(
    "--inbound-url",
    required=True,
    callback=check_url,
    metavar="URL",
    help="The app's inboundCallbackUrl: receives message-received.",
)
@click.option(
    "--status-url",
    callback=check_url,
    metavar="URL",
    help="The app's outboundCallbackUrl: status callbacks of the messages it sends.",
)
@click.option(
    "--callback-type",
    "callback_types",
    multiple=True,
    type=click.Choice(
        ["message-sending", "message-sent", "message-delivered", "message-failed", "message-read"]
    ),
    help="requestedCallbackTypes (repeatable; default: sending, delivered, failed).",
)
@click.option("--application-id", default=DEFAULT_APPLICATION_ID, show_default=True)
@click.option(
    "--from",
    "from_",
    default=DEFAULT_PERSON_NUMBER,
    show_default=True,
    callback=check_address,
    help="The handset that texts; --phone scripts it.",
)
@click.option(
    "--to",
    default=DEFAULT_APP_NUMBER,
    show_default=True,
    callback=check_address,
    help="The app's number.",
)
@click.option("--text", "text", default="", help="The message's words.")
@click.option(
    "--media",
    multiple=True,
    metavar="URL|NAME",
    help="Media (repeatable): a URL, or a file name Ringback stands in for (cat.png).",
)
@click.option(
    "--phone",
    "phone_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The handset's phone script (JSON): how it reads and answers the app's texts.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="S",
    help="Real seconds to wait for the conversation to end.",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the messages in this SQLite file (default: a temporary one).",
)
@click.option(
    "--api-port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 of the REST API the app sends its replies to (0: any free port).",
)
@click.option("--bodies", is_flag=True, help="Show callback request and response bodies.")
@click.option("--json", "as_json", is_flag=True, help="Print the messages as JSON.")
def text_command(**options: Any) -> None:
    """A handset texts an app; print every message and callback that follows.

    Example: ringback text --inbound-url http://localhost:5000/inbound --text "STOP"
    """
    if not options["text"] and not options["media"]:
        raise click.UsageError("give --text, --media or both")
    phone = load_phone(options["phone_file"], PhoneShortcuts())
    app = MessagingApplication(
        options["application_id"],
        inbound=Callback(options["inbound_url"]),
        outbound=Callback(options["status_url"]) if options["status_url"] else None,
        callback_types=frozenset(options["callback_types"]) or DEFAULT_CALLBACK_TYPES,
    )

    async def run() -> tuple[list[dict[str, Any]], bool, bool]:
        async with local_platform(options["db"], ClockMode.VIRTUAL, options["api_port"]) as pf:
            pf.texting.put_application(app)
            pf.put_number(options["to"], app.application_id)
            if phone is not None:
                pf.put_phone(options["from_"], phone)
            request = InboundRequest(
                options["from_"], (options["to"],), options["text"], tuple(options["media"])
            )
            pf.texting.receive(request)
            finished = await _until_quiet(pf, options["timeout_s"])
            pf.store.flush()
            shown = [
                _shown(pf, m)
                for m in sorted(
                    pf.texting.core.messages.values(), key=lambda m: (m.time, m.message_id)
                )
            ]
            ok = all(_went_well(m) for m in pf.texting.core.messages.values())
            return shown, finished, ok

    try:
        shown, finished, ok = asyncio.run(run())
    except OSError as error:
        message = f"cannot listen on 127.0.0.1:{options['api_port']}: {error.strerror or error}"
        raise click.BadParameter(message, None, None, "--api-port") from None
    if options["as_json"]:
        click.echo(
            json.dumps({"messages": shown, "finished": finished}, indent=2, ensure_ascii=False)
        )
    else:
        _print(shown, bodies=options["bodies"])
        if not finished:
            click.secho(f"still going after {options['timeout_s']:g} s (--timeout)", fg="yellow")
    raise SystemExit(0 if finished and ok else 1)


async def _until_quiet(platform: Platform, timeout_s: float) -> bool:
    """Wait until nothing more can happen; False when `timeout_s` ran out first."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    quiet = 0
    core = platform.texting.core
    while quiet < QUIET_CHECKS:
        if loop.time() >= deadline:
            return False
        await settle(platform)
        await asyncio.sleep(QUIET_CHECK_S)
        idle = all(core.idle(message_id) for message_id in list(core.messages))
        recent = loop.time() - platform.last_activity < QUIET_CHECK_S
        nothing_due = platform.timers.next_due() is None
        quiet = quiet + 1 if idle and nothing_due and not recent and not platform.in_flight else 0
    return True


def _went_well(message: Message) -> bool:
    statuses = {recipient.status for recipient in message.recipients.values()}
    if message.direction.value == "in":
        return statuses == {Status.ACCEPTED}
    return Status.FAILED not in statuses


def _shown(platform: Platform, message: Message) -> dict[str, Any]:
    record = to_record(message)
    record["time"] = timestamp_from_epoch(message.time)
    record["entries"] = platform.texting.timeline(message.message_id)
    return record


def _print(shown: list[dict[str, Any]], *, bodies: bool) -> None:
    if not shown:
        click.echo("no message: no application serves the number")
        return
    start = min(entry["at"] for record in shown for entry in record["entries"])
    for record in shown:
        arrow = "←" if record["direction"] == "in" else "→"
        words = record["text"] or ""
        media = f" +{len(record['media'])} media" if record["media"] else ""
        click.echo(
            f"message {record['messageId']}  {record['from']} {arrow} "
            f"{', '.join(record['to'])}: {words!r}{media}"
        )
        for entry in record["entries"]:
            detail = entry["detail"]
            click.echo(f"  {entry['at'] - start:+8.3f}  {entry['kind']:<9} {entry['summary']}")
            if bodies and entry["kind"] == "webhook":
                click.echo(f"            → {detail.get('request_body', '')}")
                if detail.get("response_body"):
                    click.echo(f"            ← {detail['response_body']}")
        states = ", ".join(
            f"{r['number']} {r['status']}" + (f" {r['errorCode']}" if r["errorCode"] else "")
            for r in record["recipients"]
        )
        click.echo(f"  = {states}")
