"""CPython's cyclic garbage collector, set up for a process that is Ringback (serve, load).

Why. The collector's full (generation 2) collections walk every object alive, the few hundred
thousand of the loaded modules included, and pause the event loop while they do: the replies
that arrive meanwhile wait, which is what sets the platform's latency tail. Timed with
`gc.callbacks` over 3,000 benchmark calls (3 runs each way), freezing what is alive once startup
is done (`gc.freeze`: moved to a generation the collector never walks) halved the time of full
collections, 112-132 → 64-71 µs per call, and their longest pause, 200-226 → 111-171 ms on a
loaded 2-core machine. Higher collection thresholds were measured too and showed no steady gain
(fewer collections, each longer), so the thresholds stay CPython's.

Only entry points use this (`ringback serve`, `ringback load` and its workers, the
benchmarks), for as long as they run: a library must not freeze the objects of the program that
imports it, and a command run inside another program (a test) unfreezes them when it returns.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """Collect once, then keep everything alive now out of every collection until the end."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
