"""Export content for the PDF tests and benchmark: every library template answered in
full, its free text in four scripts (Latin with accents, Greek, Cyrillic, CJK)."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC
from typing import Any

from chalicelib.exports.content import ExportContent
from chalicelib.homework.library import get_library_template, list_library
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import (BooleanItem, DateItem, DateTimeItem, GroupItem, MultiChoiceItem,
                                           NumberItem, ScaleItem, SingleChoiceItem, TimeItem)

SCRIPTS = ("café crème", "καλημέρα", "доброе утро", "你好世界")
ALL_SCRIPTS = " ".join(SCRIPTS)
CLIENT = {"client_id": "c1", "display_name": "Zoë Παπαδοπούλου", "timezone": "Europe/London",
          "practice_id": "p1"}
PRACTICE = {"name": "Riverside Talking Therapies"}


def library_ids() -> list[str]:
    return [t.id for t in list_library()]


def answer_for(item: Any, n: int) -> Any:
    """A valid answer for `item`; free text cycles through the four scripts."""
    if isinstance(item, GroupItem):
        return [{child.id: answer_for(child, n + row) for child in item.children()} for row in range(2)]
    if isinstance(item, SingleChoiceItem):
        return item.options[n % len(item.options)].value
    if isinstance(item, MultiChoiceItem):
        return [o.value for o in item.options[:2]]
    if isinstance(item, ScaleItem):
        return item.min + ((n * item.step) % (item.max - item.min + 1)) // item.step * item.step
    if isinstance(item, NumberItem):
        low = item.min if item.min is not None else 0
        return low if item.max is None else min(item.max, low + (item.step or 1))
    if isinstance(item, BooleanItem):
        return n % 2 == 0
    if isinstance(item, DateItem):
        return "2026-11-03"
    if isinstance(item, TimeItem):
        return "22:45"
    if isinstance(item, DateTimeItem):
        return "2026-11-03T21:30:00+00:00"
    return f"{SCRIPTS[n % 4]} {n}"


def answers_for(template: Any, shift: int = 0) -> dict[str, Any]:
    """Answers for every item; `shift` moves choices along so scores change over time."""
    return {item.id: answer_for(item, n + shift) for n, item in enumerate(template.items)}


def submission(template: Any, assignment_id: str, index: int, when: datetime, **extra: Any) -> dict[str, Any]:
    answers = answers_for(template, (index * 7 // 10) % 3)
    result = score(template, answers) if template.scoring else None
    return {"submission_id": f"{assignment_id}-S{index:04d}", "assignment_id": assignment_id, "client_id": "c1",
            "template_id": template.id, "template_version": template.version, "title": template.title,
            "occurrence_id": when.date().isoformat(), "due_at": when.replace(hour=20, minute=0).isoformat(),
            "submitted_at": when.isoformat().replace("+00:00", "Z"), "answers": answers,
            "score": result.model_dump(mode="json") if result else None,
            "completion": "complete" if index % 5 else "partial", "rating": 1 + index % 5,
            "obstacles": f"Tired after work: {ALL_SCRIPTS}", "note_for_session": "Talk about the weekend",
            "review": {"feedback": f"Well done. {ALL_SCRIPTS}", "quality_rating": 4,
                       "reviewed_at": (when + timedelta(days=1)).isoformat()},
            **extra}


def assignment(assignment_id: str, template: Any, skipped: str = "2026-11-04") -> dict[str, Any]:
    return {"assignment_id": assignment_id, "title": template.title,
            "instructions": f"Fill this in after dinner. {ALL_SCRIPTS}",
            "barriers": {"2026-11-01": {"barriers": ["no_time", "other"], "other": "Visitors – 来客",
                                        "context": "partial", "reported_at": "2026-11-01T21:00:00Z"}},
            "occurrences": {skipped: {"state": "skipped", "at": f"{skipped}T21:00:00Z"}}}


def worksheet(template_id: str) -> ExportContent:
    template = get_library_template(template_id)
    sent = datetime(2026, 11, 1, 19, 5, tzinfo=UTC)
    one = submission(template, "c1-A", 1, sent)
    return ExportContent(client=CLIENT, assignments={"c1-A": assignment("c1-A", template)},
                         templates={"c1-A": template}, submissions=[one], practice=PRACTICE,
                         submission_id=one["submission_id"])


def history(count: int = 100) -> ExportContent:
    """`count` submissions: PHQ-9 and GAD-7 every other day and a thought record between."""
    chosen = {"c1-P": get_library_template("phq-9"), "c1-G": get_library_template("gad-7"),
              "c1-T": get_library_template("thought-record")}
    ids = list(chosen)
    start = datetime(2026, 6, 1, 18, 30, tzinfo=UTC)
    submissions = [submission(chosen[ids[i % 3]], ids[i % 3], i, start + timedelta(days=i * 2 // 3, minutes=i))
                   for i in range(count)]
    return ExportContent(client=CLIENT, assignments={a: assignment(a, t, f"2026-06-{10 + n * 7}")
                                                        for n, (a, t) in enumerate(chosen.items())},
                         templates=chosen, submissions=submissions, practice=PRACTICE)
