// Reminders on this device (web push): offered after the client's first submission, never
// as a permission prompt on first load. The browser asks for permission only when the client
// presses the button.
//
// Web push is one of the client's reminder channels (`web_push` in reminder_channels) only
// while at least one of their browsers is subscribed: the sweep sends to a channel the
// profile names, and to the subscriptions it finds. Turning it on here subscribes this
// browser and adds the channel; turning off the last browser removes the channel again, so
// the clinician never sees a channel failing for want of a device.

import { h, clear, notice, focusElement } from "../shared/dom.js";
import { ApiError } from "../shared/api.js";
import { clientApi } from "./session.js";
import { t } from "./i18n/index.js";

export const CHANNEL = "web_push";
// "Not now" on the offer, remembered on this device so it is not asked after every submission.
const OFFER_DECLINED_KEY = "emotipal.client.push-offer-declined";
const READY_TIMEOUT_MS = 10000;
// session.js keeps the session of a device the client called shared in this tab only, under
// this key, as an "s." token. Reminders are never offered there: they would show homework
// titles to the next person, and keep coming after the 12-hour session ends.
const TOKEN_KEY = "emotipal.client.token";

/**
 * The sentence for what can stop reminders on this device (none of them is an error):
 * "unsupported", "shared", "denied", "dismissed", "unavailable", "on" or "off".
 */
export function say(result) {
  return t(`push.say.${result}`);
}

/** Whether this browser can receive web push at all (a secure page, a service worker, the Push API). */
export function pushSupported() {
  return window.isSecureContext && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** Whether the client signed in here saying the device is shared (see TOKEN_KEY). */
export function onSharedDevice() {
  return (sessionStorage.getItem(TOKEN_KEY) || "").startsWith("s.");
}

/** The service worker registration app.js made, or null when there is none (yet). */
async function registration() {
  if (!pushSupported()) return null;
  const found = await navigator.serviceWorker.getRegistration();
  if (!found) return null;
  // An installing worker becomes ready in a moment; a broken one must not hang the page.
  return Promise.race([navigator.serviceWorker.ready,
    new Promise((resolve) => { setTimeout(() => resolve(null), READY_TIMEOUT_MS); })]);
}

/** This browser's push subscription, or null. */
export async function browserSubscription() {
  if (!pushSupported()) return null;
  const found = await navigator.serviceWorker.getRegistration();
  return found ? found.pushManager.getSubscription() : null;
}

/**
 * What the Reminders page shows about this device:
 * { supported, permission, on, others } — `on` is true only when this browser is subscribed,
 * the API has its subscription, and web push is one of the client's channels; `others` counts
 * the client's other browsers that get reminders.
 */
export async function deviceState(me) {
  if (!pushSupported()) return { supported: false, permission: "default", on: false, others: 0 };
  if (onSharedDevice()) return { supported: true, shared: true, permission: "default", on: false, others: 0 };
  const [subscription, listed] = await Promise.all([browserSubscription(),
    clientApi("GET", "/v1/client/push-subscriptions")]);
  const endpoints = listed.items.map((item) => item.endpoint);
  const here = Boolean(subscription && endpoints.includes(subscription.endpoint));
  return {
    supported: true,
    permission: Notification.permission,
    on: here && me.reminder_channels.includes(CHANNEL) && Notification.permission === "granted",
    others: me.reminder_channels.includes(CHANNEL)
      ? endpoints.filter((endpoint) => endpoint !== subscription?.endpoint).length : 0,
  };
}

/**
 * Subscribe this browser and make web push one of the client's channels. Asks for notification
 * permission, so call it only from a click. Resolves with "on", or the reason it could not be
 * turned on ("unsupported", "denied", "dismissed", "unavailable"), each a key for say().
 */
export async function turnOnHere() {
  if (!pushSupported()) return "unsupported";
  if (onSharedDevice()) return "shared";
  const permission = await Notification.requestPermission();
  if (permission !== "granted") return permission === "denied" ? "denied" : "dismissed";
  let key;
  try {
    key = (await clientApi("GET", "/v1/client/push-key")).public_key;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return "unavailable";  // not set up on this server
    throw error;
  }
  const ready = await registration();
  if (!ready) return "unsupported";
  let subscription = await ready.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
    // Made for another server key (the key was replaced): that subscription can't be sent to.
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    try {
      subscription = await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(key) });
    } catch (error) {
      if (error?.name === "NotAllowedError") return "denied";
      return "unavailable";  // the browser's push service could not be reached or refused
    }
  }
  const { endpoint, keys } = subscription.toJSON();
  await clientApi("POST", "/v1/client/push-subscriptions", { body: { endpoint, expirationTime: null, keys } });
  await setChannel(true);
  return "on";
}

/**
 * Stop reminders in this browser: the API forgets its subscription, the browser drops it, and
 * when no browser of the client's is left, web push stops being one of their channels.
 * Does nothing (and asks nothing of the API) when this browser is not subscribed.
 */
export async function turnOffHere() {
  const subscription = await browserSubscription();
  if (subscription) {
    await clientApi("DELETE", "/v1/client/push-subscriptions", { body: { endpoint: subscription.endpoint } });
    await subscription.unsubscribe();
  }
  const left = await clientApi("GET", "/v1/client/push-subscriptions");
  if (!left.items.length) await setChannel(false);
}

/**
 * Signing out on this device: this browser stops getting reminders. Never throws (signing out
 * goes on whatever happens here) and makes no request when this browser is not subscribed.
 */
export async function forgetThisDevice() {
  try {
    if (await browserSubscription()) await turnOffHere();
  } catch {
    // The session may already have ended; the browser's subscription goes below either way.
  }
  try {
    await (await browserSubscription())?.unsubscribe();
  } catch {
    // Nothing more to do on this device.
  }
}

/** Add or remove web push in the client's channels (once more after a concurrent change). */
async function setChannel(wanted, attempt = 0) {
  const me = await clientApi("GET", "/v1/client/me");
  const has = me.reminder_channels.includes(CHANNEL);
  if (has === wanted) return me;
  const channels = wanted ? [...me.reminder_channels, CHANNEL] : me.reminder_channels.filter((c) => c !== CHANNEL);
  try {
    return await clientApi("PATCH", "/v1/client/me", { body: { reminder_channels: channels, version: me.version } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && attempt === 0) return setChannel(wanted, 1);
    throw error;
  }
}

/**
 * The offer on the receipt: "Get reminders on this device?" when this browser can show
 * notifications, is not subscribed yet, has not been refused and the client has not said
 * "Not now" here. Returns an element (filled once this browser's subscription is known) or null.
 */
export function pushOffer(_receipt) {
  if (!pushSupported() || onSharedDevice() || Notification.permission === "denied"
    || localStorage.getItem(OFFER_DECLINED_KEY)) return null;
  const holder = h("div", { class: "push-offer-holder" });
  browserSubscription().then((subscription) => {
    if (!subscription) clear(holder, offerCard());
  }, () => {});
  return holder;
}

function offerCard() {
  const status = h("div", { role: "status", "aria-live": "polite" });
  const yes = h("button", { type: "button", class: "button", text: t("push.yes") });
  const no = h("button", { type: "button", class: "button button-secondary", text: t("common.notNow") });
  const actions = h("div", { class: "actions" }, yes, no);
  const card = h("section", { class: "card push-offer", "aria-labelledby": "push-offer-title" },
    h("h2", { id: "push-offer-title", text: t("push.offerTitle") }),
    h("p", { text: t("push.offerText") }),
    actions, status);
  const settle = (kind, sentence) => {
    actions.remove();
    clear(status, notice(kind, h("p", { text: sentence })));
    focusElement(status.firstElementChild);
  };
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    no.disabled = true;
    try {
      const result = await turnOnHere();
      if (result !== "on") localStorage.setItem(OFFER_DECLINED_KEY, "yes");
      settle(result === "on" ? "success" : "info", say(result));
    } catch {
      yes.disabled = false;
      no.disabled = false;
      clear(status, notice("info", h("p", { text: t("push.failed") })));
    }
  });
  no.addEventListener("click", () => {
    localStorage.setItem(OFFER_DECLINED_KEY, "yes");
    settle("info", t("push.later"));
  });
  return card;
}

function base64UrlBytes(value) {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (value.length % 4)) % 4);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

function sameKey(buffer, key) {
  if (!buffer) return true;  // the browser does not say: keep the subscription
  const have = new Uint8Array(buffer);
  const want = base64UrlBytes(key);
  return have.length === want.length && have.every((byte, index) => byte === want[index]);
}
