// Web push in the service worker: a reminder becomes a notification, and a click on it opens
// the homework. Loaded by sw.js with importScripts.
//
// A push carries JSON {title, url, language}: the homework's title, a sign-in link to the client
// page (chalicelib/channels/web_push.py) and the client's language ("en" or "es"; without it,
// the browser's). Only a link to this origin is ever opened; anything else
// in a payload is ignored and the click opens the client page itself.

/* eslint-env serviceworker */

const REMINDER_ICON = new URL("./icons/icon-192.png", self.location).href;
// Neutral on purpose: the notification may show on a lock screen others can see. The service
// worker cannot load the page's catalogue (web/client/i18n/), so its one line lives here.
const REMINDER_BODY = {
  en: "Open Emotipal when you're ready.",
  es: "Abra Emotipal cuando quiera.",
};
const TITLE_MAX = 120;

/** The payload's language when it is one we have, else the browser's (Spanish or English). */
function languageOf(payload) {
  if (Object.hasOwn(REMINDER_BODY, payload.language)) return payload.language;
  return String(self.navigator?.language || "en").toLowerCase().startsWith("es") ? "es" : "en";
}

function homePage() {
  return self.registration.scope;
}

/** `value` as an absolute URL of this origin, or null. */
function ownUrl(value) {
  if (typeof value !== "string" || !value) return null;
  try {
    const url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.href : null;
  } catch {
    return null;
  }
}

function readPayload(event) {
  try {
    const data = event.data ? event.data.json() : null;
    return data && typeof data === "object" ? data : {};
  } catch {
    return {};  // not JSON: still show a reminder (userVisibleOnly promises one per push)
  }
}

self.addEventListener("push", (event) => {
  const payload = readPayload(event);
  const title = typeof payload.title === "string" && payload.title.trim()
    ? payload.title.trim().slice(0, TITLE_MAX) : "Emotipal";
  const language = languageOf(payload);
  event.waitUntil(self.registration.showNotification(title, {
    body: REMINDER_BODY[language],
    icon: REMINDER_ICON,
    lang: language,
    data: { url: ownUrl(payload.url) || homePage() },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = ownUrl(event.notification.data?.url) || homePage();
  event.waitUntil(openPage(url));
});

/**
 * Show `url` in a tab of the client page that is already open (focused first), or in a new
 * window. A tab showing the same page with another #fragment would only change its fragment,
 * which the page does not act on, so it is sent to the same address with `?from=reminder`:
 * a full load, and the page opens the link as if it were followed from a message.
 */
async function openPage(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.filter((client) => client.url.startsWith(homePage()));
  const tab = open.find((client) => client.focused) || open[0];
  if (tab) {
    try {
      const navigated = await tab.navigate(sameDocument(tab.url, url) ? fullLoad(url) : url);
      if (navigated) {
        await navigated.focus().catch(() => {});  // focusing needs the click; the page is shown either way
        return navigated;
      }
    } catch {
      // A tab this worker does not control yet cannot be navigated from here: open a window.
    }
  }
  return self.clients.openWindow(url);
}

function sameDocument(current, target) {
  const strip = (value) => value.split("#")[0];
  return strip(current) === strip(target) && target.includes("#");
}

function fullLoad(url) {
  const next = new URL(url);
  next.searchParams.set("from", "reminder");
  return next.href;
}
