"""The single DynamoDB table, built from the product's own schema module."""
from __future__ import annotations

from aws_cdk import RemovalPolicy, aws_dynamodb as dynamodb, aws_kms as kms
from constructs import Construct

from chalicelib.store import schema

from .settings import StageSettings


def _string(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def global_secondary_indexes() -> list[dynamodb.GlobalSecondaryIndexPropsV2]:
    """Every GSI the schema declares (a new one there appears here without edits)."""
    return [
        dynamodb.GlobalSecondaryIndexPropsV2(
            index_name=name,
            partition_key=_string(pk),
            sort_key=_string(sk),
            projection_type=dynamodb.ProjectionType.ALL,
        )
        for name, (pk, sk) in schema.GLOBAL_SECONDARY_INDEXES.items()
    ]


class DataTable(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings) -> None:
        super().__init__(scope, construct_id)
        removal = RemovalPolicy.RETAIN if settings.protect_data else RemovalPolicy.DESTROY
        self.key = kms.Key(
            self,
            "TableKey",
            alias=f"alias/{settings.prefix}-table",
            description="Encrypts the Emotipal table (client health data).",
            enable_key_rotation=True,
            removal_policy=removal,
        )
        self.table = dynamodb.TableV2(
            self,
            "Table",
            table_name=settings.prefix,
            partition_key=_string(schema.PARTITION_KEY),
            sort_key=_string(schema.SORT_KEY),
            billing=dynamodb.Billing.on_demand(),
            global_secondary_indexes=global_secondary_indexes(),
            time_to_live_attribute=schema.TTL_ATTRIBUTE,
            encryption=dynamodb.TableEncryptionV2.customer_managed_key(self.key),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=settings.protect_data,
            removal_policy=removal,
        )
