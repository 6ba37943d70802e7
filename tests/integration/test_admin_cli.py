"""`emotipal-admin create-practice` against the real local services."""
from __future__ import annotations

import json
import re

from chalicelib import cli
from chalicelib.identity import cognito
from chalicelib.store import practices


def test_create_practice_prints_a_temporary_password_that_signs_in(local_env, capsys, tmp_path):
    env_file = tmp_path / "env.json"
    import os

    env_file.write_text(json.dumps({k: v for k, v in os.environ.items() if k.startswith("EMOTIPAL_")}))
    code = cli.main(["--env-file", str(env_file), "create-practice", "--name", "Riverside Therapy",
                     "--owner-email", "Founder@Riverside.example.com", "--owner-name", "Dr Rae"])
    out = capsys.readouterr().out
    assert code == 0, out
    practice_id = re.search(r"practice_id:\s+(\S+)", out).group(1)
    password = re.search(r"temporary password:\s+(\S+)", out).group(1)
    assert practices.get_practice(practice_id)["name"] == "Riverside Therapy"
    sub = cognito.find_user_sub("founder@riverside.example.com")
    assert practices.get_membership(sub)["role"] == "owner"
    assert cognito.login("founder@riverside.example.com", password)["challenge"] == "NEW_PASSWORD_REQUIRED"

    again = cli.main(["create-practice", "--name", "Other", "--owner-email", "founder@riverside.example.com"])
    assert again == 1
    assert cli.main(["create-practice", "--name", "Other", "--owner-email", "not-an-email"]) == 2
