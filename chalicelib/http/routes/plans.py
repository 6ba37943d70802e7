"""The plan on every assignment (clinician and client sides) and the practice's settings
that shape it (the confidence threshold)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.homework.plan_models import ClientPlanUpdate, PlanView, PlanWrite, PracticeUpdate, PracticeView
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientPlanUpdate, PlanView, PlanWrite, PracticeUpdate, PracticeView) = model_refs(
        "chalicelib.homework.plan_models", "ClientPlanUpdate", "PlanView", "PlanWrite", "PracticeUpdate",
        "PracticeView")

router = Router("plans")
_MANAGERS = ("owner", "admin")


def _audit(call: Call, action: str, assignment_id: str) -> None:
    from chalicelib.identity import audit
    from chalicelib.store import keys

    client_id = keys.child_parts(assignment_id)[0]
    audit.record(call.principal, action, [client_id], detail=assignment_id, request_id=call.request_id)


# -- the clinician's side ----------------------------------------------------------------------

@router.route("/v1/assignments/{assignment_id}/plan", "GET", auth="clinician", response=PlanView,
              summary="The assignment's plan with its history (version 0 while nobody has written it)",
              tags=("plans",))
def get_plan(call: Call) -> PlanView:
    from chalicelib.homework import plan_service

    found = plan_service.get_for_clinician(call.principal, call.params["assignment_id"])
    _audit(call, "plan.read", found.assignment_id)
    return found


@router.route("/v1/assignments/{assignment_id}/plan", "PUT", auth="clinician", body=PlanWrite, response=PlanView,
              summary="Save the whole plan (every field replaced); clears the mark for adjustment", tags=("plans",))
def put_plan(call: Call) -> PlanView:
    from chalicelib.homework import plan_service

    saved = plan_service.put_for_clinician(call.principal, call.params["assignment_id"], call.body)
    _audit(call, "plan.update", saved.assignment_id)
    return saved


# -- the client's side ---------------------------------------------------------------------

@router.route("/v1/client/assignments/{assignment_id}/plan", "GET", auth="client", response=PlanView,
              summary="Your plan for this homework, with who changed what and when", tags=("client",))
def client_get_plan(call: Call) -> PlanView:
    from chalicelib.homework import plan_service

    return plan_service.get_for_client(call.principal, call.params["assignment_id"])


@router.route("/v1/client/assignments/{assignment_id}/plan", "PATCH", auth="client", body=ClientPlanUpdate,
              response=PlanView, summary="Change your part of the plan: when and where, the first step, "
              "obstacles, how confident you are", tags=("client",))
def client_patch_plan(call: Call) -> PlanView:
    from chalicelib.homework import plan_service

    return plan_service.patch_for_client(call.principal, call.params["assignment_id"], call.body)


# -- the practice --------------------------------------------------------------------------

@router.route("/v1/practice", "GET", auth="clinician", response=PracticeView,
              summary="Your practice and its settings", tags=("practice",))
def get_practice(call: Call) -> PracticeView:
    from chalicelib.homework.plan_models import PracticeView
    from chalicelib.identity import practices

    return PracticeView(**practices.practice_settings(call.principal))


@router.route("/v1/practice", "PATCH", auth="clinician", roles=_MANAGERS, body=PracticeUpdate,
              response=PracticeView, summary="Change the practice's name, plan confidence threshold "
              "or access-link maximum (owners and admins)", tags=("practice",))
def update_practice(call: Call) -> PracticeView:
    from chalicelib.homework.plan_models import PracticeView
    from chalicelib.identity import practices

    changes = call.body.model_dump(mode="json", exclude_unset=True)
    return PracticeView(**practices.update_settings(call.principal, changes))
