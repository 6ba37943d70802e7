"""CSV: one row per submission, in the template's words, for a spreadsheet or a statistics
package.

Layout
- One section per template version (a history of several templates has several). Each
  section starts with a header row of column ids; with `wording=True` (the default, what
  the export service sends) a second row gives each column in words (the question as the
  client saw it). Sections are separated by one empty row, so a reader splits on it; a
  single template's export is one plain table. A whole-history export ends with a section
  of the client's notes for their sessions (`note:id`, `note:written_at`, `note:text`); a
  note sent with a submission is in that submission's row (`client:note_for_session`).
- Columns (ids with a colon are the product's, without one the template's items): the
  submission's facts (ids, title, template and version, occurrence, due and
  sent times), how it went (completion, the client's rating, what got in the way — the
  barriers ticked and the client's own words — and the client's note for the session),
  the scores (total, band, each subscale: empty, never "None", when not scored), then every
  item in template order, then the clinician's feedback.
- An answer is written as the client saw it (an option's wording, not its stored code);
  a choice whose options carry scores gets a `<item>.score` column beside it. A repeatable
  group is flattened to `<group>[<row>].<item>` (rows counted from 1), as many rows as the
  fullest submission of the section has.
- Times are ISO 8601 with the offset of the client's time zone; a date-time answer kept as
  wall-clock time is read in that zone too.
- Every cell that a spreadsheet would run as a formula (starting with = + - @, tab or
  carriage return) is prefixed with an apostrophe; plain numbers are left as they are.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.exports.content import ExportContent, answer_text
from chalicelib.homework import barriers as barrier_words
from chalicelib.homework.items.base import ItemType, is_empty, score_of
from chalicelib.homework.templates import Template

# (column id, column in words), before the scores and answers.
# Their ids hold a colon, which an item id never does, so no item can take their place.
FACT_COLUMNS = [
    ("submission:id", "Submission"), ("assignment:id", "Assignment"), ("assignment:title", "Homework"),
    ("template:id", "Template"), ("template:version", "Template version"), ("occurrence:id", "Occurrence"),
    ("occurrence:due_at", "Due"), ("submission:sent_at", "Sent"), ("submission:completion", "Done in full or in part"),
    ("submission:language", "Language answered in"),
    ("client:rating", "Client's rating (1-5)"), ("client:barriers", "What got in the way"),
    ("client:obstacles", "What got in the way, in the client's words"),
    ("client:note_for_session", "Client's note for the session"),
]
SCORE_COLUMNS = [("score:total", "Total score"), ("score:band", "Band")]
NOTE_COLUMNS = [("note:id", "Note"), ("note:written_at", "Written"), ("note:text", "Client's note for the session")]
REVIEW_COLUMNS = [("clinician:feedback", "Clinician's feedback"), ("clinician:rating", "Clinician's rating (1-5)"),
                  ("clinician:reviewed_at", "Reviewed")]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"-?\d+(\.\d+)?"


def safe(text: str) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading
    apostrophe (a plain number such as -3 cannot run, so it stays a number)."""
    if text.startswith(_FORMULA_START) and not re.fullmatch(_PLAIN_NUMBER, text):
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _zone(content: ExportContent) -> ZoneInfo:
    try:
        return ZoneInfo(str(content.client.get("timezone") or "UTC"))
    except (ValueError, KeyError):  # a zone no longer in the tz database: UTC rather than no export
        return ZoneInfo("UTC")


def _local(moment: Any, zone: ZoneInfo) -> str:
    """A stored UTC time as ISO 8601 in the client's zone, with its offset."""
    if not moment:
        return ""
    try:
        parsed = datetime.fromisoformat(str(moment).replace("Z", "+00:00"))
    except ValueError:
        return str(moment)
    return (parsed.astimezone(zone) if parsed.tzinfo else parsed.replace(tzinfo=zone)).isoformat(timespec="seconds")


class _Column:
    """One answer column: where its value comes from and how it reads."""

    def __init__(self, column_id: str, words: str, item: ItemType, group: str | None = None, row: int = 0,
                 score: bool = False):
        self.id, self.words, self.item, self.group, self.row, self.score = column_id, words, item, group, row, score

    def value(self, answers: dict[str, Any], zone: ZoneInfo) -> str:
        if self.group is not None:
            rows = answers.get(self.group)
            row = rows[self.row] if isinstance(rows, list) and self.row < len(rows) else None
            answer = row.get(self.item.id) if isinstance(row, dict) else None
        else:
            answer = answers.get(self.item.id)
        if is_empty(answer):
            return ""
        if self.score:
            return _cell(score_of(self.item, answer))
        return _cell(self.item.readable(self.item.zoned(answer, zone)))


def _item_columns(item: ItemType, column_id: str, words: str, group: str | None = None,
                  row: int = 0) -> list[_Column]:
    columns = [_Column(column_id, words, item, group, row)]
    if item.has_score_column():
        columns.append(_Column(f"{column_id}.score", f"{words} (score)", item, group, row, score=True))
    return columns


def _answer_columns(template: Template, submissions: list[dict[str, Any]]) -> list[_Column]:
    columns: list[_Column] = []
    for item in template.items:
        children = item.children()
        if not children:
            columns += _item_columns(item, item.id, item.label)
            continue
        most = max((len(item.rows(s.get("answers", {}).get(item.id))) for s in submissions), default=0)
        for row in range(most):
            for child in children:
                columns += _item_columns(child, f"{item.id}[{row + 1}].{child.id}",
                                         f"{item.label} {row + 1}: {child.label}", item.id, row)
    return columns


def _barriers(content: ExportContent, submission: dict[str, Any]) -> str:
    assignment = content.assignments.get(submission["assignment_id"]) or {}
    record = (assignment.get("barriers") or {}).get(submission.get("occurrence_id")) or {}
    words = [barrier_words.LABELS.get(code, code) for code in record.get("barriers") or [] if code != "other"]
    if record.get("other"):
        words.append(f"{barrier_words.LABELS['other']}: {record['other']}")
    elif "other" in (record.get("barriers") or []):
        words.append(barrier_words.LABELS["other"])
    return "; ".join(words)


def _section(content: ExportContent, template: Template | None, submissions: list[dict[str, Any]],
             zone: ZoneInfo, wording: bool) -> list[list[str]]:
    subscales = [(f"score:{s.id}", s.label) for s in (template.scoring.subscales if template and template.scoring
                                                           else [])]
    answers = _answer_columns(template, submissions) if template is not None else []
    fallback = [] if template is not None else sorted({k for s in submissions for k in s.get("answers", {})})
    header = FACT_COLUMNS + SCORE_COLUMNS + subscales
    rows = [[c for c, _ in header] + [c.id for c in answers] + fallback + [c for c, _ in REVIEW_COLUMNS]]
    if wording:
        rows.append([w for _, w in header] + [c.words for c in answers] + fallback + [w for _, w in REVIEW_COLUMNS])
    for s in submissions:
        score = s.get("score") or {}
        review = s.get("review") or {}
        given = s.get("answers") or {}
        rows.append([
            s["submission_id"], s["assignment_id"], s.get("title", ""), s["template_id"], s["template_version"],
            s["occurrence_id"], _local(s.get("due_at"), zone), _local(s["submitted_at"], zone),
            s.get("completion", ""), s.get("language") or "en", s.get("rating"), _barriers(content, s), s.get("obstacles"),
            s.get("note_for_session"), score.get("total"), score.get("band"),
            *[(score.get("subscales") or {}).get(c.removeprefix("score:")) for c, _ in subscales],
            *[c.value(given, zone) for c in answers],
            *[answer_text(given.get(k)) for k in fallback],
            review.get("feedback"), review.get("quality_rating"), _local(review.get("reviewed_at"), zone)])
    return [[safe(_cell(v)) for v in row] for row in rows]


def _notes(notes: list[dict[str, Any]], zone: ZoneInfo, wording: bool) -> list[list[str]]:
    rows: list[list[Any]] = [[c for c, _ in NOTE_COLUMNS]] + ([[w for _, w in NOTE_COLUMNS]] if wording else [])
    rows += [[n.get("note_id"), _local(n.get("created_at"), zone), n.get("text")] for n in notes]
    return [[safe(_cell(v)) for v in row] for row in rows]


def render(content: ExportContent, wording: bool = True) -> bytes:
    zone = _zone(content)
    sections: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for s in content.submissions:  # oldest first; sections in the order templates were first used
        sections.setdefault((s["template_id"], int(s["template_version"])), []).append(s)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if not sections:  # nothing sent yet: the header alone, so the file still opens as a table
        writer.writerow([c for c, _ in FACT_COLUMNS + SCORE_COLUMNS + REVIEW_COLUMNS])
    for k, submissions in enumerate(sections.values()):
        if k:
            writer.writerow([])
        template = content.templates.get(submissions[0]["assignment_id"])
        writer.writerows(_section(content, template, submissions, zone, wording))
    if content.session_notes:
        writer.writerow([])
        writer.writerows(_notes(content.session_notes, zone, wording))
    return buffer.getvalue().encode("utf-8-sig")  # BOM: spreadsheets then read UTF-8 correctly
