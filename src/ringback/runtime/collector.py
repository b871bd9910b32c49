"""CPython's cyclic garbage collector, set up for a process that is Ringback (serve, load).

Why. The collector pauses the event loop while it walks objects, and what it walks is what a busy
platform keeps alive: the webhooks in flight (a task, its coroutines, futures and timers each),
the calls up, and the window of recently ended calls (runtime/retention.py). Two settings, each
timed with `gc.callbacks` on the whole-calls benchmark:

- What is alive once startup is done (the loaded modules: a few hundred thousand objects) is
  frozen (`gc.freeze`: moved to a generation the collector never walks). Full collections
  112-132 → 64-71 µs per call, their longest pause 200-226 → 111-171 ms on a loaded machine.
- Young collections run every 5,000 allocations, not 700, and a full one after 100 middle-aged
  ones, not 10. At 700 a young collection came every ten calls or so and walked the same
  webhooks in flight again and again (1,600 objects each time, 140 visits per call); the many
  full collections walked every live call. The collector's share of a whole call went from
  about 40 to about 20 µs. A full collection is that rare only because an ended call is no
  longer cyclic garbage: the engine undoes its cycles when it lets it go (`Engine.forget`), so
  reference counting frees it, and what the collector still has to find is the odd exception
  with its traceback, which waits a little longer (bounded: at most 10 million allocations).

Only entry points use this (`ringback serve`, `ringback load` and its workers, the benchmarks),
for as long as they run: a library must not freeze the objects of the program that imports it,
and a command run inside another program (a test) puts everything back when it returns.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# Allocations between young collections, young collections between middle-aged ones, and
# middle-aged ones between full collections (CPython's own: 700, 10, 10).
THRESHOLDS = (5000, 20, 100)


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """Collect once, keep everything alive now out of every collection, and collect less often,
    until the end."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
