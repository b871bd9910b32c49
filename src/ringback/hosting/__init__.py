"""Hosting the platform: over HTTP with uvicorn (`server`), or in-process for one call at a time
(`local_call`). The command line, test suites and load runs build on this; it never imports
`ringback.cli`.
"""

from ringback.hosting.local_call import CallReport, follow, local_platform
from ringback.hosting.server import (
    BackgroundServer,
    Prepared,
    default_application,
    prepare,
    run,
    run_until_stopped,
    start_in_thread,
)

__all__ = [
    "BackgroundServer",
    "CallReport",
    "Prepared",
    "default_application",
    "follow",
    "local_platform",
    "prepare",
    "run",
    "run_until_stopped",
    "start_in_thread",
]
