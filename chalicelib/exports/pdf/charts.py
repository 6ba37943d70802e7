"""Charts drawn as vectors (lines, points, shaded areas), so they print sharp and stay
small: a score over time with the template's bands shaded behind it, and homework done
by week."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fpdf.enums import XPos, YPos

from chalicelib.exports.pdf.document import INK, MAIN, MUTED, RULE, Document, clean
from chalicelib.exports.pdf.words import number, short_day

# Band shades from calm to severe; a template with more bands than shades reuses the last.
_BAND_FILLS = [(232, 245, 233), (255, 248, 225), (255, 236, 214), (253, 224, 221), (248, 208, 208), (240, 190, 190)]
_LINE = (37, 99, 135)
_DONE, _PART, _SKIP = (46, 125, 50), (165, 214, 167), (189, 189, 189)


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str


def score_chart(pdf: Document, points: list[tuple[date, float]], bands: list[Band], top: float | None,
                *, height: float = 58.0, y_label: str = "Total score") -> None:
    """Totals over time: x is the day sent, y the score from 0 to the template's maximum,
    the bands shaded behind and named on the right."""
    if not points:
        return
    pdf.keep_room(height + 10)
    label_room = 34.0 if bands else 0.0
    left, right = pdf.l_margin + 10, pdf.w - pdf.r_margin - label_room
    _axis_title(pdf, y_label)
    y0 = pdf.get_y() + 2
    bottom = y0 + height
    highest = max([top or 0.0, *(b.high for b in bands), *(v for _, v in points)]) or 1.0
    low_value = min([0.0, *(b.low for b in bands), *(v for _, v in points)])
    span = highest - low_value or 1.0

    def y_of(value: float) -> float:
        return bottom - (value - low_value) / span * height

    first, last = points[0][0], points[-1][0]
    days = max((last - first).days, 1)

    def x_of(when: date) -> float:
        if first == last:
            return (left + right) / 2
        return left + (when - first).days / days * (right - left)

    pdf.set_line_width(0)
    for index, band in enumerate(sorted(bands, key=lambda b: b.low)):
        # Integer bands (5-9, 10-14) meet halfway between their ends so no gap shows.
        lo = max(low_value, band.low - (0.5 if index else 0))
        hi = min(highest, band.high + 0.5)
        pdf.set_fill_color(*_BAND_FILLS[min(index, len(_BAND_FILLS) - 1)])
        pdf.rect(left, y_of(hi), right - left, y_of(lo) - y_of(hi), style="F")
        pdf.set_font(MAIN, "", 7)
        pdf.set_text_color(*MUTED)
        middle = (y_of(lo) + y_of(hi)) / 2
        room = y_of(lo) - y_of(hi)
        label = [clean(band.label), f"{number(band.low)}–{number(band.high)}"]
        if room < 6.4:   # a thin band: its name only, on one line
            label = label[:1] if room >= 3 else []
        for line_number, text in enumerate(label):
            pdf.set_xy(right + 1.5, middle - 1.6 * len(label) + 3.2 * line_number)
            pdf.cell(label_room - 1.5, 3.2, _short(pdf, text, label_room - 2))
    # Axes, with a few round values on y and the first, middle and last day on x.
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.25)
    pdf.line(left, y0, left, bottom)
    pdf.line(left, bottom, right, bottom)
    pdf.set_font(MAIN, "", 7)
    pdf.set_text_color(*MUTED)
    for tick in _ticks(low_value, highest):
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.1)
        pdf.line(left, y_of(tick), right, y_of(tick))
        pdf.set_xy(pdf.l_margin, y_of(tick) - 1.6)
        pdf.cell(9, 3.2, number(tick), align="R")
    shown: list[date] = sorted({first, last, first + (last - first) / 2})
    for when in shown:
        pdf.set_xy(x_of(when) - 12, bottom + 1)
        pdf.cell(24, 3.5, short_day(when), align="C")
    # The line and its points.
    pdf.set_draw_color(*_LINE)
    pdf.set_fill_color(*_LINE)
    pdf.set_line_width(0.5)
    coords = [(x_of(when), y_of(value)) for when, value in points]
    if len(coords) > 1:
        pdf.polyline(coords)
    radius = 0.9 if len(coords) <= 60 else 0.6
    for x, y in coords:
        pdf.circle(x=x, y=y, radius=radius, style="F")
    _x_title(pdf, bottom + 4.5, left, right, "Day sent")
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.set_y(bottom + 10)


def completion_chart(pdf: Document, weeks: list[tuple[date, int, int, int]], *, height: float = 34.0) -> None:
    """One bar per week (Monday's date under it): sent in full, sent in part, skipped."""
    if not weeks:
        return
    pdf.keep_room(height + 16)
    left, right = pdf.l_margin + 10, pdf.w - pdf.r_margin
    _axis_title(pdf, "Homework sent or skipped")
    y0 = pdf.get_y() + 2
    bottom = y0 + height
    tallest = max(sum(w[1:]) for w in weeks) or 1
    slot = (right - left) / len(weeks)
    bar = min(slot * 0.7, 12)
    pdf.set_font(MAIN, "", 7)
    pdf.set_text_color(*MUTED)
    for tick in _ticks(0, tallest):
        if tick != int(tick):
            continue
        y = bottom - tick / tallest * height
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.1)
        pdf.line(left, y, right, y)
        pdf.set_xy(pdf.l_margin, y - 1.6)
        pdf.cell(9, 3.2, number(tick), align="R")
    label_every = max(1, round(len(weeks) / 10))
    for index, (monday, full, part, skipped) in enumerate(weeks):
        x = left + slot * index + (slot - bar) / 2
        y = bottom
        for count, colour in ((full, _DONE), (part, _PART), (skipped, _SKIP)):
            if count:
                h = count / tallest * height
                pdf.set_fill_color(*colour)
                pdf.rect(x, y - h, bar, h, style="F")
                y -= h
        if index % label_every == 0:
            pdf.set_xy(left + slot * index - 4, bottom + 1)
            pdf.cell(slot + 8, 3.5, short_day(monday), align="C")
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.25)
    pdf.line(left, bottom, right, bottom)
    _x_title(pdf, bottom + 4.5, left, right, "Week starting (Monday)")
    # Key
    pdf.set_y(bottom + 10)
    x = left
    for text, colour in (("Sent in full", _DONE), ("Sent in part", _PART), ("Skipped", _SKIP)):
        pdf.set_fill_color(*colour)
        pdf.rect(x, pdf.get_y() + 0.6, 3, 3, style="F")
        pdf.set_xy(x + 4, pdf.get_y())
        pdf.cell(28, 4.2, text)
        x += 32
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.set_y(pdf.get_y() + 7)


def _axis_title(pdf: Document, text: str) -> None:
    pdf.set_font(MAIN, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.set_x(pdf.l_margin)
    pdf.cell(60, 3.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _x_title(pdf: Document, y: float, left: float, right: float, text: str) -> None:
    pdf.set_font(MAIN, "", 7)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(left, y)
    pdf.cell(right - left, 3.5, text, align="C")


def weeks_between(first: date, last: date) -> list[date]:
    start = first - timedelta(days=first.weekday())
    return [start + timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]


def _ticks(low: float, high: float) -> list[float]:
    span = high - low
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000):
        if span / step <= 6:
            break
    first = int(low // step) * step
    return [v for v in range(int(first), int(high) + step, step) if low <= v <= high]


def _short(pdf: Document, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
