"""`ringback call | inbound --api v1`: the same commands driving an app written for the v1 API.

A v1 app is told of a call by callbacks and steers it by calling the v1 REST API back, so the
platform's API must be reachable while the call runs: it listens on 127.0.0.1:`--api-port` (pick
a fixed port your app is configured with), and every callback's `callUri` names it too. The
virtual clock waits `V1_IDLE_S` of quiet before it jumps, so REST requests an app sends just
after answering a callback land before the next timer fires.

`call --api v1`: `--answer-url` is the call's `callbackUrl` (every event of the call goes there),
`--answer-method` its `callbackHttpMethod`. `inbound --api v1`: `--initiate-url` is the v1
application's `incomingCallUrl` and `--to` a phone number routed to it; `--no-auto-answer`
leaves answering to the app (`POST /calls/{id}` `{"state": "active"}`).
"""

from __future__ import annotations

from typing import Any

import click

from ringback.engine.requests import Callback
from ringback.engine.v1 import requests as v1r
from ringback.phones.script import PhoneScript
from ringback.runtime import Platform

API_VERSIONS = ("v2", "v1")
V1_IDLE_S = 0.2
MS_PER_S = 1000
# Options of the v2 commands that v1 has no place for.
V2_ONLY = {
    "call": ("disconnect_url", "machine_detection", "machine_detection_url"),
    "inbound": ("status_url",),
}

api_option = click.option(
    "--api",
    "api_version",
    type=click.Choice(API_VERSIONS),
    default="v2",
    show_default=True,
    help="The API the app is written for: v2 (BXML webhooks) or v1 (callbacks and REST calls "
    "back to /v1/users/{userId}; see docs/v1.md). v1 needs a fixed --api-port the app knows.",
)


def check_v1_options(command: str, options: dict[str, Any]) -> None:
    """Refuse v2-only options with --api v1 (a usage error, exit 2)."""
    if options["api_version"] != "v1":
        return
    for name in V2_ONLY[command]:
        if options.get(name) is not None:
            flag = "--" + name.replace("_", "-")
            raise click.UsageError(f"{flag} is a v2 option: a v1 app gets every event at its URL")


def events_of(url: str, method: str, timeout_s: float) -> v1r.Events:
    """Where a v1 call's events go (v1 caps the callback timeout at 10 s)."""
    return v1r.Events(Callback(url, method.upper()), min(timeout_s, v1r.DEFAULT_CALLBACK_TIMEOUT_S))


def place_call(platform: Platform, options: dict[str, Any], phone: PhoneScript | None) -> str:
    """POST /v1/.../calls for the app at --answer-url; returns the call id."""
    call_id = platform.engine.ids.v1("c")
    command = v1r.PlaceCall(
        call_id=call_id,
        from_=options["from_"],
        to=options["to"],
        events=events_of(
            options["answer_url"], options["answer_method"], options["callback_timeout"]
        ),
        call_timeout_s=options["call_timeout"],
        tag=options["tag"],
        phone=phone,
    )
    platform.v1_command(command)
    return call_id


def inbound_call(platform: Platform, options: dict[str, Any], phone: PhoneScript | None) -> str:
    """A call to --to, routed to a v1 application made from --initiate-url (or one in --db)."""
    app_id = options["application_id"]
    if options["initiate_url"] is not None:
        app_id = app_id if app_id and app_id.startswith("a-") else platform.engine.ids.v1("a")
        timeout_ms = round(min(options["callback_timeout"], 10.0) * MS_PER_S)
        platform.v1.put_application(
            {
                "id": app_id,
                "name": "ringback inbound",
                "incomingCallUrl": options["initiate_url"],
                "incomingCallUrlCallbackTimeout": timeout_ms,
                "callbackHttpMethod": options["initiate_method"].lower(),
                "autoAnswer": options["auto_answer"],
            }
        )
        number = platform.v1.find_number(options["to"])
        entry = (
            dict(number) if number else {"id": platform.engine.ids.v1("n"), "number": options["to"]}
        )
        entry["applicationId"] = app_id
        platform.v1.put_number(entry)
    return platform.v1_inbound_call(options["from_"], options["to"], app_id, phone)
