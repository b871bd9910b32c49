"""The running platform: the one asyncio loop that drives the engine (see `Platform`)."""

from ringback.runtime.config import PlatformConfig
from ringback.runtime.platform import Platform

__all__ = ["Platform", "PlatformConfig"]
