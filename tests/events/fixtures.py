"""Golden data: every example payload of spec §2.3, copied verbatim from the spec.

The one copy lives in `ringback.events.examples` (the AsyncAPI document shows the same payloads);
it is data transcribed from the spec, not anything our code produces, so it stays the oracle.
"""

from __future__ import annotations

from ringback.events.examples import SPEC_EXAMPLES

__all__ = ["SPEC_EXAMPLES"]
