// The client's page: their homework, history and reminder settings.

import { h, clear, focusElement, formatDateTime, formatDate, notice } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { takeTokenFromLink, clientApi } from "./session.js";
import { showHomework, leaveHomework } from "./homework.js";
import { showSettings } from "./settings.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");

function start() {
  const token = takeTokenFromLink();
  window.addEventListener("emotipal:signed-out", showLinkNeeded);
  if (!token) {
    showLinkNeeded();
    return;
  }
  nav.hidden = false;
  window.addEventListener("hashchange", route);
  route();
}

function showLinkNeeded() {
  nav.hidden = true;
  clear(main,
    h("h1", { text: "Please open your link again" }),
    h("p", { text: "This page opens from the personal link your clinician sent you. The link may have expired or been replaced by a newer one." }),
    h("p", { text: "Ask your clinician for a new link if the one you have no longer works. Your saved answers are kept." }));
  focusElement(main.querySelector("h1"));
}

let firstRoute = true;

async function route() {
  const hash = window.location.hash || "#/";
  if (!hash.startsWith("#/")) return; // in-page links such as error summaries
  await leaveHomework();
  const [, section, id] = hash.slice(1).split("/");
  markCurrent(section || "home");
  const view = section === "homework" && id ? () => showHomework(main, decodeURIComponent(id))
    : section === "history" ? () => showHistory()
      : section === "settings" ? () => showSettings(main)
        : () => showHome();
  try {
    await view();
  } catch (error) {
    clear(main, h("h1", { text: "Something went wrong" }), notice("error", h("p", { text: describeError(error) })),
      h("p", {}, h("a", { href: "#/", text: "Back to your homework" })));
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

const STATE_TEXT = {
  open: "Ready to do",
  draft: "Started: your answers are saved",
  upcoming: "Not open yet",
  submitted: "Done",
  skipped: "Skipped",
  missed: "Missed",
};

async function showHome() {
  clear(main, h("h1", { text: "Your homework" }), h("p", { class: "loading", text: "Loading your homework" }));
  const [list, me] = await Promise.all([clientApi("GET", "/v1/client/assignments"), clientApi("GET", "/v1/client/me")]);
  const items = list.items.filter((item) => item.status === "active");
  const cards = items.map((item) => {
    const occurrence = item.current;
    const state = occurrence ? (item.has_draft ? "draft" : occurrence.state) : null;
    const meta = [];
    if (occurrence) meta.push(`Due ${formatDateTime(occurrence.due_at)}`);
    else if (item.next_due_at) meta.push(`Next one is due ${formatDateTime(item.next_due_at)}`);
    return h("li", { class: "card homework-card" },
      h("h2", {}, occurrence ? h("a", { href: `#/homework/${encodeURIComponent(item.assignment_id)}`, text: item.title }) : item.title),
      h("p", { class: "homework-meta", text: meta.join(" · ") }),
      state ? h("p", { class: `state state-${state}`, text: STATE_TEXT[state] || state }) : h("p", { class: "muted", text: "Nothing to do for this one right now." }),
      occurrence ? h("a", {
        class: "button", href: `#/homework/${encodeURIComponent(item.assignment_id)}`,
        "aria-label": `${state === "draft" ? "Continue" : "Start"}: ${item.title}`,
        text: state === "draft" ? "Continue" : "Start",
      }) : null);
  });
  clear(main,
    h("h1", { text: me.display_name ? `Hello, ${me.display_name.split(" ")[0]}` : "Your homework" }),
    h("p", { class: "muted", text: "Here is what your clinician has asked you to try. Take your time: your answers save as you go." }),
    cards.length ? h("ul", { class: "homework-list", "aria-label": "Your homework" }, cards)
      : notice("info", h("p", { text: "You have nothing to do right now. Well done for checking in." })));
}

const COMPLETION_TEXT = { complete: "All done", partial: "Part done" };

async function showHistory() {
  clear(main, h("h1", { text: "What you have sent" }), h("p", { class: "loading", text: "Loading" }));
  const list = await clientApi("GET", "/v1/client/submissions?limit=50");
  const entries = list.items.map((item) => h("li", { class: "card" },
    h("h2", { class: "h3", text: item.title }),
    h("p", { class: "homework-meta", text: `Sent ${formatDateTime(item.submitted_at)} · ${COMPLETION_TEXT[item.completion] || item.completion}${item.rating ? ` · you rated it ${item.rating} of 5` : ""}` }),
    item.feedback
      ? h("div", { class: "feedback" },
        h("p", { class: "feedback-title", text: `Your clinician wrote (${formatDate(item.feedback.reviewed_at.slice(0, 10))}):` }),
        h("p", { text: item.feedback.feedback }))
      : h("p", { class: "muted", text: "Your clinician has not replied to this one yet." })));
  clear(main,
    h("h1", { text: "What you have sent" }),
    entries.length ? h("ul", { class: "history-list" }, entries)
      : notice("info", h("p", { text: "Nothing here yet. What you send will appear here, with any notes from your clinician." })));
}

start();
