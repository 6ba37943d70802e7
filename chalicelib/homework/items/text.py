"""`text`: a short answer in one line."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.homework.items._text import TextLikeItem
from chalicelib.homework.items.base import MAX_TEXT_LENGTH


class TextItem(TextLikeItem):
    type: Literal["text"]
    max_length: int = Field(default=500, ge=1, le=MAX_TEXT_LENGTH)

    fhir_type = "string"
