"""The template catalogue a clinician sees: the built-in library plus the practice's
own templates (shared with the practice, or private to their author)."""
from __future__ import annotations

from typing import Any

from chalicelib.errors import Conflict, FieldErrors, Forbidden, NotFound
from chalicelib.fields import iso, new_id, utc_now
from chalicelib.homework.library import get_library_template, list_library
from chalicelib.homework.models import TemplateCreate, TemplateDetail, TemplateSummary, TemplateUpdate
from chalicelib.homework.templates import Template
from chalicelib.identity.principals import Clinician
from chalicelib.store import homework as store
from chalicelib.store.table import ConditionFailed


def _library_summary(template: Template) -> TemplateSummary:
    return TemplateSummary(template_id=template.id, version=template.version, title=template.title,
                           kind=template.kind, description=template.description, source="library",
                           licence=template.licence)


def _visible(actor: Clinician, head: dict[str, Any] | None) -> bool:
    if not head or head.get("practice_id") != actor.practice_id:
        return False
    return head.get("shared", True) or head.get("owner_id") == actor.sub or actor.manages_practice


def _visible_head(actor: Clinician, template_id: str) -> dict[str, Any]:
    """The practice template's head, or NotFound if it is missing or not for this clinician's eyes."""
    head = store.get_template_head(template_id)
    if head is None or not _visible(actor, head):
        raise NotFound("No such template.")
    return head


def list_templates(actor: Clinician) -> list[TemplateSummary]:
    items = [_library_summary(t) for t in list_library()]
    for head in store.list_practice_templates(actor.practice_id):
        if _visible(actor, head) and not head.get("archived"):
            items.append(TemplateSummary(template_id=head["template_id"], version=head["version"],
                                         title=head["title"], kind=head["kind"],
                                         description=head.get("description", ""), source="practice",
                                         shared=head.get("shared", True), owner_id=head.get("owner_id")))
    return items


def resolve(actor: Clinician, template_id: str, version: int | None = None) -> tuple[Template, dict[str, Any]]:
    """The template version (as a validated Template) and its catalogue facts, or NotFound."""
    library = get_library_template(template_id)
    if library is not None:
        if version not in (None, library.version):
            raise NotFound("No such version of this template.")
        return library, {"source": "library", "latest_version": library.version, "shared": True,
                         "owner_id": None, "based_on": None}
    head = _visible_head(actor, template_id)
    wanted = version or head["version"]
    stored = store.get_template_version(template_id, wanted)
    if stored is None:
        raise NotFound("No such version of this template.")
    template = Template.model_validate({**stored["content"], "id": template_id, "version": wanted})
    return template, {"source": "practice", "latest_version": head["version"], "shared": head.get("shared", True),
                      "owner_id": head.get("owner_id"), "based_on": head.get("based_on"),
                      "archived": bool(head.get("archived"))}


def resolve_for_new_assignment(actor: Clinician, template_id: str,
                               version: int | None = None) -> tuple[Template, dict[str, Any]]:
    """`resolve`, refusing an archived template (assignments made before keep working)."""
    template, facts = resolve(actor, template_id, version)
    if facts.get("archived"):
        raise FieldErrors.one("template_id", "this template is archived; restore it or choose another", "archived")
    return template, facts


def detail(template: Template, facts: dict[str, Any]) -> TemplateDetail:
    return TemplateDetail(template_id=template.id, version=template.version, content=template.model_dump(mode="json",
                          exclude={"id", "version"}), **facts)


def create(actor: Clinician, body: TemplateCreate) -> TemplateDetail:
    if body.based_on:
        resolve(actor, body.based_on)  # must be something this clinician may see
    template_id = new_id()
    content = body.content.model_dump(mode="json")
    now = iso(utc_now())
    head = {"template_id": template_id, "practice_id": actor.practice_id, "owner_id": actor.sub,
            "shared": body.shared, "based_on": body.based_on, "title": body.content.title,
            "kind": body.content.kind, "description": body.content.description, "created_at": now,
            "updated_at": now}
    store.create_template(head, content)
    return detail(*resolve(actor, template_id))


def update(actor: Clinician, template_id: str, body: TemplateUpdate) -> TemplateDetail:
    if get_library_template(template_id) is not None:
        raise Forbidden("Library templates cannot be changed; adapt a copy instead.")
    head = _visible_head(actor, template_id)
    if head["owner_id"] != actor.sub and not actor.manages_practice:
        raise Forbidden("Only the template's author or a practice admin can change it.")
    if body.version != head["version"]:
        raise Conflict("This template has a newer version; reload it first.")
    changed = {**head, "title": body.content.title, "kind": body.content.kind,
               "description": body.content.description, "updated_at": iso(utc_now())}
    if body.shared is not None:
        changed["shared"] = body.shared
    try:
        store.add_template_version(changed, body.content.model_dump(mode="json"))
    except ConditionFailed:
        raise Conflict("This template has a newer version; reload it first.") from None
    return detail(*resolve(actor, template_id))


def set_archived(actor: Clinician, template_id: str, archived: bool) -> TemplateDetail:
    """Archive (hide from the list, refuse for new assignments) or restore a custom template.

    Its author and the practice's owners and admins may; existing assignments are untouched.
    """
    if get_library_template(template_id) is not None:
        raise Forbidden("Library templates cannot be archived.")
    head = _visible_head(actor, template_id)
    if head["owner_id"] != actor.sub and not actor.manages_practice:
        raise Forbidden("Only the template's author or a practice admin can archive it.")
    if bool(head.get("archived")) != archived:
        now = iso(utc_now())
        changes = {"archived_at": now, "archived_by": actor.sub} if archived else {"archived_at": None,
                                                                                   "archived_by": None}
        try:
            store.set_template_archived(head, archived, {**changes, "updated_at": now})
        except ConditionFailed:
            raise Conflict("This template changed at the same time; reload it and try again.") from None
    return detail(*resolve(actor, template_id))
