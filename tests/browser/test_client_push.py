"""Reminders on this device (web push) in a real Chromium, with no outside push service.

A client sends their first homework; the receipt offers "Get reminders on this device?"; they
accept (the permission is granted on the context, as a click on the browser's prompt would).
The page subscribes with the API's applicationServerKey, the subscription reaches the API and
web push becomes one of the client's channels. The stack's own sweep timer sends the reminder
for another homework when it is due, and the loopback push receiver decrypts exactly one push,
{title, url}. That payload is delivered to the page's service worker through the DevTools
protocol (`ServiceWorker.deliverPushMessage`), a notification with the homework's title appears,
and its click handler brings the open tab to the link, which opens that homework.

Chromium's own PushManager.subscribe asks Google's push service for an endpoint, which is not
reachable here. That one browser capability is replaced by a context init script: subscribe()
returns a subscription whose endpoint is the loopback receiver and whose keys the receiver
made (tests/support/push_receiver.Browser), and getSubscription()/unsubscribe() answer from the
same stand-in (Chromium keeps no subscription without its push service). Everything after it
is real: the page's requests, the API, the sweep, encryption, VAPID, the service worker and
its notification.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import BrowserContext, CDPSession, Page, expect

from tests.browser.conftest import Checks
from tests.browser.test_client_plan import PHONE, Api, clinician_api, midday_time_zone, snapshot
from tests.browser.test_client_signin import _notice_link
from tests.support.push_receiver import Browser, PushReceiver

SWEEP_PERIOD = 60  # the browser suite's stack runs its sweep on the default timer (devstack.stack)
FIRST_TITLE = "GAD-7 check-in"
REMINDED_TITLE = "Evening breathing practice"

# The stand-in for the browser's push service registration (see the module docstring).
FAKE_PUSH_SERVICE = """
(() => {
  const subscription = %s;
  const KEY = "test.push-subscription";
  const make = (serverKey) => ({
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: serverKey ? new Uint8Array(serverKey).buffer : null },
    toJSON: () => ({ endpoint: subscription.endpoint, expirationTime: null, keys: subscription.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    if (!options || options.userVisibleOnly !== true || !options.applicationServerKey) {
      throw new DOMException("userVisibleOnly and applicationServerKey are required", "NotAllowedError");
    }
    const serverKey = Array.from(new Uint8Array(options.applicationServerKey));
    localStorage.setItem(KEY, JSON.stringify(serverKey));
    return make(serverKey);
  };
  PushManager.prototype.getSubscription = async function () {
    const stored = localStorage.getItem(KEY);
    return stored ? make(JSON.parse(stored)) : null;
  };
})();
"""


def _set_up(stack: dict[str, Any]) -> dict[str, Any]:
    """A client with no reminder channel yet (no email or phone on file), a GAD-7 to send first
    and a daily breathing practice that will be reminded; both due at 23:59 in a zone where it
    is around midday, so both are open whatever hour the suite runs."""
    clinician = clinician_api(stack)
    zone = midday_time_zone(datetime.now(UTC))
    client = clinician.call("POST", "/v1/clients", {"display_name": "Sam Push", "timezone": zone,
                                                    "reminder_channels": [], "reminder_time": "23:00"},
                            expect_status=201)
    client_id = client["client_id"]
    first = clinician.call("POST", f"/v1/clients/{client_id}/assignments", {
        "template_id": "gad-7", "title": FIRST_TITLE, "due_time": "23:59"}, expect_status=201)
    reminded = clinician.call("POST", f"/v1/clients/{client_id}/assignments", {
        "template_id": "relaxation-practice", "title": REMINDED_TITLE, "due_time": "23:59",
        "recurrence": {"frequency": "daily"}}, expect_status=201)
    url = clinician.call("POST", f"/v1/clients/{client_id}/access-link", {}, expect_status=201)["url"]
    return {"clinician": clinician, "client": Api(stack["api"], url.split("#token=", 1)[1]), "client_id": client_id,
            "zone": zone, "link": url, "first": first["assignment_id"], "reminded": reminded["assignment_id"]}


def _eventually(page: Page, script: str, timeout: float = 15) -> Any:
    """Evaluate `script` (async is fine) until it gives something truthy; returns that."""
    deadline = time.monotonic() + timeout
    while True:
        found = page.evaluate(script)
        if found or time.monotonic() > deadline:
            return found
        page.wait_for_timeout(200)


def _service_worker_ready(page: Page) -> None:
    """The page registers /client/sw.js (app.js); wait until it is active and controls the page."""
    assert _eventually(page, "async () => Boolean((await navigator.serviceWorker.ready).active)"), "no service worker"
    if not page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        page.reload()  # a page loaded before the worker took over is not controlled until it loads again
        assert _eventually(page, "() => Boolean(navigator.serviceWorker.controller)"), "the page is not controlled"


def _answer_gad7(page: Page) -> None:
    """"Not at all" seven times, then wait for the draft's save, so no draft write is still on
    its way when the homework is sent (a draft saved after the send is refused with a 409)."""
    for number in range(1, 8):
        page.locator(f"#q-gad7_{number}-0").check()
    expect(page.locator(".save-status")).to_contain_text("Saved at", timeout=10000)


def _wait_for_push(receiver: PushReceiver, push_id: str, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if receiver.pushes(push_id):
            return time.monotonic()
        time.sleep(1)
    raise AssertionError(f"no push reached the receiver within {timeout:.0f} s")


def _worker_registration(context: BrowserContext, page: Page, origin: str) -> tuple[CDPSession, str]:
    """A DevTools session with the ServiceWorker domain on, and the page's service worker
    registration id from that domain's own events."""
    session = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    session.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        live = [r for r in registrations if not r["isDeleted"] and r["scopeURL"] == f"{origin}/client/"]
        if live:
            return session, live[-1]["registrationId"]
        page.wait_for_timeout(200)
    raise AssertionError(f"no service worker registration for {origin}/client/: {registrations}")


NOTIFICATIONS = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map((n) => ({ title: n.title, body: n.body, icon: n.icon, url: n.data && n.data.url }))"""


def test_a_client_turns_on_reminders_here_and_a_push_becomes_a_notification_that_opens_the_homework(
        stack: dict[str, Any], new_context: Any, checks: Checks) -> None:
    data = _set_up(stack)
    origin = stack["web_client"].rsplit("/client/", 1)[0]
    with PushReceiver() as receiver:
        push_id = f"chromium-{uuid.uuid4().hex[:8]}"
        chromium_keys = Browser(receiver.endpoint(push_id))
        context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        context.grant_permissions(["notifications"], origin=origin)
        context.add_init_script(FAKE_PUSH_SERVICE % json.dumps(chromium_keys.subscription()))
        page = checks.watch(context.new_page(), "client-push")

        # -- first load: no offer and no permission prompt ----------------------------------------
        page.goto(data["link"])
        expect(page.get_by_role("link", name=FIRST_TITLE).first).to_be_visible()
        _service_worker_ready(page)
        expect(page.get_by_text("Get reminders on this device?")).to_have_count(0)
        assert page.evaluate("async () => (await navigator.serviceWorker.ready).pushManager.getSubscription()") is None

        # -- the first submission: the receipt offers reminders on this device --------------------
        page.get_by_role("link", name=FIRST_TITLE).first.click()
        expect(page.get_by_role("heading", level=1, name=FIRST_TITLE)).to_be_visible()
        _answer_gad7(page)
        page.get_by_role("button", name="Send to my clinician").click()
        page.get_by_role("button", name="Yes, send it").click()
        offer = page.get_by_role("region", name="Get reminders on this device?")
        expect(offer).to_be_visible()
        snapshot(page, checks, "client-push-offer-390")
        offer.get_by_role("button", name="Yes, remind me here").click()
        expect(offer.locator(".notice-success")).to_have_text(
            "Done. This device will show a notification when homework is due.")
        snapshot(page, checks, "client-push-offer-accepted-390")

        # The subscription reached the API, and web push is now one of the client's channels.
        listed = data["client"].call("GET", "/v1/client/push-subscriptions")["items"]
        assert [item["endpoint"] for item in listed] == [chromium_keys.endpoint]
        me = data["client"].call("GET", "/v1/client/me")
        assert me["reminder_channels"] == ["web_push"]

        # -- the Reminders page says so, truthfully --------------------------------------------------
        page.get_by_role("link", name="Reminders").click()
        switch = page.get_by_role("switch", name="Show reminders on this device")
        expect(switch).to_be_checked()
        expect(page.locator("#device-help")).to_have_text("On: this browser shows a notification when homework is due.")
        snapshot(page, checks, "client-push-settings-on-390")

        # -- the sweep sends the breathing practice's reminder when it is due ----------------------
        local_now = datetime.now(ZoneInfo(data["zone"]))
        due = (local_now + timedelta(minutes=1)).replace(second=0, microsecond=0)
        if (due - local_now).total_seconds() < 20:  # too close to be planned before it passes
            due += timedelta(minutes=1)
        client = data["clinician"].call("GET", f"/v1/clients/{data['client_id']}")
        data["clinician"].call("PATCH", f"/v1/clients/{data['client_id']}",
                               {"reminder_time": due.strftime("%H:%M"), "version": client["version"]})
        assert receiver.pushes(push_id) == [], "sent before its time"
        wait = (due - datetime.now(ZoneInfo(data["zone"]))).total_seconds() + SWEEP_PERIOD + 30
        arrived = _wait_for_push(receiver, push_id, wait)
        [push] = receiver.pushes(push_id)
        payload = chromium_keys.decrypt(push)
        assert set(payload) == {"title", "url"}
        assert payload["title"] == REMINDED_TITLE
        assert payload["url"].startswith(f"{origin}/client/#signin=")

        # -- delivered to the service worker: a notification with the homework's title -----------
        cdp, registration_id = _worker_registration(context, page, origin)
        cdp.send("ServiceWorker.deliverPushMessage",
                 {"origin": origin, "registrationId": registration_id, "data": json.dumps(payload)})
        [shown] = _eventually(page, NOTIFICATIONS)
        assert shown["title"] == REMINDED_TITLE
        assert shown["url"] == payload["url"]
        assert shown["icon"] == f"{origin}/client/icons/icon-192.png"
        assert shown["body"] and REMINDED_TITLE not in shown["body"]

        # -- its click: the open tab goes to the link, which opens that homework --------------------
        # No protocol command clicks a notification, so the worker's own notificationclick
        # handler is run on the notification it showed, as the browser does on a click.
        [worker] = [w for w in context.service_workers if w.url == f"{origin}/client/sw.js"]
        worker.evaluate("""async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
        }""")
        expect(page).to_have_url(f"{origin}/client/?from=reminder#/", timeout=15000)
        # The reminder's link signs in as any reminder's link does: this device was opened with
        # the access link, so the page asks once whether it is shared.
        page.get_by_role("button", name="Open my homework").click()
        expect(page.get_by_role("link", name=REMINDED_TITLE).first).to_be_visible()
        assert page.evaluate(NOTIFICATIONS) == [], "the clicked notification is closed"
        snapshot(page, checks, "client-push-opened-390")

        # A payload naming any other origin is not followed: the notification opens the client page.
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": origin, "registrationId": registration_id,
                                                      "data": json.dumps({"title": REMINDED_TITLE,
                                                                          "url": "https://elsewhere.example/client/"})})
        [foreign] = _eventually(page, NOTIFICATIONS)
        assert foreign["url"] == f"{origin}/client/"
        page.evaluate("async () => (await (await navigator.serviceWorker.ready).getNotifications()).forEach((n) => n.close())")

        # Still exactly one push for that occurrence, after at least one more sweep.
        remaining = arrived + SWEEP_PERIOD + 5 - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
        assert len(receiver.pushes(push_id)) == 1

        # -- the Reminders page switches this browser off and on, and says so -------------------------
        page.get_by_role("link", name="Reminders").click()
        switch = page.get_by_role("switch", name="Show reminders on this device")
        expect(switch).to_be_checked()
        switch.uncheck()
        expect(page.locator("#this-device .notice")).to_have_text("This device won't show reminders any more.")
        expect(page.get_by_role("switch", name="Show reminders on this device")).not_to_be_checked()
        expect(page.locator("#device-help")).to_have_text("Off: this browser doesn't show reminders.")
        assert data["client"].call("GET", "/v1/client/push-subscriptions")["items"] == []
        assert data["client"].call("GET", "/v1/client/me")["reminder_channels"] == []
        snapshot(page, checks, "client-push-settings-off-390")
        page.get_by_role("switch", name="Show reminders on this device").check()
        expect(page.locator("#this-device .notice")).to_have_text(
            "Done. This device will show a notification when homework is due.")
        expect(page.get_by_role("switch", name="Show reminders on this device")).to_be_checked()
        assert [item["endpoint"] for item in data["client"].call("GET", "/v1/client/push-subscriptions")["items"]] \
            == [chromium_keys.endpoint]
        assert data["client"].call("GET", "/v1/client/me")["reminder_channels"] == ["web_push"]

        # -- signing out on this device stops reminders here ----------------------------------------
        page.get_by_role("button", name="Sign out on this device").click()
        expect(page.get_by_role("heading", level=1, name="You are signed out on this device")).to_be_visible()
        assert data["client"].call("GET", "/v1/client/push-subscriptions")["items"] == []
        assert data["client"].call("GET", "/v1/client/me")["reminder_channels"] == []


def test_a_refusal_a_browser_without_push_or_a_shared_device_gets_a_calm_sentence(stack: dict[str, Any], new_context: Any,
                                                                   checks: Checks) -> None:
    data = _set_up(stack)
    origin = stack["web_client"].rsplit("/client/", 1)[0]

    # The client says no when the browser asks (the prompt answers "denied", as a click on Block does).
    refusing = new_context(viewport=PHONE)
    refusing.add_init_script('Notification.requestPermission = async () => "denied";')
    page = checks.watch(refusing.new_page(), "client-push-refused")
    page.goto(data["link"])
    _service_worker_ready(page)
    page.get_by_role("link", name=FIRST_TITLE).first.click()
    _answer_gad7(page)
    page.get_by_role("button", name="Send to my clinician").click()
    page.get_by_role("button", name="Yes, send it").click()
    offer = page.get_by_role("region", name="Get reminders on this device?")
    offer.get_by_role("button", name="Yes, remind me here").click()
    expect(offer.locator(".notice")).to_contain_text("Notifications are turned off for this page in your browser")
    expect(offer.locator(".notice-error")).to_have_count(0)
    expect(offer.get_by_role("button")).to_have_count(0)
    snapshot(page, checks, "client-push-refused-390")
    assert data["client"].call("GET", "/v1/client/push-subscriptions")["items"] == []
    assert data["client"].call("GET", "/v1/client/me")["reminder_channels"] == []

    # A browser without the Push API: no offer on the receipt, and one plain sentence on the Reminders page.
    older = new_context(viewport=PHONE)
    older.add_init_script("delete window.PushManager;")
    other = checks.watch(older.new_page(), "client-push-unsupported")
    other.goto(f"{origin}/client/#token={data['link'].split('#token=', 1)[1]}")
    other.get_by_role("link", name="Reminders").click()
    device = other.get_by_role("region", name="Reminders on this device")
    expect(device).to_contain_text("This browser can't show reminders from Emotipal.")
    expect(device.get_by_role("switch")).to_have_count(0)
    snapshot(other, checks, "client-push-unsupported-390")

    # A device the client called shared: no offer and no switch; reminders would outlive the session there.
    email = f"push-{uuid.uuid4().hex[:8]}@client.example.com"
    profile = data["clinician"].call("GET", f"/v1/clients/{data['client_id']}")
    data["clinician"].call("PATCH", f"/v1/clients/{data['client_id']}", {"email": email, "reminder_channels": ["email"], "version": profile["version"]})
    data["clinician"].call("POST", f"/v1/clients/{data['client_id']}/assignments", {
        "template_id": "mood-diary", "title": "Mood check", "due_time": "23:59"}, expect_status=201)
    shared = checks.watch(new_context(viewport=PHONE).new_page(), "client-push-shared")
    shared.goto(_notice_link(stack, email))
    shared.get_by_label("This is a shared device").check()
    shared.get_by_role("button", name="Open my homework").click()
    shared.get_by_role("link", name="Reminders").click()
    device = shared.get_by_role("region", name="Reminders on this device")
    expect(device).to_contain_text("You said this is a shared device, so reminders don't appear on it.")
    expect(device.get_by_role("switch")).to_have_count(0)
    checks.step(shared, "client-push-shared-390")
