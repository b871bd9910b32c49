"""Live news of a running platform: every timeline entry, as it is written, to whoever watches.

The terminal log of `ringback serve` and the web console's live pages subscribe here instead of
polling the store. A watcher is a plain callable run on the platform's event loop, inside the
write that produced the entry: it must be quick and must not raise (a watcher that does is
dropped, so a broken view never breaks a call). With no watcher, publishing costs one truth test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """One timeline entry as the store received it, with the call's state when it changed."""

    owner: str  # a call id, a conference id, or "account" for webhooks about neither
    at: float  # the platform's clock, epoch seconds
    kind: str  # "webhook", "verb", "far-end", "state", or a verb's own note kind
    summary: str
    detail: Mapping[str, Any]
    call: Mapping[str, Any] | None = None  # the call's REST state, on "state" entries


Watcher = Callable[[Entry], None]


class Watchers:
    """The callables told of every entry; `subscribe` returns the way to stop."""

    def __init__(self) -> None:
        self._watchers: list[Watcher] = []

    def __bool__(self) -> bool:
        return bool(self._watchers)

    def subscribe(self, watcher: Watcher) -> Callable[[], None]:
        """Tell `watcher` of every entry from now on; call the result to unsubscribe."""
        self._watchers.append(watcher)

        def unsubscribe() -> None:
            if watcher in self._watchers:
                self._watchers.remove(watcher)

        return unsubscribe

    def publish(self, entry: Entry) -> None:
        """Hand an entry to every watcher; one that raises is dropped, the others still hear."""
        for watcher in tuple(self._watchers):
            try:
                watcher(entry)
            except Exception:  # a view's bug must not end a call: the view stops watching
                if watcher in self._watchers:
                    self._watchers.remove(watcher)
