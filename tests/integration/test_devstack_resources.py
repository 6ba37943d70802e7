"""The local stack's resources, created on DynamoDB Local and moto in server mode."""
from __future__ import annotations

import jwt
import pytest

from chalicelib.aws import client
from devstack.resources import (
    KMS_ALIAS,
    USER_POOL_NAME,
    ensure_resources,
)
from chalicelib.store.schema import GLOBAL_SECONDARY_INDEXES, TTL_ATTRIBUTE

PASSWORD = "Correct-horse-battery-9!"


def _ensure_again(local_env):
    return ensure_resources(
        table_name=local_env.table_name,
        exports_bucket=local_env.resources.exports_bucket,
        ses_sender=local_env.resources.ses_sender,
        region="eu-west-2",
    )


def test_creating_resources_twice_finds_the_same_ones(local_env):
    again = _ensure_again(local_env)

    assert again == local_env.resources
    pools = client("cognito-idp").list_user_pools(MaxResults=60)["UserPools"]
    assert [pool["Id"] for pool in pools if pool["Name"] == USER_POOL_NAME] == [local_env.user_pool_id]
    aliases = client("kms").list_aliases()["Aliases"]
    assert [alias["TargetKeyId"] for alias in aliases if alias["AliasName"] == KMS_ALIAS] == [
        local_env.resources.kms_key_id
    ]


def test_table_lives_on_dynamodb_local_with_its_indexes_and_ttl(local_env):
    dynamodb = client("dynamodb")
    assert dynamodb.meta.endpoint_url == local_env.dynamodb_endpoint
    assert local_env.dynamodb_endpoint != local_env.aws_endpoint

    table = dynamodb.describe_table(TableName=local_env.table_name)["Table"]

    assert table["TableStatus"] == "ACTIVE"
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"gsi1", "gsi2", "gsi3", "gsi4"}  # gsi3: the reminders due-index, gsi4: review feed
    for name, (partition, sort) in GLOBAL_SECONDARY_INDEXES.items():
        assert [k["AttributeName"] for k in indexes[name]["KeySchema"]] == [partition, sort]
        assert indexes[name]["Projection"]["ProjectionType"] == "ALL"
    ttl = dynamodb.describe_time_to_live(TableName=local_env.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == TTL_ATTRIBUTE
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING")


def test_dynamodb_local_enforces_limits_moto_lets_pass(local_env):
    # The point of DynamoDB Local: a table name under 3 characters is refused as on AWS.
    dynamodb = client("dynamodb")
    with pytest.raises(dynamodb.exceptions.ClientError):
        dynamodb.create_table(
            TableName="ab",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )


def test_user_pool_mirrors_production_settings(local_env):
    idp = client("cognito-idp")
    pool = idp.describe_user_pool(UserPoolId=local_env.user_pool_id)["UserPool"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 12
    assert all(policy[flag] for flag in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"))
    assert pool["UsernameAttributes"] == ["email"]
    mfa = idp.get_user_pool_mfa_config(UserPoolId=local_env.user_pool_id)
    assert mfa["MfaConfiguration"] == "OPTIONAL"
    assert mfa["SoftwareTokenMfaConfiguration"]["Enabled"] is True
    app_client = idp.describe_user_pool_client(
        UserPoolId=local_env.user_pool_id, ClientId=local_env.app_client_id
    )["UserPoolClient"]
    assert "ClientSecret" not in app_client
    assert set(app_client["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}


def test_an_administrator_created_user_signs_in_with_email_and_password(local_env):
    idp = client("cognito-idp")
    email = "signin-check@example.test"
    created = idp.admin_create_user(
        UserPoolId=local_env.user_pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )["User"]
    sub = {a["Name"]: a["Value"] for a in created["Attributes"]}["sub"]
    idp.admin_set_user_password(UserPoolId=local_env.user_pool_id, Username=email, Password=PASSWORD, Permanent=True)

    result = idp.initiate_auth(
        ClientId=local_env.app_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]

    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["sub"] == sub
    assert claims["email"] == email
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=local_env.app_client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD + "x"},
        )


def test_exports_bucket_is_private_and_encrypted_with_the_local_key(local_env):
    s3 = client("s3")
    bucket = local_env.resources.exports_bucket
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == local_env.resources.kms_key_id


@pytest.mark.parametrize("api", ["ses", "sesv2"])
def test_the_sender_can_send_through_either_ses_api(local_env, api):
    sender = local_env.resources.ses_sender
    if api == "ses":
        response = client("ses").send_email(
            Source=sender,
            Destination={"ToAddresses": ["someone@example.test"]},
            Message={"Subject": {"Data": "v1"}, "Body": {"Text": {"Data": "hello"}}},
        )
    else:
        response = client("sesv2").send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": ["someone@example.test"]},
            Content={"Simple": {"Subject": {"Data": "v2"}, "Body": {"Text": {"Data": "hello"}}}},
        )
    assert response["MessageId"]
