// What the client has sent: the list, and each one opened to re-read their own answers
// (shown as text, not as a form), how they rated it, and their clinician's feedback.

import { h, clear, notice } from "../shared/dom.js";
import { t, formatDateTime, formatDate } from "./i18n/index.js";
import { ApiError } from "../shared/api.js";
import { renderAnswers } from "../shared/form.js";
import { clientApi } from "./session.js";
import { describeBarriers } from "./barriers.js";


const submissionLink = (id) => `#/history/${encodeURIComponent(id)}`;

export async function showHistory(main) {
  clear(main, h("h1", { text: t("past.title") }), h("p", { class: "loading", text: t("common.loading") }));
  const list = await clientApi("GET", "/v1/client/submissions?limit=50");
  const entries = list.items.map((item) => h("li", { class: "card history-entry" },
    h("h2", { class: "h3" }, h("a", { href: submissionLink(item.submission_id), text: item.title })),
    h("p", { class: "homework-meta", text: sentLine(item) }),
    item.feedback
      ? h("div", { class: "feedback" },
        h("p", { class: "feedback-title", text: t("past.wroteColon", { date: formatDate(item.feedback.reviewed_at.slice(0, 10)) }) }),
        h("p", { text: item.feedback.feedback }))
      : h("p", { class: "muted", text: t("past.noReply") }),
    h("a", {
      class: "button button-secondary", href: submissionLink(item.submission_id),
      "aria-label": t("past.readAgainLabel", { title: item.title, when: formatDateTime(item.submitted_at) }), text: t("past.readAgain"),
    })));
  clear(main,
    h("h1", { text: t("past.title") }),
    entries.length ? h("ul", { class: "history-list" }, entries)
      : notice("info", h("p", { text: t("past.nothing") })));
}

function sentLine(item) {
  const completion = { complete: t("past.allDone"), partial: t("past.partDone") }[item.completion] || item.completion;
  const parts = [t("past.sent", { when: formatDateTime(item.submitted_at) }), completion];
  if (item.rating) parts.push(t("past.rated", { rating: item.rating }));
  return parts.join(" · ");
}

export async function showPastSubmission(main, submissionId) {
  clear(main, h("h1", { text: t("past.whatYouSent") }), h("p", { class: "loading", text: t("common.loading") }));
  let submission;
  try {
    submission = await clientApi("GET", `/v1/client/submissions/${encodeURIComponent(submissionId)}`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    clear(main, h("p", {}, h("a", { href: "#/history", text: t("past.backAll") })),
      h("h1", { text: t("past.notFound") }),
      notice("info", h("p", { text: t("past.olderLink") })));
    return;
  }
  const review = submission.feedback || submission.review || null;
  const details = [];
  const add = (term, description) => details.push(h("div", { class: "plan-row" }, h("dt", { text: term }), h("dd", { text: description })));
  add(t("past.sentTerm"), formatDateTime(submission.submitted_at));
  add(t("past.throughQ"), submission.completion === "partial" ? t("past.didPart") : t("past.didAll"));
  if (submission.rating) add(t("past.helpfulTerm"), t("past.ratingOf", { rating: submission.rating, words: t(`past.rating${submission.rating}`) }));
  const barriers = submission.barriers?.barriers ?? submission.barriers;
  if (Array.isArray(barriers) && barriers.length) add(t("past.inTheWay"), describeBarriers(barriers, submission.barriers?.other ?? submission.other));
  if (submission.obstacles) add(t("past.inYourWords"), submission.obstacles);
  if (submission.note_for_session) add(t("past.nextSession"), submission.note_for_session);

  clear(main,
    h("p", {}, h("a", { href: "#/history", text: t("past.backAll") })),
    h("h1", { text: submission.title }),
    review
      ? h("section", { class: "feedback", "aria-labelledby": "feedback-title" },
        h("h2", { id: "feedback-title", class: "feedback-title", text: t("past.wrote", { date: formatDate(review.reviewed_at.slice(0, 10)) }) }),
        h("p", { text: review.feedback }))
      : notice("info", h("p", { text: t("past.noReplyYet") })),
    h("dl", { class: "plan-view past-summary" }, details),
    h("section", { class: "card past-answers", "aria-labelledby": "answers-title" },
      h("h2", { id: "answers-title", text: t("past.answers") }),
      submission.template?.items
        ? renderAnswers(submission.template, submission.answers || {})
        : h("p", { class: "muted", text: t("past.cantShow") })),
    h("div", { class: "actions" }, h("a", { class: "button button-secondary", href: "#/history", text: t("past.backList") })));
}
