"""Ringback: a local Bandwidth Voice platform for testing voice applications."""

__version__ = "0.1.0.dev0"
