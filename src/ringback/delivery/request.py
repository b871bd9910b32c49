"""A webhook to deliver (`WebhookRequest`) and the rules of the generation that delivers it.

What differs between the platform's generations is data, `DeliveryRules`: v2's (`V2_RULES`)
retry a connect error once and take timeouts of 1-25 s; v1's (`V1_RULES`, v1 spec §4) try each
URL once, take timeouts up to 10 s (given in milliseconds), send credentials pre-emptively and
announce themselves as `BandwidthAPI/v1`. How a delivery goes is `ringback.delivery.policy`,
the same for both. Pure: no I/O, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from ringback.delivery.target import Target
from ringback.errors import WebhookTargetError
from ringback.masking import mask_url

AuthMode: TypeAlias = Literal["challenge", "preemptive"]

DEFAULT_CALLBACK_TIMEOUT_S: float = 15
MIN_CALLBACK_TIMEOUT_S: float = 1
MAX_CALLBACK_TIMEOUT_S: float = 25
CONNECT_ERROR_RETRIES = 1
JSON_CONTENT_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class DeliveryRules:
    """How one platform generation delivers: retries, timeout bounds, auth and headers."""

    connect_retries: int = CONNECT_ERROR_RETRIES
    min_timeout_s: float = MIN_CALLBACK_TIMEOUT_S
    max_timeout_s: float = MAX_CALLBACK_TIMEOUT_S
    preemptive_auth: bool = False  # True: credentials on the first request, whatever `auth`
    user_agent: str | None = None  # None: the sender's own
    content_type: str = JSON_CONTENT_TYPE


V2_RULES = DeliveryRules()
V1_RULES = DeliveryRules(
    connect_retries=0,
    min_timeout_s=0.001,
    max_timeout_s=10.0,
    preemptive_auth=True,
    user_agent="BandwidthAPI/v1",
    content_type="application/json; charset=utf-8",
)


@dataclass(frozen=True, slots=True)
class WebhookRequest:
    """One webhook to deliver: a ready JSON body (POST) or query pairs (GET), and its targets."""

    event_type: str
    body: bytes
    query: Sequence[tuple[str, str]]
    primary: Target
    fallback: Target | None = None
    timeout_s: float = DEFAULT_CALLBACK_TIMEOUT_S
    sync: bool = False
    auth: AuthMode = "challenge"
    rules: DeliveryRules = V2_RULES
    drop_first_response: bool = False  # fault fail-first (delivery/faults.py): off on Bandwidth

    def __post_init__(self) -> None:
        object.__setattr__(self, "query", tuple((str(k), str(v)) for k, v in self.query))
        timeout, rules = self.timeout_s, self.rules
        if not (math.isfinite(timeout) and rules.min_timeout_s <= timeout <= rules.max_timeout_s):
            raise WebhookTargetError(
                f"callbackTimeout for {self.event_type} webhook to {mask_url(self.primary.url)!r}"
                f" must be {rules.min_timeout_s:g} to {rules.max_timeout_s:g} seconds,"
                f" got {timeout!r}"
            )
        if self.auth not in ("challenge", "preemptive"):
            raise WebhookTargetError(
                f"webhook auth mode must be 'challenge' or 'preemptive', got {self.auth!r}"
            )
