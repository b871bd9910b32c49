"""What the control API sets up on a platform: applications, numbers' routing, phone scripts.

Each is kept in memory for the engine and in the store's settings table, so a restarted server
has them back (`load`). Phone scripts live in the engine (the far ends it plays); the engine is
passed in, since a reset replaces it.
"""

from __future__ import annotations

from ringback.engine.core import Engine
from ringback.engine.requests import Application
from ringback.errors import UnknownApplicationError
from ringback.phones.script import PhoneScript, parse_script, script_to_wire
from ringback.runtime.views import application_from_wire, application_to_wire
from ringback.store import Store


class Settings:
    """Applications and numbers' routing; phone scripts, stored and handed to the engine."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.applications: dict[str, Application] = {}
        self.numbers: dict[str, str] = {}  # number → application id

    def load(self, engine: Engine) -> None:
        """Read back what the store kept (a server starting on an existing file)."""
        for key, data in self.store.settings("application"):
            self.applications[key] = application_from_wire(data)
        for key, data in self.store.settings("number"):
            self.numbers[key] = data["applicationId"]
        for key, data in self.store.settings("phone"):
            engine.phones[key] = parse_script(data)

    def put_application(self, app: Application) -> None:
        """Add or replace an application."""
        self.applications[app.application_id] = app
        self.store.put_setting("application", app.application_id, application_to_wire(app))

    def put_number(self, number: str, application_id: str) -> None:
        """Route inbound calls to `number` to an application."""
        self.numbers[number] = application_id
        self.store.put_setting("number", number, {"applicationId": application_id})

    def put_phone(self, engine: Engine, number: str, script: PhoneScript) -> None:
        """The far end behind a number."""
        engine.phones[number] = script
        self.store.put_setting("phone", number, script_to_wire(script))

    def delete_phone(self, engine: Engine, number: str) -> bool:
        """The number goes back to the silent phone; False if it had no script."""
        found = engine.phones.pop(number, None) is not None
        self.store.delete_setting("phone", number)
        return found

    def application_for(self, to: str, application_id: str | None) -> Application:
        """The application an inbound call to `to` goes to: the one named, else the number's."""
        app_id = application_id or self.numbers.get(to)
        if app_id is None:
            raise UnknownApplicationError(
                f"no application for {to}: PUT /_ringback/numbers/{to} or name an applicationId"
            )
        app = self.applications.get(app_id)
        if app is None:
            raise UnknownApplicationError(f"application {app_id} not found")
        return app

    def clear(self) -> None:
        """Forget every application and number (a reset; the store was reset already)."""
        self.applications.clear()
        self.numbers.clear()
