"""What keeps a Lambda cold start cheap: no schema built and no file-system walk that a
request does not need. (`make bench` measures the time; these pin the causes.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_app_builds_no_pydantic_schema():
    code = ("import app, chalicelib.homework.submission_service, chalicelib.reminders.sweep\n"
            "from pydantic import BaseModel\n"
            "def walk(c):\n"
            "    for s in c.__subclasses__():\n"
            "        yield s\n"
            "        yield from walk(s)\n"
            "print(sorted(f'{m.__module__}.{m.__name__}' for m in set(walk(BaseModel)) if m.__pydantic_complete__))\n")
    assert _run(code) == "[]"


def test_a_known_zone_loads_without_walking_the_zoneinfo_directories(monkeypatch):
    import zoneinfo

    from chalicelib import timezones

    def walk() -> set[str]:
        raise AssertionError("available_timezones() walks every system zone file")

    timezones._known_zone_names.cache_clear()
    monkeypatch.setattr(zoneinfo, "available_timezones", walk)
    assert str(timezones.load_zone("Europe/London")) == "Europe/London"
    assert str(timezones.load_zone("America/Argentina/Buenos_Aires")) == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize("name", ["America/Argentina", "europe/london", "Factory", "posixrules", "../etc/passwd",
                                  "Europe/Nowhere"])
def test_names_outside_the_tz_database_are_still_refused(name):
    from chalicelib import timezones

    with pytest.raises(ValueError, match="timezone"):
        timezones.load_zone(name)


def test_the_packaged_list_is_part_of_the_full_list():
    from chalicelib import timezones

    packaged = timezones._packaged_zone_names()
    assert "Europe/London" in packaged
    assert packaged <= timezones._known_zone_names()
