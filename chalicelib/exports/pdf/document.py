"""The page every export PDF is drawn on: A4, the shipped Unicode fonts, a header with the
practice and "Confidential", a footer with the client and "Page n of N", and the few
text blocks the worksheet and history are made of. Every piece of text goes through
`clean`, so a character no shipped font has (an emoji) prints as a box, never as a
crash or a warning naming the client's words."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

FONTS = Path(__file__).resolve().parent / "fonts"
MAIN = "DejaVu"     # Latin, Greek, Cyrillic
CJK = "DroidCJK"    # fallback: Han (simplified Chinese, everyday Japanese) and kana
MISSING = "\u25a1"  # □ where no shipped font has the character
# Joiners and variation selectors only shape what they sit beside: dropped, not boxed.
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0000-\U000e007f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

MARGIN = 18.0        # mm, left and right
TOP = 22.0           # below the header rule
BOTTOM = 18.0        # above the footer
INK = (33, 37, 41)
MUTED = (96, 103, 112)
RULE = (206, 212, 218)
ACCENT = (37, 99, 135)


_covered: set[int] = set()   # every code point the shipped fonts draw (filled by the first Document)


def clean(text: Any) -> str:
    """Text the fonts can draw: tabs as spaces, control characters gone, anything no
    font has (emoji, rare scripts) as a box."""
    value = "" if text is None else str(text)
    value = _CONTROL.sub("", _INVISIBLE.sub("", value.replace("\t", "    ").replace("\r\n", "\n").replace("\r", "\n")))
    covered = _covered or _load_coverage()
    if all(ord(ch) in covered or ch == "\n" for ch in value):
        return value
    return "".join(ch if ord(ch) in covered or ch == "\n" else MISSING for ch in value)


def _load_coverage() -> set[int]:
    """Without a Document yet (clean called first): read the fonts' character maps."""
    from fontTools.ttLib import TTFont

    for name in ("DejaVuSans.ttf", "DroidSansFallback-CJK.ttf"):
        with TTFont(FONTS / name, lazy=True) as font:
            _covered.update(font.getBestCmap())
    return _covered


class Document(FPDF):
    """A4 portrait with the practice in the header and the client in the footer."""

    def __init__(self, *, practice: str, client: str, title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.practice, self.client = clean(practice), clean(client)
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(auto=True, margin=BOTTOM)
        self.add_font(MAIN, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(MAIN, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.add_font(CJK, "", str(FONTS / "DroidSansFallback-CJK.ttf"))
        # exact_match=False: bold CJK falls back to the one CJK face rather than to nothing.
        self.set_fallback_fonts([CJK], exact_match=False)
        if not _covered:
            _covered.update(self._ttf_named(MAIN.lower()).cmap, self._ttf_named(CJK.lower()).cmap)
        self.set_title(clean(title))
        self.set_author(self.practice or "Emotipal")
        self.set_creator("Emotipal")
        self.alias_nb_pages()
        self.set_text_color(*INK)

    # -- running header and footer --------------------------------------------------------------

    def header(self) -> None:
        self.set_font(MAIN, "", 8)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, 9)
        half = self.epw / 2
        self.cell(half, 5, _fit(self, self.practice or "Emotipal", half), align="L")
        self.set_font(MAIN, "B", 8)
        self.cell(half, 5, "Confidential: clinical record", align="R")
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, 15, self.w - MARGIN, 15)
        self.set_xy(MARGIN, TOP)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(MAIN, "", 8)
        self.set_text_color(*MUTED)
        half = self.epw / 2
        self.cell(half, 5, _fit(self, self.client, half), align="L")
        self.cell(half, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    # -- blocks ---------------------------------------------------------------------------------

    def title_block(self, title: str, subtitle: str = "") -> None:
        self.set_font(MAIN, "B", 16)
        self.set_text_color(*ACCENT)
        self.text_block(title, height=7.5)
        self.set_text_color(*INK)
        if subtitle:
            self.set_font(MAIN, "", 10)
            self.set_text_color(*MUTED)
            self.text_block(subtitle, height=5.2)
            self.set_text_color(*INK)
        self.ln(2)

    def heading(self, text: str, size: float = 12.5, *, keep: float = 24) -> None:
        """A heading kept with at least `keep` mm of what follows it."""
        self.keep_room(keep)
        if self.get_y() > self.t_margin + 1:
            self.ln(3)
        self.set_font(MAIN, "B", size)
        self.set_text_color(*ACCENT)
        self.text_block(text, height=size * 0.5)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y() + 0.6, self.w - self.r_margin, self.get_y() + 0.6)
        self.ln(2.2)

    def subheading(self, text: str) -> None:
        self.keep_room(16)
        self.ln(1.5)
        self.set_font(MAIN, "B", 10.5)
        self.text_block(text, height=5.2)

    def paragraph(self, text: str, *, size: float = 10, muted: bool = False, bold: bool = False,
                  indent: float = 0) -> None:
        self.set_font(MAIN, "B" if bold else "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.text_block(text, height=size * 0.5, indent=indent)
        self.set_text_color(*INK)

    def field(self, label: str, value: str, *, indent: float = 0) -> None:
        """A question (small, muted) and its answer beneath it, kept on one page when short."""
        self.keep_room(11)
        self.set_font(MAIN, "B", 8.5)
        self.set_text_color(*MUTED)
        self.text_block(label, height=4.3, indent=indent)
        self.set_text_color(*INK)
        self.set_font(MAIN, "", 10)
        self.text_block(value or "Not answered", height=5.0, indent=indent + 3)
        self.ln(1.4)

    def answer_row(self, question: str, answer: str) -> None:
        """A question and a short answer side by side, as on a paper form (a long answer goes
        under its question instead)."""
        answer = answer or "Not answered"
        question_width = self.epw * 0.6
        answer_width = self.epw - question_width - 3
        self.set_font(MAIN, "", 9.5)
        answer_lines = self.wrap(answer, answer_width)
        if len(answer_lines) > 2:
            self.field(question, answer)
            return
        self.set_font(MAIN, "B", 8.5)
        question_lines = self.wrap(question, question_width)
        height = 4.5
        self.keep_room(height * max(len(question_lines), len(answer_lines)) + 1.5)
        top = self.get_y()
        self.set_text_color(*MUTED)
        for line in question_lines:
            self.set_x(self.l_margin)
            self.line_of_text(question_width, height, line)
        below = self.get_y()
        self.set_text_color(*INK)
        self.set_font(MAIN, "", 9.5)
        self.set_y(top)
        for line in answer_lines:
            self.set_x(self.l_margin + question_width + 3)
            self.line_of_text(answer_width, height, line)
        self.set_y(max(below, self.get_y()) + 0.6)
        self.set_draw_color(*RULE)
        self.set_line_width(0.1)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_line_width(0.2)
        self.ln(0.9)

    def facts(self, rows: list[tuple[str, str]]) -> None:
        """Label and value side by side, the value wrapping in its column."""
        label_width, height = 40.0, 4.8
        for label, value in rows:
            self.set_font(MAIN, "B", 8.5)
            label_lines = self.wrap(label, label_width - 3)
            self.set_font(MAIN, "", 9.5)
            value_lines = self.wrap(value or "-", self.epw - label_width)
            self.keep_room(height * min(max(len(label_lines), len(value_lines)), 4))
            top, page = self.get_y(), self.page
            self.set_font(MAIN, "B", 8.5)
            self.set_text_color(*MUTED)
            for line in label_lines:
                self.set_x(self.l_margin)
                self.line_of_text(label_width - 3, height, line)
            below_label = self.get_y()
            self.set_text_color(*INK)
            self.set_font(MAIN, "", 9.5)
            self.set_y(top)
            for line in value_lines:
                self.set_x(self.l_margin + label_width)
                self.line_of_text(self.epw - label_width, height, line)
            if self.page == page and self.get_y() < below_label:
                self.set_y(below_label)
            self.ln(0.6)

    def text_block(self, text: str, *, height: float, indent: float = 0, width: float | None = None) -> None:
        """Text wrapped inside the margins, line by line (a line that no longer fits starts
        the next page)."""
        width = (self.epw - indent) if width is None else width
        x = self.get_x() if indent < 0 else self.l_margin + indent
        for line in self.wrap(text, width):
            self.set_x(x)
            self.line_of_text(width, height, line)

    def line_of_text(self, width: float, height: float, text: str) -> None:
        """One line, then the next line's start. The CJK fallback is switched on only for a
        line that needs it: fpdf2 checks every character against every font otherwise,
        the larger part of a long history's rendering time."""
        cmap = self._ttf().cmap
        if all(ord(ch) in cmap for ch in text):
            self.set_fallback_fonts([])
            try:
                self.cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            finally:
                self.set_fallback_fonts([CJK], exact_match=False)
        else:
            self.cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` in lines no wider than `width` mm in the current font: breaks at spaces,
        between CJK characters, and inside a word (a URL) longer than a line. fpdf2's own
        line breaking measures a line again for every character it adds, which made a
        100-submission history take seconds; this measures each word once."""
        measure = self._measure()
        limit = width - 2 * self.c_margin - 0.1   # cell() pads its text by c_margin on each side
        space = measure(" ")
        lines: list[str] = []
        for paragraph in clean(text).split("\n"):
            line, line_width, gap = "", 0.0, False
            for match in _TOKENS.finditer(paragraph):
                word = match.group(0)
                if word.isspace():
                    gap = bool(line)
                    continue
                word_width = measure(word)
                extra = space if gap else 0.0
                if line and line_width + extra + word_width <= limit:
                    line, line_width = line + (" " if gap else "") + word, line_width + extra + word_width
                else:
                    if line:
                        lines.append(line)
                    line, line_width = "", 0.0
                    for piece in _pieces(word, word_width, limit, measure):
                        if line:
                            lines.append(line)
                        line, line_width = piece, measure(piece)
                gap = False
            lines.append(line)
        return lines

    def _measure(self) -> Any:
        """Width in mm of a text in the current font and size, with the CJK fallback's widths
        for what the main font lacks (as fpdf2 draws it)."""
        main, fallback = self._ttf(), self.fonts[CJK.lower()]
        scale = self.font_size_pt * 0.001 / self.k
        main_cmap, main_widths = main.cmap, main.cw
        cjk_widths: Any = fallback.cw
        cache: dict[str, float] = {}

        def char(ch: str) -> float:
            found = cache.get(ch)
            if found is None:
                code = ord(ch)
                found = cache[ch] = (main_widths[code] if code in main_cmap else cjk_widths[code]) * scale
            return found

        return lambda text: sum(char(ch) for ch in text)

    def _ttf_named(self, key: str) -> TTFFont:
        font = self.fonts[key]
        if not isinstance(font, TTFFont):
            raise TypeError("the PDF draws text only in its shipped fonts")
        return font

    def _ttf(self) -> TTFFont:
        font = self.current_font
        if not isinstance(font, TTFFont):   # every font here is one of the shipped TrueType fonts
            raise TypeError("the PDF draws text only in its shipped fonts")
        return font

    def keep_room(self, height: float) -> None:
        """Start a new page unless `height` mm fit on this one (headings never end a page)."""
        if self.get_y() + height > self.page_break_trigger and self.get_y() > self.t_margin + 1:
            self.add_page()

    def grid(self, headings: list[str], rows: list[list[str]]) -> None:
        """A table whose columns share the width by how much they hold, each at least as wide
        as its longest word where the page allows; text is wrapped here (see `wrap`) so a
        cell breaks between words, never inside one that would fit."""
        if not rows:
            return
        padding = 1.2
        body = [[clean(value) or "-" for value in row] for row in rows]
        self.set_font(MAIN, "B", 8.5)
        head_measure = self._measure()
        self.set_font(MAIN, "", 9)
        measure = self._measure()
        inner = 2 * padding + 2 * self.c_margin + 0.6
        least, weights = [], []
        for column, heading in enumerate(headings):
            cells = [row[column] for row in body]
            longest_word = max([head_measure(w) for w in heading.split()] +
                               [measure(w) for cell in cells for w in _TOKENS.findall(cell) if not w.isspace()] + [4])
            least.append(min(longest_word, self.epw * 0.45) + inner)
            weights.append(max(6.0, max([head_measure(heading)] + [min(measure(c), 120.0) for c in cells])))
        if sum(least) >= self.epw:
            widths = [self.epw * w / sum(least) for w in least]
        else:
            spare = self.epw - sum(least)
            widths = [low + spare * w / sum(weights) for low, w in zip(least, weights, strict=True)]
        self.keep_room(18)
        self.set_draw_color(*RULE)
        # fpdf2 tables fill every cell with the current fill colour unless it is the default
        # (black): a chart's last colour would shade the whole table.
        self.set_fill_color(0)
        with self.table(col_widths=tuple(widths), width=self.epw, line_height=4.6, text_align="LEFT",
                        headings_style=_HEADINGS, first_row_as_headings=True, repeat_headings=1,
                        borders_layout="HORIZONTAL_LINES", padding=padding) as table:
            line = table.row()
            self.set_font(MAIN, "B", 8.5)
            for heading, width in zip(headings, widths, strict=True):
                line.cell("\n".join(self.wrap(heading, width - 2 * padding)))
            self.set_font(MAIN, "", 9)
            for row in body:
                line = table.row()
                for value, width in zip(row, widths, strict=True):
                    line.cell("\n".join(self.wrap(value, width - 2 * padding)))
        self.ln(2)


_CJK = "\u2e80-\u2fff\u3000-\u30ff\u3100-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


def _pieces(word: str, width: float, limit: float, measure: Any) -> list[str]:
    """A word cut into lines where it is wider than one (a long URL), else itself."""
    if width <= limit:
        return [word]
    pieces, current = [], ""
    for ch in word:
        if current and measure(current + ch) > limit:
            pieces.append(current)
            current = ""
        current += ch
    return [*pieces, current]


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """One line of `text` cut with an ellipsis to fit `width` (running headers only)."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


def _headings_style() -> Any:
    from fpdf.fonts import FontFace

    return FontFace(family=MAIN, emphasis="BOLD", size_pt=8.5, color=MUTED, fill_color=(241, 243, 245))


_HEADINGS = _headings_style()
