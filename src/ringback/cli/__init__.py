"""The `ringback` command line: thin wrappers over the library; no logic lives here.

One module per command group; `options` holds what several commands share and `timeline_view`
draws calls in the terminal. Nothing outside this package imports it.
"""

from __future__ import annotations

import click

from ringback import __version__
from ringback.cli.bxml import bxml
from ringback.cli.calls import call_command, inbound_command
from ringback.cli.demo import demo_command
from ringback.cli.load import load_command
from ringback.cli.schema import schema
from ringback.cli.serve import serve
from ringback.cli.text import text_command
from ringback.cli.timeline import timeline_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ringback")
def main() -> None:
    """Ringback: a local Bandwidth Voice platform for testing voice apps."""


main.add_command(schema)
main.add_command(bxml)
main.add_command(serve)
main.add_command(call_command)
main.add_command(inbound_command)
main.add_command(timeline_command)
main.add_command(demo_command)
main.add_command(load_command)
main.add_command(text_command)

__all__ = ["main"]
