"""The client page's message catalogue: English and Spanish say the same things, and the page's
own words come from the catalogue, not from strings in code.

web/client/i18n/en.js (with the shared form words, web/shared/i18n.js FORM_EN) and es.js keep
one entry a line, "id": "text", so they are read here without running them.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
CLIENT = WEB / "client"
ENTRY = re.compile(r'^\s*("[\w.]+"): (".*"),$')
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _entries(source: str, start: str) -> dict[str, str]:
    """The "id": "text" lines of the object literal that opens with `start`."""
    body = source.split(start, 1)[1].split("\n};", 1)[0]
    found: dict[str, str] = {}
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("//", "...FORM_EN")):
            continue
        match = ENTRY.match(line)
        assert match, f"not an entry line: {line!r}"
        key, text = json.loads(match.group(1)), json.loads(match.group(2))
        assert key not in found, f"{key} twice"
        found[key] = text
    return found


def english() -> dict[str, str]:
    shared = _entries((WEB / "shared" / "i18n.js").read_text(), "export const FORM_EN = {")
    own = _entries((CLIENT / "i18n" / "en.js").read_text(), "export default {")
    assert not set(shared) & set(own), "a shared form word is defined twice"
    return {**shared, **own}


def spanish() -> dict[str, str]:
    return _entries((CLIENT / "i18n" / "es.js").read_text(), "export default {")


def test_english_and_spanish_have_the_same_ids_and_placeholders() -> None:
    en, es = english(), spanish()
    assert len(en) > 250
    assert sorted(set(en) - set(es)) == [], "ids missing in Spanish"
    assert sorted(set(es) - set(en)) == [], "ids only in Spanish"
    for key, text in en.items():
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(es[key])), key
        assert es[key].strip(), key


def test_spanish_is_not_english_left_in_place() -> None:
    en, es = english(), spanish()
    # The same text in both is right only for words that are the same (No, Emotipal, numbers).
    same = {key for key in en if en[key] == es[key] and re.search(r"[a-z]{3}", PLACEHOLDER.sub("", en[key]))}
    assert same == set(), f"untranslated: {sorted(same)}"


def _client_sources() -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(CLIENT.glob("*.js")) if path.name not in {"sw.js", "sw-push.js"}}


def test_every_message_id_used_exists() -> None:
    en = english()
    sources = dict(_client_sources())
    sources.update({path.name: path.read_text() for path in [WEB / "shared" / "form.js", WEB / "shared" / "tz-picker.js", *sorted((WEB / "shared" / "items").glob("*.js"))]})
    used = 0
    for name, source in sources.items():
        for key in re.findall(r'\b(?:t|tr)\("([\w.]+)"', source):
            assert key in en, f"{name}: {key} is not in the catalogue"
            used += 1
        # Ids made up at run time (t(`app.state.${state}`)) need their prefix in the catalogue.
        for prefix in re.findall(r"\bt\(`([\w.]+)\$\{", source):
            assert any(key.startswith(prefix) for key in en), f"{name}: no ids start with {prefix}"
    assert used > 250


def literals(source: str) -> list[tuple[int, str, str]]:
    """(line, text, what comes before) of each string literal outside comments; the ${...} of a
    template literal becomes {}."""
    found = []
    index, size = 0, len(source)
    while index < size:
        char = source[index]
        if source.startswith("//", index):
            end = source.find("\n", index)
            index = size if end < 0 else end
            continue
        if source.startswith("/*", index):
            index = source.index("*/", index) + 2
            continue
        if char == "/" and re.search(r"[(,=:!&|?{};]\s*$", source[max(0, index - 20):index]):
            cursor, in_class = index + 1, False  # a regular expression literal
            while cursor < size and (source[cursor] != "/" or in_class):
                if source[cursor] == "\\":
                    cursor += 1
                elif source[cursor] == "[":
                    in_class = True
                elif source[cursor] == "]":
                    in_class = False
                cursor += 1
            index = cursor + 1
            continue
        if char in "\"'`":
            cursor, text = index + 1, []
            while cursor < size and source[cursor] != char:
                if source[cursor] == "\\":
                    text.append(source[cursor:cursor + 2])
                    cursor += 2
                    continue
                if char == "`" and source.startswith("${", cursor):
                    depth, cursor = 1, cursor + 2
                    while depth:
                        depth += {"{": 1, "}": -1}.get(source[cursor], 0)
                        cursor += 1
                    text.append("{}")
                    continue
                text.append(source[cursor])
                cursor += 1
            # An object key ("aria-describedby": ...) is not shown to anyone.
            if source[cursor + 1:cursor + 2] != ":":
                found.append((source.count("\n", 0, index) + 1, "".join(text), source[max(0, index - 60):index]))
            index = cursor + 1
            continue
        index += 1
    return found


# Where a string becomes something a person reads or hears.
VISIBLE = re.compile(
    r'(?:\btext:|\blabel:|\blegend:|\bhelp:|\bmessage:|"aria-label":|"aria-valuetext",|announce\(|'
    r"textContent\s*=|placeholder:|\btitle:|\}\)?,)\s*(?:[\w.]+\s*\?\s*)?$"
    r"|\?\s*\"[A-Z][^\"]*\"\s*:\s*$")  # the other branch of `cond ? "words" : "words"`
# Words for a person anywhere: a capital and more than one word, or a sentence's end.
PROSE = re.compile(r"^[A-Z¿¡“‘«][a-z’']*[ ,:;].*[a-z.?!:…”’»)]\s*$|[a-z]{2,}[ ,][a-z]{2,}.*[.?!:]\s*$")


def english_literals(source: str) -> list[str]:
    """The literals in `source` that look like words shown to a person."""
    problems = []
    for line, text, before in literals(source):
        letters = re.sub(r"\{\}|\\.", "", text)
        if not re.search(r"[A-Za-z]{2,}", letters):
            continue  # punctuation, numbers, " · "
        if VISIBLE.search(before) or PROSE.search(letters):
            if re.fullmatch(r"[a-z]\w*(?:\.\w+)+", text):
                continue  # an id such as "app.title" in a visible position is passed to t()
            problems.append(f"{line}: {text!r}")
    return problems


def test_the_checker_finds_english_in_code() -> None:
    sample = '''
      const a = h("p", { text: "Thank you for checking in." });
      const b = h("button", { class: "button", text: `Remove ${name}` });
      announce("Saved.");
      box.textContent = ok ? "Saving" : "Offline";
      h("label", { for: id }, "If", h("span"));
      const c = h("p", { class: "field-help", text: t("app.intro") }); // "Comment words." are fine
      clientApi("GET", "/v1/client/me"); el.querySelector("input, textarea, select");
    '''
    found = english_literals(sample)
    assert [problem.split(": ", 1)[1] for problem in found] == [
        "'Thank you for checking in.'", "'Remove {}'", "'Saved.'", "'Saving'", "'Offline'", "'If'"]


def test_no_english_words_in_the_client_page_code() -> None:
    problems = {name: english_literals(source) for name, source in _client_sources().items()}
    assert {name: found for name, found in problems.items() if found} == {}


class _Text(HTMLParser):
    """Text nodes of index.html's body, and whether an element around them sets them (data-i18n)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.loose: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.ids += [value for key, value in attrs if key in {"data-i18n", "data-i18n-label"} and value]
        if tag not in {"meta", "link", "input", "br", "img"}:
            self.stack.append((tag, "data-i18n" in values))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        tags = [tag for tag, _ in self.stack]
        if not data.strip() or "body" not in tags or "noscript" in tags or "script" in tags:
            return
        if not any(translated for _, translated in self.stack) and data.strip() != "Emotipal":
            self.loose.append(data.strip())


def test_index_html_words_come_from_the_catalogue() -> None:
    parser = _Text()
    parser.feed((CLIENT / "index.html").read_text())
    assert parser.loose == []
    en = english()
    assert len(parser.ids) >= 8
    assert [key for key in parser.ids if key not in en] == []


def test_the_notification_line_is_in_both_languages() -> None:
    source = (CLIENT / "sw-push.js").read_text()
    body = re.search(r"const REMINDER_BODY = \{(.*?)\};", source, re.S)
    assert body
    assert set(re.findall(r"^\s*(\w+):", body.group(1), re.M)) == {"en", "es"}
