"""What a measure's scores mean for the clinician: each new total classified against the
client's first total on that measure (the baseline) and against the one before it.

Definitions (NHS Talking Therapies for anxiety and depression manual, formerly the IAPT
manual: https://www.england.nhs.uk/publication/the-nhs-talking-therapies-manual/), applied
to each measure on its own with the numbers its template cites (`scoring.reliable_change`,
`scoring.clinical_cutoff`, `scoring.sources`):
- caseness: a total at or above the clinical cut-off is a "case" (at or below it for a
  measure where higher is better);
- reliable improvement: the total moved the better way by at least the reliable change
  (PHQ-9: 6 points, GAD-7: 4);
- reliable deterioration: it moved the worse way by at least the reliable change;
- recovery: a case at the reference score and not a case now;
- reliable recovery: recovery and reliable improvement together;
- no reliable change: none of these.
One label per comparison, the most specific first: reliable recovery, recovery, reliable
improvement, reliable deterioration, no reliable change. A measure without a cut-off can
only improve, deteriorate or not change reliably.

The manual judges depression and anxiety together (reliable improvement there also needs no
reliable deterioration on the other measure); Emotipal shows each measure separately so the
clinician sees which one moved.

"No reliable change after N administrations" (non-response) is a measure with at least N
totals whose latest is still "no reliable change" from its baseline (N is the practice's
`non_response_after`, default 6).

Pure rules: no storage, no AWS. The caseload summary (STATS) keeps one small entry per
measure (`stats["measures"]`, see `with_score`) so the caseload can sort by outcome
without reading any client's submissions.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.homework.templates import Scoring

Classification = Literal["reliable_recovery", "recovery", "reliable_improvement", "no_reliable_change",
                         "reliable_deterioration"]
Number = int | float

DEFAULT_NON_RESPONSE_AFTER = 6

# Caseload order, most in need of attention first; a client with no classified measure comes last.
ATTENTION: dict[str, int] = {"reliable_deterioration": 0, "non_response": 1, "no_reliable_change": 2,
                             "reliable_improvement": 3, "recovery": 4, "reliable_recovery": 5}
NOT_CLASSIFIED = len(ATTENTION)


@dataclass(frozen=True)
class ChangeRules:
    reliable_change: Number
    clinical_cutoff: Number | None
    higher_is_better: bool

    @classmethod
    def of(cls, scoring: Scoring | None) -> ChangeRules | None:
        """The template's rules, or None when it classifies nothing (no change_rules)."""
        if scoring is None or scoring.change_rules is None or scoring.reliable_change is None:
            return None
        return cls(scoring.reliable_change, scoring.clinical_cutoff, scoring.higher_is_better)

    def is_case(self, total: Number) -> bool | None:
        if self.clinical_cutoff is None:
            return None
        return total <= self.clinical_cutoff if self.higher_is_better else total >= self.clinical_cutoff

    def classify(self, before: Number, after: Number) -> Classification:
        """`after` against `before` (the baseline, or the previous total)."""
        better_by = (after - before) if self.higher_is_better else (before - after)
        reliable_better = better_by >= self.reliable_change
        recovered = self.is_case(before) is True and self.is_case(after) is False
        if recovered:
            return "reliable_recovery" if reliable_better else "recovery"
        if reliable_better:
            return "reliable_improvement"
        if -better_by >= self.reliable_change:
            return "reliable_deterioration"
        return "no_reliable_change"


def classify_series(rules: ChangeRules | None, totals: Sequence[Number]) -> list[dict[str, Any]]:
    """For each total in time order: {case, vs_baseline, vs_previous} (None where there is
    nothing to compare: the first total, or a template without change rules)."""
    result: list[dict[str, Any]] = []
    for n, total in enumerate(totals):
        if rules is None:
            result.append({"case": None, "vs_baseline": None, "vs_previous": None})
            continue
        result.append({"case": rules.is_case(total),
                       "vs_baseline": rules.classify(totals[0], total) if n else None,
                       "vs_previous": rules.classify(totals[n - 1], total) if n else None})
    return result


def with_score(summary: dict[str, Any] | None, rules: ChangeRules | None, total: Number, *, title: str,
               at: str, assignment_ulid: str) -> dict[str, Any]:
    """A measure's caseload entry after a new total: {title, baseline, previous, latest,
    count, vs_baseline, vs_previous, case, at, assignment}."""
    if not summary:
        return {"title": title, "baseline": total, "previous": None, "latest": total, "count": 1,
                "vs_baseline": None, "vs_previous": None, "case": rules.is_case(total) if rules else None,
                "at": at, "assignment": assignment_ulid}
    baseline, previous = summary["baseline"], summary["latest"]
    return {"title": title, "baseline": baseline, "previous": previous, "latest": total,
            "count": int(summary.get("count", 1)) + 1,
            "vs_baseline": rules.classify(baseline, total) if rules else None,
            "vs_previous": rules.classify(previous, total) if rules else None,
            "case": rules.is_case(total) if rules else None, "at": at, "assignment": assignment_ulid}


def non_responding(summary: dict[str, Any], after: int) -> bool:
    return summary.get("vs_baseline") == "no_reliable_change" and int(summary.get("count", 0)) >= after


def caseload_outcome(stats: dict[str, Any] | None, non_response_after: int) -> dict[str, Any]:
    """What the caseload row shows: each classified measure, the one most in need of
    attention (`outcome`), and the measures not responding after N administrations."""
    measures = []
    for template_id, summary in sorted(((stats or {}).get("measures") or {}).items()):
        flag = non_responding(summary, non_response_after)
        measures.append({"template_id": template_id, "title": summary.get("title"),
                         "baseline": summary.get("baseline"), "latest": summary.get("latest"),
                         "count": summary.get("count"), "vs_baseline": summary.get("vs_baseline"),
                         "vs_previous": summary.get("vs_previous"), "case": summary.get("case"),
                         "non_response": flag, "at": summary.get("at")})
    ranked = [label for label in map(_attention, measures) if label is not None]
    worst = min(ranked, key=attention_rank) if ranked else None
    return {"outcome": worst, "non_response": [m["template_id"] for m in measures if m["non_response"]],
            "measures": measures}


def _attention(measure: dict[str, Any]) -> str | None:
    return "non_response" if measure["non_response"] else measure["vs_baseline"]


def attention_rank(outcome: str | None) -> int:
    """Sort key for the caseload: deterioration first, then non-response, ..., unclassified last."""
    return ATTENTION.get(outcome or "", NOT_CLASSIFIED)

