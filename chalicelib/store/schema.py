"""The table's physical shape: key attributes, GSIs and TTL.

The local stack, the tests and the CDK app all build the table from this module, so
the three cannot drift apart.
"""
from __future__ import annotations

from typing import Any

PARTITION_KEY = "pk"
SORT_KEY = "sk"
# Expiring items carry epoch seconds here; DynamoDB TTL deletes them lazily, so
# reads check it too.
TTL_ATTRIBUTE = "expires_at"

# Overloaded secondary indexes: name -> (partition attribute, sort attribute).
# gsi1: caseload of a clinician, members of a practice.
# gsi2: all clients of a practice.
# gsi3: sparse due-index of reminders (time-bucketed, sharded partitions) and the
#       clinicians who asked for a daily digest.
# gsi4: a client's review feed (what the next-session review reads in one Query).
GLOBAL_SECONDARY_INDEXES: dict[str, tuple[str, str]] = {
    "gsi1": ("gsi1pk", "gsi1sk"),
    "gsi2": ("gsi2pk", "gsi2sk"),
    "gsi3": ("gsi3pk", "gsi3sk"),
    "gsi4": ("gsi4pk", "gsi4sk"),
}


def create_table_kwargs(table_name: str) -> dict[str, Any]:
    """Arguments for `dynamodb.create_table` (on-demand, every GSI projecting ALL)."""
    attributes = {PARTITION_KEY, SORT_KEY}
    for pk, sk in GLOBAL_SECONDARY_INDEXES.values():
        attributes.update((pk, sk))
    return {
        "TableName": table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": name, "AttributeType": "S"} for name in sorted(attributes)
        ],
        "KeySchema": [
            {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": SORT_KEY, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [gsi_definition(name) for name in GLOBAL_SECONDARY_INDEXES],
    }


def gsi_definition(name: str) -> dict[str, Any]:
    pk, sk = GLOBAL_SECONDARY_INDEXES[name]
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": pk, "KeyType": "HASH"},
            {"AttributeName": sk, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


def ensure_table(dynamodb: Any, table_name: str) -> None:
    """Create the table, or add GSIs a newer schema introduced, and enable TTL.

    Idempotent: the local stack calls it on every start, keeping existing data.
    """
    try:
        described = dynamodb.describe_table(TableName=table_name)["Table"]
    except dynamodb.exceptions.ResourceNotFoundException:
        dynamodb.create_table(**create_table_kwargs(table_name))
        dynamodb.get_waiter("table_exists").wait(TableName=table_name)
        described = dynamodb.describe_table(TableName=table_name)["Table"]
    existing = {g["IndexName"] for g in described.get("GlobalSecondaryIndexes", [])}
    for name in GLOBAL_SECONDARY_INDEXES:
        if name in existing:
            continue
        pk, sk = GLOBAL_SECONDARY_INDEXES[name]
        dynamodb.update_table(
            TableName=table_name,
            AttributeDefinitions=[
                {"AttributeName": pk, "AttributeType": "S"},
                {"AttributeName": sk, "AttributeType": "S"},
            ],
            GlobalSecondaryIndexUpdates=[{"Create": gsi_definition(name)}],
        )
    try:
        dynamodb.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )
    except dynamodb.exceptions.ClientError as error:  # already enabled
        if "already enabled" not in str(error).lower():
            raise
