"""The registry of reminder channels: what every channel declares, and who reads it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib import channels

REPO = Path(__file__).resolve().parents[3]


def test_the_registry_holds_email_sms_and_push_in_order():
    assert [name for name in channels.NAMES if name in ("email", "sms", "push")] == ["email", "sms", "push"]
    assert [c.order for c in channels.all_channels()] == sorted(c.order for c in channels.all_channels())


def test_an_unknown_channel_is_refused_everywhere():
    from pydantic import ValidationError

    from chalicelib.clients.models import ClientCreate
    from chalicelib.homework.models import ReminderSettings

    with pytest.raises(channels.UnknownChannel):
        channels.get("fax")
    with pytest.raises(ValidationError):
        ClientCreate.model_validate({"display_name": "A", "timezone": "UTC", "reminder_channels": ["fax"]})
    with pytest.raises(ValidationError):
        ReminderSettings.model_validate({"channels": ["fax"]})


def test_every_channel_declares_what_it_needs():
    for channel in channels.all_channels():
        assert channel.label and callable(channel.send_reminder)
        assert channel.contact is None or channel.missing_contact, channel.name
        assert channel.grants, f"{channel.name} sends without IAM actions"
        for grant in channel.grants:
            assert all(":" in action for action in grant.actions)
        for send in (channel.send_link, channel.send_alert):
            assert send is None or channel.contact, f"{channel.name} sends links or alerts to no address"


def test_the_client_models_plan_and_delivery_read_the_registry():
    from chalicelib.clients.models import AccessLinkCreate, Channel, ClientCreate
    from chalicelib.reminders.plan import effective_channels

    assert [c.value for c in Channel] == list(channels.NAMES)
    assert ClientCreate.model_fields["reminder_channels"].metadata[0].max_length == len(channels.NAMES)
    send_via = AccessLinkCreate.model_json_schema()["properties"]["send_via"]["anyOf"][0]["enum"]
    assert send_via == [c.name for c in channels.all_channels() if c.send_link]
    everything = {"reminder_channels": list(channels.NAMES), "email": "c@example.com", "phone": "+447911123456"}
    assert effective_channels({}, everything) == channels.NAMES


def test_no_module_outside_the_channels_names_a_channel_in_a_condition():
    """`if channel == "email"` belongs in chalicelib/channels only."""
    import re

    names = "|".join(channels.NAMES)
    pattern = re.compile(rf"""(==|!=|\bin)\s*\(?\s*["']({names})["']|["']({names})["']\s*(==|!=|in\b|not in\b)""")
    offenders = []
    for path in (REPO / "chalicelib").rglob("*.py"):
        if "channels" in path.relative_to(REPO / "chalicelib").parts[:1]:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_registry_imports_without_boto3_pydantic_or_the_app():
    """The CDK app reads the IAM grants in a virtualenv without the product's dependencies."""
    blocked = ("boto3", "botocore", "pydantic", "pydantic_core", "jinja2", "aws_lambda_powertools")
    code = ("import sys\n"
            f"for name in {blocked!r}: sys.modules[name] = None\n"
            "from chalicelib import channels\n"
            "print(','.join(channels.NAMES), len(channels.grants('api')), len(channels.grants('sweep')))\n"
            "assert not [m for m in sys.modules if m.startswith('chalicelib.') and m.split('.')[1] "
            "not in ('channels',)], sorted(sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == ",".join(channels.NAMES)
