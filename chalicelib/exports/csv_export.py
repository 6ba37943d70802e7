"""CSV: one row per submission, answers in columns named by item id."""
from __future__ import annotations

import csv
import io

from chalicelib.exports.content import ExportContent

FIXED_COLUMNS = ["submission_id", "assignment_id", "assignment_title", "template_id", "template_version",
                 "occurrence_id", "submitted_at", "completion", "client_rating", "total", "band",
                 "clinician_feedback", "quality_rating"]


def _safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render(content: ExportContent) -> bytes:
    item_columns: list[str] = []
    for submission in content.submissions:
        for item_id in submission.get("answers", {}):
            if item_id not in item_columns:
                item_columns.append(item_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIXED_COLUMNS + [f"answer:{c}" for c in item_columns])
    for s in content.submissions:
        score = s.get("score") or {}
        review = s.get("review") or {}
        row = [s["submission_id"], s["assignment_id"], s.get("title", ""), s["template_id"],
               s["template_version"], s["occurrence_id"], s["submitted_at"], s.get("completion", ""),
               s.get("rating") or "", score.get("total", ""), score.get("band") or "",
               review.get("feedback", ""), review.get("quality_rating") or ""]
        answers = s.get("answers", {})
        row += [content.readable(s["assignment_id"], c, answers.get(c)) if c in answers else "" for c in item_columns]
        writer.writerow([_safe(str(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # BOM: spreadsheets then read UTF-8 correctly
