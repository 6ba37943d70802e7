"""`long_text`: a free answer of several lines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.homework.items._text import TextLikeItem
from chalicelib.homework.items.base import MAX_LONG_TEXT_LENGTH


class LongTextItem(TextLikeItem):
    type: Literal["long_text"]
    max_length: int = Field(default=5_000, ge=1, le=MAX_LONG_TEXT_LENGTH)

    fhir_type = "text"
