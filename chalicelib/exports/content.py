"""What an export holds: a client's assignments, the template versions they used, and
their submissions, oldest first. Plain data for the renderers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.homework.templates import Template


@dataclass
class ExportContent:
    client: dict[str, Any]
    assignments: dict[str, dict[str, Any]]          # assignment_id -> assignment
    templates: dict[str, Template]                  # assignment_id -> template version it used
    submissions: list[dict[str, Any]] = field(default_factory=list)

    def labels(self, assignment_id: str) -> dict[str, str]:
        template = self.templates.get(assignment_id)
        if template is None:
            return {}
        return {item.id: item.label for item, _group in template.iter_items()}


def answer_text(value: Any) -> str:
    """An answer as one line of text (rows of a group joined with ' | ')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return " | ".join("; ".join(f"{k}: {answer_text(v)}" for k, v in row.items()) for row in value)
        return ", ".join(answer_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {answer_text(v)}" for k, v in value.items())
    return str(value)
