"""The CSV export read back with `csv`: a row per submission, columns in the template's
order, answers in the client's words (four scripts), scores beside scored answers, groups
flattened, times with the client's offset, and no cell a spreadsheet would run."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.exports import csv_export
from chalicelib.homework.barriers import LABELS
from chalicelib.homework.library import get_library_template
from chalicelib.homework.templates import Template
from tests.unit.export_samples import ARTIFACTS, CLIENT, INJECTION, SCRIPTS, content_for, library_ids

ZONE = ZoneInfo(CLIENT["timezone"])
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheets need to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _sections(rows: list[list[str]]) -> list[list[list[str]]]:
    sections: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            sections[-1].append(row)
        else:
            sections.append([])
    return sections


def _plain(cell: str) -> str:
    """The value a reader means: the apostrophe that defuses a formula taken off again."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in DANGEROUS else cell


def _expected(item: Any, value: Any) -> str:
    """What the client chose or typed, in words, written independently of the exporter."""
    kind = item.type
    if kind in ("single_choice",):
        return next(o.label for o in item.options if o.value == value)
    if kind == "multi_choice":
        return ", ".join(o.label for o in item.options if o.value in value)
    if kind == "boolean":
        return "yes" if value else "no"
    if kind == "datetime":
        return datetime.fromisoformat(value).replace(tzinfo=ZONE).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _expected_columns(template: Template, most_rows: dict[str, int]) -> list[str]:
    columns: list[str] = []
    for item in template.items:
        children = item.children()
        targets = [(c, f"{item.id}[{r + 1}].{c.id}") for r in range(most_rows.get(item.id, 0)) for c in children] \
            if children else [(item, item.id)]
        for target, column in targets:
            columns.append(column)
            if target.type in ("single_choice", "multi_choice") and target.is_scorable():
                columns.append(f"{column}.score")
    return columns


@pytest.mark.parametrize("template_id", library_ids())
def test_every_library_template_round_trips_in_four_scripts(template_id):
    template = get_library_template(template_id)
    contents = [content_for([template_id], scripts=[a, b]) for a, b in (("latin", "greek"), ("cyrillic", "cjk"))]
    for content in contents:
        rows = _rows(csv_export.render(content))
        header, wording, *data = rows
        assert [r[0] for r in data] == [s["submission_id"] for s in content.submissions]
        assert all(len(r) == len(header) for r in rows)
        assert not any(cell == "None" for row in rows for cell in row)
        most = {i.id: max(len(s["answers"].get(i.id) or []) for s in content.submissions)
                for i in template.items if i.children()}
        answer_columns = _expected_columns(template, most)
        first = header.index(answer_columns[0])
        assert header[first:first + len(answer_columns)] == answer_columns  # the template's order, together
        for item in template.items:
            if not item.children():
                assert wording[header.index(item.id)] == item.label
        for submission, row in zip(content.submissions, data, strict=True):
            cells = {column: _plain(cell) for column, cell in zip(header, row, strict=True)}
            for item in template.items:
                value = submission["answers"][item.id]
                if item.children():
                    for r, answered in enumerate(value):
                        for child in item.children():
                            assert cells[f"{item.id}[{r + 1}].{child.id}"] == _expected(child, answered[child.id])
                    continue
                assert cells[item.id] == _expected(item, value)
                if f"{item.id}.score" in cells:
                    option = next(o for o in item.options if o.value == value)
                    assert cells[f"{item.id}.score"] == str(option.score)
            score = submission["score"] or {}
            assert cells["score:total"] == ("" if score.get("total") is None else str(score["total"]))
            assert cells["score:band"] == (score.get("band") or "")
            for subscale in template.scoring.subscales if template.scoring else []:
                assert cells[f"score:{subscale.id}"] == str(score["subscales"][subscale.id])
            sent = datetime.fromisoformat(submission["submitted_at"]).astimezone(ZONE).isoformat()
            assert cells["submission:sent_at"] == sent and sent[-6:] in ("+02:00", "+03:00")
            assert cells["clinician:feedback"] == submission["review"]["feedback"]
            assert cells["client:note_for_session"] == submission["note_for_session"]
            assert cells["client:rating"] == str(submission["rating"])
            assert cells["submission:completion"] == submission["completion"]
        scripts_seen = {name for name, words in SCRIPTS.items() if any(words in cell for row in data for cell in row)}
        assert len(scripts_seen) == 2


def test_formulas_are_defused_in_every_column_that_can_carry_one():
    content = content_for(["thought-record", "phq-9"])
    rows = _rows(csv_export.render(content))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(DANGEROUS) for cell in cells)
    assert "'" + INJECTION in cells  # the client's answer, kept but shown as text
    assert any(cell.startswith("'@") for cell in cells)  # the note for the session
    assert any(cell.startswith("'+") for cell in cells)  # the clinician's feedback
    assert any(cell.startswith("'-") for cell in cells)  # what got in the way


@pytest.mark.parametrize("text,shown", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-rm", "'-rm"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("-3", "-3"), ("-2.5", "-2.5"), ("a=b", "a=b"), ("", ""),
])
def test_safe_prefixes_what_a_spreadsheet_would_run(text, shown):
    assert csv_export.safe(text) == shown


def test_barriers_and_the_clients_words_read_as_the_client_chose_them():
    content = content_for(["worry-log"], scripts=["greek", "cyrillic"])
    header, _wording, *data = _rows(csv_export.render(content))
    barriers = [row[header.index("client:barriers")] for row in data]
    assert barriers == ["", f"{LABELS['no_time']}; {LABELS['other']}: {SCRIPTS['cyrillic']}"]
    assert data[1][header.index("client:obstacles")] == f"'-{SCRIPTS['cyrillic']}"


def test_unscored_templates_leave_total_and_band_empty():
    content = content_for(["thought-record"])
    header, _wording, *data = _rows(csv_export.render(content))
    assert {(row[header.index("score:total")], row[header.index("score:band")]) for row in data} == {("", "")}


def test_groups_get_as_many_row_columns_as_the_fullest_submission():
    content = content_for(["thought-record"])
    longer = content.submissions[1]["answers"]["emotions"]
    longer.append({"emotion": "Ντροπή", "intensity": 55})
    header, wording, *data = _rows(csv_export.render(content))
    emotion_columns = [c for c in header if c.startswith("emotions[")]
    assert emotion_columns == ["emotions[1].emotion", "emotions[1].intensity", "emotions[2].emotion",
                               "emotions[2].intensity", "emotions[3].emotion", "emotions[3].intensity"]
    third = header.index("emotions[3].emotion")
    assert [row[third] for row in data] == ["", "Ντροπή"]
    assert wording[third].endswith("3: Emotion")


def test_a_history_has_one_section_per_template_and_wording_is_optional():
    ids = library_ids()
    content = content_for(ids)
    data = csv_export.render(content)
    sections = _sections(_rows(data))
    assert len(sections) == len(ids)
    for section in sections:
        header, wording, *rows = section
        assert header[0] == "submission:id" and wording[0] == "Submission" and len(rows) == 2
        assert len({row[header.index("template:id")] for row in rows}) == 1
    bare = _sections(_rows(csv_export.render(content, wording=False)))
    assert [len(s) for s in bare] == [3] * len(ids)  # header and two submissions, no wording row
    assert [row[0] for s in bare for row in s[1:]] == [s["submission_id"] for s in sorted(
        content.submissions, key=lambda s: ids.index(s["template_id"]))]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "history.csv").write_bytes(data)
    (ARTIFACTS / "phq-9.csv").write_bytes(csv_export.render(content_for(["phq-9"])))


def test_nothing_sent_yet_is_a_header_alone():
    content = content_for([])
    rows = _rows(csv_export.render(content))
    assert len(rows) == 1 and rows[0][0] == "submission:id"


def test_a_history_ends_with_the_clients_notes_for_their_sessions():
    content = content_for(["phq-9", "thought-record"])
    content.session_notes = [
        {"note_id": "n1", "created_at": "2026-10-05T08:00:00Z", "text": SCRIPTS["cjk"]},
        {"note_id": "n2", "created_at": "2026-10-06T08:00:00Z", "text": "=1+2 " + SCRIPTS["greek"]},
    ]
    sections = _sections(_rows(csv_export.render(content)))
    assert len(sections) == 3
    header, wording, *notes = sections[-1]
    assert header == ["note:id", "note:written_at", "note:text"] and wording[2] == "Client's note for the session"
    assert notes == [["n1", "2026-10-05T11:00:00+03:00", SCRIPTS["cjk"]],
                     ["n2", "2026-10-06T11:00:00+03:00", "'=1+2 " + SCRIPTS["greek"]]]
