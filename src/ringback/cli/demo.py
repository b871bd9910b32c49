"""`ringback demo`: the example IVR app and scripted callers through every branch, in seconds.

The app (`examples/ivr_app.py`, loaded from the source checkout) runs in this process on a free
loopback port; the platform runs beside it on the virtual clock. The sales agent's phone is
registered with `put_phone`, so the transfer is answered; the voicemail caller says words that
come back in the transcription. Each call's timeline is printed, then one line per call.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import click
from aiohttp import web
from rich.console import Console
from rich.text import Text

from ringback.cli.timeline_view import duration_s, leg_label, render_report, seconds
from ringback.engine.requests import Application, Callback
from ringback.hosting.local_call import CallReport, follow, local_platform
from ringback.phones.script import parse_script
from ringback.runtime import Platform

EXAMPLE_PATH = Path(__file__).resolve().parents[3] / "examples" / "ivr_app.py"
IVR_NUMBER = "+15551112222"
AGENT_NUMBER = "+15557770001"
APPLICATION_ID = "ivr-demo"
DEMO_WAIT_S = 30.0  # real seconds; each call takes milliseconds on the virtual clock
VOICEMAIL_WORDS = "Hi, this is Alex. Please call me back about my order."
AGENT_PHONE = {
    "answerAfter": 2,
    "steps": [
        {"say": "Sales, this is Sam speaking. How can I help?"},
        {"wait": 20},
        {"hangup": True},
    ],
}


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scripted caller and what the call shows."""

    name: str
    caller: str
    phone: dict[str, Any]
    shows: str


SCENARIOS = (
    Scenario(
        "sales",
        "+15553330001",
        {"steps": [{"waitFor": "gather"}, {"press": "1"}]},
        "presses 1: transferred to the sales agent, who answers",
    ),
    Scenario(
        "voicemail",
        "+15553330002",
        {
            "steps": [
                {"waitFor": "gather"},
                {"press": "2"},
                {"waitFor": "record"},
                {"say": VOICEMAIL_WORDS},
                {"press": "#"},
            ]
        },
        "presses 2, leaves a message, presses #: recorded and transcribed",
    ),
    Scenario(
        "wrong key",
        "+15553330003",
        {"steps": [{"waitFor": "gather"}, {"press": "9"}, {"waitFor": "gather"}, {"press": "7"}]},
        "presses 9, hears the menu again, presses 7: goodbye",
    ),
    Scenario("silence", "+15553330004", {}, "presses nothing: the menu twice, then goodbye"),
)


class ExampleUnavailableError(Exception):
    """The example app cannot be loaded (not a source checkout, or the SDK is missing)."""


def load_ivr_app(path: Path = EXAMPLE_PATH) -> ModuleType:
    """Import examples/ivr_app.py by its path (it is not part of the installed package)."""
    if not path.is_file():
        raise ExampleUnavailableError(
            f"ringback demo runs examples/ivr_app.py from a source checkout; no file at {path}"
        )
    name = "ringback_example_ivr_app"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
    except ImportError as error:
        del sys.modules[name]
        raise ExampleUnavailableError(
            f"{path} needs the official Bandwidth SDK ({error}): pip install bandwidth-sdk"
        ) from None
    return module


@contextlib.asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """Run an aiohttp app on a free loopback port; yields its base URL."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def configure(platform: Platform, base_url: str) -> None:
    """The IVR's application and number, and the agent's phone."""
    platform.put_application(
        Application(
            APPLICATION_ID, Callback(base_url + "/answer"), Callback(base_url + "/disconnect")
        )
    )
    platform.put_number(IVR_NUMBER, APPLICATION_ID)
    platform.put_phone(AGENT_NUMBER, parse_script(AGENT_PHONE))


async def run_scenarios(platform: Platform) -> list[tuple[Scenario, CallReport]]:
    """Every scenario's call, one after another, each run to its end."""
    results = []
    for scenario in SCENARIOS:
        call_id = platform.inbound_call(
            scenario.caller, IVR_NUMBER, phone=parse_script(scenario.phone)
        )
        results.append((scenario, await follow(platform, call_id, DEMO_WAIT_S)))
    return results


class AudioFolder:
    """A temporary folder for recordings, made when the first one is saved."""

    def __init__(self) -> None:
        self.path: Path | None = None

    def save(self, name: str, audio: bytes) -> Path:
        """Write `audio` as `name` in the folder; its path."""
        if self.path is None:
            self.path = Path(tempfile.mkdtemp(prefix="ringback-demo-"))
        target = self.path / name
        target.write_bytes(audio)
        return target


async def outcome(platform: Platform, report: CallReport, audio: AudioFolder) -> str:
    """What happened on a call, in a few words: digits, transfers, voicemails (saved as files)."""
    notes = []
    pressed = [
        str(entry["detail"]["digits"])
        for entry in report.timeline
        if entry["kind"] == "far-end" and "digits" in entry["detail"]
    ]
    if pressed:
        notes.append("pressed " + ", ".join(pressed))
    for leg in report.legs:
        answered = "answered" if leg.state.get("answerTime") else f"not answered ({leg.cause})"
        notes.append(f"{leg_label(report, leg)}: {answered}")
    for recording in platform.engine.recordings.values():
        if recording.call_id != report.call_id:
            continue
        text = recording.transcription.text if recording.transcription else ""
        notes.append(f"voicemail {seconds(recording.duration_s)}, transcription {text!r}")
        media = await platform.recording_media(recording.recording_id)
        if media is not None:
            data, media_type = media
            suffix = ".mp3" if media_type == "audio/mpeg" else ".wav"
            notes.append(f"saved {audio.save(recording.recording_id + suffix, data)}")
    return "; ".join(notes)


async def run_demo(console: Console, *, bodies: bool = False) -> int:
    """Run every scenario, print the timelines and a summary; the exit status (0: all normal)."""
    try:
        module = load_ivr_app()
    except ExampleUnavailableError as error:
        console.print(Text(str(error), style="red"))
        return 1
    app = module.create_app(agent_number=AGENT_NUMBER)
    async with serve_app(app) as base_url, local_platform() as platform:
        configure(platform, base_url)
        console.print(Text(f"IVR app {EXAMPLE_PATH.name} on {base_url}; Ringback, virtual clock"))
        results = await run_scenarios(platform)
        audio = AudioFolder()
        summaries = [
            (scenario, report, await outcome(platform, report, audio))
            for scenario, report in results
        ]
    for scenario, report, _ in summaries:
        console.print()
        console.rule(Text(f"{scenario.name}: {scenario.shows}"), align="left")
        render_report(console, report, bodies=bodies)
    console.print()
    console.rule(Text("summary"), align="left")
    width = max(len(scenario.name) for scenario in SCENARIOS)
    for scenario, report, notes in summaries:
        mark, style = ("ok", "green") if report.ended_normally else ("FAILED", "bold red")
        line = Text(f"{mark:<6} {scenario.name:<{width}}  {report.cause or 'still up'}", style)
        line.append(f"  {seconds(duration_s(report))}  {notes}".rstrip(), style="")
        console.print(line)
    return 0 if all(report.ended_normally for _, report, _ in summaries) else 1


# ---- ringback demo ---------------------------------------------------------------------------


@click.command("demo", epilog="Exit status: 0 when every call ended normally, 1 otherwise.")
@click.option("--bodies", is_flag=True, help="Show webhook request and response bodies.")
def demo_command(bodies: bool) -> None:
    """Run the example IVR app (examples/ivr_app.py) through every branch, in seconds."""
    console = Console(highlight=False, soft_wrap=True)
    raise SystemExit(asyncio.run(run_demo(console, bodies=bodies)))
