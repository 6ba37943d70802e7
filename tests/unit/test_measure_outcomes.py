"""Measure outcomes: every published number in a measure's scoring data cites its source, and
new totals are classified as the NHS Talking Therapies (formerly IAPT) manual defines."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from chalicelib.homework import measure_outcomes as mo
from chalicelib.homework.library import get_library_template
from chalicelib.homework.templates import Template, TemplateContent

LIBRARY = Path(__file__).resolve().parents[2] / "chalicelib" / "homework" / "library"


def _raw(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _measures() -> list[Path]:
    """Library templates with a total: the scored measures."""
    return sorted(p for p in LIBRARY.glob("*.json") if (_raw(p).get("scoring") or {}).get("total_items"))


def _has_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, dict):
        return any(_has_number(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_number(v) for v in value)
    return False


def unsourced(scoring: dict) -> list[str]:
    """The scoring fields holding a number (bands, risk thresholds, reliable change, cut-off, ...)
    with no source cited for them."""
    cited = {source["for"] for source in scoring.get("sources", [])}
    return sorted(key for key, value in scoring.items()
                  if key != "sources" and _has_number(value) and key not in cited)


def test_the_library_has_the_three_scored_measures():
    assert {p.stem for p in _measures()} >= {"phq-9", "gad-7", "pcl-5"}


@pytest.mark.parametrize("path", _measures(), ids=lambda p: p.stem)
def test_every_number_in_a_measures_scoring_data_has_a_source(path):
    scoring = _raw(path)["scoring"]
    assert unsourced(scoring) == []
    for source in scoring["sources"]:
        assert source["citation"].strip() and source["url"].startswith("https://"), source


def test_the_source_check_catches_a_number_without_a_source():
    scoring = _raw(LIBRARY / "phq-9.json")["scoring"]
    scoring["sources"] = [s for s in scoring["sources"] if s["for"] != "reliable_change"]
    assert unsourced(scoring) == ["reliable_change"]
    scoring["max_missing"] = 1
    assert unsourced(scoring) == ["max_missing", "reliable_change"]


@pytest.mark.parametrize("slug, reliable_change, cutoff, cited", [
    ("phq-9", 6, 10, "NHS Talking Therapies"),
    ("gad-7", 4, 8, "NHS Talking Therapies"),
    ("pcl-5", 15, 33, "Marx"),
])
def test_published_numbers(slug, reliable_change, cutoff, cited):
    scoring = get_library_template(slug).scoring
    assert (scoring.reliable_change, scoring.clinical_cutoff, scoring.change_rules) == \
        (reliable_change, cutoff, "nhs_talking_therapies")
    source = next(s for s in scoring.sources if s.for_ == "reliable_change")
    assert cited in source.citation


def test_sources_read_and_write_as_for():
    content = get_library_template("gad-7").model_dump(mode="json")
    assert {s["for"] for s in content["scoring"]["sources"]} >= {"reliable_change", "clinical_cutoff", "bands"}
    assert Template.model_validate(content).scoring.sources[0].for_ == "bands"


# -- the template model checks the outcome data ---------------------------------------------------

def _template(**scoring) -> dict:
    return {"title": "Two items", "kind": "questionnaire",
            "items": [{"id": f"q{n}", "type": "scale", "label": f"Q{n}", "min": 0, "max": 5} for n in (1, 2)],
            "scoring": {"total_items": ["q1", "q2"], **scoring}}


@pytest.mark.parametrize("scoring, field, kind", [
    ({"clinical_cutoff": 11}, "scoring.clinical_cutoff", "range_invalid"),
    ({"clinical_cutoff": 0}, "scoring.clinical_cutoff", "range_invalid"),
    ({"change_rules": "nhs_talking_therapies"}, "scoring.change_rules", "needs_reliable_change"),
    ({"sources": [{"for": "clinical_cutoff", "citation": "A paper"}]}, "scoring.sources.0.for", "nothing_to_cite"),
    ({"sources": [{"for": "anything", "citation": "A paper"}]}, "scoring.sources.0.for", "unknown_field"),
    ({"sources": [{"for": "sources", "citation": "A paper"}]}, "scoring.sources.0.for", "unknown_field"),
    ({"sources": [{"for": "bands", "citation": "A paper", "url": "http://insecure.example"}]},
     "scoring.sources.0.url", "string_pattern_mismatch"),
])
def test_outcome_data_is_checked(scoring, field, kind):
    with pytest.raises(ValidationError) as raised:
        TemplateContent.model_validate(_template(**scoring))
    found = {(".".join(str(p) for p in e["loc"]), e["type"]) for e in raised.value.errors()}
    assert (field, kind) in found, found


def test_a_template_with_cited_outcome_data_is_accepted():
    template = TemplateContent.model_validate(_template(
        reliable_change=3, clinical_cutoff=6, change_rules="nhs_talking_therapies",
        sources=[{"for": "reliable_change", "citation": "Our audit", "note": "3 points"}]))
    assert mo.ChangeRules.of(template.scoring) == mo.ChangeRules(3, 6, False)


# -- classification -------------------------------------------------------------------------

PHQ9 = mo.ChangeRules.of(get_library_template("phq-9").scoring)
GAD7 = mo.ChangeRules.of(get_library_template("gad-7").scoring)


@pytest.mark.parametrize("rules, before, after, expected", [
    (PHQ9, 20, 12, "reliable_improvement"),   # down 8 (>= 6), still a case (>= 10)
    (PHQ9, 20, 8, "reliable_recovery"),       # down 12 and below 10
    (PHQ9, 12, 8, "recovery"),                # below 10, but down only 4
    (PHQ9, 12, 18, "reliable_deterioration"),  # up 6
    (PHQ9, 12, 17, "no_reliable_change"),     # up 5
    (PHQ9, 10, 9, "recovery"),                # the cut-off itself is a case
    (PHQ9, 9, 3, "reliable_improvement"),     # not a case at the start: no recovery to speak of
    (GAD7, 5, 14, "reliable_deterioration"),  # up 9 (>= 4)
    (GAD7, 5, 8, "no_reliable_change"),       # becomes a case, but up only 3
    (GAD7, 12, 8, "reliable_improvement"),    # down 4, and 8 is still a case
    (GAD7, 12, 7, "reliable_recovery"),
])
def test_classification(rules, before, after, expected):
    assert rules.classify(before, after) == expected


def test_higher_is_better_turns_the_rules_round():
    rules = mo.ChangeRules(reliable_change=8, clinical_cutoff=40, higher_is_better=True)  # e.g. a wellbeing scale
    assert rules.is_case(40) and not rules.is_case(41)
    assert rules.classify(35, 50) == "reliable_recovery"
    assert rules.classify(50, 42) == "reliable_deterioration"
    assert rules.classify(20, 30) == "reliable_improvement"


def test_without_a_cut_off_only_reliable_change_counts():
    rules = mo.ChangeRules(reliable_change=6, clinical_cutoff=None, higher_is_better=False)
    assert rules.classify(20, 2) == "reliable_improvement" and rules.is_case(20) is None


def test_a_series_against_the_first_and_the_previous():
    assert mo.classify_series(PHQ9, [20, 12, 8]) == [
        {"case": True, "vs_baseline": None, "vs_previous": None},
        {"case": True, "vs_baseline": "reliable_improvement", "vs_previous": "reliable_improvement"},
        {"case": False, "vs_baseline": "reliable_recovery", "vs_previous": "recovery"},
    ]
    assert mo.classify_series(None, [3, 9]) == [{"case": None, "vs_baseline": None, "vs_previous": None}] * 2


# -- the caseload summary ---------------------------------------------------------------------

def _summary(rules, totals, title="PHQ-9"):
    summary = None
    for n, total in enumerate(totals):
        summary = mo.with_score(summary, rules, total, title=title, at=f"2026-01-0{n + 1}", assignment_ulid="A")
    return summary


def test_the_summary_keeps_the_baseline_and_classifies_the_latest():
    summary = _summary(PHQ9, [20, 12, 8])
    assert (summary["baseline"], summary["previous"], summary["latest"], summary["count"]) == (20, 12, 8, 3)
    assert (summary["vs_baseline"], summary["vs_previous"], summary["case"]) == \
        ("reliable_recovery", "recovery", False)


def test_non_response_after_n_administrations():
    stats = {"measures": {"phq-9": _summary(PHQ9, [14, 13, 15, 12, 14, 13])}}
    assert mo.caseload_outcome(stats, 6)["non_response"] == ["phq-9"]
    assert mo.caseload_outcome(stats, 6)["outcome"] == "non_response"
    assert mo.caseload_outcome(stats, 7)["non_response"] == []
    assert mo.caseload_outcome(stats, 7)["outcome"] == "no_reliable_change"


def test_the_caseload_puts_deterioration_first():
    rows = {
        "recovered": {"measures": {"phq-9": _summary(PHQ9, [20, 8])}},
        "worse": {"measures": {"phq-9": _summary(PHQ9, [20, 8]), "gad-7": _summary(GAD7, [5, 14], "GAD-7")}},
        "nothing": {},
        "stuck": {"measures": {"phq-9": _summary(PHQ9, [14, 13])}},
        "better": {"measures": {"gad-7": _summary(GAD7, [15, 10], "GAD-7")}},
    }
    outcome = {name: mo.caseload_outcome(stats, 6)["outcome"] for name, stats in rows.items()}
    assert outcome["worse"] == "reliable_deterioration"
    assert sorted(rows, key=lambda n: mo.attention_rank(outcome[n])) == \
        ["worse", "stuck", "better", "recovered", "nothing"]
