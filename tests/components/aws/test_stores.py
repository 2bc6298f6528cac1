"""PostgreSQL, Redis, buckets and secrets: sizes from the preset, TLS, protection, reachability."""

from __future__ import annotations

import json

from components.config import DataPlaneConfig
from components.sizing import presets
from tests.support.fakes_aws import fake_id
from tests.support.harness import Harness, unwrap
from tests.support.stacks import build_stack

from .conftest import aws_set, both, statements

RDS = "aws:rds/instance:Instance"
REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"


def _client_groups(stack: Harness, prefix: str) -> set[str]:
    return {r.inputs["referencedSecurityGroupId"]
            for r in stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            if r.name.startswith(prefix)}


# ----- PostgreSQL -----

def test_database_size_is_the_preset(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    size = presets.preset(cfg.cloud, cfg.size).postgres
    db = stack.one(RDS).inputs
    assert db["instanceClass"] == size.sku
    assert db["engine"] == "postgres" and db["engineVersion"] == "17"
    assert db["allocatedStorage"] == size.storage_gb and db["maxAllocatedStorage"] == size.max_storage_gb
    assert db["storageType"] == "gp3"
    assert db["backupRetentionPeriod"] == size.backup_retention_days
    if cfg.production:
        assert db["iops"] >= 15000 and db["storageThroughput"] == size.throughput_mibps
        assert db["allocatedStorage"] >= 1000
    else:
        assert "iops" not in db  # gp3 below 400 GB: baseline only


def test_database_is_multi_az_and_protected_only_in_production(staging: Harness, production: Harness):
    for h, prod in ((staging, False), (production, True)):
        db = h.one(RDS)
        assert db.inputs["multiAz"] is prod
        assert db.inputs["deletionProtection"] is prod
        assert h.registration(db.name, RDS).protect is prod
        assert db.inputs["skipFinalSnapshot"] is False
        assert db.inputs["finalSnapshotIdentifier"].endswith("-final-0a1b2c3d")


def test_database_enforces_tls_and_loads_upstream_tuning(stack: Harness):
    params = {p["name"]: p for p in stack.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    assert params["rds.force_ssl"]["value"] == "1"
    assert params["shared_preload_libraries"]["value"] == "pg_stat_statements,pg_hint_plan,pg_cron"
    assert params["statement_timeout"]["value"] == "3600000"
    db = stack.one(RDS).inputs
    assert db["publiclyAccessible"] is False
    assert db["performanceInsightsEnabled"] is True and db["monitoringInterval"] == 60
    assert db["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    exported = {g.inputs["name"] for g in stack.of_type("aws:cloudwatch/logGroup:LogGroup")
                if g.inputs["name"].startswith("/aws/rds/")}
    assert exported == {f"/aws/rds/instance/{db['identifier']}/postgresql",
                        f"/aws/rds/instance/{db['identifier']}/upgrade"}


def test_database_replacement_guards(stack: Harness):
    reg = stack.registration(stack.one(RDS).name, RDS)
    assert {"allocatedStorage", "kmsKeyId", "storageEncrypted", "dbName", "dbSubnetGroupName"} <= set(
        reg.ignore_changes)


def _clients(stack: Harness) -> set[str]:
    """The API functions, Brainstore and (when the ECS API is built) the API tasks."""
    suffixes = ("-sg-api", "-sg-brainstore", "-sg-api-tasks")
    return {fake_id("sg", g.name) for g in stack.of_type("aws:ec2/securityGroup:SecurityGroup")
            if g.name.endswith(suffixes)}


def test_database_admits_only_the_api_and_brainstore(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    prefix = stack.one(RDS).name.removesuffix("-instance")
    clients = _clients(stack)
    assert len(clients) == (3 if cfg.aws_section.api.ecs_built else 2)
    assert _client_groups(stack, f"{prefix}-from-") == clients
    ports = {r.inputs["fromPort"] for r in stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.name.startswith(f"{prefix}-from-")}
    assert ports == {5432}


def test_extra_database_clients_and_danger_flags():
    extra = "sg-0123456789abcdef0"
    h = build_stack("aws-staging", mutate=both(aws_set("database_extra_security_group_ids", [extra]),
                                               aws_set(".danger_skip_final_snapshot", True)))
    assert extra in _client_groups(h, "acme-stg-db-from-")
    assert h.one(RDS).inputs["skipFinalSnapshot"] is True


def test_database_url_secret_requires_tls_and_is_secret(stack: Harness):
    versions = [r for r in stack.of_type("aws:secretsmanager/secretVersion:SecretVersion")
                if r.name.endswith("-db-url")]
    assert len(versions) == 1
    url = unwrap(versions[0].inputs["secretString"])
    assert url.startswith("postgres://postgres:GENERATED-SECRET-") and url.endswith("/postgres?sslmode=require")
    credentials = next(r for r in stack.of_type("aws:secretsmanager/secretVersion:SecretVersion")
                       if r.name.endswith("-db-credentials"))
    assert json.loads(unwrap(credentials.inputs["secretString"]))["username"] == "postgres"


# ----- Redis -----

def test_redis_is_a_tls_replication_group_with_auth_and_the_preset_node(
        stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    size = presets.preset(cfg.cloud, cfg.size).redis
    redis = stack.one(REDIS).inputs
    assert redis["nodeType"] == size.sku and redis["engineVersion"] == size.version
    assert float(redis["engineVersion"]) >= 7
    assert redis["transitEncryptionEnabled"] is True and redis["transitEncryptionMode"] == "required"
    assert unwrap(redis["authToken"]).startswith("GENERATED-SECRET-")
    assert redis["maintenanceWindow"] == "sun:05:00-sun:06:00" and redis["snapshotWindow"] == "03:00-04:00"
    url = next(r for r in stack.of_type("aws:secretsmanager/secretVersion:SecretVersion")
               if r.name.endswith("-redis-url"))
    assert unwrap(url.inputs["secretString"]).startswith("rediss://:GENERATED-SECRET-")


def test_redis_has_a_replica_with_failover_only_in_production(staging: Harness, production: Harness):
    prod, stg = production.one(REDIS).inputs, staging.one(REDIS).inputs
    assert (prod["numCacheClusters"], prod["automaticFailoverEnabled"], prod["multiAzEnabled"]) == (2, True, True)
    assert (stg["numCacheClusters"], stg["automaticFailoverEnabled"], stg["multiAzEnabled"]) == (1, False, False)
    assert not prod["nodeType"].startswith("cache.t")  # seed: no burstable Redis in production
    assert production.registration(production.one(REDIS).name, REDIS).protect is True
    assert staging.registration(staging.one(REDIS).name, REDIS).protect is False


def test_redis_admits_only_the_api_and_brainstore(stack: Harness):
    prefix = stack.one(REDIS).name.removesuffix("-group")
    ports = {r.inputs["fromPort"] for r in stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.name.startswith(f"{prefix}-from-")}
    assert ports == {6379}
    assert _client_groups(stack, f"{prefix}-from-") == _clients(stack)


# ----- buckets -----

def test_buckets_are_private_versioned_tls_only_and_retained(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    buckets = stack.of_type("aws:s3/bucket:Bucket")
    assert sorted(b.inputs["bucket"] for b in buckets) == sorted(
        f"{cfg.deployment_name}-{kind}-{cfg.suffix}" for kind in ("brainstore", "code-bundles", "responses"))
    for b in buckets:
        reg = stack.registration(b.name, "aws:s3/bucket:Bucket")
        assert reg.retain_on_delete is True and reg.protect is cfg.production
        assert b.inputs["forceDestroy"] is False
    for block in stack.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        assert all(block.inputs[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                                      "restrictPublicBuckets"))
    versioning = stack.of_type("aws:s3/bucketVersioning:BucketVersioning")
    assert len(versioning) == 3
    assert all(v.inputs["versioningConfiguration"]["status"] == "Enabled" for v in versioning)
    for policy in stack.of_type("aws:s3/bucketPolicy:BucketPolicy"):
        deny = {s["Sid"]: s for s in statements(policy)}
        assert deny["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["DenyOutdatedTls"]["Condition"] == {"NumericLessThan": {"s3:TlsVersion": "1.2"}}
        assert all(s["Effect"] == "Deny" and s["Principal"] == "*" for s in deny.values())


def _rules(stack: Harness, kind: str) -> dict[str, dict]:
    config = next(r for r in stack.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
                  if r.name.endswith(f"-storage-{kind}"))
    return {rule["id"]: rule for rule in config.inputs["rules"]}


def test_lifecycle_rules_follow_upstream(stack: Harness):
    brainstore = _rules(stack, "brainstore")
    assert brainstore["expire-noncurrent-versions"]["noncurrentVersionExpiration"]["noncurrentDays"] == 7
    assert brainstore["abort-incomplete-uploads"]["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 1
    assert {r["filter"].get("prefix") for r in brainstore.values() if r["id"].endswith("delete-ops")} == {
        "brainstore/index/delete_ops/", "brainstore/wal/delete_ops/"}
    responses = _rules(stack, "responses")
    assert responses["expire-responses"]["expiration"]["days"] == 1
    assert _rules(stack, "code-bundles")["expire-noncurrent-versions"]["noncurrentVersionExpiration"][
        "noncurrentDays"] == 1


def test_cors_admits_the_control_plane_and_configured_origins(stack_and_config: tuple[Harness, DataPlaneConfig]):
    stack, cfg = stack_and_config
    cors = {r.name.split("-storage-")[1]: r.inputs["corsRules"][0]
            for r in stack.of_type("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")}
    assert set(cors) == {"code-bundles", "responses"}
    for rule in cors.values():
        assert rule["allowedOrigins"] == cfg.control_plane.cors_origins
        assert "https://www.braintrust.dev" in rule["allowedOrigins"]
    if cfg.control_plane.extra_cors_origins:
        assert "https://observability.acme.example.com" in cors["code-bundles"]["allowedOrigins"]
    assert cors["code-bundles"]["allowedMethods"] == ["PUT", "GET", "HEAD"]


def test_access_logging_only_when_configured(stack: Harness):
    assert not stack.of_type("aws:s3/bucketLogging:BucketLogging")
    h = build_stack("aws-staging", mutate=aws_set("s3_access_logs_bucket", "acme-s3-access-logs"))
    logging = h.of_type("aws:s3/bucketLogging:BucketLogging")
    assert len(logging) == 3
    assert {r.inputs["targetPrefix"] for r in logging} == {
        "acme-stg/brainstore/", "acme-stg/code-bundles/", "acme-stg/responses/"}


# ----- secrets -----

def test_secrets_use_the_cmk_and_staging_deletes_without_recovery(staging: Harness, production: Harness):
    assert {s.inputs["recoveryWindowInDays"] for s in staging.of_type("aws:secretsmanager/secret:Secret")} == {0}
    assert {s.inputs["recoveryWindowInDays"] for s in production.of_type("aws:secretsmanager/secret:Secret")} == {7}
    assert len(production.of_type("aws:secretsmanager/secret:Secret")) == 6
