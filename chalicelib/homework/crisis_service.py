"""What a client is shown in a crisis: the practice's resources (or its country's defaults)
and a link to the client's latest safety plan."""
from __future__ import annotations

from chalicelib.errors import NotFound
from chalicelib.homework import crisis
from chalicelib.identity.principals import ClientPrincipal
from chalicelib.store import keys, table


def for_client(principal: ClientPrincipal) -> crisis.ClientCrisisResources:
    """One BatchGet: the practice and the client's STATS item, where the latest safety plan
    submission is remembered when it is sent."""
    practice_key = keys.practice(principal.practice_id).as_dict()
    stats_key = keys.client_stats(principal.client_id).as_dict()
    found = {(item["pk"], item["sk"]): item for item in table.batch_get([practice_key, stats_key])}
    practice = found.get((practice_key["pk"], practice_key["sk"]))
    if practice is None:
        raise NotFound("No such practice.")
    stats = found.get((stats_key["pk"], stats_key["sk"])) or {}
    country = practice.get("country")
    return crisis.ClientCrisisResources(
        country=country,
        resources=crisis.resources_for(country, practice.get("crisis_resources")),
        safety_plan=stats.get("safety_plan"))
