// The client's page: their homework, history and reminder settings.

import { h, clear, focusElement, formatDateTime, notice } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { takeTokenFromLink, clientApi } from "./session.js";
import { showHomework, leaveHomework } from "./homework.js";
import { showSettings } from "./settings.js";
import { showHistory, showPastSubmission } from "./past.js";
import { showNotes } from "./notes.js";

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
    : section === "history" && id ? () => showPastSubmission(main, decodeURIComponent(id))
      : section === "history" ? () => showHistory(main)
        : section === "notes" ? () => showNotes(main)
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
    const askAboutMissed = Boolean(item.ask_barriers_for);
    const meta = [];
    if (occurrence) meta.push(`Due ${formatDateTime(occurrence.due_at)}`);
    else if (item.next_due_at) meta.push(`Next one is due ${formatDateTime(item.next_due_at)}`);
    return h("li", { class: "card homework-card" },
      // Always a link: the plan and the question about a missed time live on the homework's page.
      h("h2", {}, h("a", { href: `#/homework/${encodeURIComponent(item.assignment_id)}`, text: item.title })),
      h("p", { class: "homework-meta", text: meta.join(" · ") }),
      state ? h("p", { class: `state state-${state}`, text: STATE_TEXT[state] || state }) : h("p", { class: "muted", text: "Nothing to do for this one right now. You can still look at your plan." }),
      askAboutMissed ? h("p", { class: "missed-hint", text: "Last time didn't happen. That's OK. You can tell us what got in the way when you open it." }) : null,
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
      : notice("info", h("p", { text: "You have nothing to do right now. Thank you for checking in." })),
    h("section", { class: "card notes-teaser", "aria-labelledby": "notes-teaser-title" },
      h("h2", { id: "notes-teaser-title", text: "Things I want to talk about" }),
      h("p", { text: "Something on your mind for next session? Jot it down now so it isn't lost." }),
      h("a", { class: "button button-secondary", href: "#/notes", text: "Add a note for next session" })));
}

start();
