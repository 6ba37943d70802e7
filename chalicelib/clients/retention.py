"""How long a practice keeps a discharged client's record, and when it is erased.

The owner sets the period from the law or guidance they work under (`retention_basis`,
free text). Seven years unless they choose otherwise; a shorter period must be confirmed
explicitly, so nobody shortens it by a slip of the keyboard.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.errors import FieldErrors

DEFAULT_YEARS = 7
MIN_YEARS, MAX_YEARS = 1, 100
# Under this many years the owner must say so with `confirm_short_retention: true`.
UNCONFIRMED_MIN_YEARS = 7
MAX_BASIS_LENGTH = 500


def years_of(practice: dict[str, Any] | None) -> int:
    return int((practice or {}).get("retention_years") or DEFAULT_YEARS)


def basis_of(practice: dict[str, Any] | None) -> str | None:
    return (practice or {}).get("retention_basis") or None


def erase_after(discharged_at: datetime, years: int) -> datetime:
    """The same calendar day `years` later (29 February falls back to the 28th)."""
    try:
        return discharged_at.replace(year=discharged_at.year + years)
    except ValueError:
        return discharged_at.replace(year=discharged_at.year + years, day=28)


def checked_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """The practice-settings changes with `confirm_short_retention` consumed (it is never stored).
    FieldErrors when a period under seven years comes without the confirmation."""
    changes = dict(changes)
    confirmed = changes.pop("confirm_short_retention", None) is True
    years = changes.get("retention_years")
    if years is not None and years < UNCONFIRMED_MIN_YEARS and not confirmed:
        raise FieldErrors.one(
            "retention_years",
            f"Keeping records for less than {UNCONFIRMED_MIN_YEARS} years must be confirmed: send "
            "confirm_short_retention: true with it, and name the law or guidance in retention_basis.",
            "short_retention_unconfirmed")
    return changes
