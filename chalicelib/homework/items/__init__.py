"""The item types a template can use, one module each, and the registry built from them.

To add a type: write its module (a subclass of `ItemType` with a `type` Literal
named like the module), list it in `_TYPES` below, and give the web pages a
renderer in `web/shared/items/` (registered in `web/shared/items/index.js`);
`tests/unit/homework/test_hw_item_types.py` checks both sides agree.

The registry is checked here, at import: a type that leaves any part of the
contract unimplemented, or clashes with another, stops the import rather than
failing on some later request.
"""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field

from chalicelib.homework.items.base import ItemType
from chalicelib.homework.items.boolean import BooleanItem
from chalicelib.homework.items.date import DateItem
from chalicelib.homework.items.datetime import DateTimeItem
from chalicelib.homework.items.group import GroupItem
from chalicelib.homework.items.long_text import LongTextItem
from chalicelib.homework.items.multi_choice import MultiChoiceItem
from chalicelib.homework.items.number import NumberItem
from chalicelib.homework.items.scale import ScaleItem
from chalicelib.homework.items.single_choice import SingleChoiceItem
from chalicelib.homework.items.text import TextItem
from chalicelib.homework.items.time import TimeItem

# The order is the order of the template schema's union (and of its error messages).
_TYPES: tuple[type[ItemType], ...] = (
    TextItem, LongTextItem, NumberItem, ScaleItem, SingleChoiceItem, MultiChoiceItem,
    BooleanItem, DateItem, TimeItem, DateTimeItem, GroupItem,
)


def _register(types: tuple[type[ItemType], ...]) -> dict[str, type[ItemType]]:
    registry: dict[str, type[ItemType]] = {}
    for cls in types:
        name = cls.type_name()
        missing = sorted(getattr(cls, "__abstractmethods__", ()))
        if inspect.isabstract(cls) or missing:
            raise TypeError(f"item type '{name}' ({cls.__name__}) does not implement {', '.join(missing)}")
        if not isinstance(getattr(cls, "fhir_type", None), str):
            raise TypeError(f"item type '{name}' ({cls.__name__}) has no fhir_type")
        if cls.__module__.rsplit(".", 1)[-1] != name:
            raise TypeError(f"item type '{name}' must live in items/{name}.py, not {cls.__module__}")
        if name in registry:
            raise TypeError(f"item type '{name}' is registered twice")
        registry[name] = cls
    return registry


ITEM_TYPES: dict[str, type[ItemType]] = _register(_TYPES)

_FIELD_TYPES = tuple(cls for cls in _TYPES if not cls.container)
if TYPE_CHECKING:  # a union built at run time; to a type checker, any item type
    FieldItem = ItemType
    Item = ItemType
else:
    # An item that may sit inside a group's rows: any type that is not itself a container.
    FieldItem = Annotated[Union[_FIELD_TYPES], Field(discriminator="type")]  # noqa: UP007
    # Any item at the top level of a template.
    Item = Annotated[Union[_TYPES], Field(discriminator="type")]  # noqa: UP007

# A container's `items: list[FieldItem]` is resolved in its own module when pydantic first
# builds its schema (models defer that to first use, which keeps `import app` cheap).
for _cls in _TYPES:
    if _cls.container:
        vars(sys.modules[_cls.__module__])["FieldItem"] = FieldItem

__all__ = ["ITEM_TYPES", "FieldItem", "Item", "ItemType", *(cls.__name__ for cls in _TYPES)]
