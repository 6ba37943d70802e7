"""Conditional questions (enable_when, as FHIR enableWhen) and cluster rules: the template
model refuses conditions that cannot work, hidden items are neither required nor stored,
scoring ignores them, and the PCL-5's provisional diagnosis counts items per cluster."""
from __future__ import annotations

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from chalicelib.exports import fhir
from chalicelib.homework.enable_when import fhir_enable_when
from chalicelib.homework.answers import InvalidAnswers, normalise_answers, validate_answers
from chalicelib.homework.items.base import FhirContext
from chalicelib.homework.library import get_library_template
from chalicelib.homework.scoring import score
from chalicelib.homework.templates import TemplateContent

CHOICE = {"type": "single_choice", "options": [{"value": "no", "label": "No", "score": 0},
                                                {"value": "yes", "label": "Yes", "score": 1}]}


def template(*items: dict, scoring: dict | None = None) -> TemplateContent:
    content: dict = {"title": "T", "kind": "questionnaire", "items": list(items)}
    if scoring is not None:
        content["scoring"] = scoring
    return TemplateContent.model_validate(content)


def problems(*items: dict, scoring: dict | None = None) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        template(*items, scoring=scoring)
    return [(".".join(str(p) for p in e["loc"]), e["type"]) for e in caught.value.errors()]


def when(question: str, operator: str, answer) -> dict:
    return {"question": question, "operator": operator, "answer": answer}


# -- the template model


def test_a_condition_must_name_an_earlier_top_level_question():
    later = problems({"id": "a", "type": "text", "label": "A", "enable_when": [when("b", "exists", True)]},
                     {"id": "b", "type": "text", "label": "B"})
    assert later == [("items.0.enable_when.0.question", "unknown_question")]
    itself = problems({"id": "a", "type": "text", "label": "A", "enable_when": [when("a", "exists", True)]})
    assert itself == [("items.0.enable_when.0.question", "unknown_question")]
    nested = problems({"id": "g", "type": "group", "label": "G", "items": [{"id": "x", "type": "text", "label": "X"}]},
                      {"id": "a", "type": "text", "label": "A", "enable_when": [when("x", "exists", True)]})
    assert nested == [("items.1.enable_when.0.question", "unknown_question")]
    group = problems({"id": "g", "type": "group", "label": "G", "items": [{"id": "x", "type": "text", "label": "X"}]},
                     {"id": "a", "type": "text", "label": "A", "enable_when": [when("g", "exists", True)]})
    assert group == [("items.1.enable_when.0.question", "type_mismatch")]
    inside = problems({"id": "q", "type": "boolean", "label": "Q"},
                      {"id": "g", "type": "group", "label": "G", "items": [
                          {"id": "x", "type": "text", "label": "X", "enable_when": [when("q", "=", True)]}]})
    assert inside == [("items.1.items.0.enable_when", "not_top_level")]


@pytest.mark.parametrize("question,operator,answer,expected", [
    ({**CHOICE, "id": "q", "label": "Q"}, ">", "yes", "operator_invalid"),  # options compare only by value
    ({**CHOICE, "id": "q", "label": "Q"}, "=", "maybe", "answer_invalid"),
    ({**CHOICE, "id": "q", "label": "Q"}, "=", 1, "answer_invalid"),  # a score is not an option
    ({"id": "q", "type": "boolean", "label": "Q"}, ">=", True, "operator_invalid"),
    ({"id": "q", "type": "boolean", "label": "Q"}, "=", "yes", "answer_invalid"),
    ({"id": "q", "type": "scale", "label": "Q", "min": 0, "max": 10}, ">", 11, "answer_invalid"),
    ({"id": "q", "type": "scale", "label": "Q", "min": 0, "max": 10}, "exists", 3, "answer_invalid"),
    ({"id": "q", "type": "text", "label": "Q"}, "<", "m", "operator_invalid"),
    ({"id": "q", "type": "datetime", "label": "Q"}, "=", "2026-01-01T10:00", "operator_invalid"),
    ({"id": "q", "type": "date", "label": "Q"}, ">", "2026-02-30", "answer_invalid"),
])
def test_operators_and_answers_must_fit_the_questions_type(question, operator, answer, expected):
    found = problems(question, {"id": "a", "type": "text", "label": "A",
                                "enable_when": [when("q", operator, answer)]})
    assert found == [(f"items.1.enable_when.0.{'operator' if expected == 'operator_invalid' else 'answer'}",
                      expected)]


def test_every_type_takes_the_conditions_that_fit_it():
    built = template(
        {**CHOICE, "id": "c", "label": "C"},
        {"id": "m", "type": "multi_choice", "label": "M", "options": CHOICE["options"]},
        {"id": "s", "type": "scale", "label": "S", "min": 0, "max": 10},
        {"id": "n", "type": "number", "label": "N"},
        {"id": "b", "type": "boolean", "label": "B"},
        {"id": "d", "type": "date", "label": "D"},
        {"id": "t", "type": "time", "label": "T"},
        {"id": "w", "type": "text", "label": "W"},
        {"id": "z", "type": "datetime", "label": "Z"},
        {"id": "x", "type": "text", "label": "X", "enable_behavior": "any", "enable_when": [
            when("c", "!=", "no"), when("m", "=", "yes"), when("s", ">=", 7), when("n", "<", 2.5),
            when("b", "=", True), when("d", "<=", "2026-03-01"), when("t", ">", "22:00"), when("w", "=", "help"),
            when("z", "exists", False)]})
    assert len(built.items[-1].enable_when) == 9


def test_a_conditional_item_cannot_be_in_the_total_or_a_subscale():
    found = problems({**CHOICE, "id": "q1", "label": "Q1"},
                     {**CHOICE, "id": "q2", "label": "Q2", "enable_when": [when("q1", "=", "yes")]},
                     scoring={"total_items": ["q1", "q2"], "subscales": [{"id": "s", "label": "S", "items": ["q2"]}]})
    assert found == [("scoring.total_items.1", "conditional_item"), ("scoring.subscales.0.items.0", "conditional_item")]


# -- which items are shown, and what is stored

SCALE_THEN_FOLLOW_UP = template(
    {"id": "mood", "type": "scale", "label": "Mood", "min": 0, "max": 10, "required": True},
    {"id": "why", "type": "text", "label": "Why so low?", "required": True, "enable_when": [when("mood", "<=", 3)]},
    {"id": "more", "type": "boolean", "label": "Tell more?", "enable_when": [when("why", "exists", True)]},
)


@pytest.mark.parametrize("mood,shown", [(3, True), (4, False), (0, True), (10, False)])
def test_a_hidden_question_is_not_required_and_a_shown_one_is(mood, shown):
    errors = validate_answers(SCALE_THEN_FOLLOW_UP, {"mood": mood})
    assert [(e.item, e.code) for e in errors] == ([("why", "missing_required")] if shown else [])


def test_answers_to_hidden_questions_are_dropped_and_so_are_those_that_depend_on_them():
    answers = {"mood": 8, "why": "  tired ", "more": True}
    assert validate_answers(SCALE_THEN_FOLLOW_UP, answers) == []
    assert normalise_answers(SCALE_THEN_FOLLOW_UP, answers) == {"mood": 8}  # `more` hangs on a hidden `why`
    assert normalise_answers(SCALE_THEN_FOLLOW_UP, {**answers, "mood": 2}) == {"mood": 2, "why": "tired", "more": True}


def test_a_hidden_answer_is_never_checked_so_an_odd_one_cannot_fail_the_save():
    odd = {"mood": 9, "why": ["not", "text"], "more": "perhaps"}
    assert validate_answers(SCALE_THEN_FOLLOW_UP, odd) == []
    assert normalise_answers(SCALE_THEN_FOLLOW_UP, odd) == {"mood": 9}
    with pytest.raises(InvalidAnswers):  # shown, the same answer is refused
        normalise_answers(SCALE_THEN_FOLLOW_UP, {**odd, "mood": 1})


@pytest.mark.parametrize("operator,answer,chosen,shown", [
    ("=", "yes", ["yes"], True), ("=", "yes", ["no"], False), ("=", "yes", None, False),
    ("!=", "yes", ["no"], True), ("!=", "yes", ["no", "yes"], False),
    ("!=", "yes", None, True),  # FHIR: no answer equals it, so it holds while unanswered
    ("exists", True, ["no"], True), ("exists", False, None, True), ("exists", False, ["yes"], False),
])
def test_fhir_operator_meanings_on_a_multiple_choice(operator, answer, chosen, shown):
    built = template({"id": "m", "type": "multi_choice", "label": "M", "options": CHOICE["options"]},
                     {"id": "x", "type": "text", "label": "X", "enable_when": [when("m", operator, answer)]})
    answers = {"x": "kept"} | ({"m": chosen} if chosen else {})
    assert ("x" in normalise_answers(built, answers)) is shown


@pytest.mark.parametrize("start,shown", [("21:59", False), ("22:00", False), ("22:00:01", True), ("23:30", True)])
def test_times_compare_as_times(start, shown):
    built = template({"id": "t", "type": "time", "label": "T"},
                     {"id": "x", "type": "text", "label": "X", "enable_when": [when("t", ">", "22:00")]})
    assert ("x" in normalise_answers(built, {"t": start, "x": "kept"})) is shown


def test_all_needs_every_condition_and_any_needs_one():
    items = [{"id": "a", "type": "boolean", "label": "A"}, {"id": "b", "type": "boolean", "label": "B"}]
    both = [when("a", "=", True), when("b", "=", True)]
    every = template(*items, {"id": "x", "type": "text", "label": "X", "enable_when": both})
    some = template(*items, {"id": "x", "type": "text", "label": "X", "enable_when": both, "enable_behavior": "any"})
    one = {"a": True, "b": False, "x": "kept"}
    assert "x" not in normalise_answers(every, one)
    assert "x" in normalise_answers(some, one)
    assert "x" in normalise_answers(every, {**one, "b": True})


# -- PHQ-9 and GAD-7: the difficulty question follows a problem

ZEROS = {f"phq9_{n}": "not_at_all" for n in range(1, 10)}


def test_phq9_all_zeros_needs_no_difficulty_answer_and_drops_one_given():
    phq9 = get_library_template("phq-9")
    assert validate_answers(phq9, ZEROS) == []
    assert "difficulty" not in normalise_answers(phq9, {**ZEROS, "difficulty": "very_difficult"})
    assert score(phq9, ZEROS).total == 0


@pytest.mark.parametrize("item", range(1, 10))
def test_phq9_difficulty_is_kept_after_any_single_problem(item):
    phq9 = get_library_template("phq-9")
    answers = {**ZEROS, f"phq9_{item}": "several_days", "difficulty": "somewhat_difficult"}
    assert normalise_answers(phq9, answers)["difficulty"] == "somewhat_difficult"
    assert validate_answers(phq9, {**answers, "difficulty": None}) == []  # optional, as published


def test_gad7_difficulty_follows_a_problem_too():
    gad7 = get_library_template("gad-7")
    zeros = {f"gad7_{n}": "not_at_all" for n in range(1, 8)}
    assert "difficulty" not in normalise_answers(gad7, {**zeros, "difficulty": "very_difficult"})
    kept = normalise_answers(gad7, {**zeros, "gad7_7": "nearly_every_day", "difficulty": "very_difficult"})
    assert kept["difficulty"] == "very_difficult"


# -- scoring ignores hidden items


def test_a_risk_rule_on_a_hidden_item_raises_no_flag():
    built = template({"id": "gate", "type": "boolean", "label": "Gate"},
                     {**CHOICE, "id": "risk", "label": "Risk", "enable_when": [when("gate", "=", True)]},
                     scoring={"risk": [{"item": "risk", "threshold": 1, "label": "Risk", "message": "Call"}]})
    assert score(built, {"gate": False, "risk": "yes"}).risk_flags == []
    assert [f.item for f in score(built, {"gate": True, "risk": "yes"}).risk_flags] == ["risk"]


# -- cluster rules: the PCL-5's provisional diagnosis

PCL5_OPTIONS = ["not_at_all", "a_little_bit", "moderately", "quite_a_bit", "extremely"]
CLUSTERS = {"cluster_b": range(1, 6), "cluster_c": range(6, 8), "cluster_d": range(8, 15), "cluster_e": range(15, 21)}


def pcl5(ratings: dict[int, int], default: int | None = 0) -> dict[str, str]:
    answers = {f"pcl5_{n}": PCL5_OPTIONS[default] for n in range(1, 21)} if default is not None else {}
    return answers | {f"pcl5_{n}": PCL5_OPTIONS[r] for n, r in ratings.items()}


def diagnosis(answers: dict[str, str]):
    return score(get_library_template("pcl-5"), answers).cluster_rules["provisional_diagnosis"]


def test_pcl5_the_fewest_symptoms_at_2_meet_the_rule():
    # 1 B (item 1), 1 C (item 6), 2 D (8, 14), 2 E (15, 20), each at exactly 2 'Moderately': total 12.
    result = diagnosis(pcl5({1: 2, 6: 2, 8: 2, 14: 2, 15: 2, 20: 2}))
    assert (result.met, result.counts) == (True, {"cluster_b": 1, "cluster_c": 1, "cluster_d": 2, "cluster_e": 2})


@pytest.mark.parametrize("ratings,counts", [
    ({1: 2, 6: 2, 8: 2, 15: 2, 20: 2}, {"cluster_b": 1, "cluster_c": 1, "cluster_d": 1, "cluster_e": 2}),  # 1 D
    ({1: 2, 6: 1, 7: 1, 8: 2, 9: 2, 15: 2, 20: 2}, {"cluster_b": 1, "cluster_c": 0, "cluster_d": 2, "cluster_e": 2}),
    ({2: 2, 6: 2, 8: 2, 9: 2, 15: 1, 16: 2}, {"cluster_b": 1, "cluster_c": 1, "cluster_d": 2, "cluster_e": 1}),
])
def test_pcl5_one_cluster_short_or_items_at_1_do_not_meet_it(ratings, counts):
    result = diagnosis(pcl5(ratings))
    assert (result.met, result.counts) == (False, counts)


def test_pcl5_the_rule_can_be_met_with_a_total_below_the_cut_point_and_missed_above_it():
    below = pcl5({1: 2, 6: 2, 8: 2, 9: 2, 15: 2, 16: 2})  # total 12: rule met, below 33
    assert diagnosis(below).met is True and score(get_library_template("pcl-5"), below).total == 12
    no_avoidance = pcl5(dict.fromkeys((*CLUSTERS["cluster_b"], *CLUSTERS["cluster_d"]), 4))  # total 48, no C item
    assert diagnosis(no_avoidance).met is False
    assert score(get_library_template("pcl-5"), no_avoidance).total == 48


def test_pcl5_with_items_missing_the_rule_is_unknown_until_the_answered_ones_decide():
    partial = {f"pcl5_{n}": "moderately" for n in (1, 8, 9, 15, 16)}  # C unanswered: it could still go either way
    assert diagnosis(partial).met is None
    assert diagnosis({**partial, "pcl5_7": "quite_a_bit"}).met is True
    decided = {**{f"pcl5_{n}": "not_at_all" for n in CLUSTERS["cluster_c"]}, "pcl5_1": "extremely"}
    assert diagnosis(decided).met is False  # C answered with nothing at 2: no answer left can help


def test_the_score_result_carries_the_rule_for_storage():
    dumped = score(get_library_template("pcl-5"), pcl5({})).model_dump(mode="json")
    assert dumped["cluster_rules"]["provisional_diagnosis"]["met"] is False
    assert dumped["cluster_rules"]["provisional_diagnosis"]["counts"] == dict.fromkeys(CLUSTERS, 0)


def test_cluster_rules_are_checked_against_the_subscales():
    items = [{**CHOICE, "id": f"q{n}", "label": f"Q{n}"} for n in (1, 2)]
    base = {"subscales": [{"id": "s", "label": "S", "items": ["q1", "q2"]}], "cluster_rules": [
        {"id": "r", "label": "R", "item_threshold": 1, "clusters": [{"subscale": "s", "at_least": 1}]}]}
    assert template(*items, scoring=base).scoring.cluster_rules[0].clusters[0].at_least == 1
    bad = {**base, "cluster_rules": [{"id": "s", "label": "R", "item_threshold": 0, "clusters": [
        {"subscale": "s", "at_least": 3}, {"subscale": "nope", "at_least": 1}]}]}
    assert problems(*items, scoring=bad) == [
        ("scoring.cluster_rules.0.id", "duplicate_id"), ("scoring.cluster_rules.0.clusters.0.at_least", "range_invalid"),
        ("scoring.cluster_rules.0.clusters.1.subscale", "unknown_subscale"),
        ("scoring.cluster_rules.0.item_threshold", "threshold_invalid")]


# -- FHIR


def test_the_questionnaire_carries_enable_when_and_validates():
    phq9 = get_library_template("phq-9")
    resource = fhir.questionnaire(phq9, FhirContext(fhir.questionnaire_url(phq9)))
    difficulty = resource["item"][-1]
    assert difficulty["enableBehavior"] == "any" and len(difficulty["enableWhen"]) == 27
    assert difficulty["enableWhen"][0] == {"question": "phq9_1", "operator": "=", "answerCoding": {
        "system": "http://loinc.org", "code": "LA6569-3", "display": "Several days"}}
    assert all("enableWhen" not in item for item in resource["item"][:-1])
    Questionnaire.model_validate(resource)


def test_each_condition_answer_takes_its_fhir_type():
    built = TemplateContent.model_validate({"title": "T", "kind": "worksheet", "items": [
        {"id": "s", "type": "scale", "label": "S", "min": 0, "max": 10}, {"id": "n", "type": "number", "label": "N"},
        {"id": "b", "type": "boolean", "label": "B"}, {"id": "t", "type": "time", "label": "T"},
        {"id": "d", "type": "date", "label": "D"}, {"id": "w", "type": "text", "label": "W"},
        {"id": "x", "type": "text", "label": "X", "enable_when": [
            when("s", ">", 3), when("n", "<=", 1.5), when("b", "=", False), when("t", ">=", "07:30"),
            when("d", "<", "2026-01-01"), when("w", "exists", True)]}]})
    context = FhirContext("https://emotipal.app/fhir/Questionnaire/t")
    entry = fhir_enable_when(built.items[-1], {i.id: i for i in built.items}, context)
    assert [{k: v for k, v in c.items() if k.startswith("answer")} for c in entry["enableWhen"]] == [
        {"answerInteger": 3}, {"answerDecimal": 1.5}, {"answerBoolean": False}, {"answerTime": "07:30:00"},
        {"answerDate": "2026-01-01"}, {"answerBoolean": True}]
    assert entry["enableBehavior"] == "all"


# -- the web pages offer the operators the server accepts


def test_each_renderer_offers_the_operators_its_server_type_accepts():
    import re
    from pathlib import Path

    from chalicelib.homework.items import ITEM_TYPES

    web = Path(__file__).resolve().parents[3] / "web" / "shared" / "items"
    declared = re.compile(r'condition: \{ operators: \[([^\]]*)\]')
    for name, cls in ITEM_TYPES.items():
        found = declared.search((web / f"{name}.js").read_text())
        if cls.container:
            assert found is None, name  # rows cannot be asked about
            continue
        assert found, f"web/shared/items/{name}.js declares no condition"
        assert tuple(re.findall(r'"([^"]+)"', found.group(1))) == cls.condition_operators(cls), name  # type: ignore[arg-type]


def test_the_provisional_diagnosis_is_an_observation_with_a_count_per_cluster():
    from fhir.resources.R4B.observation import Observation

    template = get_library_template("pcl-5")
    result = score(template, pcl5({1: 2, 6: 2, 8: 2, 14: 3, 15: 2, 20: 4}))
    submission = {"submission_id": "s1", "submitted_at": "2026-11-30T12:00:00Z", "score": result.model_dump(mode="json")}
    [rule] = [o for o in fhir.observations(template, submission, "p", "r") if "valueBoolean" in o]
    assert rule["valueBoolean"] is True and rule["code"]["text"].endswith("Provisional PTSD diagnosis (DSM-5 symptom rule)")
    assert [(c["code"]["text"], c["valueInteger"]) for c in rule["component"]] == [
        ("Intrusions (cluster B)", 1), ("Avoidance (cluster C)", 1),
        ("Negative changes in thinking and mood (cluster D)", 2), ("Changes in arousal and reactivity (cluster E)", 2)]
    Observation.model_validate({**rule, "subject": {"reference": "urn:uuid:p"}, "derivedFrom": [{"reference": "urn:uuid:r"}]})
