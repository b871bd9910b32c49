"""BXML for engine tests, built with the official SDK's classes: what users' apps send."""

from __future__ import annotations

from bandwidth.models.bxml import Response, Verb


def response(*verbs: Verb) -> str:
    """A `<Response>` document of these SDK verbs, serialized by the SDK."""
    return str(Response(list(verbs)).to_bxml())
