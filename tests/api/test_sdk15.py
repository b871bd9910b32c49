"""The REST API through bandwidth-sdk 15.0.1, the version Bandwidth's own Python samples pin.

SDK 15 and 16 have no `ignore_operation_servers`: every operation carries Bandwidth's server
and ignores `Configuration.host`. The recipe docs/sdks.md gives (a client that drops the
operation's server) is what this script uses, so the test also proves the recipe works.
"""

from __future__ import annotations

import asyncio

from sdk_envs import run_sdk_script

from .conftest import StartRingback, VoiceApp

HOLD = '<Response><Pause duration="3600"/></Response>'

SCRIPT = """
    import json, os, urllib.request
    import bandwidth
    from bandwidth.exceptions import (
        ApiException, BadRequestException, NotFoundException, UnauthorizedException)

    class RingbackApiClient(bandwidth.ApiClient):
        # SDK 15-16: each operation passes Bandwidth's own server as `_host`; drop it so
        # that Configuration.host is used.
        def call_api(self, *args, **kwargs):
            kwargs["_host"] = None
            return super().call_api(*args, **kwargs)

    url, app, account = os.environ["RINGBACK"], os.environ["APP"], "9900000"

    def client(password="ringback"):
        config = bandwidth.Configuration(
            host=url + "/api/v2", username="ringback", password=password)
        return RingbackApiClient(config)

    def advance(seconds):
        request = urllib.request.Request(
            url + "/_ringback/clock/advance", data=json.dumps({"seconds": seconds}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request).read()

    out = {}
    with client() as api:
        calls = bandwidth.CallsApi(api)
        created = calls.create_call(account, bandwidth.CreateCall(
            to="+15553334444", var_from="+15551112222", application_id="app-1",
            answer_url=app + "/hold", disconnect_url=app + "/disconnect"))
        call_id = created.call_id
        out["created"] = [call_id, created.call_url.startswith(url + "/api/v2/accounts/")]
        try:
            calls.update_call_bxml(account, call_id, "<Response><Hangup/></Response>")
            out["bxml_before_answer"] = "accepted"
        except ApiException as error:  # SDK 15 has no ConflictException
            out["bxml_before_answer"] = [error.status, json.loads(error.body)["description"]]
        advance(2)
        out["state_answered"] = calls.get_call_state(account, call_id).state
        calls.update_call_bxml(
            account, call_id, '<Response><Record maxDuration="2"/><Hangup/></Response>')
        advance(5)
        ended = calls.get_call_state(account, call_id)
        out["ended"] = [ended.state, ended.disconnect_cause]
        recordings = bandwidth.RecordingsApi(api)
        listed = recordings.list_call_recordings(account, call_id)
        out["recordings"] = len(listed)
        metadata = recordings.get_call_recording(account, call_id, listed[0].recording_id)
        out["recording_status"] = metadata.status
        audio = recordings.download_call_recording(account, call_id, listed[0].recording_id)
        out["audio_head"] = bytes(audio[:4]).decode()
        stats = bandwidth.StatisticsApi(api).get_statistics(account)
        out["statistics"] = [stats.current_call_queue_size, stats.max_call_queue_size]
        out["conferences"] = bandwidth.ConferencesApi(api).list_conferences(account)
        try:
            calls.get_call_state(account, "c-00000000-00000000-0000-4000-8000-000000000000")
        except NotFoundException as error:
            out["unknown_call"] = error.status
        try:
            calls.create_call(account, bandwidth.CreateCall(
                to="5553334444", var_from="+15551112222", application_id="app-1",
                answer_url=app + "/hold"))
        except BadRequestException as error:
            out["bad_number"] = json.loads(error.body)["description"]
    with client(password="wrong") as api:
        try:
            bandwidth.CallsApi(api).get_call_state(account, call_id)
        except UnauthorizedException as error:
            out["wrong_password"] = error.status
    print(json.dumps(out))
"""


async def test_sdk15_calls_recordings_statistics_and_errors(
    start_ringback: StartRingback, voice_app: VoiceApp
) -> None:
    """SDK 15.0.1 creates, updates and ends a call, fetches its recording, and gets each error."""
    voice_app.routes["/hold"] = HOLD
    live = await start_ringback(clock="manual")
    found = await asyncio.to_thread(
        run_sdk_script, "15.0.1", SCRIPT, RINGBACK=live.server.url, APP=voice_app.url
    )
    call_id = found["created"][0]
    assert found == {
        "created": [call_id, True],
        "bxml_before_answer": [409, f"Call [{call_id}] cannot be modified in its current state"],
        "state_answered": "answered",
        "ended": ["disconnected", "hangup"],
        "recordings": 1,
        "recording_status": "complete",
        "audio_head": "RIFF",
        "statistics": [0, 1500],
        "conferences": [],
        "unknown_call": 404,
        "bad_number": "Invalid to: must be an E164 telephone number",
        "wrong_password": 401,
    }
