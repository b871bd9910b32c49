"""The two kinds of BXML element class: top-level verbs and the elements nested in them.

Their own module so that `verbs.py` and `connecting.py` can both derive from them.
"""

from __future__ import annotations


class Verb:
    """Base of every top-level verb (the children of `<Response>` / `<Bxml>`)."""

    __slots__ = ()


class Nested:
    """Base of the elements that only appear inside a verb (`<PhoneNumber>`, `<StreamParam>`...)."""

    __slots__ = ()
