// The client's page: their homework, history and reminder settings.

import { h, clear, focusElement, notice } from "../shared/dom.js";
import { t, formatDateTime, translatePage, useLanguage, describeError } from "./i18n/index.js";
import { ApiError } from "../shared/api.js";
import { readLink, clientApi, exchangeSignIn, isPersonalDevice, signOutHere, askForNewLink } from "./session.js";
import { showHomework, leaveHomework } from "./homework.js";
import { showSettings } from "./settings.js";
import { showHistory, showPastSubmission } from "./past.js";
import { showNotes } from "./notes.js";
import { resumeQueuedSubmissions } from "./drafts.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");

function start() {
  translatePage();
  window.addEventListener("emotipal:signed-out", () => showLinkNeeded());
  document.getElementById("sign-out").addEventListener("click", async () => {
    await signOutHere();
    showLinkNeeded({ signedOut: true });
  });
  const { token, signin } = readLink();
  if (signin) {
    if (isPersonalDevice()) openWithSignIn(signin, false);
    else showDeviceChoice(signin);
    return;
  }
  if (!token) {
    showLinkNeeded();
    return;
  }
  showSignedIn();
}

async function showSignedIn() {
  // The client's own language first, so the first view is already in it. Offline, the page
  // opens in the language it last used on this device.
  try {
    const me = await clientApi("GET", "/v1/client/me");
    if (me.language) useLanguage(me.language);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return; // the signed-out view is shown
  }
  nav.hidden = false;
  document.getElementById("sign-out").hidden = false;
  window.addEventListener("hashchange", route);
  route();
  // A submission made offline (perhaps before a reload) goes once the device is online.
  resumeQueuedSubmissions();
  window.addEventListener("online", () => resumeQueuedSubmissions());
  window.addEventListener("emotipal:submission-sent", (event) => {
    const hash = window.location.hash || "#/";
    const onIt = hash === "#/" || hash === `#/homework/${encodeURIComponent(event.detail.assignmentId)}`;
    if (onIt && !main.querySelector("form.homework-form button[disabled]")) route(); // show it as sent
  });
}

async function openWithSignIn(signin, sharedDevice) {
  clear(main, h("p", { class: "loading", text: t("app.opening") }));
  try {
    await exchangeSignIn(signin, { sharedDevice });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showLinkNeeded({ expired: true });
      return;
    }
    clear(main, h("h1", { text: t("common.wrong") }), notice("error", h("p", { text: describeError(error) })));
    return;
  }
  showSignedIn();
}

// The first time a sign-in link opens on a device, the client says whether it is their own.
function showDeviceChoice(signin) {
  const shared = h("input", { type: "checkbox", id: "shared-device" });
  const button = h("button", { type: "submit", class: "button", text: t("app.openButton") });
  const form = h("form", { class: "card" },
    h("div", { class: "field" },
      h("div", { class: "choice" }, shared,
        h("label", { for: "shared-device", text: t("app.sharedDevice") })),
      h("p", { class: "field-help", text: t("app.sharedHelp") })),
    button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    button.disabled = true;
    openWithSignIn(signin, shared.checked);
  });
  clear(main, h("h1", { text: t("app.yourHomework") }), form);
  focusElement(main.querySelector("h1"));
}

function showLinkNeeded({ expired = false, signedOut = false } = {}) {
  nav.hidden = true;
  document.getElementById("sign-out").hidden = true;
  const heading = signedOut ? t("app.signedOut") : expired ? t("app.expired") : t("app.openAgain");
  const intro = signedOut ? t("app.signedOutIntro") : t("app.linkIntro");
  clear(main, h("h1", { text: heading }), h("p", { text: intro }), lostLinkForm());
  focusElement(main.querySelector("h1"));
}

// "Lost your link?": a fresh link goes to the email or phone your clinician has on file.
function lostLinkForm() {
  const contact = h("input", { type: "text", id: "lost-link-contact", class: "control", autocomplete: "email",
    "aria-describedby": "lost-link-help" });
  const status = h("div", { class: "form-status" });
  const button = h("button", { type: "submit", class: "button", text: t("app.lostButton") });
  const form = h("form", { class: "card", "aria-labelledby": "lost-link-title", novalidate: true },
    h("h2", { id: "lost-link-title", text: t("app.lostTitle") }),
    h("div", { class: "field" },
      h("label", { for: "lost-link-contact", text: t("app.lostLabel") }),
      h("p", { id: "lost-link-help", class: "field-help", text: t("app.lostHelp") }),
      contact),
    button, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = contact.value.trim();
    if (!value) {
      clear(status, notice("error", h("p", { text: t("app.lostEmpty") })));
      contact.focus();
      return;
    }
    button.disabled = true;
    try {
      const answer = await askForNewLink(value);
      clear(status, notice("success", h("p", { text: answer.message })));
    } catch (error) {
      const sentence = error instanceof ApiError && error.errors.length ? error.errors[0].message : describeError(error);
      clear(status, notice("error", h("p", { text: sentence })));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

let firstRoute = true;

async function route() {
  const hash = window.location.hash || "#/";
  if (!hash.startsWith("#/")) return; // in-page links such as error summaries
  await leaveHomework();
  const [, section, id] = hash.slice(1).split("/");
  markCurrent(section || "home");
  const view = section === "homework" && id ? () => showHomework(main, decodeURIComponent(id))
    : section === "history" && id ? () => showPastSubmission(main, decodeURIComponent(id))
      : section === "history" ? () => showHistory(main)
        : section === "notes" ? () => showNotes(main)
          : section === "settings" ? () => showSettings(main)
            : () => showHome();
  try {
    await view();
  } catch (error) {
    clear(main, h("h1", { text: t("common.wrong") }), notice("error", h("p", { text: describeError(error) })),
      h("p", {}, h("a", { href: "#/", text: t("common.backHome") })));
  }
  // Move focus to the new heading so screen readers hear the page change (not on first load).
  if (!firstRoute) focusElement(main.querySelector("h1"));
  firstRoute = false;
}

function markCurrent(section) {
  const routeName = section === "homework" ? "home" : section;
  for (const link of nav.querySelectorAll("a[data-route]")) {
    if (link.dataset.route === routeName) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

const STATES = ["open", "draft", "upcoming", "submitted", "skipped", "missed"];

async function showHome() {
  clear(main, h("h1", { text: t("app.yourHomework") }), h("p", { class: "loading", text: t("app.loadingHomework") }));
  const [list, me] = await Promise.all([clientApi("GET", "/v1/client/assignments"), clientApi("GET", "/v1/client/me")]);
  if (me.language) useLanguage(me.language);
  const items = list.items.filter((item) => item.status === "active");
  const cards = items.map((item) => {
    const occurrence = item.current;
    const state = occurrence ? (item.has_draft ? "draft" : occurrence.state) : null;
    const askAboutMissed = Boolean(item.ask_barriers_for);
    const meta = [];
    if (occurrence) meta.push(t("app.due", { when: formatDateTime(occurrence.due_at) }));
    else if (item.next_due_at) meta.push(t("app.nextDue", { when: formatDateTime(item.next_due_at) }));
    return h("li", { class: "card homework-card" },
      // Always a link: the plan and the question about a missed time live on the homework's page.
      h("h2", {}, h("a", { href: `#/homework/${encodeURIComponent(item.assignment_id)}`, text: item.title })),
      h("p", { class: "homework-meta", text: meta.join(" · ") }),
      state ? h("p", { class: `state state-${state}`, text: STATES.includes(state) ? t(`app.state.${state}`) : state }) : h("p", { class: "muted", text: t("app.nothingNow") }),
      askAboutMissed ? h("p", { class: "missed-hint", text: t("app.missedHint") }) : null,
      occurrence ? h("a", {
        class: "button", href: `#/homework/${encodeURIComponent(item.assignment_id)}`,
        "aria-label": t("app.actionLabel", { action: state === "draft" ? t("app.continue") : t("app.start"), title: item.title }),
        text: state === "draft" ? t("app.continue") : t("app.start"),
      }) : null);
  });
  clear(main,
    h("h1", { text: me.display_name ? t("app.hello", { name: me.display_name.split(" ")[0] }) : t("app.yourHomework") }),
    h("p", { class: "muted", text: t("app.intro") }),
    cards.length ? h("ul", { class: "homework-list", "aria-label": t("app.yourHomework") }, cards)
      : notice("info", h("p", { text: t("app.nothingToDo") })),
    h("section", { class: "card notes-teaser", "aria-labelledby": "notes-teaser-title" },
      h("h2", { id: "notes-teaser-title", text: t("app.notesTitle") }),
      h("p", { text: t("app.notesText") }),
      h("a", { class: "button button-secondary", href: "#/notes", text: t("app.notesButton") })));
}

// The service worker keeps the page itself for offline use (never answers or API replies).
// Registered after load so it never competes with the page; a failure only loses offline use.
function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("./sw.js", { scope: "./", updateViaCache: "none" }).catch(() => {});
  });
}

registerServiceWorker();
start();
