// The next-session review: everything since the last review on one laptop screen, printable on A4.
// What was assigned and how much was done, ratings from both sides, barriers, plan confidence and
// its changes, score changes in plain words, open alerts with the answer's wording, and the
// client's notes for the session. "Mark reviewed" starts the next review from here.

import { h, clear, focusElement, formatDateTime, notice, announce } from "../shared/dom.js";
import { describeError } from "../shared/api.js";
import { adminApi } from "./auth.js";
import { getTemplate } from "./client-page.js";
import { when } from "./plan.js";
import { changeText } from "./alerts.js";

export const BARRIER_LABELS = {
  forgot: "Forgot",
  no_time: "No time",
  did_not_understand: "Didn't understand it",
  too_hard: "Felt too hard",
  did_not_see_point: "Didn't see the point",
  felt_worse: "Felt worse doing it",
  other: "Something else",
};
const CONTEXT_WORDS = { missed: "missed", skipped: "skipped", partial: "partly done" };
const STATUS_WORDS = { active: null, paused: "paused", cancelled: "ended" };
const DAY = 24 * 60 * 60 * 1000;

function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

function rating(value) {
  return value === null || value === undefined ? "—" : `${Number(value.toFixed(1))}/5`;
}

function number(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(1)));
}

/** A score change in plain words. */
export function scoreWords(score) {
  if (!score.baseline || score.change === null || score.change === undefined) return "Only one score so far: no change to read yet.";
  const points = Math.abs(score.change);
  const moved = score.change === 0 ? "no change" : `${score.change > 0 ? "up" : "down"} ${number(points)} ${points === 1 ? "point" : "points"}`;
  if (score.reliable === true && score.direction === "improved") return `Improved: ${moved}, a reliable change.`;
  if (score.reliable === true && score.direction === "worsened") return `Worse: ${moved}, a reliable change.`;
  if (score.reliable === null || score.reliable === undefined) {
    return `${score.direction === "improved" ? "Better" : score.direction === "worsened" ? "Worse" : "No change"}: ${moved} (this measure has no reliable-change threshold).`;
  }
  return `No reliable change: ${moved}, within measurement error.`;
}

function sinceOptions(review, chosen) {
  const now = Date.now();
  const options = [];
  if (review.last_reviewed_at) options.push(["last", `Since the last review (${when(review.last_reviewed_at)})`, null]);
  else options.push(["last", "Everything so far (no review marked yet)", null]);
  for (const days of [7, 14, 28]) options.push([`${days}`, `The last ${days} days`, new Date(now - days * DAY).toISOString()]);
  if (review.last_reviewed_at) options.push(["all", "Everything so far", "2000-01-01T00:00:00.000Z"]);
  options.push(["date", "Since a date…", null]);
  const select = h("select", { id: "review-since", class: "control control-short" },
    options.map(([value, text]) => h("option", { value, text, selected: value === chosen })));
  return { select, options };
}

async function alertAnswers(alert, review) {
  // The alert names the question, the answer's score and (since alerts carry it) the answer as the
  // client saw it; for an older alert the template gives the answer's own words.
  const assignment = review.assignments.find((item) => item.assignment_id === alert.assignment_id);
  let template = null;
  if (assignment && alert.items.some((item) => !item.answer)) {
    try {
      template = (await getTemplate(assignment.template_id)).content;
    } catch {
      template = null;
    }
  }
  return alert.items.map((item) => {
    const question = template?.items?.find((candidate) => candidate.id === item.item);
    const options = (question?.options || []).filter((option) => option.score === item.value);
    const answer = item.answer || (options.length === 1 ? options[0].label : null);
    return h("li", {},
      h("q", { text: item.label }), " — ",
      answer ? [h("span", { text: "answered " }), h("strong", { text: `“${answer}”` }), h("span", { class: "muted", text: ` (scores ${item.value})` })]
        : h("span", { text: `answer scored ${item.value}` }));
  });
}

// A deterioration alert: "GAD-7: 5 → 14 since the first score (a reliable change is 4)", the
// same sentence as on the alerts page.
function deteriorationLine(alert) {
  const text = alert.kind === "deterioration" ? changeText(alert.template_title, alert.change) : null;
  return text ? h("li", { class: "alert-change", text }) : null;
}

function section(id, title, ...content) {
  return h("section", { class: ["review-section", `review-${id}`], "aria-labelledby": `review-${id}-title` },
    h("h2", { id: `review-${id}-title`, text: title }), ...content);
}

function homeworkSection(review) {
  const rows = review.assignments.map((assignment) => {
    const c = assignment.completion;
    const status = STATUS_WORDS[assignment.status];
    const plan = assignment.plan || {};
    const confidence = plan.confidence === null || plan.confidence === undefined ? "—" : `${plan.confidence}/10`;
    return h("tr", {},
      h("th", { scope: "row" }, assignment.title, status ? h("span", { class: "muted", text: ` (${status})` }) : null),
      h("td", { class: "number", text: c.due ? `${c.done} of ${c.due}` : "—" }),
      h("td", { class: "number", text: String(c.partial) }),
      h("td", { class: "number", text: String(c.skipped) }),
      h("td", { class: c.missed ? "number is-missed" : "number", text: String(c.missed) }),
      h("td", { class: "number", text: rating(mean(assignment.client_ratings)) }),
      h("td", { class: "number", text: rating(mean(assignment.clinician_ratings)) }),
      h("td", { class: "number" }, confidence, plan.needs_adjustment ? h("span", { class: "flag", text: " ⚑ adjust" }) : null));
  });
  const total = review.completion;
  const quality = review.quality;
  return section("homework", "What was assigned",
    review.assignments.length
      ? h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "review-homework-title" },
        h("table", { class: "compact" },
          h("thead", {}, h("tr", {},
            ["Homework", "Done", "Partly", "Skipped", "Missed", "Client's rating", "Your rating", "Confidence"].map((label, index) =>
              h("th", { scope: "col", class: index ? "number" : null, text: label })))),
          h("tbody", {}, rows),
          h("tfoot", {}, h("tr", {},
            h("th", { scope: "row", text: "All homework" }),
            h("td", { class: "number", text: total.due ? `${total.done} of ${total.due}` : "—" }),
            h("td", { class: "number", text: String(total.partial) }),
            h("td", { class: "number", text: String(total.skipped) }),
            h("td", { class: "number", text: String(total.missed) }),
            h("td", { class: "number", text: rating(quality.client_mean) }),
            h("td", { class: "number", text: rating(quality.clinician_mean) }),
            h("td", {})))))
      : h("p", { class: "muted", text: "No homework was set in this period." }),
    h("p", { class: "review-foot muted", text: `Done counts what was sent in, partly done included. Ratings are out of 5: the client's own rating of how it went (${quality.client_ratings.length}), and your rating of its quality (${quality.clinician_ratings.length}).` }));
}

function barriersSection(review) {
  const counts = Object.entries(review.barrier_counts || {}).sort((a, b) => b[1] - a[1]);
  const others = [];
  for (const assignment of review.assignments) {
    for (const report of assignment.barrier_reports || []) {
      if (report.other) others.push({ title: assignment.title, text: report.other, context: report.context });
    }
  }
  return section("barriers", "What got in the way",
    counts.length
      ? h("ul", { class: "count-list" }, counts.map(([code, count]) => h("li", {},
        h("span", { text: BARRIER_LABELS[code] || code }), h("span", { class: "count", text: `×${count}` }))))
      : h("p", { class: "muted", text: "No barriers ticked." }),
    others.length ? h("ul", { class: "quote-list" }, others.map((other) => h("li", {},
      h("q", { text: other.text }), h("span", { class: "muted", text: ` — ${other.title}${other.context ? `, ${CONTEXT_WORDS[other.context] || other.context}` : ""}` })))) : null);
}

function plansSection(review) {
  const withPlans = review.assignments.filter((assignment) => {
    const plan = assignment.plan || {};
    return plan.confidence !== null && plan.confidence !== undefined || plan.when_where || plan.first_step || plan.confidence_changes?.length;
  });
  return section("plans", "Plans and confidence",
    withPlans.length ? h("ul", { class: "plan-list" }, withPlans.map((assignment) => {
      const plan = assignment.plan;
      const changes = (plan.confidence_changes || []).map((change) =>
        `${change.from ?? "not set"} → ${change.to ?? "not set"} (${change.by_role === "client" ? "client" : "clinician"}, ${when(change.at)})`);
      return h("li", { class: plan.needs_adjustment ? "needs-adjustment" : null },
        h("strong", { text: assignment.title }), ": ",
        plan.confidence !== null && plan.confidence !== undefined ? `confidence ${plan.confidence}/10` : "confidence not set",
        plan.needs_adjustment ? h("span", { class: "flag", text: " — plan needs adjusting" }) : null,
        changes.length ? h("span", { class: "muted", text: `. Changes: ${changes.join("; ")}` }) : null,
        plan.when_where ? h("span", { class: "plan-when" }, h("span", { class: "muted", text: "When and where: " }), plan.when_where) : null);
    })) : h("p", { class: "muted", text: "No plan has a confidence yet." }));
}

function scoresSection(review) {
  return section("scores", "Scores",
    review.scores.length ? h("ul", { class: "score-list" }, review.scores.map((score) => h("li", {},
      h("strong", { text: score.title }), ": ",
      h("span", { class: "score-values", text: score.baseline
        ? `${number(score.baseline.total)}${score.baseline.band ? ` (${score.baseline.band})` : ""} → ${number(score.latest.total)}${score.latest.band ? ` (${score.latest.band})` : ""}`
        : `${number(score.latest.total)}${score.latest.band ? ` (${score.latest.band})` : ""}` }),
      h("span", { class: ["score-words", score.reliable && score.direction === "worsened" ? "is-worse" : score.reliable && score.direction === "improved" ? "is-better" : ""],
        text: scoreWords(score) }))))
      : h("p", { class: "muted", text: "No scored questionnaire in this period." }));
}

function notesSection(review) {
  return section("notes", "The client's notes for the session",
    review.notes.length ? h("ul", { class: "quote-list" }, review.notes.map((note) => h("li", {},
      h("q", { text: note.text }), h("span", { class: "muted", text: ` — ${when(note.created_at)}${note.source === "submission" ? ", with homework" : ""}` }))))
      : h("p", { class: "muted", text: "No notes from the client." }));
}

async function alertsSection(review) {
  if (!review.open_alerts.length) {
    const quiet = section("alerts", "Open alerts", h("p", { class: "muted", text: "No open alerts." }));
    quiet.classList.add("is-quiet");
    return quiet;
  }
  const items = await Promise.all(review.open_alerts.map(async (alert) => h("li", { class: "review-alert" },
    h("strong", { text: alert.template_title || "Homework" }), h("span", { class: "muted", text: `, raised ${when(alert.created_at)}` }),
    alert.source === "draft" ? h("span", { class: "alert-draft", text: ". Not sent by the client: left in a draft" }) : null,
    h("ul", {}, deteriorationLine(alert) || await alertAnswers(alert, review)))));
  return section("alerts", `Open alerts (${review.open_alerts.length})`,
    h("ul", { class: "alert-list" }, items),
    h("p", { class: "no-print" }, h("a", { href: "#/alerts", text: "Acknowledge on the alerts page" })));
}

function parseParams(query) {
  const params = new URLSearchParams(query || "");
  return { since: params.get("since"), range: params.get("range") || (params.get("since") ? "date" : "last") };
}

export async function showSessionReview(main, clientId, query = "") {
  const { since, range } = parseParams(query);
  clear(main, h("h1", { text: "Session review" }), h("p", { class: "loading", text: "Loading" }));
  const review = await adminApi("GET", `/v1/clients/${encodeURIComponent(clientId)}/session-review${since ? `?since=${encodeURIComponent(since)}` : ""}`);
  const base = `#/clients/${encodeURIComponent(clientId)}/review`;
  const { select, options } = sinceOptions(review, range);
  const dateInput = h("input", { type: "date", id: "review-since-date", class: "control control-short",
    value: range === "date" && since ? since.slice(0, 10) : "" });
  const dateField = h("div", { class: "inline-field" }, h("label", { for: dateInput.id, class: "visually-hidden", text: "Since this date" }), dateInput);
  dateField.hidden = select.value !== "date";
  const apply = () => {
    const option = options.find(([value]) => value === select.value);
    if (select.value === "last") window.location.hash = base;
    else if (select.value === "date") {
      if (!dateInput.value) return;
      const [year, month, day] = dateInput.value.split("-").map(Number);
      window.location.hash = `${base}?range=date&since=${encodeURIComponent(new Date(year, month - 1, day).toISOString())}`;
    } else window.location.hash = `${base}?range=${select.value}&since=${encodeURIComponent(option[2])}`;
  };
  select.addEventListener("change", () => {
    dateField.hidden = select.value !== "date";
    if (select.value === "date") dateInput.focus();
    else apply();
  });
  dateInput.addEventListener("change", apply);

  const status = h("div", { class: "form-status", role: "status", "aria-live": "polite" });
  const markButton = h("button", { type: "button", class: "button", text: "Mark reviewed" });
  const printButton = h("button", { type: "button", class: "button button-secondary", text: "Print" });
  printButton.addEventListener("click", () => window.print());
  markButton.addEventListener("click", async () => {
    markButton.disabled = true;
    try {
      const mark = await adminApi("POST", `/v1/clients/${encodeURIComponent(clientId)}/session-review`, { body: { until: review.until } });
      clear(status, notice("success", h("p", { text: `Marked reviewed ${when(mark.reviewed_at)}. The next review starts from here.` })));
      markButton.textContent = "Reviewed";
      announce("Marked reviewed.");
      focusElement(status.firstElementChild);
    } catch (error) {
      markButton.disabled = false;
      clear(status, notice("error", h("p", { text: describeError(error) })));
      focusElement(status.firstElementChild);
    }
  });

  const period = review.since
    ? `${formatDateTime(review.since)} to ${formatDateTime(review.until)}`
    : `Everything up to ${formatDateTime(review.until)}`;
  const needsAdjusting = review.assignments.filter((assignment) => assignment.plan?.needs_adjustment);
  const sections = await Promise.all([alertsSection(review)]);
  clear(main,
    h("div", { class: "review-page" },
      h("div", { class: "review-head" },
        h("div", {},
          h("p", { class: "no-print review-back" }, h("a", { href: `#/clients/${encodeURIComponent(clientId)}`, text: `← ${review.display_name}` })),
          h("h1", {}, "Session review: ", review.display_name),
          h("p", { class: "muted review-period" }, period,
            review.last_reviewed_at ? `. Last marked reviewed ${when(review.last_reviewed_at)}.` : ". Not marked reviewed before.")),
        h("div", { class: "review-controls no-print" },
          h("div", { class: "inline-field" }, h("label", { for: select.id, class: "field-label", text: "Period" }), select),
          dateField,
          h("div", { class: "review-buttons" }, printButton, markButton))),
      status,
      needsAdjusting.length ? h("p", { class: "notice notice-warning plan-flag" },
        h("strong", { text: needsAdjusting.map((a) => `Plan needs adjusting: confidence ${a.plan.confidence ?? "—"}/10`).join("; ") }),
        ` — ${needsAdjusting.map((a) => a.title).join(", ")}. `,
        h("a", { class: "no-print", href: `#/clients/${encodeURIComponent(clientId)}/assignments/${encodeURIComponent(needsAdjusting[0].assignment_id)}/plan`, text: "Adjust the plan" })) : null,
      h("div", { class: "review-grid" },
        homeworkSection(review),
        sections[0],
        scoresSection(review),
        barriersSection(review),
        plansSection(review),
        notesSection(review))));
}
