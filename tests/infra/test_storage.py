BLOCK_ALL = {
    "BlockPublicAcls": True,
    "BlockPublicPolicy": True,
    "IgnorePublicAcls": True,
    "RestrictPublicBuckets": True,
}


def test_every_bucket_blocks_public_access(stack):
    buckets = stack.resources("AWS::S3::Bucket")
    assert len(buckets) == 4  # access logs, CDN logs, exports, site
    for logical_id, bucket in buckets.items():
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == BLOCK_ALL, logical_id


def test_every_bucket_policy_denies_plain_http(stack):
    policies = stack.resources("AWS::S3::BucketPolicy")
    bucket_refs = {p["Properties"]["Bucket"]["Ref"] for p in policies.values()}
    assert bucket_refs == set(stack.resources("AWS::S3::Bucket"))
    for logical_id, policy in policies.items():
        denies = [
            s for s in policy["Properties"]["PolicyDocument"]["Statement"]
            if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
        ]
        assert denies and denies[0]["Action"] == "s3:*", logical_id


def test_exports_bucket_uses_sse_kms_with_its_own_rotating_key(stack):
    bucket = stack.one("AWS::S3::Bucket", "BucketsExports")[1]["Properties"]
    key_id, key = stack.one("AWS::KMS::Key", "BucketsExportsKey")
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms",
        "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]},
    }
    assert rule["BucketKeyEnabled"] is True
    assert key["Properties"]["EnableKeyRotation"] is True


def test_exports_expire_after_a_week_versioned_and_logged(stack):
    bucket = stack.one("AWS::S3::Bucket", "BucketsExports")[1]["Properties"]
    (rule,) = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled" and rule["ExpirationInDays"] == 7
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] == 1
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    logs_id = stack.one("AWS::S3::Bucket", "BucketsAccessLogs")[0]
    assert bucket["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": logs_id}


def test_site_bucket_is_reachable_only_by_the_distribution(stack):
    site_id = stack.one("AWS::S3::Bucket", "BucketsSite")[0]
    policy = next(
        p for p in stack.resources("AWS::S3::BucketPolicy").values() if p["Properties"]["Bucket"]["Ref"] == site_id
    )
    allows = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allows and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in allows)
    distribution_id = stack.one("AWS::CloudFront::Distribution")[0]
    assert all(distribution_id in str(s["Condition"]) for s in allows)
