"""What the two numeric types share: a number kept whole when it is whole, scored as itself."""

from __future__ import annotations

from typing import Any

from chalicelib.homework.items.base import ItemType, Score, numeric_score, plain_text, whole_if_whole


class NumericItem(ItemType):
    def is_scorable(self) -> bool:
        return True

    def normalise(self, value: Any) -> Any:
        return whole_if_whole(value)

    def score_value(self, value: Any) -> Score | None:
        return numeric_score(value)

    def readable(self, value: Any) -> str:
        return plain_text(value)
