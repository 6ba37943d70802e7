"""What an export holds: a client's assignments, the template versions they used, and
their submissions, oldest first. Plain data for the renderers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.homework.items.base import plain_text
from chalicelib.homework.templates import Template


@dataclass
class ExportContent:
    client: dict[str, Any]
    assignments: dict[str, dict[str, Any]]          # assignment_id -> assignment
    templates: dict[str, Template]                  # assignment_id -> template version it used
    submissions: list[dict[str, Any]] = field(default_factory=list)
    practice: dict[str, Any] = field(default_factory=dict)   # the practice's record ("name")
    submission_id: str | None = None                # set when one submission was asked for (a worksheet)
    # Every submission of the assignments shown, so one worksheet's outcome can be read
    # against that assignment's first total (empty: `submissions` are all there is).
    assignment_submissions: list[dict[str, Any]] = field(default_factory=list)
    session_notes: list[dict[str, Any]] = field(default_factory=list)  # the client's notes for sessions, oldest first

    def labels(self, assignment_id: str) -> dict[str, str]:
        template = self.templates.get(assignment_id)
        if template is None:
            return {}
        return {item.id: item.label for item, _group in template.iter_items()}

    def readable(self, assignment_id: str, item_id: str, value: Any) -> str:
        """An answer as one line of text, as its item type reads it (plain text when the
        template or item is unknown)."""
        template = self.templates.get(assignment_id)
        item = template.find_item(item_id) if template is not None else None
        return item.readable(value) if item is not None else answer_text(value)

    # -- what the PDF adds (read-only views of the same data) ---------------------------------

    @property
    def practice_name(self) -> str:
        return str(self.practice.get("name") or "")

    @property
    def timezone(self) -> str:
        return str(self.client.get("timezone") or "UTC")

    def template_of(self, submission: dict[str, Any]) -> Template | None:
        return self.templates.get(submission["assignment_id"])

    def instructions(self, submission: dict[str, Any]) -> tuple[str, str]:
        """(the template's instructions, the clinician's own for this assignment): the
        clinician's are left empty when they only repeat the template's."""
        template = self.template_of(submission)
        general = (template.instructions if template is not None else "").strip()
        assignment = self.assignments.get(submission["assignment_id"]) or {}
        own = str(assignment.get("instructions") or "").strip()
        return general, ("" if own == general else own)

    def barriers(self, submission: dict[str, Any]) -> dict[str, Any] | None:
        """What the client said got in the way of this occurrence ({barriers: [codes],
        other, context}), or None."""
        assignment = self.assignments.get(submission["assignment_id"]) or {}
        return (assignment.get("barriers") or {}).get(submission.get("occurrence_id"))

    def scored_series(self, assignment_id: str) -> list[dict[str, Any]]:
        """The assignment's submissions with a total, oldest first."""
        every = self.assignment_submissions or self.submissions
        return sorted((s for s in every if s["assignment_id"] == assignment_id
                       and (s.get("score") or {}).get("total") is not None), key=lambda s: s["submitted_at"])

    def skipped(self) -> list[tuple[str, str]]:
        """(assignment id, occurrence id) of every occurrence the client skipped."""
        return [(assignment_id, occurrence_id)
                for assignment_id, assignment in self.assignments.items()
                for occurrence_id, state in (assignment.get("occurrences") or {}).items()
                if isinstance(state, dict) and state.get("state") == "skipped"]


def answer_text(value: Any) -> str:
    """An answer as one line of text (rows of a group joined with ' | ')."""
    return plain_text(value)
