"""Subscale series and worksheet trends for progress, on library templates, worked by hand."""
from __future__ import annotations

from datetime import date

from chalicelib.homework import trends
from chalicelib.homework.library import get_library_template
from chalicelib.homework.scoring import score

ZONE = "America/New_York"


def entry(slug: str, answers: dict, submitted_at: str, n: int = 0) -> trends.Entry:
    template = get_library_template(slug)
    assert template is not None
    result = score(template, answers).model_dump(mode="json") if template.scoring else {}
    return trends.Entry(template, f"{slug}-{n}", submitted_at, answers, result)


def night(night_of: str, bedtime: str, latency: int, wake: int, final_wake: str, rise: str) -> dict:
    return {"night_of": night_of, "bedtime": bedtime, "sleep_latency_minutes": latency, "awakenings": 1,
            "wake_minutes": wake, "final_wake_time": final_wake, "rise_time": rise, "sleep_quality": "fair"}


def test_an_entry_is_dated_by_its_own_date_question_else_by_the_local_day_it_was_sent():
    # Sunday night's diary, sent on Monday morning, is about Sunday
    diary = entry("sleep-diary", night("2026-11-22", "23:00", 0, 0, "06:00", "06:00"), "2026-11-23T12:00:00Z")
    assert trends.local_date(diary, ZONE) == date(2026, 11, 22)
    # an activity log has no date question: 02:30 UTC on Monday is still Sunday evening in New York
    log = entry("activity-log", {"entries": [{"activity": "Walk", "mastery": 5, "pleasure": 6, "mood": 5}]},
                "2026-11-23T02:30:00Z")
    assert trends.local_date(log, ZONE) == date(2026, 11, 22)
    assert trends.local_date(log, "Europe/Paris") == date(2026, 11, 23)
    assert trends.week_start(date(2026, 11, 22)) == date(2026, 11, 16)
    assert trends.week_start(date(2026, 11, 23)) == date(2026, 11, 23)


def test_sleep_efficiency_by_week_is_the_weeks_sleep_over_its_time_in_bed():
    entries = [
        # in bed 23:00-07:00 = 480 min; asleep 23:00-06:00 less 30 + 30 = 360 min; 75 %
        entry("sleep-diary", night("2026-11-16", "23:00", 30, 30, "06:00", "07:00"), "2026-11-17T12:00:00Z", 1),
        # in bed 02:00-06:00 = 240 min, all asleep: 100 %; Sunday night, sent on Monday
        entry("sleep-diary", night("2026-11-22", "02:00", 0, 0, "06:00", "06:00"), "2026-11-23T12:00:00Z", 2),
        # in bed 480 min; asleep 450 - 15 - 15 = 420 min; 87.5 %
        entry("sleep-diary", night("2026-11-29", "23:00", 15, 15, "06:30", "07:00"), "2026-11-30T12:00:00Z", 3),
    ]
    assert [e.score["derived"]["sleep_efficiency"] for e in entries] == [75, 100, 87.5]
    [series] = trends.worksheet_trends(entries, ZONE)
    assert (series["id"], series["unit"], series["per"]) == ("sleep-diary.sleep_efficiency.week", "%", "week")
    assert series["lines"] == [{"id": "sleep_efficiency", "label": "Sleep efficiency"}]
    # week of 16 Nov: (360 + 240) / (480 + 240) = 83.33 → 83.3 (the nights' average, 87.5, would
    # let the short night weigh as much as the long one); week of 23 Nov: one night, 87.5
    assert [(p["date"], p["values"], p["count"]) for p in series["points"]] == [
        ("2026-11-16", {"sleep_efficiency": 83.3}, 2), ("2026-11-23", {"sleep_efficiency": 87.5}, 1)]
    assert (series["min"], series["max"]) == (0, 100)


def test_exposure_distress_before_peak_and_after_per_practice_in_date_order():
    def practice(day: str, before: int, peak: int, after: int) -> dict:
        return {"practice_date": day, "practice_step": "Lift", "duration_minutes": 20, "suds_before": before,
                "suds_peak": peak, "suds_after": after, "used_safety_behaviours": False}

    entries = [entry("exposure-practice", practice("2026-11-20", 70, 85, 40), "2026-11-20T20:00:00Z", 1),
               entry("exposure-practice", practice("2026-11-19", 60, 90, 20), "2026-11-21T20:00:00Z", 2)]
    [series] = trends.worksheet_trends(entries, ZONE)  # its derived values are differences, not percentages
    assert (series["per"], series["min"], series["max"]) == ("entry", 0, 100)
    assert [line["id"] for line in series["lines"]] == ["suds_before", "suds_peak", "suds_after"]
    assert series["lines"][1]["label"].startswith("Highest distress")
    assert [(p["date"], p["values"], p["submission_id"]) for p in series["points"]] == [
        ("2026-11-19", {"suds_before": 60, "suds_peak": 90, "suds_after": 20}, "exposure-practice-2"),
        ("2026-11-20", {"suds_before": 70, "suds_peak": 85, "suds_after": 40}, "exposure-practice-1")]


def test_activity_completion_by_week_pools_planned_and_done():
    def schedule(week_of: str, done: list[bool]) -> dict:
        return {"week_of": week_of, "activities": [
            {"planned_date": week_of, "planned_activity": f"Thing {n}", "category": "pleasure", "done": d}
            for n, d in enumerate(done)]}

    entries = [entry("activity-schedule", schedule("2026-11-16", [True, True, False]), "2026-11-22T20:00:00Z", 1),
               entry("activity-schedule", schedule("2026-11-23", [False, False]), "2026-11-29T20:00:00Z", 2)]
    [series] = trends.worksheet_trends(entries, ZONE)
    assert series["id"] == "activity-schedule.completion_percent.week"
    # 2 of 3 → 66.67 → 67 (the rule's 0 decimals, half up); 0 of 2 → 0, a value, not a gap
    assert [(p["date"], p["values"]["completion_percent"]) for p in series["points"]] == [
        ("2026-11-16", 67), ("2026-11-23", 0)]


def test_questionnaires_give_no_rating_trend_and_unanswered_weeks_no_point():
    phq = entry("phq-9", {f"phq9_{n}": "not_at_all" for n in range(1, 10)}, "2026-11-20T20:00:00Z")
    # a diary whose times are missing has no efficiency: no point rather than a zero
    blank = entry("sleep-diary", {"night_of": "2026-11-16", "sleep_quality": "poor"}, "2026-11-17T12:00:00Z")
    assert trends.worksheet_trends([phq, blank], ZONE) == []


def test_pcl5_clusters_and_dass21_scales_with_their_ranges_and_bands():
    pcl = [entry("pcl-5", {f"pcl5_{n}": "moderately" for n in range(1, 21)}, "2026-11-10T15:00:00Z", 1),
           entry("pcl-5", {f"pcl5_{n}": "a_little_bit" for n in range(1, 21)}, "2026-11-24T15:00:00Z", 2)]
    dass = entry("dass-21", {f"dass21_{n}": "some_of_the_time" for n in range(1, 22)}, "2026-11-25T15:00:00Z")
    pcl_series, dass_series = trends.subscale_series([*pcl, dass], ZONE)

    assert pcl_series["template_id"] == "pcl-5"
    assert [(s["id"], s["min"], s["max"], s["bands"]) for s in pcl_series["subscales"]] == [
        ("cluster_b", 0, 20, []), ("cluster_c", 0, 8, []), ("cluster_d", 0, 28, []), ("cluster_e", 0, 24, [])]
    # 5, 2, 7 and 6 items at 2, then at 1
    assert [p["values"] for p in pcl_series["points"]] == [
        {"cluster_b": 10, "cluster_c": 4, "cluster_d": 14, "cluster_e": 12},
        {"cluster_b": 5, "cluster_c": 2, "cluster_d": 7, "cluster_e": 6}]
    assert [p["date"] for p in pcl_series["points"]] == ["2026-11-10", "2026-11-24"]
    assert pcl_series["points"][0]["bands"] == {}

    # seven items at 1, doubled: 14 on each scale, which is Moderate depression, Moderate anxiety
    # and Normal stress on the DASS-42 bands
    [point] = dass_series["points"]
    assert point["values"] == {"depression": 14, "anxiety": 14, "stress": 14}
    assert point["bands"] == {"depression": "Moderate", "anxiety": "Moderate", "stress": "Normal"}
    assert [(s["id"], s["max"], len(s["bands"])) for s in dass_series["subscales"]] == [
        ("depression", 42, 5), ("anxiety", 42, 5), ("stress", 42, 5)]


def test_a_ratio_pools_only_entries_that_have_both_parts():
    rule = get_library_template("sleep-diary").scoring.derived[-1]
    assert rule.pool([{"total_sleep_time": 300, "time_in_bed": 400}, {"total_sleep_time": None, "time_in_bed": 500},
                      {"total_sleep_time": 100, "time_in_bed": 100}]) == 80
    assert rule.pool([{"total_sleep_time": 0, "time_in_bed": 0}]) is None
    assert rule.pool([]) is None


def test_an_unscored_diary_trends_its_ratings_per_day_under_its_own_id():
    # the mood diary has no scoring block: its three 0-10 ratings still trend, dated by diary_date
    template = get_library_template("mood-diary").model_copy(update={"id": "my-mood-diary"})
    entries = [trends.Entry(template, f"m{n}", sent, answers, {}) for n, (sent, answers) in enumerate([
        ("2026-11-18T01:00:00Z", {"diary_date": "2026-11-17", "mood_rating": 4, "anxiety_rating": 7}),
        ("2026-11-19T01:00:00Z", {"diary_date": "2026-11-18", "mood_rating": 6, "anxiety_rating": 5,
                                  "energy_rating": 3}),
    ])]
    [series] = trends.worksheet_trends(entries, ZONE)
    assert (series["id"], series["min"], series["max"]) == ("my-mood-diary.ratings.0-10", 0, 10)
    assert [(p["date"], p["values"]) for p in series["points"]] == [
        ("2026-11-17", {"mood_rating": 4, "anxiety_rating": 7, "energy_rating": None}),
        ("2026-11-18", {"mood_rating": 6, "anxiety_rating": 5, "energy_rating": 3})]
