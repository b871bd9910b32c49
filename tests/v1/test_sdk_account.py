"""v1 applications, phone numbers and errors through the official v1 client (SDK 3.0.3)."""

from __future__ import annotations

from sdk_envs import run_sdk_script

from .conftest import SDK_PRELUDE, V1Server


def test_sdk_applications_create_get_list_update_delete(v1server: V1Server) -> None:
    """Every application method of the v1 client; loose values ("true", "5000") accepted."""
    result = run_sdk_script(
        "3.0.3",
        SDK_PRELUDE
        + """
app_id = account.create_application(
    name="Dial a Tune", incoming_call_url="http://u:p@127.0.0.1:9/calls",
    incoming_message_url="http://127.0.0.1:9/messages", callback_http_method="GET",
    auto_answer="false", incoming_call_url_callback_timeout="5000")
created = account.get_application(app_id)
account.update_application(app_id, incoming_call_fallback_url="http://127.0.0.1:9/fallback")
updated = account.get_application(app_id)
listed = [app["id"] for app in account.list_applications()]
account.delete_application(app_id)
try:
    account.get_application(app_id)
    gone = None
except Exception as error:
    gone = [error.status_code, error.code, error.message]
print(json.dumps({"id": app_id, "created": created, "updated": updated, "listed": listed,
                  "gone": gone}))
""",
        RINGBACK_URL=v1server.url,
    )
    app_id = result["id"]
    assert app_id.startswith("a-")
    assert len(app_id) == 25
    assert result["created"] == {
        "id": app_id,
        "name": "Dial a Tune",
        "incoming_call_url": "http://u:p@127.0.0.1:9/calls",
        "incoming_message_url": "http://127.0.0.1:9/messages",
        "callback_http_method": "get",
        "auto_answer": False,
        "incoming_call_url_callback_timeout": 5000,
    }
    assert result["updated"]["incoming_call_fallback_url"] == "http://127.0.0.1:9/fallback"
    assert result["updated"]["name"] == "Dial a Tune"  # a partial update keeps the rest
    assert app_id in result["listed"]
    assert result["gone"] == [
        404,
        "application-not-found",
        f"The application '{app_id}' could not be found",
    ]


def test_sdk_phone_numbers_routed_to_applications(v1server: V1Server) -> None:
    """Order, get (by id and by number), filter by application, detach, release."""
    result = run_sdk_script(
        "3.0.3",
        SDK_PRELUDE
        + """
app_id = account.create_application(name="Numbers", incoming_call_url="http://127.0.0.1:9/c")
number_id = account.order_phone_number(number="+19195551212", application_id=app_id)
by_id = account.get_phone_number(number_id)
by_number = account.get_phone_number("+19195551212")
of_app = [n["number"] for n in account.list_phone_numbers(application_id=app_id)]
account.update_phone_number(number_id, application_id="", name="spare")
detached = account.get_phone_number(number_id)
account.delete_phone_number(number_id)
print(json.dumps({"id": number_id, "app": app_id, "by_id": by_id, "by_number": by_number,
                  "of_app": of_app, "detached": detached}))
""",
        RINGBACK_URL=v1server.url,
    )
    assert result["id"].startswith("n-")
    assert result["by_id"] == result["by_number"]
    assert result["by_id"]["application_id"] == result["app"]
    app_url = result["by_id"]["application"]
    assert app_url.endswith(f"/v1/users/9900000/applications/{result['app']}")
    assert result["by_id"]["national_number"] == "(919) 555-1212"
    assert result["of_app"] == ["+19195551212"]
    assert "application_id" not in result["detached"]
    assert result["detached"]["name"] == "spare"


def test_v1_errors_have_the_v1_body(v1server: V1Server) -> None:
    """Bad credentials, another user, a missing property, bad JSON: §1.4 bodies naming it."""
    bad = v1server.v1("GET", "/applications", auth=("ringback", "wrong"))
    assert bad.status == 401
    assert bad.body["category"] == "authentication"
    other = v1server.request("GET", "/v1/users/u-someoneelse/applications")
    assert other.status == 403
    assert other.body["code"] == "access-denied"
    missing = v1server.v1("POST", "/applications", {"incomingCallUrl": "http://127.0.0.1:9/"})
    assert missing.status == 400
    assert missing.body["code"] == "missing-property"
    assert missing.body["message"] == (
        "The 'application' resource property 'name' is required but was not specified"
    )
    names = [detail["name"] for detail in missing.body["details"]]
    assert names == ["property", "requestMethod", "remoteAddress", "requestPath"]
    assert missing.body["details"][-1]["value"] == "users/9900000/applications"
    no_url = v1server.v1("POST", "/applications", {"name": "x"})
    assert no_url.body["message"] == "Your application must have a least one callback URL."
    timeout = v1server.v1(
        "POST",
        "/applications",
        {"name": "x", "incomingCallUrl": "http://h/", "incomingCallUrlCallbackTimeout": "20000"},
    )
    assert timeout.body["message"] == "Incoming Call callback timeout must not surpass 10000"
    broken = v1server.v1("POST", "/applications", raw=b"{not json")
    assert (broken.status, broken.body["code"]) == (400, "invalid-json")
    unknown = v1server.v1("GET", "/nothing-here")
    assert (unknown.status, unknown.body["category"]) == (404, "not-found")
    bad_url = v1server.v1("POST", "/applications", {"name": "x", "incomingCallUrl": "ftp://h"})
    assert bad_url.body["code"] == "callback-invalid-url"
