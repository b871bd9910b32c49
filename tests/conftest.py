"""Suite-wide settings."""

from __future__ import annotations

import os

from hypothesis import settings

# In CI, Hypothesis runs the same examples every time, so a red build is reproducible.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
