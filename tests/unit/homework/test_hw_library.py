"""The built-in library: every template loads, and a realistic answer set for each
one submits cleanly with computed values checked against hand-worked figures."""

import json

import pytest

from chalicelib.homework.answers import normalise_answers, validate_answers
from chalicelib.homework.library import (
    LIBRARY_DIR,
    LibraryError,
    get_library_template,
    list_library,
    load_library,
)
from chalicelib.homework.scoring import score

EXPECTED_SLUGS = {
    "phq-9", "gad-7", "pcl-5", "thought-record", "activity-log", "activity-schedule", "exposure-hierarchy",
    "exposure-practice", "sleep-diary", "mood-diary", "worry-log", "problem-solving", "behavioural-experiment",
    "relaxation-practice", "values-goals", "safety-plan",
    "phq-2", "gad-2", "wsas", "audit-c", "dass-21", "dbt-diary-card",
}

# For each template: realistic answers, then the score fields we expect (worked by hand).
CASES = {
    "phq-2": ({"phq2_1": "several_days", "phq2_2": "more_than_half_the_days"},  # 1 + 2 = 3
              {"total": 3, "band": "Positive screen"}),
    "gad-2": ({"gad2_1": "several_days", "gad2_2": "not_at_all"},  # 1 + 0 = 1
              {"total": 1, "band": "Below the screening cut-off"}),
    "wsas": ({"wsas_1": 4, "wsas_2": 6, "wsas_3": 2, "wsas_4": 3, "wsas_5": 5},  # 20
             {"total": 20, "band": "Significant functional impairment"}),
    "audit-c": ({"auditc_1": "monthly_or_less", "auditc_2": "3_or_4", "auditc_3": "less_than_monthly"},  # 1 + 1 + 1
                {"total": 3, "band": "Positive for women (3 or more); below the men's cut-off of 4"}),
    "dass-21": (
        # D items 3,5,10,13,16,17,21: 0+1+1+1+1+0+0 = 4 → 8 ; A 2,4,7,9,15,19,20: 1+1+0+0+0+0+1 = 3 → 6 ;
        # S 1,6,8,11,12,14,18: 2+2+3+2+2+1+2 = 14 → 28
        {f"dass21_{n}": ["did_not_apply", "some_of_the_time", "good_part_of_time", "most_of_the_time"][s]
         for n, s in enumerate([2, 1, 0, 1, 1, 2, 0, 3, 0, 1, 2, 2, 1, 1, 0, 1, 0, 2, 0, 1, 0], 1)},
        {"total": None, "subscales": {"depression": 8, "anxiety": 6, "stress": 28},
         "subscale_bands": {"depression": "Normal", "anxiety": "Normal", "stress": "Severe"}},
    ),
    "dbt-diary-card": (
        {"card_date": "2025-03-12", "urge_self_harm": 2, "urge_substances": 0, "emotion_sadness": 3,
         "emotion_shame": 4, "emotion_joy": 1, "acted_self_harm": False, "acted_substances": False,
         "skills_used": "tried_helped", "skills_which": "Opposite action, paced breathing"},
        {"total": None, "risk_flags": []},
    ),
    "phq-9": (
        # 1+2+1+2+1+1+0+0+0 = 8 → Mild
        {"phq9_1": "several_days", "phq9_2": "more_than_half_the_days", "phq9_3": "several_days",
         "phq9_4": "more_than_half_the_days", "phq9_5": "several_days", "phq9_6": "several_days",
         "phq9_7": "not_at_all", "phq9_8": "not_at_all", "phq9_9": "not_at_all", "difficulty": "somewhat_difficult"},
        {"total": 8, "band": "Mild", "risk_flags": [], "derived": {}, "subscales": {}},
    ),
    "gad-7": (
        # 2+2+1+1+0+1+2 = 9 → Mild
        {"gad7_1": "more_than_half_the_days", "gad7_2": "more_than_half_the_days", "gad7_3": "several_days",
         "gad7_4": "several_days", "gad7_5": "not_at_all", "gad7_6": "several_days", "gad7_7": "more_than_half_the_days"},
        {"total": 9, "band": "Mild", "risk_flags": []},
    ),
    "pcl-5": (
        # B 3+2+1+3+2 = 11, C 3+3 = 6, D 0+2+1+2+3+2+1 = 11, E 2+0+3+3+2+3 = 13 → 41
        {f"pcl5_{n}": ["not_at_all", "a_little_bit", "moderately", "quite_a_bit", "extremely"][s]
         for n, s in enumerate([3, 2, 1, 3, 2, 3, 3, 0, 2, 1, 2, 3, 2, 1, 2, 0, 3, 3, 2, 3], 1)},
        {"total": 41, "band": "Probable PTSD (provisional)",
         "subscales": {"cluster_b": 11, "cluster_c": 6, "cluster_d": 11, "cluster_e": 13}},
    ),
    "thought-record": (
        {"situation": "Manager asked to see me after the team meeting on Tuesday.",
         "emotions": [{"emotion": "anxious", "intensity": 80}, {"emotion": "ashamed", "intensity": 60}],
         "automatic_thoughts": "I've done something wrong. I'm going to lose my job.",
         "belief_before": 90,
         "evidence_for": "She looked serious.",
         "evidence_against": "My last review was good. She often asks people for a quick chat.",
         "balanced_thought": "She might want to talk about anything; one serious look doesn't mean I'm in trouble.",
         "belief_after": 40,
         "emotions_rerated": [{"emotion_now": "anxious", "intensity_now": 40}, {"emotion_now": "ashamed", "intensity_now": 35}]},
        # strongest 80 → 40: drop 40 ; belief 90 → 40: drop 50
        {"derived": {"strongest_before": 80, "strongest_after": 40, "emotion_drop": 40, "belief_drop": 50}},
    ),
    "activity-log": (
        {"entries": [
            {"entry_date": "2025-03-10", "entry_time": "08:00", "activity": "Got up, showered", "mastery": 2, "pleasure": 1, "mood": 3},
            {"entry_date": "2025-03-10", "entry_time": "10:30", "activity": "Walk to the shop", "mastery": 6, "pleasure": 7, "mood": 6},
            {"entry_date": "2025-03-10", "entry_time": "13:00", "activity": "Lunch with my sister", "mastery": 5, "pleasure": 4, "mood": 5},
            {"entry_date": "2025-03-10", "entry_time": "20:00", "activity": "Watched TV", "pleasure": 3, "mood": 4}],
         "reflection": "Mood lifted when I got outside."},
        # mastery 13/3 = 4.33 → 4.3 ; pleasure 15/4 = 3.75 → 3.8 ; mood 18/4 = 4.5
        {"derived": {"entries_count": 4, "mean_mastery": 4.3, "mean_pleasure": 3.8, "mean_mood": 4.5}},
    ),
    "activity-schedule": (
        {"week_of": "2025-03-10",
         "activities": [
             {"planned_date": "2025-03-10", "planned_time": "09:00", "planned_activity": "Ten-minute walk",
              "category": "pleasure", "done": True, "planned_mastery": 4, "planned_pleasure": 6},
             {"planned_date": "2025-03-11", "planned_activity": "Pay the gas bill", "category": "necessary", "done": True,
              "planned_mastery": 7, "planned_pleasure": 1},
             {"planned_date": "2025-03-12", "planned_time": "18:30", "planned_activity": "Call Sam",
              "category": "values", "done": False}],
         "what_got_in_the_way": "Felt too tired on Wednesday evening."},
        # 2 of 3 done → 66.7 % → 67
        {"derived": {"planned_count": 3, "completed_count": 2, "completion_percent": 67}},
    ),
    "exposure-hierarchy": (
        {"fear": "Being judged in social situations",
         "goal": "Go to my friend's birthday party and stay the whole evening.",
         "steps": [
             {"step_situation": "Say hello to a neighbour", "step_suds": 30},
             {"step_situation": "Ask a shop assistant a question", "step_suds": 45},
             {"step_situation": "Eat lunch in the staff room", "step_suds": 60},
             {"step_situation": "Speak up in a team meeting", "step_suds": 85},
             {"step_situation": "Give a toast at the party", "step_suds": 100}]},
        {"derived": {"step_count": 5, "easiest_suds": 30, "hardest_suds": 100}},
    ),
    "exposure-practice": (
        {"practice_date": "2025-03-11", "practice_step": "Ate lunch in the staff room",
         "feared_outcome": "Everyone would stare and I'd have nothing to say.", "duration_minutes": 30,
         "suds_before": 60, "suds_peak": 85, "suds_after": 35, "used_safety_behaviours": True,
         "safety_behaviours": "Looked at my phone for the first few minutes.",
         "what_happened": "Two people chatted with me about the weekend.", "learned": "The anxiety came down on its own."},
        # 85 − 35 = 50 ; 60 − 35 = 25
        {"derived": {"drop_from_peak": 50, "change_over_practice": 25}},
    ),
    "sleep-diary": (
        {"night_of": "2025-03-12", "bedtime": "23:30", "sleep_latency_minutes": 20, "awakenings": 2,
         "wake_minutes": 30, "final_wake_time": "06:30", "rise_time": "07:00", "sleep_quality": "fair",
         "nap_minutes": 0, "notes": "Coffee at 4pm."},
        # in bed 23:30→07:00 = 450 ; 23:30→06:30 = 420 ; asleep 420 − 20 − 30 = 370 ; 370/450 = 82.22 % → 82.2
        {"derived": {"time_in_bed": 450, "bed_to_final_wake": 420, "total_sleep_time": 370, "sleep_efficiency": 82.2}},
    ),
    "mood-diary": (
        {"diary_date": "2025-03-12", "mood_rating": 6, "emotions_felt": ["calm", "anxious"], "anxiety_rating": 4,
         "energy_rating": 5, "what_happened": "Good chat with a friend; worried about the dentist.",
         "what_helped": "Going for a walk at lunchtime."},
        {"total": None, "derived": {}, "risk_flags": []},
    ),
    "worry-log": (
        {"worries": [
            {"worry_when": "2025-03-12T08:15", "worry": "What if I'm late and get told off?", "worry_type": "hypothetical",
             "worry_anxiety": 7, "postponed": True},
            {"worry_when": "2025-03-12T12:40", "worry": "Car insurance renewal is due Friday", "worry_type": "current_problem",
             "worry_anxiety": 4, "postponed": False, "worry_outcome": "Renewed it online in ten minutes."},
            {"worry_when": "2025-03-12T22:05+00:00", "worry": "What if mum's test result is bad?", "worry_type": "hypothetical",
             "worry_anxiety": 8, "postponed": True}]},
        # anxiety (7 + 4 + 8) / 3 = 6.33 → 6.3 ; 2 postponed
        {"derived": {"worry_count": 3, "mean_worry_anxiety": 6.3, "postponed_count": 2}},
    ),
    "problem-solving": (
        {"problem": "I keep running out of money before payday.",
         "problem_goal": "Have at least £50 left in the last week of the month.",
         "solutions": [
             {"solution": "Cancel unused subscriptions", "pros": "Quick", "cons": "Small saving", "solution_rating": 4},
             {"solution": "Set a weekly spending budget", "pros": "Covers everything", "cons": "Needs tracking", "solution_rating": 7},
             {"solution": "Borrow from a friend", "cons": "Doesn't fix it", "solution_rating": 2}],
         "chosen_solution": "Set a weekly budget and check my banking app on Sundays.",
         "action_steps": "Write the budget on Saturday; reminder on my phone.", "start_date": "2025-03-15"},
        {"derived": {"solution_count": 3, "best_rating": 7}},
    ),
    "behavioural-experiment": (
        {"belief": "If I say no to extra work, my colleagues will think I'm lazy.", "belief_rating_before": 80,
         "prediction": "They will be annoyed and stop asking me to lunch.",
         "experiment": "Decline the next extra task politely at Monday's meeting.",
         "outcome": "My colleague said 'no problem' and asked someone else.",
         "learning": "Saying no didn't change how people treated me.", "belief_rating_after": 30},
        {"derived": {"belief_change": 50}},
    ),
    "relaxation-practice": (
        {"practice_day": "2025-03-12", "practice_time": "21:00", "technique": "progressive_muscle_relaxation",
         "practice_minutes": 15, "tension_before": 7, "tension_after": 3, "practice_notes": "Shoulders were tightest."},
        {"derived": {"tension_drop": 4}},
    ),
    "values-goals": (
        {"areas": [
            {"life_area": "family", "value": "Being a patient, present parent.", "importance": 9, "lived": 4,
             "area_goal": "Read with my daughter three evenings a week", "first_step": "Tonight, 15 minutes"},
            {"life_area": "health", "value": "Looking after my body.", "importance": 7, "lived": 6},
            {"life_area": "friends", "value": "Staying in touch with old friends.", "importance": 8, "lived": 3,
             "first_step": "Message Jo"}]},
        # importance 24/3 = 8.0 ; lived 13/3 = 4.33 → 4.3 ; gap 8.0 − 4.3 = 3.7
        {"derived": {"mean_importance": 8, "mean_lived": 4.3, "values_gap": 3.7}},
    ),
    "safety-plan": (
        {"warning_signs": "Not sleeping, staying in bed all day, thinking 'what's the point'.",
         "coping_strategies": "Shower, walk the dog, listen to my playlist, breathing exercise.",
         "distractions": [{"distraction_name": "The library café"}, {"distraction_name": "Alex", "distraction_phone": "07700 900123"}],
         "support_people": [{"support_name": "My brother", "support_phone": "07700 900456"}],
         "professionals": [
             {"professional_name": "My clinician", "professional_phone": "020 7946 0000", "professional_notes": "Mon–Fri 9–5"},
             {"professional_name": "Samaritans", "professional_phone": "116 123", "professional_notes": "Any time"}],
         "emergency_department": "St Mary's Hospital A&E",
         "make_safe": "Ask my brother to keep my medication; keep only a week's supply at home.",
         "reason_for_living": "My kids."},
        {"total": None, "derived": {}, "risk_flags": []},
    ),
}


def test_library_contains_every_required_template_and_nothing_else():
    assert {t.id for t in list_library()} == EXPECTED_SLUGS
    assert set(CASES) == EXPECTED_SLUGS


def test_questionnaires_are_listed_first():
    kinds = [t.kind for t in list_library()]
    assert kinds[:8] == ["questionnaire"] * 8
    assert "questionnaire" not in kinds[8:]


def test_library_is_cached():
    assert get_library_template("phq-9") is get_library_template("phq-9")
    assert get_library_template("no-such-template") is None


@pytest.mark.parametrize("slug", sorted(EXPECTED_SLUGS))
def test_every_template_is_complete_for_a_client(slug):
    template = get_library_template(slug)
    assert template.id == slug and template.version == 1
    assert len(template.description) > 40 and len(template.instructions) > 100 and template.licence
    assert template.kind in {"questionnaire", "worksheet", "diary", "log", "plan", "exercise"}


@pytest.mark.parametrize("slug", sorted(EXPECTED_SLUGS))
def test_realistic_answers_submit_cleanly_and_score_as_worked_by_hand(slug):
    template = get_library_template(slug)
    answers, expected = CASES[slug]
    assert validate_answers(template, answers) == []
    result = score(template, normalise_answers(template, answers)).model_dump()
    for field, value in expected.items():
        assert result[field] == value, field


def test_sleep_diary_after_midnight_bedtime():
    template = get_library_template("sleep-diary")
    answers = {"night_of": "2025-03-13", "bedtime": "01:15", "sleep_latency_minutes": 45, "wake_minutes": 0,
               "final_wake_time": "08:00", "rise_time": "09:00"}
    assert validate_answers(template, answers) == []
    # in bed 01:15→09:00 = 465 ; 01:15→08:00 = 405 ; asleep 405 − 45 = 360 ; 360/465 = 77.42 % → 77.4
    assert score(template, answers).derived == {
        "time_in_bed": 465, "bed_to_final_wake": 405, "total_sleep_time": 360, "sleep_efficiency": 77.4,
    }


def test_mood_diary_normalises_emotions_into_template_order():
    template = get_library_template("mood-diary")
    answers = normalise_answers(template, {"diary_date": "2025-03-12", "mood_rating": 6, "emotions_felt": ["calm", "sad"]})
    assert answers["emotions_felt"] == ["sad", "calm"]


def test_safety_plan_requires_its_core_steps():
    template = get_library_template("safety-plan")
    missing = {e.item for e in validate_answers(template, {"reason_for_living": "My kids."}) if e.code == "missing_required"}
    assert missing == {"warning_signs", "coping_strategies", "make_safe"}


def test_no_restricted_instruments_in_the_library():
    text = json.dumps([t.model_dump() for t in list_library()]).lower()
    for restricted in ("beck depression inventory", "bdi-ii", "beck anxiety inventory"):
        assert restricted not in text


def test_loader_rejects_invalid_files(tmp_path):
    (tmp_path / "broken.json").write_text(json.dumps({"id": "broken", "title": "B", "kind": "worksheet", "items": []}))
    with pytest.raises(LibraryError, match="broken.json is invalid"):
        load_library(tmp_path)


def test_loader_requires_id_to_match_file_name(tmp_path):
    data = json.loads((LIBRARY_DIR / "mood-diary.json").read_text())
    (tmp_path / "other-name.json").write_text(json.dumps(data))
    with pytest.raises(LibraryError, match="must match the file name"):
        load_library(tmp_path)
