"""PHQ-2, GAD-2, WSAS, AUDIT-C, DASS-21 and the DBT diary card: known answer sets scored by hand,
band edges, the published wording they share with PHQ-9 and GAD-7, a licence record and a source
for every number; and subscales that are multiplied and banded (the DASS-21's scales)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from chalicelib.homework.answers import normalise_answers, validate_answers
from chalicelib.homework.library import get_library_template
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import TemplateContent
from tests.unit.test_measure_outcomes import unsourced

LIBRARY = Path(__file__).resolve().parents[2] / "chalicelib" / "homework" / "library"
NEW = ["phq-2", "gad-2", "wsas", "audit-c", "dass-21", "dbt-diary-card"]
MEASURES = ["phq-2", "gad-2", "wsas", "audit-c", "dass-21"]
FREQ = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]  # 0..3
DASS = ["did_not_apply", "some_of_the_time", "good_part_of_time", "most_of_the_time"]  # 0..3


def _scored(slug: str, answers: dict):
    template = get_library_template(slug)
    assert validate_answers(template, answers) == []
    return score(template, normalise_answers(template, answers))


# -- licence and sources -------------------------------------------------------------------------

@pytest.mark.parametrize("slug", NEW)
def test_each_new_template_says_why_it_may_be_shipped_and_where_that_comes_from(slug):
    licence = get_library_template(slug).licence
    assert licence.startswith(("Public domain", "Free to use", "Written for Emotipal")), licence
    assert any(mark in licence for mark in ("https://", "www.", "Manual", "Medicine", "Psychiatry")), licence


def test_licence_records_name_their_basis():
    assert "No permission required to reproduce" in get_library_template("phq-2").licence
    assert "No permission required to reproduce" in get_library_template("gad-2").licence
    dass = get_library_template("dass-21").licence
    assert "public domain" in dass and "www2.psy.unsw.edu.au/dass" in dass and "unmodified" in dass
    assert "public domain" in get_library_template("audit-c").licence and "WHO" in get_library_template("audit-c").licence
    assert "Mundt" in get_library_template("wsas").licence
    assert "Written for Emotipal" in get_library_template("dbt-diary-card").licence


@pytest.mark.parametrize("slug", MEASURES + ["dbt-diary-card"])
def test_every_number_in_the_scoring_data_has_a_source(slug):
    scoring = json.loads((LIBRARY / f"{slug}.json").read_text(encoding="utf-8"))["scoring"]
    assert unsourced(scoring) == []
    assert scoring["sources"] and all(s["url"].startswith("https://") and s["citation"] for s in scoring["sources"])


def test_the_source_check_sees_numbers_inside_subscales():
    scoring = json.loads((LIBRARY / "dass-21.json").read_text(encoding="utf-8"))["scoring"]
    scoring["sources"] = []
    assert unsourced(scoring) == ["recall_period_days", "subscales"]


# -- PHQ-2 and GAD-2: the first two items of PHQ-9 and GAD-7, scored alone -----------------------

@pytest.mark.parametrize("slug, parent, prefix, parent_prefix", [
    ("phq-2", "phq-9", "phq2_", "phq9_"), ("gad-2", "gad-7", "gad2_", "gad7_"),
])
def test_two_item_screens_keep_the_parents_wording_options_and_timeframe(slug, parent, prefix, parent_prefix):
    short, full = get_library_template(slug), get_library_template(parent)
    for n in (1, 2):
        item, source = short.find_item(f"{prefix}{n}"), full.find_item(f"{parent_prefix}{n}")
        assert item.label == source.label and item.required
        assert [(o.value, o.label, o.score) for o in item.options] == \
               [(o.value, o.label, o.score) for o in source.options]
    assert short.instructions.startswith("Over the last 2 weeks")
    assert [i.id for i in short.items] == [f"{prefix}1", f"{prefix}2"]
    assert short.scoring.clinical_cutoff == 3 and not short.scoring.risk


@pytest.mark.parametrize("slug, prefix", [("phq-2", "phq2_"), ("gad-2", "gad2_")])
@pytest.mark.parametrize("first, second, total, band", [
    (0, 0, 0, "Below the screening cut-off"), (1, 1, 2, "Below the screening cut-off"),
    (2, 0, 2, "Below the screening cut-off"), (1, 2, 3, "Positive screen"), (3, 0, 3, "Positive screen"),
    (3, 3, 6, "Positive screen"),
])
def test_two_item_screens_total_0_to_6_with_cut_off_3(slug, prefix, first, second, total, band):
    result = _scored(slug, {f"{prefix}1": FREQ[first], f"{prefix}2": FREQ[second]})
    assert (result.total, result.band) == (total, band)


def test_phq2_carries_loincs_own_panel_and_total_and_gad2_carries_no_unverified_code():
    phq2 = get_library_template("phq-2")
    assert [c.code for c in phq2.codes] == ["55757-9"]
    assert [c.code for c in phq2.scoring.total_codes] == ["55758-7"]
    gad2 = get_library_template("gad-2")
    assert gad2.codes == [] and gad2.scoring.total_codes == []
    assert all(not item.codes and all(not o.codes for o in item.options) for item in gad2.items)


# -- WSAS --------------------------------------------------------------------------------------

@pytest.mark.parametrize("answers, total, band", [
    ([0, 0, 0, 0, 0], 0, "Subclinical range (below 10)"),
    ([2, 2, 2, 2, 1], 9, "Subclinical range (below 10)"),
    ([2, 2, 2, 2, 2], 10, "Significant functional impairment"),
    ([4, 6, 2, 3, 5], 20, "Significant functional impairment"),
    ([5, 4, 4, 4, 4], 21, "Moderately severe or worse impairment"),
    ([8, 8, 8, 8, 8], 40, "Moderately severe or worse impairment"),
])
def test_wsas_five_items_0_to_8_total_0_to_40_with_mundt_bands(answers, total, band):
    result = _scored("wsas", {f"wsas_{n}": a for n, a in enumerate(answers, 1)})
    assert (result.total, result.band) == (total, band)


def test_wsas_work_item_may_be_left_blank_and_then_there_is_no_total():
    template = get_library_template("wsas")
    answers = {f"wsas_{n}": 3 for n in range(2, 6)}
    assert validate_answers(template, answers) == []
    result = score(template, answers)
    assert (result.total, result.band, result.missing_items) == (None, None, ["wsas_1"])
    assert [e.code for e in validate_answers(template, {"wsas_1": 9} | answers)] == ["out_of_range"]


# -- AUDIT-C -----------------------------------------------------------------------------------

def test_audit_c_answer_options_score_as_the_who_audit():
    template = get_library_template("audit-c")
    assert [[(o.label, o.score) for o in item.options] for item in template.items] == [
        [("Never", 0), ("Monthly or less", 1), ("2 to 4 times a month", 2), ("2 to 3 times a week", 3),
         ("4 or more times a week", 4)],
        [("1 or 2", 0), ("3 or 4", 1), ("5 or 6", 2), ("7, 8 or 9", 3), ("10 or more", 4)],
        [("Never", 0), ("Less than monthly", 1), ("Monthly", 2), ("Weekly", 3), ("Daily or almost daily", 4)],
    ]


WOMEN_ONLY = "Positive for women (3 or more); below the men's cut-off of 4"


@pytest.mark.parametrize("answers, total, band", [
    (("never", "1_or_2", "never"), 0, "Negative screen"),
    (("monthly_or_less", "3_or_4", "never"), 2, "Negative screen"),
    (("monthly_or_less", "3_or_4", "less_than_monthly"), 3, WOMEN_ONLY),
    (("2_to_4_a_month", "1_or_2", "less_than_monthly"), 3, WOMEN_ONLY),
    (("2_to_3_a_week", "3_or_4", "never"), 4, "Positive screen (4 or more)"),
    (("4_or_more_a_week", "7_to_9", "weekly"), 10, "Positive screen (4 or more)"),
    (("4_or_more_a_week", "10_or_more", "daily_or_almost_daily"), 12, "Positive screen (4 or more)"),
])
def test_audit_c_total_0_to_12_with_sex_specific_cut_offs_shown_to_the_clinician(answers, total, band):
    result = _scored("audit-c", dict(zip(["auditc_1", "auditc_2", "auditc_3"], answers, strict=True)))
    assert (result.total, result.band) == (total, band)


def test_audit_c_explains_why_3_has_its_own_band():
    template = get_library_template("audit-c")
    three = next(b for b in template.scoring.bands if b.min == 3)
    assert three.max == 3 and "does not record sex" in three.description
    assert template.scoring.clinical_cutoff is None  # no single cut-off fits both sexes
    cited = " ".join(s.citation for s in template.scoring.sources)
    assert "Bush" in cited and "female" in cited


# -- DASS-21 -----------------------------------------------------------------------------------

DEPRESSION, ANXIETY, STRESS = (3, 5, 10, 13, 16, 17, 21), (2, 4, 7, 9, 15, 19, 20), (1, 6, 8, 11, 12, 14, 18)


def _dass(depression: list[int], anxiety: list[int], stress: list[int]) -> dict:
    answers = {}
    for items, scores in ((DEPRESSION, depression), (ANXIETY, anxiety), (STRESS, stress)):
        answers |= {f"dass21_{n}": DASS[s] for n, s in zip(items, scores, strict=True)}
    return answers


def test_dass21_has_21_items_in_three_scales_of_seven():
    template = get_library_template("dass-21")
    assert len(template.items) == 21 and template.scoring.total_items == []
    assert {s.id: tuple(int(i.split("_")[1]) for i in s.items) for s in template.scoring.subscales} == \
           {"depression": DEPRESSION, "anxiety": ANXIETY, "stress": STRESS}
    assert all(s.multiplier == 2 for s in template.scoring.subscales)
    assert template.find_item("dass21_21").label == "I felt that life was meaningless"


@pytest.mark.parametrize("depression, anxiety, stress, expected, bands", [
    # sums 0, 0, 0 → all Normal
    ([0] * 7, [0] * 7, [0] * 7, (0, 0, 0), ("Normal", "Normal", "Normal")),
    # D 4 → 8, A 4 → 8, S 7 → 14: the top of Normal for D and S, the bottom of Mild for A
    ([1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0], [1] * 7, (8, 8, 14), ("Normal", "Mild", "Normal")),
    # D 5 → 10 (Mild), A 5 → 10 (Moderate), S 8 → 16 (Mild)
    ([1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0, 0], [2, 1, 1, 1, 1, 1, 1], (10, 10, 16), ("Mild", "Moderate", "Mild")),
    # D 7 → 14 (Moderate), A 8 → 16 (Severe), S 13 → 26 (Severe)
    ([1] * 7, [2, 1, 1, 1, 1, 1, 1], [2, 2, 2, 2, 2, 2, 1], (14, 16, 26), ("Moderate", "Severe", "Severe")),
    # D 11 → 22 (Severe), A 10 → 20 (Extremely severe), S 17 → 34 (Extremely severe)
    ([2, 2, 2, 2, 1, 1, 1], [2, 2, 2, 1, 1, 1, 1], [3, 3, 3, 2, 2, 2, 2], (22, 20, 34),
     ("Severe", "Extremely severe", "Extremely severe")),
    # D 14 → 28 (Extremely severe), everything at the top → 42
    ([2] * 7, [3] * 7, [3] * 7, (28, 42, 42), ("Extremely severe",) * 3),
])
def test_dass21_scales_are_summed_doubled_and_banded(depression, anxiety, stress, expected, bands):
    result = _scored("dass-21", _dass(depression, anxiety, stress))
    assert result.total is None and result.band is None
    assert result.subscales == dict(zip(("depression", "anxiety", "stress"), expected, strict=True))
    assert result.subscale_bands == dict(zip(("depression", "anxiety", "stress"), bands, strict=True))


def test_dass21_a_scale_with_a_missing_item_has_no_value_and_no_band():
    template = get_library_template("dass-21")
    answers = _dass([1] * 7, [1] * 7, [1] * 7)
    del answers["dass21_2"]  # an anxiety item
    result = score(template, answers)
    assert result.subscales == {"depression": 14, "anxiety": None, "stress": 14}
    assert result.subscale_bands == {"depression": "Moderate", "anxiety": None, "stress": "Normal"}


# -- the scoring model: subscale multiplier and bands ------------------------------------------------

def _two_scale(**subscale) -> dict:
    return {"title": "Two scales", "kind": "questionnaire",
            "items": [{"id": f"q{n}", "type": "scale", "label": f"Q{n}", "min": 0, "max": 3} for n in (1, 2, 3)],
            "scoring": {"subscales": [{"id": "a", "label": "A", "items": ["q1", "q2"], **subscale}]}}


def test_a_mean_subscale_is_multiplied_too():
    template = TemplateContent.model_validate(_two_scale(method="mean", multiplier=2.5, bands=[
        {"min": 0, "max": 3.74, "label": "Low"}, {"min": 3.75, "max": 7.5, "label": "High"}]))
    result = score(template, {"q1": 1, "q2": 2})  # mean 1.5 × 2.5 = 3.75
    assert (result.subscales, result.subscale_bands) == ({"a": 3.75}, {"a": "High"})


def test_without_a_multiplier_or_bands_a_subscale_is_its_plain_sum():
    template = TemplateContent.model_validate(_two_scale())
    result = score(template, {"q1": 1, "q2": 2})
    assert (result.subscales, result.subscale_bands) == ({"a": 3}, {})


@pytest.mark.parametrize("subscale, field, kind", [
    ({"multiplier": 0}, "scoring.subscales.0.multiplier", "greater_than"),
    ({"multiplier": 2, "bands": [{"min": 0, "max": 5, "label": "Low"}, {"min": 6, "max": 11, "label": "High"}]},
     "scoring.subscales.0.bands.1.max", "bands_coverage"),  # doubled, q1+q2 reach 12, not 11
    ({"bands": [{"min": 1, "max": 6, "label": "All"}]}, "scoring.subscales.0.bands.0.min", "bands_coverage"),
    ({"bands": [{"min": 0, "max": 3, "label": "Low"}, {"min": 3, "max": 6, "label": "High"}]},
     "scoring.subscales.0.bands.1.min", "bands_overlap"),
    ({"bands": [{"min": 0, "max": 2, "label": "Low"}, {"min": 4, "max": 6, "label": "High"}]},
     "scoring.subscales.0.bands.1.min", "bands_gap"),
    ({"bands": [{"min": 0, "max": 3, "label": "Same"}, {"min": 4, "max": 6, "label": "Same"}]},
     "scoring.subscales.0.bands.1.label", "duplicate_label"),
])
def test_subscale_multiplier_and_bands_are_checked(subscale, field, kind):
    with pytest.raises(ValidationError) as raised:
        TemplateContent.model_validate(_two_scale(**subscale))
    found = {(".".join(str(p) for p in e["loc"]), e["type"]) for e in raised.value.errors()}
    assert (field, kind) in found, found


def test_doubled_subscale_bands_covering_0_to_12_are_accepted():
    template = TemplateContent.model_validate(_two_scale(multiplier=2, bands=[
        {"min": 0, "max": 5, "label": "Low"}, {"min": 6, "max": 12, "label": "High"}]))
    assert score(template, {"q1": 3, "q2": 0}).subscale_bands == {"a": "High"}  # 3 × 2 = 6


# -- DBT diary card ----------------------------------------------------------------------------

def test_dbt_diary_card_is_a_daily_card_not_a_measure():
    template = get_library_template("dbt-diary-card")
    assert template.kind == "diary" and template.scoring.total_items == [] and not template.scoring.subscales
    types = {item.id: item.type for item in template.items}
    assert [i for i, t in types.items() if t == "scale"] == [
        "urge_self_harm", "urge_substances", "urge_other",
        "emotion_sadness", "emotion_anger", "emotion_fear", "emotion_shame", "emotion_joy"]
    assert all((template.find_item(i).min, template.find_item(i).max) == (0, 5) for i, t in types.items() if t == "scale")
    assert [i for i, t in types.items() if t == "boolean"] == ["acted_self_harm", "acted_substances", "acted_other"]
    skills = template.find_item("skills_used")
    assert [o.score for o in skills.options] == list(range(8))
    assert skills.options[0].label.startswith("0 ") and skills.options[7].label.startswith("7 ")
    assert types["card_note"] == "long_text" and types["card_date"] == "date"


def test_dbt_diary_card_day_with_self_harm_raises_one_risk_flag():
    answers = {"card_date": "2025-03-12", "urge_self_harm": 5, "emotion_shame": 5, "acted_self_harm": True,
               "skills_used": "tried_could_not", "card_note": "Bad evening."}
    result = _scored("dbt-diary-card", answers)
    [flag] = result.risk_flags
    assert (flag.item, flag.value) == ("acted_self_harm", 1)
    # the same short crisis text as PHQ-9 item 9; the practice's own resources follow it in the panel
    assert "emergency number" in flag.message and "Your clinician will see this answer" in flag.message
    assert _scored("dbt-diary-card", answers | {"acted_self_harm": False}).risk_flags == []


def test_dbt_diary_card_only_needs_a_date():
    template = get_library_template("dbt-diary-card")
    assert [e.item for e in validate_answers(template, {})] == ["card_date"]
    assert validate_answers(template, {"card_date": "2025-03-12"}) == []
    assert [e.code for e in validate_answers(template, {"card_date": "2025-03-12", "emotion_joy": 6})] == \
           ["out_of_range"]
