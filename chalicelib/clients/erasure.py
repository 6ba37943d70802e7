"""Erasing a client (DELETE /v1/clients/{id}): one workflow that asks each owner of the
client's data to erase its part, in an order that makes a failed erasure resumable.

Each step is idempotent. The profile goes last: it is what lets a repeated DELETE find
the client, so whatever a failure part-way left behind is reached by the retry. The
audit trail is kept (it lives in its own partition).

Sign-in tokens and device sessions (store/signin.py) are not a step: keyed by the hash of
their token, they hold only the hash of the access link and their times — nothing that
names the client — and with the link erased they open nothing. Their TTL removes them.
"""
from __future__ import annotations

from collections.abc import Callable

from chalicelib.clients import service
from chalicelib.exports import service as exports
from chalicelib.identity.principals import Clinician
from chalicelib.reminders import devices
from chalicelib.store import clients as client_store
from chalicelib.store import homework as homework_store
from chalicelib.store import links as link_store


def steps() -> list[tuple[str, Callable[[str], object]]]:
    """(name, step) in order, each owner's own `erase_client`."""
    return [
        ("push devices", devices.erase_client_devices),   # SNS endpoints, then the device items
        ("exports", exports.erase_client),                  # S3 objects, then the export records
        ("homework", homework_store.erase_client),          # the rest of the client's partition
        ("access link", link_store.erase_client),
        ("profile", client_store.erase_profile),            # last: see above
    ]


def erase(actor: Clinician, client_id: str) -> None:
    """Erase everything of a client `actor` may see (NotFound otherwise, or once erased)."""
    service.get_for_clinician(actor, client_id, consistent=True)
    for _name, step in steps():
        step(client_id)
