"""Export content for the CSV and FHIR tests: every library template answered in one of
four scripts, with a formula-injection attempt in the first free-text answer, stored and
scored the way a submission is."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from chalicelib.exports.content import ExportContent
from chalicelib.homework.answers import normalise_answers, validate_answers
from chalicelib.homework.library import get_library_template, list_library
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import Template

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "exports"

SCRIPTS = {
    "latin": "Zoë’s café — naïve façade, señor Müller",
    "greek": "Καλημέρα, νιώθω ανησυχία σήμερα",
    "cyrillic": "Сегодня я чувствую тревогу",
    "cjk": "今天我感到很焦虑，但我去散步了",
}
INJECTION = '=HYPERLINK("http://evil.example","click")'
CLIENT = {"client_id": "01HZX3V9Q2M4R7T8W1Y5B6C7D8", "display_name": "Zoë Παπαδοπούλου",
          "timezone": "Europe/Athens", "practice_id": "p1"}


def library_ids() -> list[str]:
    return sorted(t["id"] if isinstance(t, dict) else t.id for t in list_library())


def _value(item: Any, text: str, row: int) -> Any:
    kind = item.type
    if kind in ("text", "long_text"):
        return f"{text} {row}"[: item.max_length]
    if kind == "number":
        low = item.min if item.min is not None else 0
        step = item.step
        if step is None:
            value = low + 2.5 if item.max is None or low + 2.5 <= item.max else low
        else:
            value = low + step if item.max is None or low + step <= item.max else low
        return value
    if kind == "scale":
        return item.min + item.step
    if kind == "single_choice":
        return item.options[(1 + row) % len(item.options)].value
    if kind == "multi_choice":
        return [item.options[0].value, item.options[-1].value]
    if kind == "boolean":
        return row % 2 == 0
    if kind == "date":
        return f"2026-11-0{1 + row}"
    if kind == "time":
        return f"0{7 + row}:30"
    if kind == "datetime":
        return f"2026-11-0{1 + row}T23:15"  # wall-clock time, no zone: the client's zone applies
    raise AssertionError(f"no sample answer for item type {kind}")


def answers_for(template: Template, script: str, inject: bool = True) -> dict[str, Any]:
    """Every item answered (groups with two rows); the first text answer tries a formula."""
    text = SCRIPTS[script]
    answers: dict[str, Any] = {}
    injected = not inject
    for item in template.items:
        children = item.children()
        if children:
            rows = min(2, item.max_rows)
            answers[item.id] = [{c.id: _value(c, text, r) for c in children} for r in range(rows)]
        elif item.type in ("text", "long_text") and not injected:
            answers[item.id], injected = INJECTION, True
        else:
            answers[item.id] = _value(item, text, 0)
    problems = validate_answers(template, answers)
    assert not problems, problems
    return normalise_answers(template, answers)


def submission(template: Template, assignment_id: str, n: int, script: str) -> dict[str, Any]:
    answers = answers_for(template, script)
    day = (date(2026, 10, 1) + timedelta(days=n)).isoformat()
    result = score(template, answers) if template.scoring else None
    return {"submission_id": f"{assignment_id}-S{n}", "assignment_id": assignment_id, "client_id": CLIENT["client_id"],
            "template_id": template.id, "template_version": template.version, "title": template.title,
            "kind": template.kind, "occurrence_id": day,
            "due_at": f"{day}T21:59:00Z", "submitted_at": f"{day}T19:0{n % 10}:00Z",
            "answers": answers, "score": result.model_dump(mode="json") if result else None,
            "completion": "partial" if n % 2 else "complete", "rating": 1 + n % 5,
            "obstacles": f"-{SCRIPTS[script]}" if n % 2 else None,
            "note_for_session": f"@{SCRIPTS[script]}",
            "review": {"feedback": f"+{SCRIPTS[script]}", "quality_rating": 4, "reviewed_at": "2026-11-20T09:00:00Z",
                       "reviewer_id": "u1"}}


def content_for(template_ids: list[str], scripts: list[str] | None = None) -> ExportContent:
    """One assignment per template, two submissions each (in two of the four scripts)."""
    names = scripts or list(SCRIPTS)
    templates: dict[str, Template] = {}
    assignments: dict[str, dict[str, Any]] = {}
    submissions: list[dict[str, Any]] = []
    for k, template_id in enumerate(template_ids):
        template = get_library_template(template_id)
        assignment_id = f"{CLIENT['client_id']}-A{k}"
        templates[assignment_id] = template
        first = names[k % len(names)]
        second = names[(k + 1) % len(names)]
        submissions += [submission(template, assignment_id, 2 * k, first),
                        submission(template, assignment_id, 2 * k + 1, second)]
        assignments[assignment_id] = {"assignment_id": assignment_id, "title": template.title, "barriers": {
            submissions[-1]["occurrence_id"]: {"barriers": ["no_time", "other"], "other": SCRIPTS[second],
                                               "context": "partial", "reported_at": "2026-11-20T09:00:00Z"}}}
    return ExportContent(client=CLIENT, assignments=assignments, templates=templates,
                         submissions=sorted(submissions, key=lambda s: s["submitted_at"]))
