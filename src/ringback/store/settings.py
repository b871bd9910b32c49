"""The store's settings table: applications, numbers' routes and phone scripts, by kind and key.

Mixed into `Store`, on its connection and transaction: what the control API set survives a
restart.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ringback.store.rows import Tables, dumps, loads

SETTINGS_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
"""


class SettingTables(Tables):
    """Settings; needs the Store's `_db` and `_write`."""

    def put_setting(self, kind: str, key: str, data: Mapping[str, Any]) -> None:
        """Store an application, a number's routing or a phone script under (kind, key)."""
        self._write("INSERT OR REPLACE INTO settings VALUES (?, ?, ?)", (kind, key, dumps(data)))

    def delete_setting(self, kind: str, key: str) -> None:
        """Forget one setting (a deleted v1 application or released number)."""
        self._write("DELETE FROM settings WHERE kind = ? AND key = ?", (kind, key))

    def setting(self, kind: str, key: str) -> dict[str, Any] | None:
        """One stored setting, or None."""
        row = self._db.execute(
            "SELECT data FROM settings WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone()
        return None if row is None else loads(row[0])

    def settings(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every setting of a kind, as (key, data)."""
        for key, data in self._db.execute(
            "SELECT key, data FROM settings WHERE kind = ? ORDER BY key", (kind,)
        ):
            yield key, loads(data)
