"""The older SDK venvs hold the versions the tests name, importable under `bandwidth`."""

from __future__ import annotations

from sdk_envs import run_sdk_script


def test_sdk_envs_15_is_the_samples_version() -> None:
    """.venv-sdk15 imports `bandwidth` 15.0.1 (no ignore_operation_servers)."""
    found = run_sdk_script(
        "15.0.1",
        """
        import inspect, json
        from importlib.metadata import version
        import bandwidth
        params = inspect.signature(bandwidth.Configuration).parameters
        print(json.dumps([version("bandwidth-sdk"), "ignore_operation_servers" in params]))
        """,
    )
    assert found == ["15.0.1", False]


def test_sdk_envs_3_is_the_v1_catapult_client() -> None:
    """.venv-sdk3 imports the v1 client's voice and messaging modules."""
    found = run_sdk_script(
        "3.0.3",
        """
        import json
        from importlib.metadata import version
        import bandwidth.voice, bandwidth.messaging
        print(json.dumps(version("bandwidth-sdk")))
        """,
    )
    assert found == "3.0.3"
