"""A few weeks of (fictional) homework for the demo client, so every view has something in it.

Written once, the first time the demo client has no homework, through the same service
functions the API calls, with the clock moved back to when each thing happened (time-machine):

- 4 weeks ago, the first session: a weekly PHQ-9 and GAD-7, due on today's weekday, so one of
  each falls due today; sent in every week since, falling from 17 to 8 (PHQ-9, a reliable
  improvement) and from 15 to 7 (GAD-7);
- 2 weeks ago: a thought record (one-off) with a plan, sent in two days later, and the
  clinician's feedback and quality rating the day after;
- a week ago: a daily mood diary with a plan drafted in session (confidence 7). The client
  keeps it most days, misses one (and says what got in the way: no time, forgot), sends part of
  yesterday's, and lowers their confidence to 4 with what would make it easier: the plan is
  marked for the clinician to adjust. Today's entry is due this evening;
- last night, a note for the next session.

Every later start finds homework and leaves it alone (one Query).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, UTC
from typing import Any
from zoneinfo import ZoneInfo

from chalicelib.homework import assignment_service, notes_service, plan_service, review_service, submission_service
from chalicelib.homework.models import (AssignmentCreate, BarrierReportCreate, ReviewCreate, SessionNoteCreate,
                                        SubmissionCreate)
from chalicelib.homework.plan_models import ClientPlanUpdate
from chalicelib.identity import practices as practice_service
from chalicelib.identity.principals import ClientPrincipal, Clinician
from chalicelib.store import keys, table

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ANSWER_WORDS = ("not_at_all", "several_days", "more_than_half_the_days", "nearly_every_day")
# Item scores (0-3) of each week's questionnaire, oldest first; PHQ-9 item 9 stays at 0.
PHQ9_WEEKS = ([3, 2, 3, 2, 2, 2, 2, 1], [2, 1, 2, 2, 1, 1, 1, 1], [1, 1, 2, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1])
GAD7_WEEKS = ([3, 2, 2, 2, 2, 2, 2], [2, 2, 2, 2, 1, 2, 1], [2, 1, 1, 2, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1])
DIFFICULTY = ("very_difficult", "somewhat_difficult", "somewhat_difficult", "somewhat_difficult")

LOW_CONFIDENCE = 4
WHAT_WOULD_HELP = "A shorter version for the evenings I work late: just the mood number and one line."
SESSION_NOTE = "I want to talk about the work presentation next week."
FEEDBACK = ("Really good work, Alex. You caught the hot thought (\"they'll think I'm useless\") and found "
            "evidence on both sides. Let's look at the balanced thought together and try it before the "
            "presentation.")
THOUGHT_RECORD = {
    "situation": "Monday team meeting: my manager asked me to present the project update next month.",
    "emotions": [{"emotion": "anxious", "intensity": 80}, {"emotion": "embarrassed", "intensity": 50}],
    "automatic_thoughts": "I'll freeze in front of everyone and they'll think I'm useless.",
    "belief_before": 75,
    "evidence_for": "I stumbled over my words in the last meeting.",
    "evidence_against": "My manager picked me because the project went well. People said my last update was clear.",
    "balanced_thought": "I might be nervous, but I know this project better than anyone, and I can prepare notes.",
    "belief_after": 40,
    "emotions_rerated": [{"emotion_now": "anxious", "intensity_now": 45}],
}
# (days ago, mood 0-10, emotions, what happened, what helped, client rating); one missed, one in part.
MOOD_DAYS = [
    (6, 4, ["anxious", "sad"], "Long day; kept thinking about the presentation.", "A walk at lunch.", 3),
    (5, 5, ["anxious", "calm"], "Meeting went fine in the end.", "Talking to my sister.", 4),
    (3, 5, ["calm"], "Quiet day working from home.", "Cooking a proper dinner.", 4),
    (2, 6, ["hopeful", "anxious"], "Finished the first slides.", "Making a list for tomorrow.", 4),
]
MISSED_DAYS_AGO = 4
PARTIAL_DAYS_AGO = 1


class _Clock:
    """The client's local calendar: instants as UTC datetimes for (days ago, "HH:MM") in their zone."""

    def __init__(self, timezone_name: str, now: datetime):
        self.zone = ZoneInfo(timezone_name)
        self.today = now.astimezone(self.zone).date()

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def at(self, days_ago: int, hhmm: str) -> datetime:
        local = datetime.combine(self.day(days_ago), time.fromisoformat(hhmm), tzinfo=self.zone)
        return local.astimezone(UTC)


def _choices(scores: list[int], prefix: str) -> dict[str, str]:
    return {f"{prefix}{number}": ANSWER_WORDS[score] for number, score in enumerate(scores, start=1)}


def client_since(now: datetime) -> datetime:
    """When the demo client started (their first session, before any homework was set)."""
    return _Clock("Europe/London", now).at(28, "09:00")


def has_homework(client_id: str) -> bool:
    return bool(table.query(keys.client_partition(client_id), sk_prefix=keys.ASSIGNMENT_PREFIX, limit=1).items)


def seed_homework(profile: dict[str, Any], clinician_sub: str) -> bool:
    """Write the demo homework for `profile` unless they already have some; True if written."""
    if has_homework(profile["client_id"]):
        return False
    clinician = practice_service.clinician_for(clinician_sub)
    if clinician is None:
        raise RuntimeError("the demo clinician has no active membership")
    import time_machine  # a dev dependency, as devstack's moto is; only needed on the first start

    now = datetime.now(UTC)
    _Story(profile, clinician, _Clock(profile["timezone"], now)).tell(time_machine)
    return True


class _Story:
    def __init__(self, profile: dict[str, Any], clinician: Clinician, clock: _Clock):
        self.profile, self.clinician, self.clock = profile, clinician, clock
        self.client = ClientPrincipal(client_id=profile["client_id"], practice_id=profile["practice_id"])

    def assign(self, body: dict[str, Any]) -> str:
        return assignment_service.create(self.clinician, self.client.client_id,
                                         AssignmentCreate.model_validate(body)).assignment_id

    def submit(self, assignment_id: str, days_ago: int, answers: dict[str, Any], **extra: Any) -> str:
        """Send in the occurrence of `days_ago` (a one-off's: pass its start day, the occurrence's id)."""
        occurrence = self.clock.day(days_ago).isoformat()
        body = SubmissionCreate.model_validate({"occurrence_id": occurrence, "answers": answers, **extra})
        receipt = submission_service.submit(self.client, assignment_id, body,
                                            idempotency_key=f"demo-{assignment_id}-{occurrence}")
        return receipt.submission_id

    def tell(self, time_machine: Any) -> None:
        clock = self.clock
        with time_machine.travel(clock.at(28, "10:00"), tick=False) as traveller:
            weekday = WEEKDAYS[clock.today.weekday()]
            # Session-by-session measures: weekly, more often than their 2-week recall, with the reason kept.
            weekly = {"recurrence": {"frequency": "weekly", "weekdays": [weekday]}, "due_time": "20:00",
                      "override_recall_period": True,
                      "override_reason": "Measured before every weekly session, as NHS Talking Therapies does"}
            measure_plan = {"rationale": "So we can both see how things change from week to week.",
                            "when_where": "The evening it is due, after dinner, before the TV goes on.",
                            "confidence": 9}
            phq9 = self.assign({"template_id": "phq-9", **weekly, "plan": measure_plan})
            gad7 = self.assign({"template_id": "gad-7", **weekly, "plan": measure_plan})
            for week, days_ago in enumerate((28, 21, 14, 7)):
                traveller.move_to(clock.at(days_ago, "19:00"))
                self.submit(phq9, days_ago, {**_choices(PHQ9_WEEKS[week], "phq9_"), "phq9_9": "not_at_all",
                                             "difficulty": DIFFICULTY[week]})
                traveller.move_to(clock.at(days_ago, "19:05"))
                self.submit(gad7, days_ago, {**_choices(GAD7_WEEKS[week], "gad7_"), "difficulty": DIFFICULTY[week]})

            traveller.move_to(clock.at(14, "10:30"))
            thought = self.assign({
                "template_id": "thought-record", "title": "Thought record: the presentation",
                "due_date": clock.day(10).isoformat(), "due_time": "20:00",
                "plan": {"rationale": "Catching the thought that comes with the anxiety is the first step to "
                                      "questioning it.",
                         "when_where": "The same day a strong feeling comes up, at my desk at lunchtime.",
                         "first_step": "Write down the situation in one line as soon as I notice the feeling.",
                         "obstacles": [{"obstacle": "Too busy at work to stop",
                                        "response": "Make a note on my phone and fill in the rest at home"}],
                         "confidence": 8}})
            traveller.move_to(clock.at(12, "19:30"))
            submission = self.submit(thought, 14, THOUGHT_RECORD, rating=4)
            traveller.move_to(clock.at(11, "09:00"))
            review_service.review(self.clinician, submission,
                                  ReviewCreate(feedback=FEEDBACK, quality_rating=4))

            traveller.move_to(clock.at(7, "10:30"))
            mood = self.assign({
                "template_id": "mood-diary", "start_date": clock.day(6).isoformat(),
                "recurrence": {"frequency": "daily"}, "due_time": "21:00",
                "plan": {"rationale": "Over a few weeks the diary shows patterns that are hard to see day to day.",
                         "when_where": "Every evening after dinner, on the sofa, before I pick up my phone.",
                         "first_step": "Set a phone reminder for 20:30.",
                         "obstacles": [{"obstacle": "Working late",
                                        "response": "Fill in just the mood rating before bed"}],
                         "confidence": 7}})
            for days_ago, rating, emotions, happened, helped, client_rating in MOOD_DAYS:
                if days_ago == MISSED_DAYS_AGO - 1:  # the morning after the missed one: what got in the way
                    traveller.move_to(clock.at(days_ago, "08:30"))
                    submission_service.report_barriers(self.client, mood, BarrierReportCreate(
                        occurrence_id=clock.day(MISSED_DAYS_AGO).isoformat(), barriers=["no_time", "forgot"]))
                traveller.move_to(clock.at(days_ago, "20:40"))
                self.submit(mood, days_ago, {"diary_date": clock.day(days_ago).isoformat(), "mood_rating": rating,
                                             "emotions_felt": emotions, "what_happened": happened,
                                             "what_helped": helped}, rating=client_rating)
            traveller.move_to(clock.at(PARTIAL_DAYS_AGO, "12:30"))
            plan_service.patch_for_client(self.client, mood, ClientPlanUpdate(
                confidence=LOW_CONFIDENCE, what_would_help=WHAT_WOULD_HELP))
            traveller.move_to(clock.at(PARTIAL_DAYS_AGO, "20:55"))
            self.submit(mood, PARTIAL_DAYS_AGO, {"diary_date": clock.day(PARTIAL_DAYS_AGO).isoformat(),
                                                 "mood_rating": 5}, completion="partial", rating=2,
                        barriers=["no_time"])
            traveller.move_to(clock.at(PARTIAL_DAYS_AGO, "21:10"))
            notes_service.create(self.client, SessionNoteCreate(text=SESSION_NOTE))
