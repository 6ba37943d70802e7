"""Template validation: every broken rule gives a clear error at its field path."""

import copy

import pytest
from pydantic import ValidationError

from chalicelib.homework.items import ITEM_TYPES
from chalicelib.homework.templates import Template, TemplateContent

FREQ = [
    {"value": "0", "label": "Not at all", "score": 0},
    {"value": "1", "label": "Several days", "score": 1},
    {"value": "2", "label": "More than half the days", "score": 2},
    {"value": "3", "label": "Nearly every day", "score": 3},
]


def base_template() -> dict:
    """A small valid questionnaire: three items scored 0–3, total 0–9."""
    return {
        "id": "custom-check",
        "version": 1,
        "title": "Weekly check-in",
        "kind": "questionnaire",
        "description": "Three questions.",
        "instructions": "Answer each question.",
        "items": [
            {"id": "q1", "type": "single_choice", "label": "Low mood", "required": True, "options": copy.deepcopy(FREQ)},
            {"id": "q2", "type": "single_choice", "label": "Worry", "required": True, "options": copy.deepcopy(FREQ)},
            {"id": "q3", "type": "scale", "label": "Sleep trouble", "min": 0, "max": 3},
            {"id": "note", "type": "text", "label": "Anything else?"},
            {
                "id": "events",
                "type": "group",
                "label": "Events",
                "items": [
                    {"id": "event", "type": "text", "label": "What happened"},
                    {"id": "upset", "type": "scale", "label": "How upsetting", "min": 0, "max": 10},
                ],
            },
            {"id": "went_to_bed", "type": "time", "label": "Bedtime"},
            {"id": "got_up", "type": "time", "label": "Rise time"},
        ],
        "scoring": {
            "total_items": ["q1", "q2", "q3"],
            "bands": [
                {"min": 0, "max": 3, "label": "Low"},
                {"min": 4, "max": 6, "label": "Medium"},
                {"min": 7, "max": 9, "label": "High"},
            ],
            "risk": [{"item": "q1", "threshold": 2, "label": "Low mood", "message": "Call your clinic."}],
            "reliable_change": 3,
        },
    }


def errors_of(data: dict) -> list[tuple[tuple, str, str]]:
    with pytest.raises(ValidationError) as caught:
        Template.model_validate(data)
    return [(error["loc"], error["type"], error["msg"]) for error in caught.value.errors()]


def test_base_template_is_valid():
    template = Template.model_validate(base_template())
    assert template.find_item("upset").type == "scale"
    assert template.item_index()["upset"][1].id == "events"


def test_duplicate_item_ids_are_reported_at_each_repeat_including_inside_groups():
    data = base_template()
    data["items"][1]["id"] = "q1"
    data["items"][4]["items"][1]["id"] = "note"
    found = errors_of(data)
    assert (("items", 1, "id"), "duplicate_id", "item id 'q1' is used more than once") in found
    assert (("items", 4, "items", 1, "id"), "duplicate_id", "item id 'note' is used more than once") in found


def test_choice_without_options_is_reported():
    data = base_template()
    data["items"][0]["options"] = []
    found = errors_of(data)
    assert found == [
        (("items", 0, "single_choice", "options"), "options_missing", "a choice item needs at least two options")
    ]


def test_choice_with_options_field_absent_is_reported():
    data = base_template()
    del data["items"][1]["options"]
    [(loc, kind, _msg)] = errors_of(data)
    assert loc == ("items", 1, "single_choice", "options")
    assert kind == "missing"


def test_duplicate_option_values_and_partial_scores_are_reported():
    data = base_template()
    data["items"][0]["options"][2]["value"] = "1"
    data["items"][1]["options"][3].pop("score")
    found = errors_of(data)
    assert (("items", 0, "single_choice", "options", 2, "value"), "duplicate_value", "two options share this value") in found
    assert (("items", 1, "single_choice", "options"), "scores_incomplete", "give every option a score, or none") in found


def test_scoring_naming_an_unknown_item_is_reported():
    data = base_template()
    data["scoring"]["total_items"] = ["q1", "q2", "q9"]
    found = errors_of(data)
    assert (("scoring", "total_items", 2), "unknown_item", "no item has id 'q9'") in found


def test_scoring_naming_a_text_item_or_a_group_child_is_reported():
    data = base_template()
    data["scoring"]["total_items"] = ["q1", "note", "upset"]
    data["scoring"].pop("bands")
    found = errors_of(data)
    assert found == [
        (("scoring", "total_items", 1), "not_numeric", "item 'note' (text) has no numeric score"),
        (("scoring", "total_items", 2), "not_top_level", "'upset' is inside group 'events'; use an aggregate"),
    ]


def test_overlapping_bands_are_reported():
    data = base_template()
    data["scoring"]["bands"][1]["min"] = 3
    found = errors_of(data)
    assert found == [
        (
            ("scoring", "bands", 1, "min"),
            "bands_overlap",
            "band 'Medium' starts at 3, inside band 'Low' (0–3); list bands in order without overlap",
        )
    ]


def test_gap_between_bands_is_reported():
    data = base_template()
    data["scoring"]["bands"][2]["min"] = 8
    found = errors_of(data)
    assert found == [
        (
            ("scoring", "bands", 2, "min"),
            "bands_gap",
            "gap between band 'Medium' (ends 6) and band 'High' (starts 8)",
        )
    ]


def test_bands_must_cover_the_possible_total():
    data = base_template()
    data["scoring"]["bands"][2]["max"] = 12
    found = errors_of(data)
    assert found == [
        (
            ("scoring", "bands", 2, "max"),
            "bands_coverage",
            "the last band must end at the highest possible total, 9",
        )
    ]


def test_many_problems_are_reported_together():
    data = base_template()
    data["items"][1]["id"] = "q1"
    data["scoring"]["total_items"] = ["q1", "q3", "missing_one"]
    data["scoring"]["bands"][1]["min"] = 2
    data["scoring"]["risk"][0]["threshold"] = 5
    kinds = {kind for _loc, kind, _msg in errors_of(data)}
    assert kinds == {"duplicate_id", "unknown_item", "bands_overlap", "threshold_invalid"}


@pytest.mark.parametrize(
    ("threshold", "message"),
    [
        (0, "threshold must be above the lowest answer (0), or every answer raises a flag"),
        (4, "threshold is above the highest answer (3), so it can never trigger"),
    ],
)
def test_risk_threshold_must_be_reachable_and_selective(threshold, message):
    data = base_template()
    data["scoring"]["risk"][0]["threshold"] = threshold
    assert errors_of(data) == [(("scoring", "risk", 0, "threshold"), "threshold_invalid", message)]


def test_bands_and_reliable_change_need_a_total():
    data = base_template()
    data["scoring"]["total_items"] = []
    found = {(loc, kind) for loc, kind, _msg in errors_of(data)}
    assert found == {(("scoring", "bands"), "needs_total"), (("scoring", "reliable_change"), "needs_total")}


def test_reverse_item_must_be_scored_and_bounded():
    data = base_template()
    data["items"].append({"id": "hours", "type": "number", "label": "Hours", "min": 0})
    data["scoring"]["reverse_items"] = ["note", "hours"]
    data["scoring"]["subscales"] = [{"id": "extra", "label": "Extra", "items": ["hours"]}]
    found = errors_of(data)
    assert (("scoring", "reverse_items", 0), "not_scored", "'note' is reversed but not in the total or a subscale") in found
    assert (("scoring", "reverse_items", 1), "unbounded", "'hours' needs a min and max to be reversed") in found


def test_prorating_needs_a_sensible_max_missing():
    data = base_template()
    data["scoring"]["missing"] = "prorate"
    data["scoring"]["max_missing"] = 3
    assert errors_of(data) == [
        (
            ("scoring", "max_missing"),
            "range_invalid",
            "to prorate, max_missing must be at least 1 and less than the number of total_items",
        )
    ]


def test_derived_values_are_checked():
    data = base_template()
    data["scoring"]["derived"] = [
        {"id": "ratio", "label": "Ratio", "op": "ratio_percent", "numerator": "later", "denominator": "q3"},
        {"id": "later", "label": "Later", "op": "sum", "operands": ["q1", "q2"]},
        {"id": "in_bed", "label": "In bed", "op": "minutes_between", "start": "went_to_bed", "end": "q3"},
        {"id": "mean_upset", "label": "Mean", "op": "aggregate", "function": "mean", "group": "events", "item": "event"},
        {"id": "rows", "label": "Rows", "op": "aggregate", "function": "count", "group": "q1"},
        {"id": "q2", "label": "Clash", "op": "sum", "operands": ["q1"]},
    ]
    found = errors_of(data)
    assert found == [
        (("scoring", "derived", 0, "numerator"), "order_invalid", "'later' must be defined before it is used"),
        (("scoring", "derived", 2, "end"), "type_mismatch", "'q3' must be a time or datetime item"),
        (("scoring", "derived", 3, "item"), "not_numeric", "item 'event' (text) has no numeric score"),
        (("scoring", "derived", 4, "group"), "unknown_group", "no group has id 'q1'"),
        (("scoring", "derived", 5, "id"), "duplicate_id", "derived id 'q2' is already used"),
    ]


def test_item_level_rules():
    data = base_template()
    data["items"][2] = {"id": "q3", "type": "scale", "label": "Sleep", "min": 3, "max": 3}
    data["items"].append({"id": "n", "type": "number", "label": "N", "min": 5, "max": 1})
    data["items"].append(
        {"id": "s", "type": "scale", "label": "S", "min": 0, "max": 10, "step": 5, "anchors": [{"value": 3, "label": "x"}]}
    )
    data["items"].append({"id": "g", "type": "group", "label": "G", "min_rows": 5, "max_rows": 2,
                          "items": [{"id": "gx", "type": "text", "label": "x"}]})
    data.pop("scoring")
    found = errors_of(data)
    assert found == [
        (("items", 2, "scale", "max"), "range_invalid", "max must be greater than min"),
        (("items", 7, "number", "max"), "range_invalid", "max must be greater than min"),
        (("items", 8, "scale", "anchors", 0, "value"), "not_on_step", "anchor is not on a step of the scale"),
        (("items", 9, "group", "min_rows"), "range_invalid", "min_rows must not exceed max_rows"),
    ]


def test_unknown_fields_are_rejected_everywhere():
    data = base_template()
    data["owner"] = "someone"
    data["items"][0]["colour"] = "red"
    data["scoring"]["bands"][0]["emoji"] = "x"
    locs = {error[0] for error in errors_of(data)}
    assert locs == {("owner",), ("items", 0, "single_choice", "colour"), ("scoring", "bands", 0, "emoji")}


def test_over_long_strings_are_rejected():
    data = base_template()
    data["title"] = "x" * 201
    data["items"][0]["label"] = "y" * 501
    found = {(loc, kind) for loc, kind, _msg in errors_of(data)}
    assert found == {(("title",), "string_too_long"), (("items", 0, "single_choice", "label"), "string_too_long")}


def test_groups_do_not_nest_and_types_are_known():
    data = base_template()
    data["items"][4]["items"].append({"id": "inner", "type": "group", "label": "x", "items": []})
    data["items"].append({"id": "pic", "type": "photo", "label": "Photo"})
    found = {(loc, kind) for loc, kind, _msg in errors_of(data)}
    assert found == {(("items", 4, "group", "items", 2), "union_tag_invalid"), (("items", 7), "union_tag_invalid")}


def test_bad_ids_are_rejected():
    data = base_template()
    data["items"][0]["id"] = "q 1; drop"
    data["id"] = "../etc"
    found = {(loc, kind) for loc, kind, _msg in errors_of(data)}
    assert found == {(("items", 0, "single_choice", "id"), "string_pattern_mismatch"), (("id",), "string_pattern_mismatch")}


def test_content_without_id_is_a_valid_request_body():
    data = base_template()
    del data["id"], data["version"]
    content = TemplateContent.model_validate(data)
    assert content.title == "Weekly check-in"


def test_json_schema_uses_discriminated_unions():
    schema = Template.model_json_schema()
    items_schema = schema["properties"]["items"]["items"]
    assert items_schema["discriminator"]["propertyName"] == "type"
    assert set(items_schema["discriminator"]["mapping"]) == set(ITEM_TYPES)
    # The documented types stay; a new one needs no edit here (see test_hw_item_types).
    assert {
        "text", "long_text", "number", "scale", "single_choice", "multi_choice",
        "boolean", "date", "time", "datetime", "group",
    } <= set(ITEM_TYPES)
    assert schema["additionalProperties"] is False


def test_templates_are_immutable():
    template = Template.model_validate(base_template())
    with pytest.raises(ValidationError):
        template.title = "changed"
