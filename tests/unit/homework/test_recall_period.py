"""A measure keeps its meaning: no schedule sends it more often than its recall period, for each
kind of recurrence, and the library says each questionnaire's recall period with its source."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.homework import recall
from chalicelib.homework.library import get_library_template
from chalicelib.homework.recurrence import Recurrence

MONDAY = date(2027, 1, 4)


def _rule(**fields) -> Recurrence:
    return Recurrence.model_validate(fields)


@pytest.mark.parametrize("fields, gap", [
    ({"frequency": "once"}, None),
    ({"frequency": "daily"}, 1),
    ({"frequency": "daily", "count": 1}, None),  # a single occurrence has no gap
    ({"frequency": "daily", "until": "2027-01-04"}, None),
    ({"frequency": "daily", "count": 2}, 1),
    ({"frequency": "every_n_days", "interval": 13}, 13),
    ({"frequency": "every_n_days", "interval": 14}, 14),
    ({"frequency": "every_n_days", "interval": 14, "until": "2027-01-17"}, None),  # ends before the second
    ({"frequency": "weekly", "weekdays": ["mon"]}, 7),
    ({"frequency": "weekly", "weekdays": ["mon", "thu"]}, 3),
    ({"frequency": "weekly", "weekdays": ["mon", "sun"]}, 1),  # across the week's end
    ({"frequency": "weekly", "weekdays": ["wed"], "count": 1}, None),
])
def test_the_shortest_gap_of_each_kind_of_schedule(fields, gap):
    assert recall.shortest_gap_days(_rule(**fields), MONDAY) == gap


@pytest.mark.parametrize("fields, refused", [
    ({"frequency": "once"}, False),
    ({"frequency": "daily"}, True),
    ({"frequency": "daily", "count": 1}, False),
    ({"frequency": "every_n_days", "interval": 13}, True),
    ({"frequency": "every_n_days", "interval": 14}, False),
    ({"frequency": "every_n_days", "interval": 28}, False),
    ({"frequency": "weekly", "weekdays": ["mon"]}, True),
    ({"frequency": "weekly", "weekdays": ["mon", "thu"], "until": "2027-01-07"}, True),
    ({"frequency": "weekly", "weekdays": ["mon"], "until": "2027-01-10"}, False),  # one Monday only
])
def test_a_two_week_measure_is_refused_only_when_sent_more_often_than_every_14_days(fields, refused):
    conflict = recall.check(14, _rule(**fields), MONDAY, "PHQ-9: Patient Health Questionnaire")
    assert (conflict is not None) is refused


def test_the_refusal_explains_itself_plainly():
    conflict = recall.check(14, _rule(frequency="daily"), MONDAY, "PHQ-9: Patient Health Questionnaire")
    assert conflict is not None and conflict.record() == {"recall_period_days": 14, "shortest_gap_days": 1}
    assert conflict.message.startswith("PHQ-9 asks about the last 2 weeks, so it can be sent at most every 14 days.")
    assert "This schedule sends it every day." in conflict.message

    twice_a_week = recall.check(14, _rule(frequency="weekly", weekdays=["thu", "mon"]), MONDAY, "GAD-7: x")
    assert twice_a_week is not None
    assert "sends it on Mondays and Thursdays, as little as 3 days apart" in twice_a_week.message
    weekly = recall.check(30, _rule(frequency="weekly", weekdays=["fri"]), MONDAY, "PCL-5: PTSD Checklist")
    assert weekly is not None and weekly.message.startswith("PCL-5 asks about the past month, so it can be sent "
                                                            "at most every 30 days. This schedule sends it every week.")
    every_third = recall.check(7, _rule(frequency="every_n_days", interval=3), MONDAY, "DASS-21: scales")
    assert every_third is not None and "DASS-21 asks about the past week" in every_third.message
    assert "sends it every 3 days" in every_third.message


@pytest.mark.parametrize("period", [None, 0, 1])
def test_no_recall_period_or_a_single_day_never_limits(period):
    assert recall.check(period, _rule(frequency="daily"), MONDAY, "Mood diary") is None


@pytest.mark.parametrize("days, words", [(7, "the past week"), (14, "the last 2 weeks"), (30, "the past month"),
                                         (10, "the last 10 days")])
def test_period_words(days, words):
    assert recall.period_words(days) == words


@pytest.mark.parametrize("slug, days", [("phq-9", 14), ("gad-7", 14), ("phq-2", 14), ("gad-2", 14),
                                        ("pcl-5", 30), ("dass-21", 7), ("wsas", None), ("audit-c", None),
                                        ("mood-diary", None)])
def test_the_library_carries_each_measures_recall_period_with_its_source(slug, days):
    template = get_library_template(slug)
    assert template is not None
    assert (template.scoring.recall_period_days if template.scoring else None) == days
    if days:
        source = next(s for s in template.scoring.sources if s.for_ == "recall_period_days")
        assert source.url and source.url.startswith("https://") and source.note
        # the period is the one the client reads in the template's own wording
        stem = " ".join([template.instructions, *(getattr(i, "label", "") for i in template.items)]).lower()
        assert {14: "last 2 weeks", 30: "past month", 7: "past week"}[days] in stem
