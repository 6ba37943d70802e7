"""The PDF export read as a clinician reads it: every answer in words, in four scripts,
inside the page's margins, on pages that are never blank, and a first page that shows
something when drawn. Samples are kept in test-artifacts/exports/."""
from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTCurve, LTLine, LTRect, LTTextContainer
from PIL import Image
from pypdf import PdfReader

from chalicelib.exports import pdf
from chalicelib.homework.library import get_library_template
from chalicelib.homework.templates import (BooleanItem, DateItem, DateTimeItem, MultiChoiceItem, NumberItem,
                                           ScaleItem, SingleChoiceItem, TimeItem)
from tests.support import export_samples as samples

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "exports"
MM = 72 / 25.4
MARGIN = 18 * MM          # the document's left and right margins, in points
SLACK = 0.6               # points: rounding in the PDF's text positions
RUNNING = ("Riverside Talking Therapies", "Confidential: clinical record", "Zoë Παπαδοπούλου")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def page_texts(document: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(document)).pages]


def expected_wording(item: Any, value: Any) -> list[str]:
    """What a reader must find for an answer, worked out from the template, not the renderer."""
    if item.children():
        return [w for row in value for child in item.children() for w in expected_wording(child, row[child.id])]
    if isinstance(item, SingleChoiceItem):
        return [item.option(value).label]
    if isinstance(item, MultiChoiceItem):
        return [item.option(v).label for v in value]
    if isinstance(item, DateItem):
        return ["Tue 3 Nov 2026"]
    if isinstance(item, TimeItem):
        return ["22:45"]
    if isinstance(item, DateTimeItem):
        return ["Tue 3 Nov 2026, 21:30 GMT"]
    if isinstance(item, BooleanItem):
        return ["Yes" if value else "No"]
    if isinstance(item, (ScaleItem, NumberItem)):
        return [str(value)]
    return [value]


def chars_outside_margins(document: bytes) -> list[str]:
    """Each character drawn left of the left margin or right of the right one, or in the
    top or bottom 5 mm (the running header and footer sit inside them), as 'page n: x'."""
    found = []
    for number, page in enumerate(extract_pages(io.BytesIO(document)), start=1):
        width, height = page.width, page.height
        for char in _chars(page):
            if char.get_text().isspace():
                continue
            if (char.x0 < MARGIN - SLACK or char.x1 > width - MARGIN + SLACK
                    or char.y0 < 5 * MM or char.y1 > height - 5 * MM):
                found.append(f"page {number}: {char.get_text()!r} at x {char.x0:.1f}-{char.x1:.1f}")
    return found


def _chars(element: Any):
    if isinstance(element, LTChar):
        yield element
    elif hasattr(element, "__iter__"):
        for child in element:
            yield from _chars(child)


def blank_pages(document: bytes) -> list[int]:
    """Pages with nothing but the running header and footer: no other text, no drawing."""
    blank = []
    for number, page in enumerate(extract_pages(io.BytesIO(document)), start=1):
        body = " ".join(flat(e.get_text()) for e in page if isinstance(e, LTTextContainer))
        for running in RUNNING:
            body = body.replace(running, "")
        body = re.sub(r"Page \d+ of \d+", "", body).strip()
        # The header's rule is one line; a chart or a table adds more.
        drawings = [e for e in page if isinstance(e, (LTRect, LTLine, LTCurve))]
        if not body and len(drawings) <= 1:
            blank.append(number)
    return blank


def page_one_png(document: bytes, name: str) -> Image.Image:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is missing: mk/system-deps.sh test installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(document)
    subprocess.run([pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(ARTIFACTS / f"{name}.pdf"), str(ARTIFACTS / f"{name}-page1")], check=True, timeout=60)
    return Image.open(ARTIFACTS / f"{name}-page1.png").convert("RGB")


def ink_share(image: Image.Image) -> float:
    """The share of the page's pixels that are not (near) white."""
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:235]) / (grey.width * grey.height)


# ---------------------------------------------------------------------------------------- worksheet


@pytest.mark.parametrize("template_id", samples.library_ids())
def test_every_library_worksheet_reads_in_words_and_four_scripts(template_id):
    content = samples.worksheet(template_id)
    template = get_library_template(template_id)
    document = pdf.render(content)
    text = flat(" ".join(page_texts(document)))

    squeezed = re.sub(r"\s+", "", text)
    for item in template.items:
        for wording in expected_wording(item, content.submissions[0]["answers"][item.id]):
            if item.children():   # a table cell may wrap its words onto lines of their own
                assert re.sub(r"\s+", "", wording) in squeezed, f"{item.id}: {wording!r} is not in the PDF"
            else:
                assert flat(wording) in text, f"{item.id}: {wording!r} is not in the PDF"
    for word in samples.SCRIPTS:
        assert word in text
    assert f"{template.title} (version {template.version})" in text
    assert flat(template.instructions)[:60] in text          # the template's instructions
    assert "Fill this in after dinner." in text                # and the clinician's own
    assert "Riverside Talking Therapies" in text and "Zoë Παπαδοπούλου" in text
    assert "I didn't have time; Something else: Visitors – 来客" in text   # what got in the way
    assert "Well done." in text and "Quality of the homework: 4 of 5" in text
    assert "Sun 1 Nov 2026, 19:05 GMT" in text                # sent, in the client's time zone
    codes = [o.value for item, _ in template.iter_items() for o in getattr(item, "options", [])
             if o.value != o.label and "_" in o.value]
    assert not [c for c in codes if c in text], "stored option codes printed instead of their wording"
    assert chars_outside_margins(document) == []
    assert blank_pages(document) == []


def test_a_scored_worksheet_shows_total_of_its_maximum_with_the_band():
    content = samples.worksheet("phq-9")
    score = content.submissions[0]["score"]
    text = flat(" ".join(page_texts(pdf.render(content))))
    assert f"Total {score['total']} of 27" in text
    assert f"Band {score['band']}" in text


def test_a_question_the_client_never_saw_is_not_printed():
    """PHQ-9's difficulty question follows only an answer above "Not at all" (enable_when)."""
    content = samples.worksheet("phq-9")
    template = content.templates["c1-A"]
    difficulty = next(item for item in template.items if item.enable_when)
    problems = [item.id for item in template.items if item.id.startswith("phq9_")]
    not_at_all = dict.fromkeys(problems, "not_at_all")
    hidden = replace(content, submissions=[{**content.submissions[0], "answers": not_at_all}])
    assert flat(difficulty.label) not in flat(" ".join(page_texts(pdf.render(hidden))))
    shown = replace(content, submissions=[{**content.submissions[0], "answers": {**not_at_all, problems[0]: "several_days"}}])
    assert flat(difficulty.label) in flat(" ".join(page_texts(pdf.render(shown))))


def test_a_later_worksheet_says_how_the_total_moved_since_the_first():
    whole = samples.history(12)
    phq9 = [s for s in whole.submissions if s["template_id"] == "phq-9"]
    later = phq9[-1]
    content = replace(whole, submissions=[later], submission_id=later["submission_id"],
                      assignment_submissions=whole.submissions)
    text = flat(" ".join(page_texts(pdf.render(content))))
    first = phq9[0]["score"]["total"]
    assert f"since the first score ({first}, Mon 1 Jun 2026, 19:30 BST)" in text
    assert "the clinical cut-off of 10" in text
    assert "Homework history" not in text


def test_the_history_ends_with_the_clients_notes_for_sessions():
    content = replace(samples.history(3), session_notes=[
        {"note_id": "c1-N1", "text": "Ask about sleep — 睡眠", "created_at": "2026-06-03T08:00:00Z"}])
    text = flat(" ".join(page_texts(pdf.render(content))))
    assert "The client's notes for their sessions Wed 3 Jun 2026, 09:00 BST Ask about sleep — 睡眠" in text


def test_times_follow_the_clients_time_zone_and_locale():
    content = samples.worksheet("sleep-diary")
    content.client = {**content.client, "timezone": "America/New_York", "locale": "en-US"}
    text = flat(" ".join(page_texts(pdf.render(content))))
    assert "sent Sun Nov 1, 2026, 2:05 PM EST" in text     # 19:05 UTC, after the clocks went back
    assert "Tue Nov 3, 2026" in text and "10:45 PM" in text


def test_the_worksheet_sample_draws_a_first_page():
    document = pdf.render(samples.worksheet("thought-record"))
    image = page_one_png(document, "worksheet-thought-record")
    assert image.size[0] > 400 and ink_share(image) > 0.02


def test_long_words_and_urls_break_inside_the_margins():
    content = samples.worksheet("thought-record")
    url = "https://example.org/" + "a-very-long-path-segment/" * 14 + "?q=" + "x" * 60
    cjk = "我今天感觉很累但是还是完成了作业" * 12
    answers = content.submissions[0]["answers"]
    answers["situation"] = url
    answers["automatic_thoughts"] = cjk
    answers["balanced_thought"] = "Supercalifragilisticexpialidocious" * 8
    document = pdf.render(content)
    assert chars_outside_margins(document) == []
    squeezed = re.sub(r"\s+", "", " ".join(page_texts(document)))
    assert url in squeezed and cjk in squeezed


def test_emoji_and_scripts_no_font_has_print_as_a_box_without_a_log_line(caplog):
    content = samples.worksheet("thought-record")
    content.submissions[0]["answers"]["situation"] = "Felt 😀 then 👍🏽 at the 🏥 — ok"
    content.submissions[0]["obstacles"] = "ዐማርኛ and \U0001f9e0"
    with caplog.at_level(logging.DEBUG):
        document = pdf.render(content)
    text = flat(" ".join(page_texts(document)))
    assert "Felt □ then □ at the □ — ok" in text   # a skin tone only changes the emoji before it
    assert not [r for r in caplog.records if "😀" in r.getMessage() or "ዐ" in r.getMessage()]


# ------------------------------------------------------------------------------------------ history


@pytest.fixture(scope="module")
def history() -> bytes:
    return pdf.render(samples.history(100))


def test_history_has_charts_completion_and_a_section_per_submission(history):
    content = samples.history(100)
    pages = page_texts(history)
    text = flat(" ".join(pages))
    assert "Homework history" in text and "Scores over time" in text and "Homework by week" in text
    assert "PHQ-9: Patient Health Questionnaire: total score" in text
    assert "Severe" in flat(pages[0]) and "Total score" in flat(pages[0]) and "Day sent" in flat(pages[0])
    for submission in content.submissions:
        title = submission["title"]
        assert text.count(f"{title}: ") >= 1
    assert sum(1 for s in content.submissions if f"{s['title']}: " in text) == 100
    titles = "|".join(re.escape(t) for t in {s["title"] for s in content.submissions})
    headings = re.findall(rf"(?:{titles}): \w{{3}} \d{{1,2}} \w{{3}} 2026, \d\d:\d\d BST", text)
    assert len(headings) == 100
    assert all(re.search(rf"Page \d+ of {len(pages)}", p) for p in pages)
    assert all("Confidential: clinical record" in p for p in pages)


def test_history_charts_are_vectors_with_shaded_bands(history):
    first = next(iter(extract_pages(io.BytesIO(history), page_numbers=[0])))
    shaded = [e for e in first if isinstance(e, LTRect) and e.fill and e.width > 100]
    lines = [e for e in first if isinstance(e, LTCurve) and not isinstance(e, LTRect) and len(e.pts) > 10]
    assert len(shaded) >= 8, "each band of PHQ-9 and GAD-7 shaded behind its chart"
    assert lines, "the scores drawn as a line"


def test_history_tables_are_not_shaded_by_the_charts_colours(history):
    """Past the charts, the only shading is the tables' pale heading rows."""
    pages = list(extract_pages(io.BytesIO(history), page_numbers=list(range(2, 12))))
    fills = {tuple(e.non_stroking_color) for page in pages for e in page
             if isinstance(e, LTRect) and e.fill and isinstance(e.non_stroking_color, (tuple, list))}
    assert fills and all(min(colour) > 0.9 for colour in fills), fills


def test_history_stays_inside_the_margins_with_no_blank_page(history):
    assert chars_outside_margins(history) == []
    assert blank_pages(history) == []


def test_history_sample_draws_a_first_page(history):
    image = page_one_png(history, "history-100")
    # The band shading gives the page colour, not only black text.
    pixels = image.tobytes()
    coloured = sum(1 for i in range(0, len(pixels), 3) if max(pixels[i:i + 3]) - min(pixels[i:i + 3]) > 20)
    assert ink_share(image) > 0.05 and coloured > 1000


def test_an_empty_history_is_one_page_that_says_so():
    content = samples.history(0)
    document = pdf.render(content)
    pages = page_texts(document)
    assert len(pages) == 1 and "Nothing has been sent back yet." in pages[0]
