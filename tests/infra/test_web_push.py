"""The web push VAPID key: a KMS-encrypted secret that starts empty, named to both functions,
and readable by them alone (the sweep signs with it, the API serves its public half)."""
import json


def _functions(stack):
    return stack.resources("AWS::Serverless::Function")


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_vapid_secret_is_kms_encrypted_starts_without_a_key_and_is_named_to_both_functions(stack):
    secret_id, secret = stack.one("AWS::SecretsManager::Secret", "VapidSecret")
    properties = secret["Properties"]
    assert "KmsKeyId" in properties
    # CloudFormation cannot make a P-256 key: the app reads an empty private_key as "not set up".
    template = json.loads(properties["GenerateSecretString"]["SecretStringTemplate"])
    assert template == {"private_key": ""}
    assert "SecretString" not in properties
    assert secret["DeletionPolicy"] == ("Retain" if stack.stage == "prod" else "Delete")
    for name, function in _functions(stack).items():
        assert function["Properties"]["Environment"]["Variables"]["EMOTIPAL_VAPID_SECRET_ARN"] == {"Ref": secret_id}, name


def test_only_our_two_roles_may_read_the_vapid_secret_and_nothing_may_change_it(stack):
    secret_id = stack.one("AWS::SecretsManager::Secret", "VapidSecret")[0]
    signing_id = stack.one("AWS::SecretsManager::Secret", "SigningSecret")[0]
    readers = []
    for policy in stack.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if {"Ref": secret_id} in _as_list(statement["Resource"]):
                assert _as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"]
                # CDK merges the grant with the unsubscribe-link secret's: the same action, both secrets.
                assert set(map(json.dumps, _as_list(statement["Resource"]))) <= {
                    json.dumps({"Ref": secret_id}), json.dumps({"Ref": signing_id})}
                readers += [r["Ref"] for r in policy["Properties"]["Roles"]]
    assert sorted(r.split("Role")[0] for r in readers) == ["Api", "Sweep"]
