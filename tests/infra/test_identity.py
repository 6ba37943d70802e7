def _pool(stack):
    return stack.one("AWS::Cognito::UserPool")[1]


def test_clinicians_sign_in_with_email_and_are_invited(stack):
    pool = _pool(stack)["Properties"]
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_password_policy_is_twelve_characters_of_every_class(stack):
    policy = _pool(stack)["Properties"]["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] >= 12
    assert all(policy[k] for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols"))


def test_mfa_optional_in_dev_totp_required_in_prod(stacks):
    dev = _pool(stacks["dev"])["Properties"]
    prod = _pool(stacks["prod"])["Properties"]
    assert dev["MfaConfiguration"] == "OPTIONAL"
    assert prod["MfaConfiguration"] == "ON"
    assert prod["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_threat_protection_is_enforced(stack):
    pool = _pool(stack)["Properties"]
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "ENFORCED"


def test_prod_pool_cannot_be_deleted(stacks):
    assert _pool(stacks["prod"])["Properties"]["DeletionProtection"] == "ACTIVE"
    assert _pool(stacks["prod"])["DeletionPolicy"] == "Retain"
    assert _pool(stacks["dev"])["Properties"].get("DeletionProtection", "INACTIVE") == "INACTIVE"


def test_app_client_has_no_secret_and_only_password_and_refresh_flows(stack):
    client = stack.one("AWS::Cognito::UserPoolClient")[1]["Properties"]
    assert client.get("GenerateSecret", False) is False
    assert sorted(client["ExplicitAuthFlows"]) == ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_PASSWORD_AUTH"]
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["AccessTokenValidity"] == 60 and client["TokenValidityUnits"]["AccessToken"] == "minutes"
