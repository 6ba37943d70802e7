"""IANA time zone names: the one place they are checked and loaded.

Every layer needs this (request fields, recurrence, reminder timing), so it sits at the
bottom and imports nothing of the product.
"""
from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

# Files in the tz database that are not places a person lives in.
_NOT_A_PLACE = frozenset({"Factory", "localtime", "posixrules"})
_MAX_ZONE_NAME = 64


@functools.cache
def _known_zone_names() -> frozenset[str]:
    from zoneinfo import available_timezones

    return frozenset(available_timezones() - _NOT_A_PLACE)


@functools.cache
def _packaged_zone_names() -> frozenset[str]:
    """The tzdata package's own list of zones: one small file. `available_timezones()`
    includes every name in it, but also opens each file under the system's zoneinfo
    directories (tens of ms on a cold start), so it is only asked about other names."""
    from importlib.util import find_spec

    spec = find_spec("tzdata")
    for directory in (spec.submodule_search_locations or []) if spec else []:
        try:
            with open(f"{directory}/zones", encoding="utf-8") as zones:
                return frozenset(zones.read().split()) - _NOT_A_PLACE
        except OSError:
            continue
    return frozenset()


def load_zone(name: str | ZoneInfo) -> ZoneInfo:
    """The IANA timezone called ``name``; ValueError with a clear message otherwise.

    Names are checked against the tz database list before loading, so directories
    ("America/Argentina"), paths and odd casing are refused rather than half-loaded.
    """
    if isinstance(name, ZoneInfo):
        return name
    if not isinstance(name, str) or not name or len(name) > _MAX_ZONE_NAME:
        raise ValueError("timezone must be an IANA timezone name such as Europe/London")
    if name not in _packaged_zone_names() and name not in _known_zone_names():
        raise ValueError("choose a time zone from the list (an IANA name such as Europe/London)")
    return ZoneInfo(name)
