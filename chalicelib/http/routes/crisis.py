"""The client's crisis resources: shown beside a risk answer and on the receipt after it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.http.framework import Call, Router, model_refs

if TYPE_CHECKING:
    from chalicelib.homework.crisis import ClientCrisisResources
else:  # named, not imported: a model loads with the first request that needs it (cold start)
    (ClientCrisisResources,) = model_refs("chalicelib.homework.crisis", "ClientCrisisResources")

router = Router("crisis")


@router.route("/v1/client/crisis-resources", "GET", auth="client", response=ClientCrisisResources,
              summary="Where to get help now: your practice's crisis resources (or your country's) and your "
                      "latest safety plan", tags=("client",))
def client_crisis_resources(call: Call) -> ClientCrisisResources:
    from chalicelib.homework import crisis_service

    return crisis_service.for_client(call.principal)
