"""PDF: a worksheet as a clinician files it (one submission asked for), or the client's
history report (score charts, homework by week, then every submission). fpdf2 and the
fonts load on first use, not at `import app`."""
from __future__ import annotations

from chalicelib.exports.content import ExportContent


def render(content: ExportContent) -> bytes:
    if content.submission_id and len(content.submissions) == 1:
        from chalicelib.exports.pdf import worksheet

        return worksheet.render(content)
    from chalicelib.exports.pdf import history

    return history.render(content)
