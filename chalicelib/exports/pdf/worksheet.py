"""One submission as a clinician files it: what was asked (both sets of instructions),
every answer in words (a table for a repeatable group), the scores with their bands,
how it went for the client (rating, what got in the way, a note for the session) and
the clinician's feedback."""
from __future__ import annotations

from typing import Any

from chalicelib.exports.content import ExportContent
from chalicelib.exports.pdf import words
from chalicelib.exports.pdf.document import ACCENT, Document
from chalicelib.homework.barriers import LABELS as BARRIER_LABELS
from chalicelib.homework.enable_when import disabled_items
from chalicelib.homework.items.base import is_empty

_COMPLETION = {"complete": "Sent in full", "partial": "Sent in part"}
_CONTEXT = {"partial": "when sending part of it", "skipped": "when skipping it", "missed": "after missing it"}


def render(content: ExportContent) -> bytes:
    submission = content.submissions[0]
    name = content.client.get("display_name", "")
    pdf = Document(practice=content.practice_name, client=name,
                   title=f"{submission.get('title', 'Homework')} - {name}")
    pdf.add_page()
    section(pdf, content, submission, title_level=True)
    return bytes(pdf.output())


def section(pdf: Document, content: ExportContent, submission: dict[str, Any], *, title_level: bool = False,
            first: bool = True, show_instructions: bool = True) -> None:
    zone, locale = content.timezone, content.client.get("locale")
    template = content.template_of(submission)
    title = submission.get("title") or (template.title if template else "Homework")
    sent = words.moment(submission.get("submitted_at"), zone, locale)
    if title_level:
        pdf.title_block(title, f"{content.client.get('display_name', '')}, sent {sent}")
    else:
        if not first:
            pdf.keep_room(70)
            pdf.ln(4)
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(0.6)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.set_line_width(0.2)
            pdf.ln(2)
        pdf.heading(f"{title}: {sent}", size=11.5, keep=60)
    facts: list[tuple[str, str]] = []
    if title_level:   # the history names client and practice once, at its start
        facts.append(("Client", content.client.get("display_name", "")))
        if content.practice_name:
            facts.append(("Practice", content.practice_name))
    if template is not None:
        facts.append(("Worksheet", f"{template.title} (version {template.version})"))
    facts += [("For", _occurrence(submission, zone, locale)), ("Sent", sent),
              ("Completion", _COMPLETION.get(submission.get("completion", ""), submission.get("completion") or "-"))]
    pdf.facts(facts)

    general, own = content.instructions(submission) if show_instructions else ("", "")
    if general or own:
        pdf.subheading("Instructions")
        if general:
            pdf.paragraph(general, size=9.5, muted=True)
        if own:
            pdf.ln(1)
            pdf.paragraph("From the clinician:", size=9, bold=True)
            pdf.paragraph(own, size=9.5)

    pdf.subheading("Answers")
    pdf.ln(1)
    answers = submission.get("answers") or {}
    if template is None:
        for item_id, value in answers.items():
            pdf.field(item_id, words.answer(None, value, zone, locale))
    else:
        scoring = template.scoring
        scored = set(scoring.total_items) | {i for sub in scoring.subscales for i in sub.items} if scoring else set()
        hidden = disabled_items(template.items, answers, is_empty)  # questions the client never saw
        for item in template.items:
            if item.id in hidden:
                continue
            value = answers.get(item.id)
            children = item.children()
            if children and isinstance(value, list) and value:
                pdf.keep_room(30)   # the table's name stays with its heading row and first rows
                pdf.paragraph(item.label, size=8.5, muted=True, bold=True)
                rows = [[words.answer(child, row.get(child.id), zone, locale) for child in children]
                        for row in item.rows(value)]
                pdf.grid([child.label for child in children], rows)
            else:
                pdf.answer_row(item.label, words.answer(item, value, zone, locale, scored=item.id in scored))

    _scores(pdf, content, submission)
    _client_side(pdf, content, submission)
    review = submission.get("review") or {}
    if review.get("feedback") or review.get("quality_rating"):
        pdf.subheading("Clinician's feedback")
        if review.get("feedback"):
            pdf.paragraph(review["feedback"])
        details = []
        if review.get("quality_rating"):
            details.append(f"Quality of the homework: {review['quality_rating']} of 5")
        if review.get("reviewed_at"):
            details.append(f"reviewed {words.moment(review['reviewed_at'], zone, locale)}")
        if details:
            pdf.paragraph(", ".join(details), size=8.5, muted=True)


def _occurrence(submission: dict[str, Any], zone: str, locale: str | None) -> str:
    due = submission.get("due_at")
    if due:
        return f"due {words.moment(due, zone, locale)}"
    return str(submission.get("occurrence_id") or "-")


def _scores(pdf: Document, content: ExportContent, submission: dict[str, Any]) -> None:
    score = submission.get("score") or {}
    template = content.template_of(submission)
    scoring = template.scoring if template is not None else None
    derived = {k: v for k, v in (score.get("derived") or {}).items() if v is not None}
    if not score or (score.get("total") is None and not score.get("subscales") and not score.get("risk_flags")
                     and not derived):
        return
    pdf.subheading("Scores")
    rows: list[tuple[str, str]] = []
    if score.get("total") is not None:
        top = total_range(template)
        total = words.number(score["total"]) + (f" of {words.number(top)}" if top is not None else "")
        if score.get("prorated"):
            total += " (prorated for unanswered items)"
        rows.append(("Total", total))
        if score.get("band"):
            band = score["band"]
            described = next((b.description for b in (scoring.bands if scoring else []) if b.label == band), None)
            rows.append(("Band", f"{band}: {described}" if described else band))
    outcome = outcome_of(content, submission)
    if outcome:
        rows.append(("Outcome", outcome))
    labels = {s.id: s.label for s in (scoring.subscales if scoring else [])}
    for subscale_id, value in (score.get("subscales") or {}).items():
        rows.append((labels.get(subscale_id, subscale_id), "-" if value is None else words.number(value)))
    rules = {d.id: d for d in (scoring.derived if scoring else [])}
    for derived_id, value in derived.items():
        rule = rules.get(derived_id)
        rows.append((rule.label if rule else derived_id, words.with_unit(value, rule.unit if rule else None)))
    for flag in score.get("risk_flags") or []:
        rows.append(("Risk", flag.get("label") or flag.get("item") or "flagged"))
    if score.get("missing_items"):
        item_labels = content.labels(submission["assignment_id"])
        rows.append(("Unanswered", "; ".join(item_labels.get(i, i) for i in score["missing_items"])))
    pdf.facts(rows)


_CHANGE = {"reliable_recovery": "reliable recovery", "recovery": "recovery",
           "reliable_improvement": "reliable improvement", "no_reliable_change": "no reliable change",
           "reliable_deterioration": "reliable deterioration"}


def outcome_of(content: ExportContent, submission: dict[str, Any]) -> str | None:
    """The total against the assignment's first (NHS Talking Therapies rules, as the
    product's progress view classifies it) and where it sits on the clinical cut-off;
    None for a template without change rules."""
    from chalicelib.homework.measure_outcomes import ChangeRules, classify_series

    template = content.template_of(submission)
    rules = ChangeRules.of(template.scoring if template is not None else None)
    series = content.scored_series(submission["assignment_id"])
    ids = [s["submission_id"] for s in series]
    if rules is None or submission.get("submission_id") not in ids:
        return None
    index = ids.index(submission["submission_id"])
    result = classify_series(rules, [s["score"]["total"] for s in series])[index]
    if result["vs_baseline"] is None:
        parts = ["First score (the baseline)"]
    else:
        first = series[0]
        when = words.moment(first["submitted_at"], content.timezone, content.client.get("locale"))
        change = _CHANGE[result["vs_baseline"]]
        parts = [f"{change[0].upper()}{change[1:]} since the first score ({words.number(first['score']['total'])}, "
                 f"{when})"]
    if result["case"] is not None:
        side = ("at or above" if not rules.higher_is_better else "at or below") if result["case"] else \
            ("below" if not rules.higher_is_better else "above")
        parts.append(f"{side} the clinical cut-off of {words.number(rules.clinical_cutoff)}")
    return "; ".join(parts)


def total_range(template: Any) -> float | None:
    """The highest total the template's scored items can reach, when every one is bounded."""
    if template is None or template.scoring is None or not template.scoring.total_items:
        return None
    top = 0.0
    for item_id in template.scoring.total_items:
        item = template.find_item(item_id)
        bounds = item.score_range() if item is not None else None
        if bounds is None:
            return None
        top += bounds[1]
    return top


def _client_side(pdf: Document, content: ExportContent, submission: dict[str, Any]) -> None:
    rows: list[tuple[str, str]] = []
    if submission.get("rating"):
        rows.append(("How it went", f"{submission['rating']} of 5"))
    reported = content.barriers(submission)
    if reported and (reported.get("barriers") or reported.get("other")):
        said = [BARRIER_LABELS.get(code, code) for code in reported.get("barriers") or [] if code != "other"]
        if reported.get("other"):
            said.append(f"Something else: {reported['other']}")
        context = _CONTEXT.get(reported.get("context", ""), "")
        rows.append(("What got in the way", "; ".join(said) + (f" (said {context})" if context else "")))
    if submission.get("obstacles"):
        rows.append(("In their words", submission["obstacles"]))
    if submission.get("note_for_session"):
        rows.append(("For the next session", submission["note_for_session"]))
    if rows:
        pdf.subheading("How it went for the client")
        pdf.facts(rows)
