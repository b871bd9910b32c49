"""Secrets hidden wherever Ringback records or shows text: one place, used everywhere (pure).

`mask_url` hides the password of a URL's userinfo (`https://user:pass@host` →
`https://user:***@host`); `mask_text` does that for every URL inside a text, and hides the
value of every `...password="…"` attribute (BXML's `password`, `fallbackPassword`), so an app's
BXML reply, an error message or a banner can be recorded and printed as they are otherwise.
Credentials themselves still go where they must (the Authorization header, the store's copy of
an application's settings); what is masked is every copy made to be read by a person.
"""

from __future__ import annotations

import re

MASKED_SECRET = "***"

# A URL's scheme and userinfo: `scheme://userinfo@`. The userinfo may hold no `/?#@`, quotes,
# brackets or spaces, so a match never runs past the URL it starts in.
_URL_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@\"'<>]*)@")
# `password="…"`, `fallbackPassword='…'`, any case, spaces around `=`.
_PASSWORD_ATTRIBUTE = re.compile(r"""(\w*password\s*=\s*)(?:"[^"]*"|'[^']*')""", re.IGNORECASE)


def mask_url(url: str) -> str:
    """`url` safe to record: `https://user:pass@host/p` → `https://user:***@host/p`.

    The user name stays visible (it helps spot the wrong account); a password is replaced by
    `***`. Userinfo without a colon is often a token, so it is masked whole. Never raises.
    """
    scheme_end = url.find("://")
    if scheme_end < 0 or "@" not in url:
        return url
    authority_start = scheme_end + 3
    authority_end = len(url)
    for delimiter in "/?#":
        found = url.find(delimiter, authority_start)
        if 0 <= found < authority_end:
            authority_end = found
    userinfo, at, host = url[authority_start:authority_end].rpartition("@")
    if not at:
        return url
    return f"{url[:authority_start]}{_masked(userinfo)}@{host}{url[authority_end:]}"


def _masked(userinfo: str) -> str:
    user, colon, _ = userinfo.partition(":")
    return f"{user}:{MASKED_SECRET}" if colon else MASKED_SECRET


def mask_text(text: str) -> str:
    """`text` with every URL's password and every password attribute's value masked."""
    if "@" in text:
        text = _URL_USERINFO.sub(lambda m: f"{m[1]}{_masked(m[2])}@", text)
    if "assword" in text or "ASSWORD" in text:
        text = _PASSWORD_ATTRIBUTE.sub(lambda m: f'{m[1]}"{MASKED_SECRET}"', text)
    return text
