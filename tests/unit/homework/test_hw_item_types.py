"""One owner per item type: the server's registry and the web pages' renderers name the
same types, a type that leaves part of its contract out is refused at import, and
nothing outside the item modules switches on an item's type."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import pytest

from chalicelib.homework.items import ITEM_TYPES, _register
from chalicelib.homework.items.base import ItemType
from chalicelib.homework.templates import TemplateContent

ROOT = Path(__file__).resolve().parents[3]
WEB_ITEMS = ROOT / "web" / "shared" / "items"
IMPORT = re.compile(r'^import\s+(\w+)\s+from\s+"\./([\w-]+)\.js";', re.M)


def web_renderers() -> dict[str, str]:
    """Type -> module file of every renderer that web/shared/items/index.js registers."""
    index = (WEB_ITEMS / "index.js").read_text()
    imported = dict(IMPORT.findall(index))  # identifier -> module name
    listed = re.search(r"const RENDERERS = \[([^\]]*)\]", index)
    assert listed, "index.js must list its renderers in `const RENDERERS = [...]`"
    registered: dict[str, str] = {}
    for identifier in re.findall(r"\w+", listed.group(1)):
        assert identifier in imported, f"{identifier} is registered but not imported in index.js"
        module = imported[identifier]
        source = (WEB_ITEMS / f"{module}.js").read_text()
        declared = re.search(r'export default \{\s*type:\s*"([\w-]+)"', source)
        assert declared, f"web/shared/items/{module}.js declares no type"
        registered[declared.group(1)] = module
    return registered


def mismatches(server: list[str], web: dict[str, str]) -> list[str]:
    problems = [f"'{name}' has no renderer in web/shared/items/" for name in server if name not in web]
    problems += [f"'{name}' has a renderer but the server does not accept it" for name in web if name not in server]
    problems += [f"the renderer of '{name}' belongs in web/shared/items/{name}.js"
                 for name, module in web.items() if module != name]
    if not problems and list(web) != list(server):
        problems.append("the pages list the types in another order than the server")
    return problems


def test_every_server_type_has_a_web_renderer_and_every_renderer_a_server_type():
    assert mismatches(list(ITEM_TYPES), web_renderers()) == []


def test_the_comparison_sees_a_type_on_one_side_only():
    web = web_renderers()
    assert mismatches([*ITEM_TYPES, "not_a_type"], web) == ["'not_a_type' has no renderer in web/shared/items/"]
    assert mismatches([t for t in ITEM_TYPES if t != "date"], web) == [
        "'date' has a renderer but the server does not accept it"]


def test_the_template_schema_accepts_exactly_the_registered_types():
    schema = TemplateContent.model_json_schema()
    mapping = schema["properties"]["items"]["items"]["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(ITEM_TYPES)


def _complete_type(name: str) -> type[ItemType]:
    """A throwaway type implementing the whole contract, living in a module named after it."""
    namespace: dict[str, Any] = {
        "__annotations__": {"type": Literal[name]},  # type: ignore[valid-type]
        "__module__": f"chalicelib.homework.items.{name}",
        "fhir_type": "decimal",
        "check_answer": lambda self, value, path, checker: None,
        "normalise": lambda self, value: value,
        "score_value": lambda self, value: None,
        "readable": lambda self, value: str(value),
        "fhir_answers": lambda self, value: [{"valueDecimal": value}],
    }
    return type(f"{name.title()}Item", (ItemType,), namespace)


def test_the_registry_refuses_an_incomplete_type():
    complete = _complete_type("slider")
    assert _register((complete,)) == {"slider": complete}

    incomplete = type("SliderItem", (ItemType,), {
        "__annotations__": {"type": Literal["slider"]}, "__module__": "chalicelib.homework.items.slider",
        "fhir_type": "decimal", "check_answer": lambda self, value, path, checker: None,
    })
    with pytest.raises(TypeError, match="does not implement fhir_answers, normalise, readable, score_value"):
        _register((incomplete,))
    with pytest.raises(TypeError, match="registered twice"):
        _register((complete, complete))
    misplaced = type("SliderItem", (complete,), {"__module__": "chalicelib.homework.items.other"})
    with pytest.raises(TypeError, match="must live in items/slider.py"):
        _register((misplaced,))


# -- no switch on an item's type outside the item modules

SERVER_SWITCH = re.compile(r"""\.type\s*(==|!=|\bin\b|\bnot in\b)|isinstance\([^)]*Item\b|kind\s*==\s*["']""")
WEB_SWITCH = re.compile(r"""\.type\s*[!=]==|case\s+["'](""" + "|".join(ITEM_TYPES) + r""")["']""")


def test_no_module_outside_the_items_package_switches_on_item_type():
    offenders = []
    for path in (ROOT / "chalicelib").rglob("*.py"):
        if "items" in path.relative_to(ROOT / "chalicelib").parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if SERVER_SWITCH.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("page", ["web/shared/form.js", "web/admin/templates.js"])
def test_the_pages_ask_the_renderers_rather_than_switch_on_item_type(page):
    source = (ROOT / page).read_text()
    assert "items/index.js" in source
    assert WEB_SWITCH.findall(source) == []


@pytest.mark.parametrize("part", sorted(p.name for p in (ROOT / "web/admin/template-editor").glob("*.js")))
def test_the_template_editor_never_switches_on_item_type(part):
    assert WEB_SWITCH.findall((ROOT / "web/admin/template-editor" / part).read_text()) == []
