"""`ringback serve`: the REST API and the control API over HTTP until Ctrl-C."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click

from ringback import hosting
from ringback.api.auth import listens_beyond_loopback
from ringback.cli.log import log_options, print_log
from ringback.cli.options import audio_options, audio_sources_of, pacing_options
from ringback.engine.clock import ClockMode
from ringback.engine.pacing import DEFAULT_CALLS_PER_SECOND, DEFAULT_MAX_CONCURRENT_CALLS
from ringback.hosting.server import Prepared
from ringback.masking import MASKED_SECRET
from ringback.runtime import PlatformConfig

DEFAULT_PASSWORD = "ringback"


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on. Beyond loopback the control API asks for the REST credentials.",
)
@click.option(
    "--open-control-api",
    is_flag=True,
    help="With --host beyond loopback: leave the control API (/_ringback) without credentials.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="TCP port (0: any free port).",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("ringback.sqlite3"),
    show_default=True,
    help="SQLite file keeping calls, timelines, recordings and settings across restarts.",
)
@click.option(
    "--clock",
    type=click.Choice(["real", "virtual", "manual"]),
    default="virtual",
    show_default=True,
    help="real: wall-clock time; virtual: skip idle time; manual: move only on /clock/advance.",
)
@click.option(
    "--idle",
    type=click.FloatRange(min=0),
    default=0.2,
    show_default=True,
    help="Virtual clock: real seconds of quiet (no webhook, no request) before time jumps.",
)
@click.option("--account-id", default="9900000", show_default=True, help="The one account.")
@click.option("--username", default="ringback", show_default=True, help="REST API user.")
@click.option("--password", default=DEFAULT_PASSWORD, show_default=True, help="REST API password.")
@click.option(
    "--webhook-auth",
    type=click.Choice(["challenge", "preemptive"]),
    default="challenge",
    show_default=True,
    help="Webhook basic auth: after a 401 challenge (as Bandwidth does) or on the first try.",
)
@click.option("--initiate-url", help="Default application: where inbound calls send `initiate`.")
@click.option("--status-url", help="Default application: where inbound calls send `disconnect`.")
@click.option(
    "--application-id",
    default="ringback-app",
    show_default=True,
    help="Default application's id (with --initiate-url it receives every unrouted number).",
)
@log_options("webhooks")
@pacing_options(DEFAULT_CALLS_PER_SECOND, DEFAULT_MAX_CONCURRENT_CALLS)
@audio_options
def serve(
    host: str,
    open_control_api: bool,
    port: int,
    db: Path,
    clock: str,
    idle: float,
    account_id: str,
    username: str,
    password: str,
    webhook_auth: str,
    initiate_url: str | None,
    status_url: str | None,
    application_id: str,
    log_level: str,
    log_format: str,
    calls_per_second: float,
    max_concurrent_calls: int,
    max_call_queue_size: int | None,
    audio_files: tuple[tuple[str, Path], ...],
    audio_fallback: float | None,
) -> None:
    """Serve the Bandwidth REST API (/api/v2), the control API (/_ringback) and the web console
    (/) until Ctrl-C, printing each webhook and each call's end as it happens (--log)."""
    config = PlatformConfig(
        account_id=account_id,
        username=username,
        password=password,
        clock=ClockMode(clock),
        idle_s=idle,
        webhook_auth=webhook_auth,
        calls_per_second=calls_per_second,
        max_concurrent_calls=max_concurrent_calls,
        max_call_queue_size=max_call_queue_size,
        open_control_api=open_control_api,
        audio_sources=audio_sources_of(
            {"audio_files": audio_files, "audio_fallback": audio_fallback}
        ),
    )
    if status_url is not None and initiate_url is None:
        raise click.BadParameter("needs --initiate-url as well", param_hint="--status-url")
    setup = None
    if initiate_url is not None:
        try:
            setup = hosting.default_application(application_id, initiate_url, status_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--initiate-url/--status-url") from None
    try:
        prepared = hosting.prepare(config, db, host=host, port=port, setup=setup)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    except sqlite3.Error as exc:
        raise click.BadParameter(f"{db}: {exc}", param_hint="--db") from None
    # With JSON lines on stdout, the banner goes to stderr so stdout stays machine-readable.
    click.echo(
        banner(prepared, db, default_application=setup is not None, host=host),
        err=log_format == "json",
    )
    if open_control_api and listens_beyond_loopback(host):
        click.secho(
            f"WARNING: --open-control-api: anyone who can reach {host} port"
            f" {prepared.sock.getsockname()[1]} may reset Ringback, script its phones and move"
            " its clock (the control API asks for no credentials)",
            fg="red",
            bold=True,
            err=True,
        )
    print_log(prepared.platform, log_level, log_format)
    hosting.run_until_stopped(prepared)


def banner(
    prepared: Prepared,
    db: str | Path,
    *,
    default_application: bool = False,
    host: str = "127.0.0.1",
) -> str:
    """What `ringback serve` prints on start: where it listens and how to point the SDK at it.

    The password is shown only while it is the documented default; a chosen one is masked.
    """
    config = prepared.platform.config
    url = prepared.url
    password = config.password if config.password == DEFAULT_PASSWORD else MASKED_SECRET
    lines = [
        f"Ringback serving on {url} (clock {config.clock.value}, idle {config.idle_s:g} s,"
        f" store {db})",
    ]
    listening = f"{host}:{prepared.sock.getsockname()[1]}"
    if listens_beyond_loopback(host):
        guard = "no credentials" if config.open_control_api else "the REST credentials"
        lines.append(f"Listening on {listening}: the control API asks for {guard}.")
    lines += [
        "",
        "Bandwidth SDK configuration:",
        "",
        "    from bandwidth import ApiClient, Configuration",
        "    configuration = Configuration(",
        f'        host="{url}/api/v2",',
        f'        username="{config.username}",',
        f'        password="{password}",',
        "        ignore_operation_servers=True,",
        "    )",
        f'    account_id = "{config.account_id}"',
        "",
        f"Control API: {url}/_ringback  (docs/control-api.md)",
        f"Console:     {url}/  (docs/console.md)",
    ]
    if default_application:
        lines.append("Inbound calls to any unrouted number go to the default application.")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)
