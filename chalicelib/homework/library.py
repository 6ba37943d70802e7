"""The built-in library: one JSON file per template in `library/`, named by its
stable slug (`phq-9.json` holds the template with id "phq-9").

Files are read on first use, validated like any clinician's template, and
cached for the life of the process (a Lambda container). A file that does not
validate fails loudly: a broken library must never ship.
"""

from __future__ import annotations

import threading
from pathlib import Path

from chalicelib.homework.templates import Template

LIBRARY_DIR = Path(__file__).with_name("library")

# Questionnaires first (they are what clinicians look for first), then by title.
_KIND_ORDER = {"questionnaire": 0, "worksheet": 1, "diary": 2, "log": 3, "plan": 4, "exercise": 5}

_lock = threading.Lock()
_cache: dict[str, Template] | None = None


class LibraryError(RuntimeError):
    """A library file is unreadable or does not describe a valid template."""


def list_library() -> list[Template]:
    return list(_templates().values())


def get_library_template(slug: str) -> Template | None:
    return _templates().get(slug)


def _templates() -> dict[str, Template]:
    global _cache
    if _cache is None:
        with _lock:
            if _cache is None:
                _cache = load_library(LIBRARY_DIR)
    return _cache


def load_library(directory: Path) -> dict[str, Template]:
    """Read and validate every `<slug>.json` in `directory`, in display order."""
    templates: list[Template] = []
    for path in sorted(directory.glob("*.json")):
        try:
            template = Template.model_validate_json(path.read_bytes())
        except (OSError, ValueError) as error:  # pydantic's ValidationError is a ValueError
            raise LibraryError(f"library template {path.name} is invalid: {error}") from error
        if template.id != path.stem:
            raise LibraryError(f"library template {path.name} has id '{template.id}'; it must match the file name")
        templates.append(template)
    templates.sort(key=lambda t: (_KIND_ORDER.get(t.kind, len(_KIND_ORDER)), t.title.lower()))
    return {template.id: template for template in templates}

