// What the client has sent: the list, and each one opened to re-read their own answers
// (shown as text, not as a form), how they rated it, and their clinician's feedback.

import { h, clear, notice, formatDateTime, formatDate } from "../shared/dom.js";
import { ApiError } from "../shared/api.js";
import { renderAnswers } from "../shared/form.js";
import { clientApi } from "./session.js";
import { describeBarriers } from "./barriers.js";

const COMPLETION_TEXT = { complete: "All done", partial: "Part done" };
const RATING_TEXT = ["Not helpful", "A little helpful", "Somewhat helpful", "Quite helpful", "Very helpful"];

const submissionLink = (id) => `#/history/${encodeURIComponent(id)}`;

export async function showHistory(main) {
  clear(main, h("h1", { text: "What you have sent" }), h("p", { class: "loading", text: "Loading" }));
  const list = await clientApi("GET", "/v1/client/submissions?limit=50");
  const entries = list.items.map((item) => h("li", { class: "card history-entry" },
    h("h2", { class: "h3" }, h("a", { href: submissionLink(item.submission_id), text: item.title })),
    h("p", { class: "homework-meta", text: sentLine(item) }),
    item.feedback
      ? h("div", { class: "feedback" },
        h("p", { class: "feedback-title", text: `Your clinician wrote (${formatDate(item.feedback.reviewed_at.slice(0, 10))}):` }),
        h("p", { text: item.feedback.feedback }))
      : h("p", { class: "muted", text: "Your clinician has not replied to this one yet." }),
    h("a", {
      class: "button button-secondary", href: submissionLink(item.submission_id),
      "aria-label": `Read again: ${item.title}, sent ${formatDateTime(item.submitted_at)}`, text: "Read again",
    })));
  clear(main,
    h("h1", { text: "What you have sent" }),
    entries.length ? h("ul", { class: "history-list" }, entries)
      : notice("info", h("p", { text: "Nothing here yet. What you send will appear here, with any notes from your clinician." })));
}

function sentLine(item) {
  const parts = [`Sent ${formatDateTime(item.submitted_at)}`, COMPLETION_TEXT[item.completion] || item.completion];
  if (item.rating) parts.push(`you rated it ${item.rating} of 5`);
  return parts.join(" · ");
}

export async function showPastSubmission(main, submissionId) {
  clear(main, h("h1", { text: "What you sent" }), h("p", { class: "loading", text: "Loading" }));
  let submission;
  try {
    submission = await clientApi("GET", `/v1/client/submissions/${encodeURIComponent(submissionId)}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    clear(main, h("p", {}, h("a", { href: "#/history", text: "← Everything you have sent" })),
      h("h1", { text: "We couldn't find that one" }),
      notice("info", h("p", { text: "It may be from an older link. Everything you can re-read is on the list." })));
    return;
  }
  const review = submission.feedback || submission.review || null;
  const details = [];
  const add = (term, description) => details.push(h("div", { class: "plan-row" }, h("dt", { text: term }), h("dd", { text: description })));
  add("Sent", formatDateTime(submission.submitted_at));
  add("Did you get through it?", submission.completion === "partial" ? "I did part of it" : "Yes, all of it");
  if (submission.rating) add("How helpful it felt", `${submission.rating} of 5: ${RATING_TEXT[submission.rating - 1] || ""}`.replace(/: $/, ""));
  const barriers = submission.barriers?.barriers ?? submission.barriers;
  if (Array.isArray(barriers) && barriers.length) add("What got in the way", describeBarriers(barriers, submission.barriers?.other ?? submission.other));
  if (submission.obstacles) add("In your words", submission.obstacles);
  if (submission.note_for_session) add("For next session", submission.note_for_session);

  clear(main,
    h("p", {}, h("a", { href: "#/history", text: "← Everything you have sent" })),
    h("h1", { text: submission.title }),
    review
      ? h("section", { class: "feedback", "aria-labelledby": "feedback-title" },
        h("h2", { id: "feedback-title", class: "feedback-title", text: `Your clinician wrote (${formatDate(review.reviewed_at.slice(0, 10))})` }),
        h("p", { text: review.feedback }))
      : notice("info", h("p", { text: "Your clinician has not replied to this one yet. Their reply will show here." })),
    h("dl", { class: "plan-view past-summary" }, details),
    h("section", { class: "card past-answers", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title", text: "Your answers" }),
      submission.template?.items
        ? renderAnswers(submission.template, submission.answers || {})
        : h("p", { class: "muted", text: "These answers can't be shown here." })),
    h("div", { class: "actions" }, h("a", { class: "button button-secondary", href: "#/history", text: "Back to the list" })));
}
