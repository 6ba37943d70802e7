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


def answer_text(value: Any) -> str:
    """An answer as one line of text (rows of a group joined with ' | ')."""
    return plain_text(value)
