"""The running platform: the one asyncio loop that drives the engine (see `Platform`)."""

from ringback.runtime.platform import Platform, PlatformConfig

__all__ = ["Platform", "PlatformConfig"]
