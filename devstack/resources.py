"""Create the AWS resources the product needs, on the local endpoints.

Every function is idempotent: the local stack calls `ensure_resources` on every
start and the existing table, pool, bucket and key are found and kept. Clients
come from `chalicelib.aws`, so the caller points them at moto / DynamoDB Local
through the EMOTIPAL_* environment first.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from chalicelib.aws import client
from chalicelib.store.schema import ensure_table

USER_POOL_NAME = "emotipal-local-clinicians"
APP_CLIENT_NAME = "emotipal-local-web"
KMS_ALIAS = "alias/emotipal-local"

# Mirrors the production pool (infra/emotipal_infra/identity.py): email is the username, a strong password
# policy, optional TOTP MFA, and only administrators create accounts.
PASSWORD_POLICY = {
    "MinimumLength": 12,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 3,
}


@dataclass(frozen=True)
class LocalResources:
    table_name: str
    user_pool_id: str
    app_client_id: str
    exports_bucket: str
    ses_sender: str
    kms_key_id: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def ensure_resources(*, table_name: str, exports_bucket: str, ses_sender: str, region: str) -> LocalResources:
    """Create (or find) every resource and return their ids."""
    ensure_table(client("dynamodb"), table_name)
    kms_key_id = ensure_kms_key()
    ensure_exports_bucket(exports_bucket, region, kms_key_id)
    ensure_ses_sender(ses_sender)
    pool_id = ensure_user_pool()
    app_client_id = ensure_app_client(pool_id)
    return LocalResources(
        table_name=table_name,
        user_pool_id=pool_id,
        app_client_id=app_client_id,
        exports_bucket=exports_bucket,
        ses_sender=ses_sender,
        kms_key_id=kms_key_id,
    )


def ensure_kms_key() -> str:
    kms = client("kms")
    for page in kms.get_paginator("list_aliases").paginate():
        for alias in page["Aliases"]:
            if alias["AliasName"] == KMS_ALIAS and alias.get("TargetKeyId"):
                return alias["TargetKeyId"]
    key_id = kms.create_key(Description="Emotipal local data key", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=KMS_ALIAS, TargetKeyId=key_id)
    return key_id


def ensure_exports_bucket(bucket: str, region: str, kms_key_id: str) -> None:
    s3 = client("s3")
    try:
        create_args: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            create_args["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**create_args)
    except (s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
        pass
    # Same guarantees as production: never public, encrypted with our key.
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": kms_key_id,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )


def ensure_ses_sender(sender: str) -> None:
    """Verify the sender for SES v1 and v2, so either API can send from it."""
    ses = client("ses")
    if sender not in ses.list_identities(IdentityType="EmailAddress")["Identities"]:
        ses.verify_email_identity(EmailAddress=sender)
    sesv2 = client("sesv2")
    try:
        sesv2.get_email_identity(EmailIdentity=sender)
    except sesv2.exceptions.NotFoundException:
        sesv2.create_email_identity(EmailIdentity=sender)


def _find_user_pool(idp: Any) -> str | None:
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] == USER_POOL_NAME:
                return pool["Id"]
    return None


def ensure_user_pool() -> str:
    idp = client("cognito-idp")
    pool_id = _find_user_pool(idp)
    if pool_id is not None:
        return pool_id
    pool_id = idp.create_user_pool(
        PoolName=USER_POOL_NAME,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        Policies={"PasswordPolicy": PASSWORD_POLICY},
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": True},
        AccountRecoverySetting={"RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]},
        MfaConfiguration="OFF",
    )["UserPool"]["Id"]
    # TOTP must be enabled before MFA can be OPTIONAL (as in CreateUserPool on AWS
    # without an SMS configuration).
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    return pool_id


def ensure_app_client(pool_id: str) -> str:
    idp = client("cognito-idp")
    for page in idp.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60):
        for app_client in page["UserPoolClients"]:
            if app_client["ClientName"] == APP_CLIENT_NAME:
                return app_client["ClientId"]
    return idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=APP_CLIENT_NAME,
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=True,
        AccessTokenValidity=60,
        IdTokenValidity=60,
        RefreshTokenValidity=12,
        AuthSessionValidity=5,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "hours"},
    )["UserPoolClient"]["ClientId"]
