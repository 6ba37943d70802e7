"""Models and helpers shared by route modules."""
from __future__ import annotations

from contextlib import contextmanager
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.http.framework import Problem


class ListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    limit: int = Field(default=50, ge=1, le=100)
    next_token: str | None = Field(default=None, max_length=1024)


@contextmanager
def page_token_errors() -> Iterator[None]:
    """A tampered or foreign `next_token` is the caller's mistake (400), not ours."""
    from chalicelib.store.table import BadPageToken

    try:
        yield
    except BadPageToken as error:
        raise Problem(400, "Bad next_token", str(error),
                      errors=[{"field": "next_token", "message": str(error), "type": "invalid"}]) from None
