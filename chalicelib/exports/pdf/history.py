"""A client's history: who and what it covers, a score chart per scored worksheet,
homework done by week, then one section per submission, oldest first."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from chalicelib.exports.content import ExportContent
from chalicelib.exports.pdf import charts, words, worksheet
from chalicelib.exports.pdf.document import Document


def render(content: ExportContent) -> bytes:
    name = content.client.get("display_name", "")
    pdf = Document(practice=content.practice_name, client=name, title=f"Homework history - {name}")
    pdf.add_page()
    zone, locale = content.timezone, content.client.get("locale")
    submissions = content.submissions
    pdf.title_block("Homework history", name)
    facts = [("Client", name)]
    if content.practice_name:
        facts.append(("Practice", content.practice_name))
    titles = list(dict.fromkeys(s.get("title") or "Homework" for s in submissions))
    facts.append(("Homework", "; ".join(titles) if titles else "None sent yet"))
    if submissions:
        facts.append(("Period", f"{words.moment(submissions[0]['submitted_at'], zone, locale)} to "
                                f"{words.moment(submissions[-1]['submitted_at'], zone, locale)}"))
    facts.append(("Submissions", str(len(submissions))))
    facts.append(("Time zone", zone))
    pdf.facts(facts)
    if not submissions:
        pdf.ln(4)
        pdf.paragraph("Nothing has been sent back yet.", muted=True)
        return bytes(pdf.output())

    _score_charts(pdf, content)
    _completion(pdf, content)
    instructed: set[str] = set()
    for submission in submissions:
        # Sections follow one another (a page each would triple the paper), each with room
        # for its heading and first answers; instructions once per assignment, not each time.
        first_of_assignment = submission["assignment_id"] not in instructed
        instructed.add(submission["assignment_id"])
        worksheet.section(pdf, content, submission, first=False, show_instructions=first_of_assignment)
    if content.session_notes:
        pdf.heading("The client's notes for their sessions", keep=30)
        for note in content.session_notes:
            pdf.paragraph(words.moment(note.get("created_at"), zone, locale), size=8.5, muted=True, bold=True)
            pdf.paragraph(note.get("text", ""))
            pdf.ln(1.5)
    return bytes(pdf.output())


def _score_charts(pdf: Document, content: ExportContent) -> None:
    by_assignment: dict[str, list[dict[str, Any]]] = {}
    for s in content.submissions:
        if (s.get("score") or {}).get("total") is not None:
            by_assignment.setdefault(s["assignment_id"], []).append(s)
    if not by_assignment:
        return
    pdf.heading("Scores over time", keep=80)
    for assignment_id, scored in by_assignment.items():
        template = content.templates.get(assignment_id)
        first = scored[0]
        pdf.subheading(f"{first.get('title') or (template.title if template else '')}: total score")
        points = [(d, float(s["score"]["total"])) for s in scored
                  if (d := words.local_date(s["submitted_at"], content.timezone)) is not None]
        bands = [charts.Band(b.min, b.max, b.label) for b in (template.scoring.bands if template and template.scoring
                                                                else [])]
        charts.score_chart(pdf, points, bands, worksheet.total_range(template))
        latest = scored[-1]["score"]
        summary = f"{len(scored)} scored; first {words.number(scored[0]['score']['total'])}, " \
                  f"latest {words.number(latest['total'])}" + (f" ({latest['band']})" if latest.get("band") else "")
        outcome = worksheet.outcome_of(content, scored[-1])
        pdf.paragraph(summary + (f". Outcome: {outcome}" if outcome else "."), size=8.5, muted=True)


def _completion(pdf: Document, content: ExportContent) -> None:
    zone = content.timezone
    full: Counter[date] = Counter()
    part: Counter[date] = Counter()
    skipped: Counter[date] = Counter()
    for s in content.submissions:
        when = words.local_date(s["submitted_at"], zone)
        if when is not None:
            (full if s.get("completion") != "partial" else part)[_monday(when)] += 1
    wanted = {s["assignment_id"] for s in content.submissions}
    for assignment_id, occurrence_id in content.skipped():
        when = words.local_date(occurrence_id[:10], zone) if assignment_id in wanted else None
        if when is not None:
            skipped[_monday(when)] += 1
    days = [*full, *part, *skipped]
    if not days:
        return
    weeks = charts.weeks_between(min(days), max(days))[-52:]   # the last year at most
    pdf.heading("Homework by week", keep=60)
    charts.completion_chart(pdf, [(monday, full[monday], part[monday], skipped[monday]) for monday in weeks])


def _monday(when: date) -> date:
    return date.fromordinal(when.toordinal() - when.weekday())
