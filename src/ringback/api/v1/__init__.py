"""The v1 REST API ("Catapult", `/v1/users/{userId}/...`, spec bandwidth-v1.md) on the platform.

`create_v1_routes(platform)` mounts every v1 endpoint group under `/v1/users/{userId}`. A group
is a class taking the `V1Context` and returning its routes (paths relative to the mount); to add
one (`/messages`, `/media`), write its module beside these and add it to `endpoint_groups`.
Errors are rendered in the v1 shape by `ringback.api.errors` (chosen by the `/v1/` path).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from starlette.routing import BaseRoute, Mount, Route

from ringback.api.v1.account import Account
from ringback.api.v1.calls import Calls
from ringback.api.v1.context import V1_PREFIX, V1Context
from ringback.api.v1.messages import Messages
from ringback.api.v1.recordings import Recordings
from ringback.api.v1.rooms import Rooms
from ringback.runtime import Platform


class EndpointGroup(Protocol):
    """A set of v1 endpoints (applications, calls, messages...)."""

    def routes(self) -> list[Route]:
        """Its routes, relative to `/v1/users/{userId}`."""
        ...


def endpoint_groups() -> list[Callable[[V1Context], EndpointGroup]]:
    """Every v1 endpoint group, in routing order."""
    return [Account, Calls, Recordings, Rooms, Messages]


def create_v1_routes(platform: Platform) -> list[BaseRoute]:
    """The v1 API's routes, to mount beside `/api/v2` and `/_ringback`."""
    context = V1Context(platform)
    routes: list[BaseRoute] = []
    for group in endpoint_groups():
        routes += group(context).routes()
    return [Mount(V1_PREFIX, routes=routes)]


__all__ = ["V1_PREFIX", "EndpointGroup", "V1Context", "create_v1_routes", "endpoint_groups"]
