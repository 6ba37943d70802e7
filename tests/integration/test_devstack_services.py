"""The local stack's own services: moto's state across restarts, the outbox, the web server."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import jwt
import pytest

from chalicelib import aws
from chalicelib.aws import client
from chalicelib.config import get_settings
from devstack import moto_state
from devstack.outbox import fetch_outbox
from devstack.processes import free_port, start_moto
from devstack.webserver import make_web_server

PASSWORD = "Correct-horse-battery-9!"


@pytest.fixture()
def point_aws_at(monkeypatch):
    """Point chalicelib.aws at another moto for one test (this test's own, restarted one)."""

    def point(endpoint: str):
        monkeypatch.setenv("EMOTIPAL_AWS_ENDPOINT", endpoint)
        reset_caches()
        return client("cognito-idp")

    yield point
    reset_caches()  # rebuilt lazily from the restored environment


def reset_caches() -> None:
    get_settings.cache_clear()
    aws.reset()


def _start_recorded_moto(recording, tmp_path):
    service = start_moto(free_port(), recording_path=recording, log_path=tmp_path / "moto.log")
    moto_state.restore_and_record(service.url, recording)
    return service


def _create_user(idp, pool_id: str, email: str) -> str:
    user = idp.admin_create_user(
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )["User"]
    idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=PASSWORD, Permanent=True)
    return {a["Name"]: a["Value"] for a in user["Attributes"]}["sub"]


def _sign_in_sub(idp, client_id: str, email: str) -> str:
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return jwt.decode(result["IdToken"], options={"verify_signature": False})["sub"]


def test_users_objects_and_ids_survive_two_restarts(tmp_path, point_aws_at):
    recording = tmp_path / "moto-recording.jsonl"
    first = _start_recorded_moto(recording, tmp_path)
    try:
        idp = point_aws_at(first.url)
        pool_id = idp.create_user_pool(PoolName="restart-check", UsernameAttributes=["email"])["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        before_sub = _create_user(idp, pool_id, "before@example.test")
        _sign_in_sub(idp, client_id, "before@example.test")  # sign-ins draw ids too
        s3 = client("s3")
        s3.create_bucket(Bucket="restart-check", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        s3.put_object(Bucket="restart-check", Key="exports/a b/worksheet.csv", Body=b"item,score\nq1,3\n")
    finally:
        first.stop()

    second = _start_recorded_moto(recording, tmp_path)
    try:
        idp = point_aws_at(second.url)
        assert _sign_in_sub(idp, client_id, "before@example.test") == before_sub
        stored = client("s3").get_object(Bucket="restart-check", Key="exports/a b/worksheet.csv")["Body"].read()
        assert stored == b"item,score\nq1,3\n"
        # A user created after a restart must survive the next one as well.
        later_sub = _create_user(idp, pool_id, "later@example.test")
        subs_after_second_run = moto_state.user_subs(idp, pool_id)
    finally:
        second.stop()

    third = _start_recorded_moto(recording, tmp_path)
    try:
        idp = point_aws_at(third.url)
        assert moto_state.user_subs(idp, pool_id) == subs_after_second_run
        assert _sign_in_sub(idp, client_id, "later@example.test") == later_sub
        assert _sign_in_sub(idp, client_id, "before@example.test") == before_sub
    finally:
        third.stop()
    assert moto_state.lost_identities(subs_after_second_run, subs_after_second_run) == []
    assert moto_state.lost_identities(subs_after_second_run, {}) == sorted(subs_after_second_run)


def test_outbox_lists_sent_email_and_sms(local_env):
    sender = local_env.resources.ses_sender
    client("sesv2").send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": ["outbox-check@example.test"]},
        Content={
            "Simple": {
                "Subject": {"Data": "Your homework for this week"},
                "Body": {
                    "Text": {"Data": "Open your homework"},
                    "Html": {"Data": '<html><body><p>Open <a href="http://127.0.0.1:8001/client/#token=t">'
                                     "your homework</a></p></body></html>"},
                },
            }
        },
    )
    client("sns").publish(PhoneNumber="+447700900456", Message="Reminder: your diary\nReply STOP to opt out")

    messages = fetch_outbox(local_env.aws_endpoint)

    email = next(m for m in messages if m["recipient"] == "outbox-check@example.test")
    assert email["channel"] == "email"
    assert email["subject"] == "Your homework for this week"
    assert "http://127.0.0.1:8001/client/#token=t" in email["body"]
    assert email["time"].endswith("Z")
    sms = next(m for m in messages if m["recipient"] == "+447700900456")
    assert sms["channel"] == "sms"
    assert sms["subject"] == "Reminder: your diary"


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture()
def web_server(local_env, tmp_path):
    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "index.html").write_text("<!doctype html><title>Emotipal</title>")
    (tmp_path / "client" / "app.js").write_text("console.log('x')")
    (tmp_path / ".secret").write_text("no")
    server = make_web_server(free_port(), api_url="http://127.0.0.1:9999", moto_url=local_env.aws_endpoint,
                             web_root=tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


def test_web_server_sends_the_cloudfront_security_headers(web_server):
    status, headers, body = _get(web_server.url + "/client/")

    assert status == 200
    assert b"Emotipal" in body
    policy = headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self' http://127.0.0.1:9999"
    assert directives["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Permissions-Policy" in headers
    assert headers["Cache-Control"] == "no-store"
    _, script_headers, _ = _get(web_server.url + "/client/app.js")
    assert script_headers["Content-Type"].startswith(("text/javascript", "application/javascript"))


def test_web_server_tells_pages_the_api_and_hides_what_is_not_a_page(web_server):
    status, _, body = _get(web_server.url + "/config.json")
    assert status == 200 and json.loads(body) == {"api": "http://127.0.0.1:9999"}
    assert _get(web_server.url + "/.secret")[0] == 404
    assert _get(web_server.url + "/client/../../etc/passwd")[0] == 404
    assert _get(web_server.url + "/client/%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_outbox_page_shows_messages_as_json_and_html(web_server, local_env):
    client("sns").publish(PhoneNumber="+447700900789", Message="<b>not markup</b>")

    status, headers, body = _get(web_server.url + "/outbox?format=json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert any(m["recipient"] == "+447700900789" for m in json.loads(body))

    status, headers, body = _get(web_server.url + "/outbox")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"+447700900789" in body
    assert b"<b>not markup</b>" not in body and b"&lt;b&gt;not markup&lt;/b&gt;" in body
