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

    with pytest.raises(ValueError, match="time zone"):
        timezones.load_zone(name)


def test_the_packaged_list_is_part_of_the_full_list():
    from chalicelib import timezones

    packaged = timezones._packaged_zone_names()
    assert "Europe/London" in packaged
    assert packaged <= timezones._known_zone_names()


def test_importing_the_app_loads_route_tables_not_models_or_services():
    code = ("import sys, app\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('chalicelib.'))))\n")
    loaded = set(_run(code).split())
    assert "chalicelib.http.routes.client_homework" in loaded  # the routes themselves are registered
    heavy = {"chalicelib.homework.models", "chalicelib.clients.models", "chalicelib.exports.models",
             "chalicelib.clients.service", "chalicelib.identity.audit", "chalicelib.homework.items"}
    assert loaded & heavy == set()


def test_every_named_route_model_resolves_to_a_pydantic_model():
    from pydantic import BaseModel

    import app  # noqa: F401 - registers the routes
    from chalicelib.http.framework import ROUTES

    named = [(s, ref) for s in ROUTES for ref in (s.body_ref, s.query_ref, s.response_ref) if isinstance(ref, str)]
    assert len(named) > 30
    for spec, ref in named:
        model = {spec.body_ref: spec.body, spec.query_ref: spec.query, spec.response_ref: spec.response}[ref]
        assert isinstance(model, type) and issubclass(model, BaseModel), (spec.method, spec.path, ref)
        assert ref.endswith(":" + model.__name__)


def test_a_misspelt_model_name_fails_loudly():
    from chalicelib.http.framework import resolve_model

    with pytest.raises(AttributeError):
        resolve_model("chalicelib.homework.models:NoSuchModel")
    with pytest.raises(TypeError):
        resolve_model("chalicelib.http.framework:ROUTES")


def test_the_app_skips_the_pydantic_plugin_search_unless_told_otherwise():
    """The search reads every installed distribution's metadata when the first model is built."""
    code = ("import os\n"
            "os.environ.pop('PYDANTIC_DISABLE_PLUGINS', None)\n"
            "import importlib.metadata as metadata\n"
            "def refuse(*a, **k):\n"
            "    raise AssertionError('searched for plugins')\n"
            "metadata.entry_points = refuse\n"
            "import app\n"
            "from chalicelib.homework.recurrence import Recurrence\n"
            "print(Recurrence.model_validate({'frequency': 'daily'}).frequency)\n")
    assert _run(code) == "daily"


def test_an_operator_may_turn_the_plugin_search_back_on():
    code = ("import os\n"
            "os.environ['PYDANTIC_DISABLE_PLUGINS'] = ''\n"
            "import app\n"
            "print(repr(os.environ['PYDANTIC_DISABLE_PLUGINS']))\n")
    assert _run(code) == "''"
