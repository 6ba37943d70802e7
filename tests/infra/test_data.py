from chalicelib.store import schema


def _table(stack):
    return stack.one("AWS::DynamoDB::GlobalTable")[1]["Properties"]


def test_table_keys_come_from_the_schema(stack):
    keys = {k["AttributeName"]: k["KeyType"] for k in _table(stack)["KeySchema"]}
    assert keys == {schema.PARTITION_KEY: "HASH", schema.SORT_KEY: "RANGE"}


def test_every_schema_gsi_is_deployed_with_its_keys(stack):
    deployed = {
        index["IndexName"]: {k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]}
        for index in _table(stack)["GlobalSecondaryIndexes"]
    }
    expected = {name: {"HASH": pk, "RANGE": sk} for name, (pk, sk) in schema.GLOBAL_SECONDARY_INDEXES.items()}
    assert deployed == expected


def test_ttl_uses_the_schema_attribute(stack):
    assert _table(stack)["TimeToLiveSpecification"] == {"AttributeName": schema.TTL_ATTRIBUTE, "Enabled": True}


def test_table_is_encrypted_with_a_rotating_customer_managed_key(stack):
    table = _table(stack)
    assert table["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    key_id, key = stack.one("AWS::KMS::Key", "DataTableKey")
    assert key["Properties"]["EnableKeyRotation"] is True
    (replica,) = table["Replicas"]
    assert replica["SSESpecification"]["KMSMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_point_in_time_recovery_is_on(stack):
    (replica,) = _table(stack)["Replicas"]
    assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


def test_on_demand_billing(stack):
    assert _table(stack)["BillingMode"] == "PAY_PER_REQUEST"


def test_prod_table_is_protected_and_retained(stacks):
    prod = stacks["prod"].one("AWS::DynamoDB::GlobalTable")[1]
    assert prod["Properties"]["Replicas"][0]["DeletionProtectionEnabled"] is True
    assert prod["DeletionPolicy"] == "Retain"
    dev = stacks["dev"].one("AWS::DynamoDB::GlobalTable")[1]
    assert dev["Properties"]["Replicas"][0].get("DeletionProtectionEnabled", False) is False
    assert dev["DeletionPolicy"] == "Delete"
