"""PDF: a readable worksheet record for the client's file (fpdf2, loaded on first use)."""
from __future__ import annotations

from chalicelib.exports.content import ExportContent


def _latin(text: str) -> str:
    # The core PDF fonts cover Latin-1; anything else is shown as '?', never dropped silently.
    return text.encode("latin-1", "replace").decode("latin-1")


def render(content: ExportContent) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_latin(f"Homework record - {content.client['display_name']}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(width, 9, _latin(f"Homework record: {content.client['display_name']}"))
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(width, 6, _latin(f"{len(content.submissions)} submission(s). Confidential clinical record."))
    for s in content.submissions:
        labels = content.labels(s["assignment_id"])
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(width, 7, _latin(f"{s.get('title', '')} - {s['occurrence_id']} (sent {s['submitted_at']})"))
        score = s.get("score") or {}
        pdf.set_font("Helvetica", "", 10)
        if score.get("total") is not None:
            band = f" ({score['band']})" if score.get("band") else ""
            pdf.multi_cell(width, 6, _latin(f"Total: {score['total']}{band}"))
        for item_id, value in s.get("answers", {}).items():
            pdf.set_font("Helvetica", "B", 10)
            pdf.multi_cell(width, 6, _latin(labels.get(item_id, item_id)))
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(width, 6, _latin(content.readable(s["assignment_id"], item_id, value)) or "-")
        review = s.get("review")
        if review:
            pdf.set_font("Helvetica", "I", 10)
            pdf.multi_cell(width, 6, _latin(f"Clinician feedback: {review['feedback']}"))
    return bytes(pdf.output())
