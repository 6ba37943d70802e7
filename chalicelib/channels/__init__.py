"""The registry of reminder channels: one module per channel in this package.

Each module (`email`, `sms`, `push`, ...) defines `CHANNEL`, a `Channel` that says how it
sends, which profile field it sends to, how its messages offer to stop it and which IAM
actions it needs. Everything else (the client models, the reminder plan, delivery, the
unsubscribe links, the CDK permissions) reads this registry, so adding a channel is one
module, its message templates and its tests.

Importing this package loads the channel modules and checks them; a module that does not
declare a proper channel named after itself fails the import. Channel modules import
boto3 and the rest of the app only inside their functions: the CDK app imports this
package without them.
"""
from __future__ import annotations

import importlib
import pkgutil

from chalicelib.channels._base import FUNCTIONS, RESOURCES, Channel, Grant

__all__ = ["FUNCTIONS", "RESOURCES", "Channel", "Grant", "UnknownChannel", "NAMES", "all_channels", "get", "grants"]


class UnknownChannel(KeyError):
    pass


def _load() -> dict[str, Channel]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        channel = getattr(module, "CHANNEL", None)
        if not isinstance(channel, Channel) or channel.name != info.name:
            raise ImportError(f"{module.__name__} must define CHANNEL = Channel(name={info.name!r}, ...)")
        found.append(channel)
    orders = [c.order for c in found]
    if len(set(orders)) != len(orders):
        raise ImportError(f"two channels share an order: {sorted(orders)}")
    return {c.name: c for c in sorted(found, key=lambda c: c.order)}


_CHANNELS = _load()
NAMES: tuple[str, ...] = tuple(_CHANNELS)


def get(name: str) -> Channel:
    try:
        return _CHANNELS[name]
    except KeyError:
        raise UnknownChannel(name) from None


def all_channels() -> tuple[Channel, ...]:
    return tuple(_CHANNELS.values())


def grants(function: str) -> list[Grant]:
    """Every channel's IAM grants for one function ("api" or "sweep")."""
    if function not in FUNCTIONS:
        raise ValueError(f"unknown function {function!r}")
    return [g for c in _CHANNELS.values() for g in c.grants if function in g.functions]
