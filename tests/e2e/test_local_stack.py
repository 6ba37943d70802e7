"""`make run` end to end: the real local stack, driven over HTTP as a person's browser would."""
from __future__ import annotations

import socket
import subprocess
from urllib.parse import parse_qs, urlsplit

import requests

SHUTDOWN_TIMEOUT = 20.0
EXPECTED_STACK_KEYS = {"api", "web_client", "web_admin", "outbox", "aws_endpoint", "logins", "demo_client_link"}


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _owner(stack: dict) -> dict:
    owners = [login for login in stack["logins"] if login["role"] == "owner"]
    assert owners, f"no owner among the demo logins: {[login['role'] for login in stack['logins']]}"
    return owners[0]


def _sign_in(stack: dict, login: dict) -> str:
    response = requests.post(
        f"{stack['api']}/v1/auth/login",
        json={"email": login["email"], "password": login["password"]},
        timeout=15,
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert token
    return token


def _clients_seen_by(stack: dict, access_token: str) -> list[dict]:
    response = requests.get(
        f"{stack['api']}/v1/clients", headers={"Authorization": f"Bearer {access_token}"}, timeout=15
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "next_token" in body
    return body["items"]


def _stop(running) -> None:
    running.interrupt()
    try:
        code = running.process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the stack did not stop within {SHUTDOWN_TIMEOUT:.0f} s of Ctrl-C") from None
    assert code == 0, running.output


def test_make_run_serves_the_product_and_keeps_data_across_restarts(launch_stack, stack_ports, tmp_path):
    local_dir = tmp_path / "state"
    first = launch_stack(stack_ports, local_dir)
    stack = first.wait_until_ready()

    assert set(stack) == EXPECTED_STACK_KEYS
    assert stack["api"] == f"http://127.0.0.1:{stack_ports.api}"
    assert stack["aws_endpoint"] == f"http://127.0.0.1:{stack_ports.moto}"

    # A clinician signs in and sees their caseload.
    owner = _owner(stack)
    clients_before = _clients_seen_by(stack, _sign_in(stack, owner))
    assert clients_before, "the demo practice has no client"

    # The client opens the emailed link: the token lives in the URL fragment.
    fragment = parse_qs(urlsplit(stack["demo_client_link"]).fragment)
    client_token = fragment["token"][0]
    me = requests.get(f"{stack['api']}/v1/client/me", headers={"Authorization": f"Bearer {client_token}"}, timeout=15)
    assert me.status_code == 200, me.text

    page = requests.get(stack["web_client"], timeout=15)
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "script-src 'self'" in policy

    outbox = requests.get(f"{stack['outbox']}?format=json", timeout=15)
    assert outbox.status_code == 200
    assert isinstance(outbox.json(), list)

    _stop(first)
    busy = [port for port in stack_ports.all() if not _port_is_free(port)]
    assert busy == [], f"ports still held after stopping: {busy}"
    assert not (local_dir / "stack.json").exists()

    # Second run on the same state: same owner, same sub, same caseload.
    second = launch_stack(stack_ports, local_dir)
    stack = second.wait_until_ready()
    clients_after = _clients_seen_by(stack, _sign_in(stack, owner))
    ids_before = {client["client_id"] for client in clients_before}
    assert ids_before <= {client["client_id"] for client in clients_after}
    _stop(second)


def test_a_busy_api_port_stops_the_start_with_a_clear_message(launch_stack, stack_ports, tmp_path):
    ports = stack_ports
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", ports.api))
        squatter.listen()
        running = launch_stack(ports, tmp_path / "state")
        try:
            code = running.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the stack started although port {ports.api} was busy") from None

    assert code != 0
    assert f"port {ports.api} is busy" in running.output
    assert "EMOTIPAL_API_PORT" in running.output
    assert all(_port_is_free(port) for port in (ports.web, ports.moto, ports.dynamodb))
