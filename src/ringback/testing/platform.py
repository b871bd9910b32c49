"""`Ringback`: an in-process platform for a test, served on a loopback port.

How this works. The platform is the one `ringback serve` runs (`ringback.hosting`): uvicorn
serves its REST API (`/api/v2`) and control API (`/_ringback`) from a background thread, on an
ephemeral port of 127.0.0.1, so the app under test can call the REST API with the official SDK
while a test runs. The test's own thread speaks to the platform through the same `Platform`
methods the control API's handlers call (place a call, put a phone, read a timeline, wait,
reset), each run on the server's event loop with `run_coroutine_threadsafe`: a test blocks on a
call while the platform, the app and the clock move on their own threads.

Ids are deterministic: every reset empties the store, so the n-th call of a test gets the same
id in every run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

from ringback.api.control_bodies import read_application
from ringback.api.fields import Fields
from ringback.api.validation import outbound_call
from ringback.delivery.faults import Fault
from ringback.engine.clock import ClockMode
from ringback.errors import TestingError
from ringback.hosting.local_call import follow
from ringback.hosting.server import BackgroundServer, prepare
from ringback.runtime import Platform, PlatformConfig
from ringback.testing import golden
from ringback.testing.apps import Interface, serve_app
from ringback.testing.phone import Phone
from ringback.testing.reading import cut_short_reasons, result_of
from ringback.testing.result import CallResult

T = TypeVar("T")
Clock = Literal["virtual", "real", "manual"]

DEFAULT_APP_NUMBER = "+15551112222"  # the app's number: caller id of `call`, callee of `inbound`
DEFAULT_PERSON_NUMBER = "+15553334444"  # the person at the far end
DEFAULT_APPLICATION_ID = "ringback-test"
DEFAULT_CALL_WAIT_S = 10.0  # real seconds a call may take before Ringback hangs it up
LOOP_CALL_TIMEOUT_S = 30.0  # real seconds for one request to the platform's loop


class Ringback:
    """An in-process Bandwidth platform on 127.0.0.1 for tests and scripts.

    Use it as a context manager (`with Ringback() as rb: call = rb.call(...)`) or `start()` and
    `stop()` it. `clock` is `virtual` (default: time jumps whenever nothing is in flight),
    `real` or `manual`; `idle` is the real seconds of quiet the virtual clock waits before it
    jumps (raise it when the app calls the REST API on its own between webhooks). `faults` are
    delivered worse than Bandwidth promises for every call of the run (docs/testing.md).
    """

    def __init__(
        self,
        *,
        clock: Clock = "virtual",
        idle: float = 0.0,
        db: str | Path | None = None,
        call_wait: float = DEFAULT_CALL_WAIT_S,
        start_time: float | None = None,
        update_goldens: bool = False,
        faults: Iterable[Fault] = (),
    ) -> None:
        # The clock starts, and restarts at every reset, on a whole second: webhooks' timestamps
        # (whole milliseconds) are then the same from run to run, and so are golden files.
        if start_time is None and clock != "real":
            start_time = float(math.floor(time.time()))
        self.config = PlatformConfig(clock=ClockMode(clock), idle_s=idle, start_time=start_time)
        self.call_wait = call_wait
        self.update_goldens = update_goldens  # assert_matches writes golden files, not compares
        self.run_faults = tuple(faults)  # for every call of the run, re-applied after a reset
        self._scratch: str | None = None
        self._db = Path(db) if db is not None else None
        self._server: BackgroundServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.calls: list[CallResult] = []  # every call result read since the last reset

    # ---- starting and stopping -------------------------------------------------------------

    def start(self) -> Ringback:
        """Start the platform and its HTTP server; returns once they answer."""
        if self._server is not None:
            return self
        if self._db is None:
            self._scratch = tempfile.mkdtemp(prefix="ringback-test-")
            self._db = Path(self._scratch) / "ringback.sqlite3"
        prepared = prepare(self.config, self._db, setup=self._on_start)
        self._server = BackgroundServer(prepared).start()
        return self

    def _on_start(self, platform: Platform) -> None:
        # The app's lifespan calls this on the server's loop: the loop the platform lives on.
        self._loop = asyncio.get_running_loop()
        for fault in self.run_faults:
            platform.faults.add(fault)

    def stop(self) -> None:
        """Stop the server and the platform; the temporary database is deleted."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
            self._db = None

    def __enter__(self) -> Ringback:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # ---- where it is -----------------------------------------------------------------------

    @property
    def platform(self) -> Platform:
        """The running platform (its methods must run on its loop: see `run`)."""
        return self._running().prepared.platform

    @property
    def url(self) -> str:
        """The base URL: `{url}/api/v2` is the REST API, `{url}/_ringback` the control API."""
        return self._running().url

    @property
    def api_url(self) -> str:
        """The REST API's base, the SDK's `host`."""
        return f"{self.url}/api/v2"

    @property
    def account_id(self) -> str:
        """The account id the REST API answers for."""
        return self.config.account_id

    @property
    def db_path(self) -> Path | None:
        """The SQLite file the platform writes."""
        return self._db

    def sdk_configuration(self) -> Any:
        """A `bandwidth.Configuration` for the REST API (needs `bandwidth-sdk`)."""
        import bandwidth

        return bandwidth.Configuration(
            host=self.api_url,
            username=self.config.username,
            password=self.config.password,
            ignore_operation_servers=True,
        )

    def serve(
        self, app: object, interface: Interface = "auto"
    ) -> contextlib.AbstractContextManager[str]:
        """`with rb.serve(app) as url:` the app under test on loopback (see `serve_app`)."""
        return serve_app(app, interface)

    # ---- calls -----------------------------------------------------------------------------

    def call(
        self,
        answer_url: str,
        phone: Phone | None = None,
        *,
        to: str = DEFAULT_PERSON_NUMBER,
        from_: str = DEFAULT_APP_NUMBER,
        answer_method: str = "POST",
        disconnect_url: str | None = None,
        disconnect_method: str = "POST",
        application_id: str = DEFAULT_APPLICATION_ID,
        fields: Mapping[str, Any] | None = None,
        faults: Sequence[Fault] = (),
        wait: float | None = None,
    ) -> CallResult:
        """Place an outbound call to the app (as POST /calls would) and run it to its end.

        `phone` plays the callee; `fields` are any other fields of Bandwidth's CreateCall body,
        in its camelCase wire form (`{"callTimeout": 10, "machineDetection": {...}}`), checked
        as the REST API checks them. `faults` apply to this call and the legs it starts.
        """
        body: dict[str, Any] = {
            "to": to,
            "from": from_,
            "applicationId": application_id,
            "answerUrl": answer_url,
            "answerMethod": answer_method,
            **({"disconnectUrl": disconnect_url} if disconnect_url else {}),
            "disconnectMethod": disconnect_method,
            **(fields or {}),
        }
        request = outbound_call(Fields.of(body))
        if phone is not None:
            request = replace(request, phone=phone.script())

        async def place(platform: Platform) -> str:
            call_id = platform.place_call(request)
            _add_call_faults(platform, call_id, faults)  # before any of its webhooks is sent
            return call_id

        result = self.result(self.run(place), wait=wait)
        result.spec = {"direction": "outbound", **body, **golden.replayable(phone, faults)}
        return result

    def inbound(
        self,
        initiate_url: str,
        phone: Phone | None = None,
        *,
        from_: str = DEFAULT_PERSON_NUMBER,
        to: str = DEFAULT_APP_NUMBER,
        status_url: str | None = None,
        application_id: str = DEFAULT_APPLICATION_ID,
        settings: Mapping[str, Any] | None = None,
        faults: Sequence[Fault] = (),
        wait: float | None = None,
    ) -> CallResult:
        """A call from `from_` arriving at the app's number `to`; `phone` plays the caller.

        The application gets `initiate_url` and `status_url`; `settings` are any other
        application settings of docs/control-api.md (`callbackCreds`, `callbackTimeout`, ...).
        """
        application = read_application(
            application_id,
            {
                "callInitiatedCallbackUrl": initiate_url,
                **({"callStatusCallbackUrl": status_url} if status_url else {}),
                **(settings or {}),
            },
        )
        script = phone.script() if phone is not None else None

        async def arrive(platform: Platform) -> str:
            platform.put_application(application)
            call_id = platform.inbound_call(from_, to, application_id, script)
            _add_call_faults(platform, call_id, faults)  # before any of its webhooks is sent
            return call_id

        result = self.result(self.run(arrive), wait=wait)
        result.spec = {
            "direction": "inbound",
            "from": from_,
            "to": to,
            "applicationId": application_id,
            "initiateUrl": initiate_url,
            "statusUrl": status_url,
            "settings": dict(settings or {}),
            **golden.replayable(phone, faults),
        }
        return result

    def replay(
        self, golden_path: str | Path, app_url: str, *, wait: float | None = None
    ) -> CallResult:
        """Place the call a golden file saved, the same way, against the app at `app_url`.

        `call.assert_matches(golden_path)` then shows what the app does differently.
        """
        spec = golden.read(golden_path)["call"]
        spec = json.loads(json.dumps(spec).replace("{app}", app_url.rstrip("/")))
        phone = Phone.from_script(spec["phone"]) if spec.get("phone") else None
        faults = [golden.fault_from_wire(wire) for wire in spec.get("faults", [])]
        if spec.get("direction") == "inbound":
            return self.inbound(
                spec["initiateUrl"],
                phone,
                from_=spec["from"],
                to=spec["to"],
                status_url=spec.get("statusUrl"),
                application_id=spec["applicationId"],
                settings=spec.get("settings"),
                faults=faults,
                wait=wait,
            )
        fields = {key: value for key, value in spec.items() if key not in golden.SPEC_KEYS}
        return self.call(
            spec["answerUrl"],
            phone,
            to=spec["to"],
            from_=spec["from"],
            answer_method=spec.get("answerMethod", "POST"),
            disconnect_url=spec.get("disconnectUrl"),
            disconnect_method=spec.get("disconnectMethod", "POST"),
            application_id=spec["applicationId"],
            fields=fields,
            faults=faults,
            wait=wait,
        )

    def inject(self, *faults: Fault) -> None:
        """Deliver webhooks worse than Bandwidth promises, for every call until the next reset."""

        async def add(platform: Platform) -> None:
            for fault in faults:
                platform.faults.add(fault)

        self.run(add)

    def phone(self, number: str, phone: Phone) -> None:
        """The far end behind `number`, for calls the app places (and transfers) to it."""
        script = phone.script()

        async def put(platform: Platform) -> None:
            platform.put_phone(number, script)

        self.run(put)

    def call_ids(self) -> list[str]:
        """Every call's id, in creation order (the calls the app placed included)."""

        async def listed(platform: Platform) -> list[str]:
            return [str(state["callId"]) for _, state in platform.list_calls(limit=1 << 62)]

        return self.run(listed)

    def result(self, call_id: str, *, wait: float | None = None) -> CallResult:
        """Wait for a call (and the legs it started) to end, then read what it left.

        A call still up after `wait` real seconds, or with nothing left that could end it, is
        hung up by Ringback, and the result says why in `cut_short`.
        """

        async def finished(platform: Platform) -> CallResult:
            wait_s = self.call_wait if wait is None else wait
            report = await follow(platform, call_id, wait_s)
            return await result_of(platform, report, cut_short_reasons(wait_s))

        result = self.run(finished, timeout=LOOP_CALL_TIMEOUT_S + (wait or self.call_wait))
        for call in (result, *result.legs):
            call.ringback_url = self.url
            call.update_goldens = self.update_goldens
        self.calls.append(result)
        return result

    # ---- the clock, reset ------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move a virtual or manual clock forward, firing the timers on the way."""

        async def advance(platform: Platform) -> None:
            await platform.advance(seconds)

        self.run(advance)

    def now(self) -> float:
        """The platform's clock, epoch seconds."""

        async def now(platform: Platform) -> float:
            return platform.now()

        return self.run(now)

    def reset(self) -> None:
        """Forget every call, setting and timer (as POST /_ringback/reset); ids start over."""

        async def reset(platform: Platform) -> None:
            await platform.reset()
            for fault in self.run_faults:
                platform.faults.add(fault)

        self.run(reset)
        self.calls.clear()

    def keep_database(self, destination: str | Path) -> Path:
        """Copy the platform's SQLite file to `destination` (`ringback timeline ID --db`)."""

        async def flush(platform: Platform) -> None:
            platform.store.flush()

        self.run(flush)
        if self._db is None:  # pragma: no cover - set by start()
            raise TestingError("Ringback is not running")
        target = Path(destination)
        target.parent.mkdir(parents=True, exist_ok=True)
        with (
            contextlib.closing(sqlite3.connect(self._db)) as source,
            contextlib.closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
        return target

    # ---- the platform's loop ---------------------------------------------------------------

    def run(
        self, work: Callable[[Platform], Awaitable[T]], timeout: float = LOOP_CALL_TIMEOUT_S
    ) -> T:
        """Run `work(platform)` on the platform's event loop and return its result."""
        self._running()
        assert self._loop is not None, "set by the app's lifespan before start() returns"

        async def run() -> T:
            return await work(self.platform)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout)

    def _running(self) -> BackgroundServer:
        if self._server is None:
            raise TestingError("Ringback is not running: use `with Ringback() as rb:` or start()")
        return self._server


def _add_call_faults(platform: Platform, call_id: str, faults: Sequence[Fault]) -> None:
    for fault in faults:
        platform.faults.add(fault.for_call(call_id))
