"""PHQ-9, GAD-7 and PCL-5: published scoring, bands at every edge, risk and reliable change."""

import pytest

from chalicelib.homework.answers import validate_answers
from chalicelib.homework.library import get_library_template
from chalicelib.homework.scoring import reliable_change, score

PHQ_VALUES = ["not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day"]  # scores 0..3
PCL_VALUES = ["not_at_all", "a_little_bit", "moderately", "quite_a_bit", "extremely"]  # scores 0..4


def answers_summing_to(total: int, prefix: str, count: int, values: list[str]) -> dict:
    """Fill items in order with the highest answer until `total` is reached."""
    top = len(values) - 1
    answers, remaining = {}, total
    for number in range(1, count + 1):
        item_score = min(top, remaining)
        answers[f"{prefix}{number}"] = values[item_score]
        remaining -= item_score
    assert remaining == 0, "total out of range for this questionnaire"
    return answers


PHQ9_EDGES = [
    (0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"), (14, "Moderate"),
    (15, "Moderately severe"), (19, "Moderately severe"), (20, "Severe"), (27, "Severe"),
]
GAD7_EDGES = [
    (0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"), (14, "Moderate"),
    (15, "Severe"), (21, "Severe"),
]
PCL5_EDGES = [
    (0, "Below the provisional PTSD cut-point"), (32, "Below the provisional PTSD cut-point"),
    (33, "Probable PTSD (provisional)"), (80, "Probable PTSD (provisional)"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_EDGES)
def test_phq9_band_edges(total, band):
    template = get_library_template("phq-9")
    answers = answers_summing_to(total, "phq9_", 9, PHQ_VALUES)
    assert validate_answers(template, answers) == []
    result = score(template, answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), GAD7_EDGES)
def test_gad7_band_edges(total, band):
    template = get_library_template("gad-7")
    answers = answers_summing_to(total, "gad7_", 7, PHQ_VALUES)
    assert validate_answers(template, answers) == []
    result = score(template, answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), PCL5_EDGES)
def test_pcl5_band_edges(total, band):
    template = get_library_template("pcl-5")
    answers = answers_summing_to(total, "pcl5_", 20, PCL_VALUES)
    assert validate_answers(template, answers) == []
    result = score(template, answers)
    assert (result.total, result.band) == (total, band)


def test_phq9_item9_not_at_all_raises_no_flag():
    template = get_library_template("phq-9")
    answers = {f"phq9_{n}": "nearly_every_day" for n in range(1, 9)} | {"phq9_9": "not_at_all"}
    assert score(template, answers).risk_flags == []


@pytest.mark.parametrize(("value", "item_score"), [("several_days", 1), ("more_than_half_the_days", 2), ("nearly_every_day", 3)])
def test_phq9_item9_above_not_at_all_raises_exactly_one_flag(value, item_score):
    template = get_library_template("phq-9")
    answers = {f"phq9_{n}": "not_at_all" for n in range(1, 9)} | {"phq9_9": value}
    [flag] = score(template, answers).risk_flags
    assert (flag.item, flag.value) == ("phq9_9", item_score)
    # The practice's own crisis numbers follow the message in the client's panel.
    assert "emergency number" in flag.message and "clinician will see this answer" in flag.message


def test_phq9_item9_flags_even_in_an_incomplete_draft():
    template = get_library_template("phq-9")
    result = score(template, {"phq9_9": "several_days"})
    assert result.total is None and len(result.risk_flags) == 1


def test_questionnaire_items_are_required_and_totals_need_every_item():
    template = get_library_template("phq-9")
    answers = answers_summing_to(12, "phq9_", 9, PHQ_VALUES)
    del answers["phq9_4"]
    assert [(e.item, e.code) for e in validate_answers(template, answers)] == [("phq9_4", "missing_required")]
    assert validate_answers(template, answers, partial=True) == []
    result = score(template, answers)
    assert (result.total, result.band, result.missing_items) == (None, None, ["phq9_4"])


def test_difficulty_question_is_optional_and_not_scored():
    template = get_library_template("gad-7")
    answers = answers_summing_to(7, "gad7_", 7, PHQ_VALUES) | {"difficulty": "very_difficult"}
    assert validate_answers(template, answers) == []
    assert score(template, answers).total == 7


def test_pcl5_cluster_subscales():
    template = get_library_template("pcl-5")
    # items 1–5: 4,3,2,1,0 ; 6–7: 4,4 ; 8–14: 1 each ; 15–20: 2,2,2,0,0,1
    scores = [4, 3, 2, 1, 0, 4, 4, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 0, 0, 1]
    answers = {f"pcl5_{n}": PCL_VALUES[s] for n, s in enumerate(scores, 1)}
    result = score(template, answers)
    assert result.subscales == {"cluster_b": 10, "cluster_c": 8, "cluster_d": 7, "cluster_e": 7}
    assert (result.total, result.band) == (32, "Below the provisional PTSD cut-point")


@pytest.mark.parametrize(
    ("slug", "first", "latest", "expected"),
    [
        ("phq-9", 17, 11, {"change": -6, "reliable": True, "direction": "improved"}),
        ("phq-9", 17, 12, {"change": -5, "reliable": False, "direction": "improved"}),
        ("gad-7", 8, 12, {"change": 4, "reliable": True, "direction": "worsened"}),
        ("gad-7", 8, 11, {"change": 3, "reliable": False, "direction": "worsened"}),
        ("pcl-5", 52, 37, {"change": -15, "reliable": True, "direction": "improved"}),  # Marx et al. 2022
        ("pcl-5", 52, 38, {"change": -14, "reliable": False, "direction": "improved"}),
    ],
)
def test_published_reliable_change_thresholds(slug, first, latest, expected):
    assert reliable_change(get_library_template(slug), first, latest) == expected


def test_published_wording_and_options():
    phq = get_library_template("phq-9")
    assert phq.find_item("phq9_9").label == "Thoughts that you would be better off dead or of hurting yourself in some way"
    assert [(o.label, o.score) for o in phq.find_item("phq9_1").options] == [
        ("Not at all", 0), ("Several days", 1), ("More than half the days", 2), ("Nearly every day", 3)
    ]
    pcl = get_library_template("pcl-5")
    assert [(o.label, o.score) for o in pcl.find_item("pcl5_20").options] == [
        ("Not at all", 0), ("A little bit", 1), ("Moderately", 2), ("Quite a bit", 3), ("Extremely", 4)
    ]
    assert len(pcl.scoring.total_items) == 20


def test_licence_attribution():
    for slug in ("phq-9", "gad-7"):
        licence = get_library_template(slug).licence
        assert "Spitzer" in licence and "Williams" in licence and "Kroenke" in licence and "Pfizer" in licence
        assert "No permission required to reproduce" in licence
    assert "public domain" in get_library_template("pcl-5").licence
    assert "National Center for PTSD" in get_library_template("pcl-5").licence
