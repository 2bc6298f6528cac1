"""A failing and a passing fixture for every rule: the smallest resource(s) that break it or satisfy it.

Properties are camelCase engine inputs, exactly as pulumi-aws 7 / pulumi-gcp 10 / pulumi-azure-native 3 /
pulumi-kubernetes 4 send them (tests/policy/test_fixtures_are_real.py checks every key against the SDKs).
A resource-rule case is one ``R``; a stack-rule case is a list of ``R`` (``depends`` names others).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

PROD = {"braintrust-deployment": "acme", "braintrust-size": "production", "managed-by": "pulumi"}
STG = {"braintrust-deployment": "acme", "braintrust-size": "staging", "managed-by": "pulumi"}
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
GCP_KEY = "projects/acme/locations/us-central1/keyRings/acme/cryptoKeys/data"
VAULT_KEY_URI = "https://acme-kv.vault.azure.net/keys/data"
IDENTITY = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/acme"
# Made-up credentials in their providers' formats, assembled so this file does not itself look like it holds any.
FAKE_OPENAI_KEY = "sk-" + "proj-" + "x1Y2z3W4" * 6
FAKE_AWS_KEY_ID = "AKIA" + "Q7R2" * 4
FAKE_GITHUB_TOKEN = "ghp_" + "aB3dE5gH7j" * 4
FAKE_ANTHROPIC_KEY = "sk-ant-" + "api03-" + "Zz9" * 20


@dataclass(frozen=True)
class R:
    type: str
    props: dict[str, Any]
    name: str = "r"
    protect: bool = False
    depends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fixtures:
    bad: list[Any]
    good: list[Any]
    config: dict[str, Any] = field(default_factory=dict)


# ----- AWS -----

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"
SNS_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:acme-alerts-page"
ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel"
ACTION_GROUP = "azure-native:monitor:ActionGroup"
METRIC_ALERT = "azure-native:monitor:MetricAlert"

RDS = "aws:rds/instance:Instance"
RDS_GOOD = {
    "engine": "postgres", "storageEncrypted": True, "kmsKeyId": KEY_ARN, "publiclyAccessible": False,
    "deletionProtection": True, "skipFinalSnapshot": False, "parameterGroupName": "acme-pg17",
    "multiAz": True, "backupRetentionPeriod": 14.0, "tags": PROD,
}
BUCKET = "aws:s3/bucket:Bucket"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SSE_GOOD = {"bucket": "acme-brainstore", "rules": [
    {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN},
     "bucketKeyEnabled": True}]}
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
PAB_GOOD = {"bucket": "acme-brainstore", "blockPublicAcls": True, "blockPublicPolicy": True,
            "ignorePublicAcls": True, "restrictPublicBuckets": True}
TLS_POLICY = ('{"Version":"2012-10-17","Statement":[{"Sid":"DenyPlainHttp","Effect":"Deny","Principal":"*",'
              '"Action":"s3:*","Resource":["arn:aws:s3:::acme-brainstore","arn:aws:s3:::acme-brainstore/*"],'
              '"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}')
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LT = "aws:ec2/launchTemplate:LaunchTemplate"
LT_GOOD = {
    "metadataOptions": {"httpTokens": "required", "httpEndpoint": "enabled", "httpPutResponseHopLimit": 2.0},
    "blockDeviceMappings": [{"deviceName": "/dev/xvda",
                             "ebs": {"encrypted": "true", "kmsKeyId": KEY_ARN, "volumeSize": 100.0}}],
    "userData": "IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo=",  # "#!/bin/bash\necho hello\n"
    "tags": PROD,
    "tagSpecifications": [{"resourceType": "instance", "tags": PROD}, {"resourceType": "volume", "tags": PROD}],
}
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
LAMBDA = "aws:lambda/function:Function"
IAM_POLICY = "aws:iam/policy:Policy"
RG = "aws:elasticache/replicationGroup:ReplicationGroup"
RG_GOOD = {"atRestEncryptionEnabled": True, "transitEncryptionEnabled": True, "transitEncryptionMode": "required",
           "kmsKeyId": KEY_ARN, "automaticFailoverEnabled": True, "multiAzEnabled": True,
           "numCacheClusters": 2.0, "tags": PROD}
ASG = "aws:autoscaling/group:Group"
ECS_SERVICE = "aws:ecs/service:Service"
ECS_SERVICE_GOOD = {"name": "acme-braintrust-api", "launchType": "FARGATE", "enableExecuteCommand": False,
                    "networkConfiguration": {"subnets": ["subnet-1"], "securityGroups": ["sg-1"],
                                             "assignPublicIp": False}, "tags": PROD}
ECS_CLUSTER = "aws:ecs/cluster:Cluster"
ECS_CLUSTER_GOOD = {"name": "acme", "tags": PROD, "configuration": {
    "executeCommandConfiguration": {"kmsKeyId": KEY_ARN, "logging": "DEFAULT"},
    "managedStorageConfiguration": {"kmsKeyId": KEY_ARN, "fargateEphemeralStorageKmsKeyId": KEY_ARN}}}
TASK = "aws:ecs/taskDefinition:TaskDefinition"
TASK_LOGS_GOOD = ('[{"name":"api","logConfiguration":{"logDriver":"awslogs","options":{'
                  '"awslogs-group":"/braintrust/acme/braintrust-api","awslogs-region":"us-east-1"}}}]')
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
VPC_ORIGIN = "aws:cloudfront/vpcOrigin:VpcOrigin"
CDN = "aws:cloudfront/distribution:Distribution"
CDN_GOOD = {
    "enabled": True, "tags": PROD,
    "viewerCertificate": {"acmCertificateArn": "arn:aws:acm:us-east-1:444455556666:certificate/x",
                          "minimumProtocolVersion": "TLSv1.2_2021", "sslSupportMethod": "sni-only"},
    "origins": [{"originId": "api", "domainName": "a1b2.execute-api.us-east-1.amazonaws.com",
                 "customOriginConfig": {"originProtocolPolicy": "https-only", "originSslProtocols": ["TLSv1.2"],
                                        "httpPort": 80.0, "httpsPort": 443.0}}],
    "defaultCacheBehavior": {"targetOriginId": "api", "viewerProtocolPolicy": "https-only",
                             "allowedMethods": ["GET", "HEAD"], "cachedMethods": ["GET", "HEAD"]},
}

AWS: dict[str, Fixtures] = {
    "aws-rds-encrypted-with-cmk": Fixtures(
        bad=[R(RDS, {**RDS_GOOD, "storageEncrypted": False}), R(RDS, {**RDS_GOOD, "kmsKeyId": None}),
             R(RDS, {**RDS_GOOD, "performanceInsightsEnabled": True})],
        good=[R(RDS, RDS_GOOD), R(RDS, {**RDS_GOOD, "performanceInsightsEnabled": True,
                                        "performanceInsightsKmsKeyId": KEY_ARN})],
    ),
    "aws-rds-not-public": Fixtures(
        bad=[R(RDS, {**RDS_GOOD, "publiclyAccessible": True})],
        good=[R(RDS, RDS_GOOD), R(RDS, {k: v for k, v in RDS_GOOD.items() if k != "publiclyAccessible"})],
    ),
    "aws-rds-deletion-safeguards": Fixtures(
        bad=[R(RDS, {**RDS_GOOD, "deletionProtection": False}), R(RDS, {**RDS_GOOD, "skipFinalSnapshot": True}),
             R(RDS, {k: v for k, v in RDS_GOOD.items() if k not in ("deletionProtection", "tags")})],
        good=[R(RDS, RDS_GOOD), R(RDS, {**RDS_GOOD, "deletionProtection": False, "skipFinalSnapshot": True,
                                        "tags": STG})],
    ),
    "aws-rds-tls-enforced": Fixtures(
        bad=[R("aws:rds/parameterGroup:ParameterGroup",
               {"family": "postgres17", "parameters": [{"name": "log_min_duration_statement", "value": "500"}]}),
             R(RDS, {**RDS_GOOD, "parameterGroupName": "default.postgres17"}),
             R(RDS, {k: v for k, v in RDS_GOOD.items() if k != "parameterGroupName"})],
        good=[R("aws:rds/parameterGroup:ParameterGroup",
                {"family": "postgres17", "parameters": [{"name": "rds.force_ssl", "value": "1",
                                                         "applyMethod": "pending-reboot"}]}),
              R(RDS, RDS_GOOD), R(RDS, {"engine": "mysql", "parameterGroupName": "default.mysql8.0"})],
    ),
    "aws-elasticache-encrypted": Fixtures(
        bad=[R(RG, {**RG_GOOD, "atRestEncryptionEnabled": False}),
             R(RG, {**RG_GOOD, "transitEncryptionMode": "preferred"}),
             R(RG, {**RG_GOOD, "kmsKeyId": ""}), R("aws:elasticache/cluster:Cluster", {"engine": "redis"})],
        good=[R(RG, RG_GOOD), R("aws:elasticache/serverlessCache:ServerlessCache", {"kmsKeyId": KEY_ARN})],
    ),
    "aws-s3-encrypted-with-cmk": Fixtures(
        bad=[R(SSE, {"bucket": "b", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]}),
             R(SSE, {"bucket": "b", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}),
             R(SSE, {"bucket": "b"})],
        good=[R(SSE, SSE_GOOD)],
    ),
    "aws-s3-public-access-blocked": Fixtures(
        bad=[R(PAB, {**PAB_GOOD, "restrictPublicBuckets": False}), R(BUCKET, {"bucket": "b", "acl": "public-read"})],
        good=[R(PAB, PAB_GOOD), R(BUCKET, {"bucket": "b", "tags": PROD})],
    ),
    "aws-s3-tls-only": Fixtures(
        bad=[R(BUCKET_POLICY, {"bucket": "b", "policy": '{"Statement":[{"Effect":"Allow","Principal":"*",'
                                                         '"Action":"s3:GetObject","Resource":"*"}]}'}),
             R(BUCKET_POLICY, {"bucket": "b", "policy": "not json"})],
        good=[R(BUCKET_POLICY, {"bucket": "acme-brainstore", "policy": TLS_POLICY})],
    ),
    "aws-s3-bucket-safeguards-present": Fixtures(
        bad=[[R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs")],
             [R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs"),
              R(SSE, SSE_GOOD, name="bs-sse", depends=("bs",)), R(PAB, PAB_GOOD, name="bs-pab", depends=("bs",))]],
        good=[[R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs"),
               R(SSE, SSE_GOOD, name="bs-sse", depends=("bs",)), R(PAB, PAB_GOOD, name="bs-pab", depends=("bs",)),
               R(BUCKET_POLICY, {"bucket": "acme-brainstore", "policy": TLS_POLICY}, name="bs-tls",
                 depends=("bs",))],
              # matched by bucket name when the dependency is not recorded
              [R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs"), R(SSE, SSE_GOOD, name="bs-sse"),
               R(PAB, PAB_GOOD, name="bs-pab"),
               R(BUCKET_POLICY, {"bucket": "acme-brainstore", "policy": TLS_POLICY}, name="bs-tls")]],
    ),
    "aws-kms-rotation": Fixtures(
        bad=[R("aws:kms/key:Key", {"enableKeyRotation": False}),
             R("aws:kms/key:Key", {"enableKeyRotation": True, "rotationPeriodInDays": 730.0})],
        good=[R("aws:kms/key:Key", {"enableKeyRotation": True, "rotationPeriodInDays": 365.0}),
              R("aws:kms/key:Key", {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"})],
    ),
    "aws-ec2-imdsv2-required": Fixtures(
        bad=[R(LT, {**LT_GOOD, "metadataOptions": {"httpTokens": "optional"}}), R(LT, {"imageId": "ami-1"}),
             R("aws:ec2/instance:Instance", {"ami": "ami-1"})],
        good=[R(LT, LT_GOOD), R("aws:ec2/instance:Instance", {"metadataOptions": {"httpEndpoint": "disabled"}})],
    ),
    "aws-ebs-encrypted-with-cmk": Fixtures(
        bad=[R(LT, {**LT_GOOD, "blockDeviceMappings": []}),
             R(LT, {**LT_GOOD, "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "false"}}]}),
             R("aws:ebs/volume:Volume", {"encrypted": True}),
             R("aws:ec2/instance:Instance", {"rootBlockDevice": {"encrypted": False}})],
        good=[R(LT, LT_GOOD), R("aws:ebs/volume:Volume", {"encrypted": True, "kmsKeyId": KEY_ARN}),
              R("aws:ec2/instance:Instance", {"rootBlockDevice": {"encrypted": True, "kmsKeyId": KEY_ARN}})],
    ),
    "aws-no-public-ingress": Fixtures(
        bad=[R(INGRESS, {"cidrIpv4": "0.0.0.0/0", "fromPort": 5432.0, "toPort": 5432.0, "ipProtocol": "tcp"}),
             R(INGRESS, {"cidrIpv6": "::/0", "ipProtocol": "-1"}),
             R(SG, {"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 22.0, "toPort": 22.0, "protocol": "tcp"}]}),
             R("aws:ec2/securityGroupRule:SecurityGroupRule",
               {"type": "ingress", "cidrBlocks": ["0.0.0.0/0"], "fromPort": 0.0, "toPort": 65535.0,
                "protocol": "tcp"}),
             # the internet in pieces, and a prefix broader than /8
             R(SG, {"ingress": [{"cidrBlocks": ["0.0.0.0/1", "128.0.0.0/1"], "fromPort": 5432.0, "toPort": 5432.0,
                                 "protocol": "tcp"}]}),
             R(INGRESS, {"cidrIpv4": "8.0.0.0/7", "fromPort": 22.0, "toPort": 22.0, "ipProtocol": "tcp"})],
        good=[R(INGRESS, {"cidrIpv4": "0.0.0.0/0", "fromPort": 443.0, "toPort": 443.0, "ipProtocol": "tcp"}),
              # all private ranges together are more than 2^24 addresses, but none of them is the internet
              R(SG, {"ingress": [{"cidrBlocks": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
                                  "fromPort": 5432.0, "toPort": 5432.0, "protocol": "tcp"}]}),
              R(INGRESS, {"cidrIpv4": "198.51.100.0/24", "fromPort": 22.0, "toPort": 22.0, "ipProtocol": "tcp"}),
              R(INGRESS, {"cidrIpv4": "10.175.0.0/16", "fromPort": 5432.0, "toPort": 5432.0, "ipProtocol": "tcp"}),
              R(INGRESS, {"referencedSecurityGroupId": "sg-0123456789abcdef0", "fromPort": 6379.0,
                          "toPort": 6379.0, "ipProtocol": "tcp"}),
              R(SG, {"ingress": [], "egress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 0.0, "toPort": 0.0,
                                                "protocol": "-1"}]})],
    ),
    "aws-default-security-group-closed": Fixtures(
        bad=[R("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
               {"vpcId": "vpc-1", "ingress": [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "self": True}]}),
             R("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
               {"vpcId": "vpc-1", "egress": [{"protocol": "-1", "fromPort": 0.0, "toPort": 0.0,
                                              "cidrBlocks": ["0.0.0.0/0"]}]})],
        good=[R("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", {"vpcId": "vpc-1", "tags": PROD})],
    ),
    "aws-load-balancers-internal": Fixtures(
        bad=[R("aws:lb/loadBalancer:LoadBalancer", {"loadBalancerType": "network", "internal": False}),
             R("aws:lb/loadBalancer:LoadBalancer", {"loadBalancerType": "application"})],
        good=[R("aws:lb/loadBalancer:LoadBalancer", {"loadBalancerType": "network", "internal": True})],
    ),
    "aws-cloudfront-https-only": Fixtures(
        bad=[R(CDN, {**CDN_GOOD, "defaultCacheBehavior": {**CDN_GOOD["defaultCacheBehavior"],
                                                          "viewerProtocolPolicy": "allow-all"}}),
             R(CDN, {**CDN_GOOD, "viewerCertificate": {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x",
                                                       "minimumProtocolVersion": "TLSv1"}}),
             R(CDN, {**CDN_GOOD, "origins": [{"originId": "api", "domainName": "x.execute-api.amazonaws.com",
                                             "customOriginConfig": {"originProtocolPolicy": "match-viewer",
                                                                    "originSslProtocols": ["TLSv1", "TLSv1.2"],
                                                                    "httpPort": 80.0, "httpsPort": 443.0}}]}),
             R(CDN, {**CDN_GOOD, "orderedCacheBehaviors": [{"pathPattern": "/v1/*", "targetOriginId": "api",
                                                           "viewerProtocolPolicy": "allow-all"}]})],
        good=[R(CDN, CDN_GOOD),
              R(CDN, {**CDN_GOOD, "viewerCertificate": {"cloudfrontDefaultCertificate": True}})],
    ),
    "aws-log-groups-retained-and-encrypted": Fixtures(
        bad=[R("aws:cloudwatch/logGroup:LogGroup", {"kmsKeyId": KEY_ARN}),
             R("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 7.0, "kmsKeyId": KEY_ARN}),
             R("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 90.0})],
        good=[R("aws:cloudwatch/logGroup:LogGroup", {"retentionInDays": 90.0, "kmsKeyId": KEY_ARN})],
    ),
    "aws-no-plaintext-secrets": Fixtures(
        bad=[R(LAMBDA, {"environment": {"variables": {"PG_URL": "postgres://app:hunter2@db:5432/braintrust"}}}),
             R(LAMBDA, {"environment": {"variables": {"BRAINSTORE_LICENSE_KEY": "bs-live-0123456789"}}}),
             # "#!/bin/bash\nexport BRAINSTORE_LICENSE_KEY=bs-live-1234\n"
             R(LT, {**LT_GOOD,
                    "userData": "IyEvYmluL2Jhc2gKZXhwb3J0IEJSQUlOU1RPUkVfTElDRU5TRV9LRVk9YnMtbGl2ZS0xMjM0Cg=="}),
             R("aws:ecs/taskDefinition:TaskDefinition",
               {"containerDefinitions":
                '[{"name":"api","environment":[{"name":"FUNCTION_SECRET_KEY","value":"x1"}]}]'}),
             R("aws:ssm/parameter:Parameter", {"name": "/braintrust/acme/api-key", "type": "String",
                                              "value": "sk-live-123"}),
             R("aws:ssm/parameter:Parameter", {"name": "/braintrust/acme/license-key", "type": "SecureString",
                                              "value": "bs-live-123"}),
             # an innocent name does not hide a value in a provider's key format
             R(LAMBDA, {"environment": {"variables": {"UPSTREAM_HINT": FAKE_OPENAI_KEY}}}),
             R(LT, {**LT_GOOD, "userData": base64.b64encode(
                 f"#!/bin/bash\naws configure set aws_access_key_id {FAKE_AWS_KEY_ID}\n".encode()).decode()})],
        good=[R(LAMBDA, {"environment": {"variables": {"RESPONSE_BUCKET": "acme-sk-responses-s54f12",
                                                       "REGION_LABEL": "ASIA_PACIFIC"}}}),
              R(LAMBDA, {"environment": {"variables": {
                  "PG_URL_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:pg",
                  "BRAINSTORE_LICENSE_KEY": "arn:aws:secretsmanager:us-east-1:123456789012:secret:lic",
                  "REDIS_URL": "rediss://acme.cache.amazonaws.com:6379", "ORG_NAME": "acme"}}}),
              R(LT, LT_GOOD),
              R("aws:ecs/taskDefinition:TaskDefinition",
                {"containerDefinitions":
                 '[{"name":"api","secrets":[{"name":"PG_URL","valueFrom":"arn:aws:ssm:x"}]}]'}),
              R("aws:ssm/parameter:Parameter", {"name": "/braintrust/acme/ai-proxy-url", "type": "String",
                                               "insecureValue": "https://d1234.cloudfront.net"}),
              R("aws:ssm/parameter:Parameter", {"name": "/braintrust/acme/license-key", "type": "SecureString",
                                               "value": "bs-live-123", "keyId": KEY_ARN})],
    ),
    "aws-iam-no-wildcard-admin": Fixtures(
        bad=[R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'}),
             R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["*"]}]}'}),
             R("aws:iam/rolePolicy:RolePolicy",
               {"policy": '{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}'}),
             R("aws:iam/role:Role", {"inlinePolicies": [
                 {"name": "all", "policy": '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'}]}),
             # everything spelled as ARN wildcards, per service, or as "all but"
             R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:*:*:*:*"}]}'}),
             R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":"s3:*",'
                                      '"Resource":"arn:aws:s3:::*"}]}'}),
             R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":"*",'
                                      '"NotResource":"arn:aws:iam::123456789012:role/admin"}]}'}),
             R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"*"}]}'})],
        good=[R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],'
                                       '"Resource":"arn:aws:s3:::acme-brainstore/*"},'
                                       '{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme-brainstore"},'
                                       '{"Effect":"Deny","Action":"*","Resource":"*"}]}'}),
              R("aws:iam/role:Role", {"assumeRolePolicy": "{}"}),
              R(IAM_POLICY, {"policy": '{"Statement":[{"Effect":"Allow","Action":"logs:*",'
                                       '"Resource":"arn:aws:logs:us-east-1:123456789012:log-group:/braintrust/*"},'
                                       '{"Effect":"Deny","Action":"*","NotResource":"arn:aws:s3:::acme-brainstore/*"},'
                                       '{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:*:*"}]}'})],
    ),
    "aws-no-iam-user-credentials": Fixtures(
        bad=[R("aws:iam/accessKey:AccessKey", {"user": "deployer"}), R("aws:iam/user:User", {"name": "ci"})],
        good=[R("aws:iam/role:Role", {"name": "acme-api"})],
    ),
    "aws-lambda-function-url-authenticated": Fixtures(
        bad=[R("aws:lambda/functionUrl:FunctionUrl", {"functionName": "acme-AIProxy", "authorizationType": "NONE"})],
        good=[R("aws:lambda/functionUrl:FunctionUrl", {"functionName": "acme-AIProxy",
                                                       "authorizationType": "AWS_IAM"})],
    ),
    "aws-ecs-no-public-ip": Fixtures(
        bad=[R(ECS_SERVICE, {**ECS_SERVICE_GOOD, "networkConfiguration": {
            **ECS_SERVICE_GOOD["networkConfiguration"], "assignPublicIp": True}})],
        good=[R(ECS_SERVICE, ECS_SERVICE_GOOD),
              R(ECS_SERVICE, {**ECS_SERVICE_GOOD, "networkConfiguration": {"subnets": ["subnet-1"]}})],
    ),
    "aws-ecs-exec-off-in-production": Fixtures(
        bad=[R(ECS_SERVICE, {**ECS_SERVICE_GOOD, "enableExecuteCommand": True}),
             # untagged: the strict (production) reading
             R(ECS_SERVICE, {k: v for k, v in {**ECS_SERVICE_GOOD, "enableExecuteCommand": True}.items()
                             if k != "tags"})],
        good=[R(ECS_SERVICE, ECS_SERVICE_GOOD),
              R(ECS_SERVICE, {**ECS_SERVICE_GOOD, "enableExecuteCommand": True, "tags": STG})],
    ),
    "aws-ecs-cluster-encrypted": Fixtures(
        bad=[R(ECS_CLUSTER, {"name": "acme", "tags": PROD}),
             R(ECS_CLUSTER, {**ECS_CLUSTER_GOOD, "configuration": {
                 "executeCommandConfiguration": {"kmsKeyId": KEY_ARN, "logging": "DEFAULT"}}}),
             R(ECS_CLUSTER, {**ECS_CLUSTER_GOOD, "configuration": {
                 **ECS_CLUSTER_GOOD["configuration"],
                 "executeCommandConfiguration": {"kmsKeyId": KEY_ARN, "logging": "OVERRIDE", "logConfiguration": {
                     "cloudWatchLogGroupName": "/acme/exec", "cloudWatchEncryptionEnabled": False}}}})],
        good=[R(ECS_CLUSTER, ECS_CLUSTER_GOOD),
              R(ECS_CLUSTER, {**ECS_CLUSTER_GOOD, "configuration": {
                  **ECS_CLUSTER_GOOD["configuration"],
                  "executeCommandConfiguration": {"kmsKeyId": KEY_ARN, "logging": "OVERRIDE", "logConfiguration": {
                      "cloudWatchLogGroupName": "/acme/exec", "cloudWatchEncryptionEnabled": True}}}})],
    ),
    "aws-ecs-logs-encrypted": Fixtures(
        bad=[[R(TASK, {"family": "acme-braintrust-api", "containerDefinitions": TASK_LOGS_GOOD}, name="task")],
             [R(TASK, {"family": "acme-braintrust-api", "containerDefinitions": TASK_LOGS_GOOD}, name="task"),
              R(LOG_GROUP, {"name": "/braintrust/acme/braintrust-api", "retentionInDays": 90.0}, name="logs")],
             [R(TASK, {"family": "acme-braintrust-api", "containerDefinitions": '[{"name":"api"}]'}, name="task")]],
        good=[[R(TASK, {"family": "acme-braintrust-api", "containerDefinitions": TASK_LOGS_GOOD}, name="task"),
               R(LOG_GROUP, {"name": "/braintrust/acme/braintrust-api", "retentionInDays": 90.0,
                             "kmsKeyId": KEY_ARN}, name="logs")]],
    ),
    "aws-cloudfront-vpc-origin-tls": Fixtures(
        bad=[R(VPC_ORIGIN, {"vpcOriginEndpointConfig": {
            "name": "acme-api-ecs", "arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/b",
            "httpPort": 80.0, "httpsPort": 443.0, "originProtocolPolicy": "http-only",
            "originSslProtocols": {"items": ["TLSv1.2"], "quantity": 1.0}}, "tags": PROD})],
        good=[R(VPC_ORIGIN, {"vpcOriginEndpointConfig": {
            "name": "acme-api-ecs", "arn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/a/b",
            "httpPort": 80.0, "httpsPort": 443.0, "originProtocolPolicy": "https-only",
            "originSslProtocols": {"items": ["TLSv1.2"], "quantity": 1.0}}, "tags": PROD})],
    ),
    "aws-secrets-encrypted-with-cmk": Fixtures(
        bad=[R("aws:secretsmanager/secret:Secret", {"name": "acme/pg"})],
        good=[R("aws:secretsmanager/secret:Secret", {"name": "acme/pg", "kmsKeyId": KEY_ARN})],
    ),
}

# ----- GCP -----

SQL = "gcp:sql/databaseInstance:DatabaseInstance"
SQL_SETTINGS = {
    "tier": "db-custom-4-16384", "availabilityType": "REGIONAL", "deletionProtectionEnabled": True,
    "userLabels": PROD,
    "ipConfiguration": {"ipv4Enabled": False, "privateNetwork": "projects/acme/global/networks/acme",
                        "sslMode": "ENCRYPTED_ONLY"},
    "backupConfiguration": {"enabled": True, "pointInTimeRecoveryEnabled": True,
                            "backupRetentionSettings": {"retainedBackups": 14.0, "retentionUnit": "COUNT"}},
}
SQL_GOOD = {"databaseVersion": "POSTGRES_17", "encryptionKeyName": GCP_KEY, "deletionProtection": True,
            "settings": SQL_SETTINGS}


def _sql(**settings: Any) -> dict[str, Any]:
    return {**SQL_GOOD, "settings": {**SQL_SETTINGS, **settings}}


def _sql_ip(**ip: Any) -> dict[str, Any]:
    return _sql(ipConfiguration={**SQL_SETTINGS["ipConfiguration"], **ip})


REDIS = "gcp:redis/instance:Instance"
REDIS_GOOD = {"tier": "STANDARD_HA", "transitEncryptionMode": "SERVER_AUTHENTICATION", "authEnabled": True,
              "customerManagedKey": GCP_KEY, "authorizedNetwork": "projects/acme/global/networks/acme",
              "connectMode": "PRIVATE_SERVICE_ACCESS", "labels": PROD}
GCS = "gcp:storage/bucket:Bucket"
GCS_GOOD = {"location": "US-CENTRAL1", "publicAccessPrevention": "enforced", "uniformBucketLevelAccess": True,
            "encryption": {"defaultKmsKeyName": GCP_KEY}, "versioning": {"enabled": True}, "labels": PROD}
GKE = "gcp:container/cluster:Cluster"
GKE_GOOD = {
    "deletionProtection": True, "datapathProvider": "ADVANCED_DATAPATH", "resourceLabels": PROD,
    "privateClusterConfig": {"enablePrivateNodes": True, "masterIpv4CidrBlock": "172.16.0.0/28"},
    "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "203.0.113.0/24", "displayName": "ops"}]},
    "workloadIdentityConfig": {"workloadPool": "acme.svc.id.goog"},
    "databaseEncryption": {"state": "ENCRYPTED", "keyName": GCP_KEY},
}
POOL = "gcp:container/nodePool:NodePool"
POOL_GOOD = {"name": "brainstore-reader", "nodeConfig": {
    "workloadMetadataConfig": {"mode": "GKE_METADATA"}, "labels": {"braintrust.dev/role": "reader"},
    "bootDiskKmsKey": GCP_KEY,
    "taints": [{"key": "braintrust.dev/role", "value": "reader", "effect": "NO_SCHEDULE"}],
    "resourceLabels": PROD}}
FIREWALL = "gcp:compute/firewall:Firewall"

GCP: dict[str, Fixtures] = {
    "gcp-cloudsql-private-only": Fixtures(
        bad=[R(SQL, _sql_ip(ipv4Enabled=True)), R(SQL, _sql(ipConfiguration={"sslMode": "ENCRYPTED_ONLY"})),
             R(SQL, _sql_ip(authorizedNetworks=[{"value": "203.0.113.0/24"}])), R(SQL, {})],
        good=[R(SQL, SQL_GOOD)],
    ),
    "gcp-cloudsql-tls-required": Fixtures(
        bad=[R(SQL, _sql_ip(sslMode="ALLOW_UNENCRYPTED_AND_ENCRYPTED")), R(SQL, _sql_ip(sslMode=None))],
        good=[R(SQL, SQL_GOOD), R(SQL, _sql_ip(sslMode="TRUSTED_CLIENT_CERTIFICATE_REQUIRED"))],
    ),
    "gcp-cloudsql-cmek": Fixtures(
        bad=[R(SQL, {**SQL_GOOD, "encryptionKeyName": None})],
        good=[R(SQL, SQL_GOOD)],
    ),
    "gcp-deletion-protection": Fixtures(
        bad=[R(SQL, {**SQL_GOOD, "deletionProtection": False}), R(SQL, _sql(deletionProtectionEnabled=False)),
             R(GKE, {**GKE_GOOD, "deletionProtection": False})],
        good=[R(SQL, SQL_GOOD), R(GKE, GKE_GOOD),
              R(SQL, {**SQL_GOOD, "deletionProtection": False,
                      "settings": {**SQL_SETTINGS, "deletionProtectionEnabled": False, "userLabels": STG}})],
    ),
    "gcp-memorystore-secure": Fixtures(
        bad=[R(REDIS, {**REDIS_GOOD, "transitEncryptionMode": "DISABLED"}),
             R(REDIS, {**REDIS_GOOD, "authEnabled": False}),
             R(REDIS, {**REDIS_GOOD, "customerManagedKey": None}), R(REDIS, {})],
        good=[R(REDIS, REDIS_GOOD)],
    ),
    "gcp-storage-not-public": Fixtures(
        bad=[R(GCS, {**GCS_GOOD, "publicAccessPrevention": "inherited"}),
             R(GCS, {**GCS_GOOD, "uniformBucketLevelAccess": False})],
        good=[R(GCS, GCS_GOOD)],
    ),
    "gcp-storage-cmek": Fixtures(
        bad=[R(GCS, {**GCS_GOOD, "encryption": None})],
        good=[R(GCS, GCS_GOOD)],
    ),
    "gcp-kms-rotation": Fixtures(
        bad=[R("gcp:kms/cryptoKey:CryptoKey", {"purpose": "ENCRYPT_DECRYPT"}),
             R("gcp:kms/cryptoKey:CryptoKey", {"rotationPeriod": "63072000s"})],
        good=[R("gcp:kms/cryptoKey:CryptoKey", {"rotationPeriod": "7776000s", "labels": PROD}),
              R("gcp:kms/cryptoKey:CryptoKey", {"purpose": "ASYMMETRIC_SIGN"})],
    ),
    "gcp-secret-manager-cmek": Fixtures(
        bad=[R("gcp:secretmanager/secret:Secret", {"secretId": "pg", "replication": {"auto": {}}}),
             R("gcp:secretmanager/secret:Secret", {"secretId": "pg", "replication": {"userManaged": {"replicas": [
                 {"location": "us-central1"}]}}}),
             R("gcp:secretmanager/secret:Secret", {"secretId": "pg"})],
        good=[R("gcp:secretmanager/secret:Secret", {"secretId": "pg", "replication": {"userManaged": {"replicas": [
                  {"location": "us-central1", "customerManagedEncryption": {"kmsKeyName": GCP_KEY}}]}}}),
              R("gcp:secretmanager/secret:Secret", {"secretId": "pg", "replication": {
                  "auto": {"customerManagedEncryption": {"kmsKeyName": GCP_KEY}}}})],
    ),
    "gcp-gke-private-nodes": Fixtures(
        bad=[R(GKE, {**GKE_GOOD, "privateClusterConfig": None}),
             R(POOL, {**POOL_GOOD, "networkConfig": {"enablePrivateNodes": False}})],
        good=[R(GKE, GKE_GOOD), R(POOL, POOL_GOOD)],
    ),
    "gcp-gke-control-plane-restricted": Fixtures(
        bad=[R(GKE, {**GKE_GOOD, "masterAuthorizedNetworksConfig": None}),
             R(GKE, {**GKE_GOOD, "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "0.0.0.0/0"}]}}),
             R(GKE, {**GKE_GOOD, "masterAuthorizedNetworksConfig": {"gcpPublicCidrsAccessEnabled": True}}),
             R(GKE, {**GKE_GOOD, "masterAuthorizedNetworksConfig": {"cidrBlocks": [
                 {"cidrBlock": "0.0.0.0/1"}, {"cidrBlock": "128.0.0.0/1"}]}})],
        good=[R(GKE, GKE_GOOD),
              R(GKE, {**GKE_GOOD, "masterAuthorizedNetworksConfig": {"cidrBlocks": [
                  {"cidrBlock": "203.0.113.0/24"}, {"cidrBlock": "10.0.0.0/8"}]}}),
              R(GKE, {**GKE_GOOD, "masterAuthorizedNetworksConfig": None,
                      "privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": True}})],
    ),
    "gcp-gke-workload-identity": Fixtures(
        bad=[R(GKE, {**GKE_GOOD, "workloadIdentityConfig": None}),
             R(POOL, {**POOL_GOOD, "nodeConfig": {"workloadMetadataConfig": {"mode": "GCE_METADATA"}}})],
        good=[R(GKE, GKE_GOOD), R(POOL, POOL_GOOD)],
    ),
    "gcp-gke-network-policy": Fixtures(
        bad=[R(GKE, {**GKE_GOOD, "datapathProvider": "LEGACY_DATAPATH"})],
        good=[R(GKE, GKE_GOOD), R(GKE, {**GKE_GOOD, "datapathProvider": None, "networkPolicy": {"enabled": True}})],
    ),
    "gcp-gke-secrets-encryption": Fixtures(
        bad=[R(GKE, {**GKE_GOOD, "databaseEncryption": {"state": "DECRYPTED"}})],
        good=[R(GKE, GKE_GOOD)],
    ),
    "gcp-gke-no-legacy-auth": Fixtures(
        bad=[R(GKE, {**GKE_GOOD, "enableLegacyAbac": True}),
             R(GKE, {**GKE_GOOD, "masterAuth": {"clientCertificateConfig": {"issueClientCertificate": True}}}),
             R(GKE, {**GKE_GOOD, "enableShieldedNodes": False})],
        good=[R(GKE, GKE_GOOD)],
    ),
    "gcp-firewall-no-public-ingress": Fixtures(
        bad=[R(FIREWALL, {"sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "tcp", "ports": ["22"]}]}),
             R(FIREWALL, {"sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "all"}]}),
             R(FIREWALL, {"sourceRanges": ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"],
                          "allows": [{"protocol": "tcp", "ports": ["22"]}]})],
        good=[R(FIREWALL, {"sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "tcp", "ports": ["443"]}]}),
              R(FIREWALL, {"sourceRanges": ["35.191.0.0/16", "130.211.0.0/22"],
                           "allows": [{"protocol": "tcp", "ports": ["8000"]}]}),
              R(FIREWALL, {"direction": "EGRESS", "destinationRanges": ["0.0.0.0/0"],
                           "allows": [{"protocol": "all"}]}),
              R(FIREWALL, {"sourceRanges": ["0.0.0.0/0"], "denies": [{"protocol": "all"}]})],
    ),
    "gcp-iam-least-privilege": Fixtures(
        bad=[R("gcp:storage/bucketIAMMember:BucketIAMMember", {"bucket": "b", "role": "roles/storage.objectViewer",
                                                              "member": "allUsers"}),
             R("gcp:projects/iAMMember:IAMMember", {"project": "acme", "role": "roles/editor",
                                                   "member": "serviceAccount:api@acme.iam.gserviceaccount.com"}),
             R("gcp:projects/iAMBinding:IAMBinding", {"project": "acme", "role": "roles/viewer",
                                                     "members": ["allAuthenticatedUsers"]})],
        good=[R("gcp:storage/bucketIAMMember:BucketIAMMember",
                {"bucket": "b", "role": "roles/storage.objectAdmin",
                 "member": "serviceAccount:api@acme.iam.gserviceaccount.com"}),
              R("gcp:serviceaccount/iAMMember:IAMMember",
                {"serviceAccountId": "projects/acme/serviceAccounts/api@acme.iam.gserviceaccount.com",
                 "role": "roles/iam.workloadIdentityUser",
                 "member": "serviceAccount:acme.svc.id.goog[braintrust/braintrust-api]"})],
    ),
    "gcp-gke-boot-disks-cmek": Fixtures(
        bad=[R(POOL, {**POOL_GOOD, "nodeConfig": {k: v for k, v in POOL_GOOD["nodeConfig"].items()
                                                   if k != "bootDiskKmsKey"}})],
        good=[R(POOL, POOL_GOOD)],
    ),
    "gcp-no-service-account-keys": Fixtures(
        bad=[R("gcp:serviceaccount/key:Key", {"serviceAccountId": "acme-api"})],
        good=[R("gcp:serviceaccount/account:Account", {"accountId": "acme-api"})],
    ),
}

# ----- Azure -----

PG = "azure-native:dbforpostgresql:Server"
PG_GOOD = {
    "version": "17", "network": {"publicNetworkAccess": "Disabled"},
    "dataEncryption": {"type": "AzureKeyVault", "primaryKeyURI": VAULT_KEY_URI,
                       "primaryUserAssignedIdentityId": IDENTITY},
    "highAvailability": {"mode": "ZoneRedundant"}, "backup": {"backupRetentionDays": 14.0}, "tags": PROD,
}
AMR = "azure-native:redisenterprise:RedisEnterprise"
AMR_GOOD = {"publicNetworkAccess": "Disabled", "minimumTlsVersion": "1.2", "highAvailability": "Enabled",
            "encryption": {"customerManagedKeyEncryption": {
                "keyEncryptionKeyUrl": VAULT_KEY_URI,
                "keyEncryptionKeyIdentity": {"identityType": "userAssignedIdentity",
                                             "userAssignedIdentityResourceId": IDENTITY}}},
            "tags": PROD}
ACCOUNT = "azure-native:storage:StorageAccount"
ACCOUNT_GOOD = {
    "allowBlobPublicAccess": False, "allowSharedKeyAccess": False, "enableHttpsTrafficOnly": True,
    "minimumTlsVersion": "TLS1_2", "publicNetworkAccess": "Disabled",
    "networkRuleSet": {"defaultAction": "Deny", "bypass": "None"},
    "encryption": {"keySource": "Microsoft.Keyvault",
                   "keyVaultProperties": {"keyVaultUri": "https://acme-kv.vault.azure.net/", "keyName": "data"}},
    "tags": PROD,
}
VAULT = "azure-native:keyvault:Vault"
VAULT_PROPS = {"tenantId": "t", "enableRbacAuthorization": True, "enableSoftDelete": True,
               "enablePurgeProtection": True, "publicNetworkAccess": "Disabled",
               "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}
AKS = "azure-native:containerservice:ManagedCluster"
AKS_GOOD = {
    "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.10/32"]},
    "oidcIssuerProfile": {"enabled": True}, "disableLocalAccounts": True, "enableRBAC": True,
    "aadProfile": {"managed": True, "enableAzureRBAC": True},
    "securityProfile": {"workloadIdentity": {"enabled": True},
                        "azureKeyVaultKms": {"enabled": True, "keyId": VAULT_KEY_URI + "/0123",
                                             "keyVaultNetworkAccess": "Private"}},
    "networkProfile": {"networkPlugin": "azure", "networkDataplane": "cilium", "networkPolicy": "cilium"},
    "agentPoolProfiles": [{"name": "system", "mode": "System", "enableEncryptionAtHost": True,
                           "enableNodePublicIP": False}],
    "tags": PROD,
}
AGENT_POOL = "azure-native:containerservice:AgentPool"
AGENT_POOL_GOOD = {"mode": "User", "nodeLabels": {"braintrust.dev/role": "reader"},
                   "nodeTaints": ["braintrust.dev/role=reader:NoSchedule"], "enableEncryptionAtHost": True,
                   "tags": PROD}
NSG = "azure-native:network:NetworkSecurityGroup"
ROLE = "azure-native:authorization:RoleAssignment"
ROLE_DEF = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/"
SCRIPT = "azure-native:resources:AzureCliScript"
LOCK = "azure-native:authorization:ManagementLockByScope"
FD_ROUTE = "azure-native:cdn:Route"
FD_ORIGIN = "azure-native:cdn:AFDOrigin"
FD_GROUP = "azure-native:cdn:AFDOriginGroup"
ROUTE = {"httpsRedirect": "Enabled", "supportedProtocols": ["Http", "Https"], "forwardingProtocol": "HttpOnly",
         "patternsToMatch": ["/*"], "linkToDefaultDomain": "Enabled"}

AZURE: dict[str, Fixtures] = {
    "azure-postgres-private": Fixtures(
        bad=[R(PG, {**PG_GOOD, "network": {"publicNetworkAccess": "Enabled"}}), R(PG, {}),
             R("azure-native:dbforpostgresql:FirewallRule", {"startIpAddress": "0.0.0.0",
                                                             "endIpAddress": "255.255.255.255"})],
        good=[R(PG, PG_GOOD)],
    ),
    "azure-postgres-cmk": Fixtures(
        bad=[R(PG, {**PG_GOOD, "dataEncryption": {"type": "SystemManaged"}}),
             R(PG, {**PG_GOOD, "dataEncryption": {"type": "AzureKeyVault"}})],
        good=[R(PG, PG_GOOD)],
    ),
    "azure-postgres-tls": Fixtures(
        bad=[R("azure-native:dbforpostgresql:Configuration",
               {"configurationName": "require_secure_transport", "value": "off", "source": "user-override"}),
             R("azure-native:dbforpostgresql:Configuration",
               {"configurationName": "ssl_min_protocol_version", "value": "TLSv1.1"})],
        good=[R("azure-native:dbforpostgresql:Configuration",
                {"configurationName": "require_secure_transport", "value": "on", "source": "user-override"}),
              R("azure-native:dbforpostgresql:Configuration",
                {"configurationName": "ssl_min_protocol_version", "value": "TLSv1.3"}),
              R("azure-native:dbforpostgresql:Configuration",
                {"configurationName": "azure.extensions", "value": "off"})],
    ),
    "azure-redis-secure": Fixtures(
        bad=[R(AMR, {**AMR_GOOD, "publicNetworkAccess": "Enabled"}), R(AMR, {**AMR_GOOD, "encryption": None}),
             R("azure-native:redisenterprise:Database", {"clientProtocol": "Plaintext"}),
             R("azure-native:redis:Redis", {"enableNonSslPort": True, "minimumTlsVersion": "1.2",
                                            "publicNetworkAccess": "Disabled"}),
             R("azure-native:redis:Redis", {"publicNetworkAccess": "Disabled", "minimumTlsVersion": "1.0"})],
        good=[R(AMR, AMR_GOOD), R("azure-native:redisenterprise:Database", {"clientProtocol": "Encrypted"}),
              R("azure-native:redis:Redis", {"enableNonSslPort": False, "minimumTlsVersion": "1.2",
                                             "publicNetworkAccess": "Disabled"})],
    ),
    "azure-storage-not-public": Fixtures(
        bad=[R(ACCOUNT, {**ACCOUNT_GOOD, "allowBlobPublicAccess": True}),
             R(ACCOUNT, {**ACCOUNT_GOOD, "publicNetworkAccess": "Enabled", "networkRuleSet": None}),
             R("azure-native:storage:BlobContainer", {"publicAccess": "Blob"})],
        good=[R(ACCOUNT, ACCOUNT_GOOD), R("azure-native:storage:BlobContainer", {"publicAccess": "None"})],
    ),
    "azure-storage-tls": Fixtures(
        bad=[R(ACCOUNT, {**ACCOUNT_GOOD, "minimumTlsVersion": "TLS1_0"}),
             R(ACCOUNT, {**ACCOUNT_GOOD, "enableHttpsTrafficOnly": False})],
        good=[R(ACCOUNT, ACCOUNT_GOOD)],
    ),
    "azure-storage-cmk": Fixtures(
        bad=[R(ACCOUNT, {**ACCOUNT_GOOD, "encryption": {"keySource": "Microsoft.Storage"}}),
             R(ACCOUNT, {**ACCOUNT_GOOD, "encryption": {"keySource": "Microsoft.Keyvault"}})],
        good=[R(ACCOUNT, ACCOUNT_GOOD)],
    ),
    "azure-storage-no-shared-keys": Fixtures(
        bad=[R(ACCOUNT, {**ACCOUNT_GOOD, "allowSharedKeyAccess": True}),
             R(ACCOUNT, {k: v for k, v in ACCOUNT_GOOD.items() if k != "allowSharedKeyAccess"})],
        good=[R(ACCOUNT, ACCOUNT_GOOD)],
    ),
    "azure-keyvault-hardened": Fixtures(
        bad=[R(VAULT, {"properties": {**VAULT_PROPS, "enableRbacAuthorization": False}, "tags": PROD}),
             R(VAULT, {"properties": {**VAULT_PROPS, "enablePurgeProtection": None}, "tags": PROD}),
             R(VAULT, {"properties": {**VAULT_PROPS, "publicNetworkAccess": "Enabled", "networkAcls": None},
                       "tags": PROD}),
             R(VAULT, {})],
        good=[R(VAULT, {"properties": VAULT_PROPS, "tags": PROD}),
              R(VAULT, {"properties": {**VAULT_PROPS, "enablePurgeProtection": None}, "tags": STG}),
              R(VAULT, {"properties": {**VAULT_PROPS, "publicNetworkAccess": "Enabled"},
                        "tags": {**PROD, "braintrust-key-only-vault": "true"}})],
    ),
    "azure-key-only-vaults-hold-no-secrets": Fixtures(
        bad=[[R(VAULT, {"vaultName": "acme-rk-x", "properties": {**VAULT_PROPS, "publicNetworkAccess": "Enabled"},
                        "tags": {**PROD, "braintrust-key-only-vault": "true"}}, name="kv"),
              R("azure-native:keyvault:Secret", {"vaultName": "acme-rk-x", "secretName": "pg"}, name="secret")]],
        good=[[R(VAULT, {"vaultName": "acme-rk-x", "properties": {**VAULT_PROPS, "publicNetworkAccess": "Enabled"},
                         "tags": {**PROD, "braintrust-key-only-vault": "true"}}, name="kv"),
               R(VAULT, {"vaultName": "acme-kv-x", "properties": VAULT_PROPS, "tags": PROD}, name="private"),
               R("azure-native:keyvault:Secret", {"vaultName": "acme-kv-x", "secretName": "pg"}, name="secret")]],
    ),
    "azure-keyvault-key-rotation": Fixtures(
        bad=[R("azure-native:keyvault:Key", {"properties": {"kty": "RSA"}}),
             R("azure-native:keyvault:Key", {"properties": {"rotationPolicy": {"lifetimeActions": [
                 {"action": {"type": "notify"}, "trigger": {"timeBeforeExpiry": "P30D"}}]}}})],
        good=[R("azure-native:keyvault:Key", {"properties": {"kty": "RSA", "rotationPolicy": {"lifetimeActions": [
            {"action": {"type": "rotate"}, "trigger": {"timeAfterCreate": "P1Y"}}]}}})],
    ),
    "azure-aks-api-restricted": Fixtures(
        bad=[R(AKS, {**AKS_GOOD, "apiServerAccessProfile": None}),
             R(AKS, {**AKS_GOOD, "apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/0"]}}),
             R(AKS, {**AKS_GOOD, "apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/1", "128.0.0.0/1"]}})],
        good=[R(AKS, AKS_GOOD), R(AKS, {**AKS_GOOD, "apiServerAccessProfile": {"enablePrivateCluster": True}}),
              R(AKS, {**AKS_GOOD, "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24",
                                                                                   "198.51.100.0/24"]}})],
    ),
    "azure-aks-workload-identity": Fixtures(
        bad=[R(AKS, {**AKS_GOOD, "oidcIssuerProfile": None}), R(AKS, {**AKS_GOOD, "enableRBAC": False}),
             R(AKS, {**AKS_GOOD, "securityProfile": {"azureKeyVaultKms": {"enabled": True}}}),
             R(AKS, {**AKS_GOOD, "aadProfile": None})],
        good=[R(AKS, AKS_GOOD), R(AKS, {**AKS_GOOD, "disableLocalAccounts": False})],
    ),
    "azure-aks-no-local-accounts": Fixtures(
        bad=[R(AKS, {**AKS_GOOD, "disableLocalAccounts": False}),
             R(AKS, {k: v for k, v in AKS_GOOD.items() if k != "disableLocalAccounts"})],
        good=[R(AKS, AKS_GOOD)],
    ),
    "azure-aks-network-policy": Fixtures(
        bad=[R(AKS, {**AKS_GOOD, "networkProfile": {"networkPlugin": "kubenet"}})],
        good=[R(AKS, AKS_GOOD), R(AKS, {**AKS_GOOD, "networkProfile": {"networkPolicy": "azure"}})],
    ),
    "azure-aks-secrets-encryption": Fixtures(
        bad=[R(AKS, {**AKS_GOOD, "securityProfile": {"workloadIdentity": {"enabled": True}}})],
        good=[R(AKS, AKS_GOOD)],
    ),
    "azure-aks-no-public-nodes": Fixtures(
        bad=[R(AKS, {**AKS_GOOD, "agentPoolProfiles": [{"name": "system", "enableNodePublicIP": True}]}),
             R(AGENT_POOL, {**AGENT_POOL_GOOD, "enableNodePublicIP": True})],
        good=[R(AKS, AKS_GOOD), R(AGENT_POOL, AGENT_POOL_GOOD)],
    ),
    "azure-aks-host-encryption": Fixtures(
        bad=[R(AGENT_POOL, {**AGENT_POOL_GOOD, "enableEncryptionAtHost": False}),
             R(AKS, {**AKS_GOOD, "agentPoolProfiles": [{"name": "system"}]})],
        good=[R(AKS, AKS_GOOD), R(AGENT_POOL, AGENT_POOL_GOOD)],
    ),
    "azure-no-broad-role-assignments": Fixtures(
        bad=[R(ROLE, {"roleDefinitionId": ROLE_DEF + "b24988ac-6180-42a0-ab88-20f7382dd24c",
                      "scope": "/subscriptions/s/resourceGroups/acme-rg", "principalId": "p"}),
             R(ROLE, {"roleDefinitionId": ROLE_DEF + "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                      "scope": "/subscriptions/s", "principalId": "p"})],
        good=[R(ROLE, {"roleDefinitionId": ROLE_DEF + "b24988ac-6180-42a0-ab88-20f7382dd24c",
                       "scope": "/subscriptions/s/resourceGroups/acme-rg/providers/Microsoft.DBforPostgreSQL/"
                                "flexibleServers/acme-pg", "principalId": "p"}),
              R(ROLE, {"roleDefinitionId": ROLE_DEF + "4633458b-17de-408a-b874-0445c86b69e6",
                       "scope": "/subscriptions/s/resourceGroups/acme-rg", "principalId": "p"})],
    ),
    "azure-no-plaintext-secrets": Fixtures(
        bad=[R(SCRIPT, {"kind": "AzureCLI", "scriptContent": "az login",
                        "environmentVariables": [{"name": "PG_PASSWORD", "value": "hunter2"}]}),
             R(SCRIPT, {"kind": "AzureCLI", "scriptContent": "psql postgres://admin:hunter2@pg/bt -c 'select 1'"}),
             R(SCRIPT, {"kind": "AzureCLI", "scriptContent": "gh auth status",
                        "environmentVariables": [{"name": "UPSTREAM", "value": FAKE_GITHUB_TOKEN}]})],
        good=[R(SCRIPT, {"kind": "AzureCLI", "scriptContent": 'az postgres flexible-server restart --ids "$SERVER_ID"',
                         "environmentVariables": [{"name": "SERVER_ID", "value": "/subscriptions/s/x"},
                                                  {"name": "PG_PASSWORD", "secureValue": "hunter2"}]})],
    ),
    "azure-production-delete-locks": Fixtures(
        bad=[[R(PG, PG_GOOD, name="pg")],
             [R(PG, PG_GOOD, name="pg"),
              R(LOCK, {"scope": "/x/pg", "level": "ReadOnly"}, name="lock", depends=("pg",))],
             [R(ACCOUNT, ACCOUNT_GOOD, name="sa"), R(PG, PG_GOOD, name="pg"),
              R(LOCK, {"scope": "/x/pg", "level": "CanNotDelete"}, name="lock", depends=("pg",))]],
        good=[[R(PG, PG_GOOD, name="pg"),
               R(LOCK, {"scope": "/x/pg", "level": "CanNotDelete", "notes": "x"}, name="lock", depends=("pg",))],
              [R("azure-native:resources:ResourceGroup", {"tags": PROD}, name="rg"),
               R(PG, PG_GOOD, name="pg", depends=("rg",)), R(VAULT, {"properties": VAULT_PROPS, "tags": PROD},
                                                             name="kv", depends=("rg",)),
               R(LOCK, {"scope": "/x/rg", "level": "CanNotDelete"}, name="lock", depends=("rg",))],
              [R(PG, {**PG_GOOD, "tags": STG}, name="pg")]],
    ),
    "azure-frontdoor-https-only": Fixtures(
        bad=[[R(FD_ROUTE, {**ROUTE, "httpsRedirect": "Disabled"}, name="route")],
             [R(FD_GROUP, {"originGroupName": "api"}, name="group"),
              R(FD_ORIGIN, {"hostName": "api.example.com", "originGroupName": "api"}, name="origin",
                depends=("group",)),
              R(FD_ROUTE, ROUTE, name="route", depends=("group",))],
             [R("azure-native:cdn:AFDCustomDomain", {"hostName": "bt.example.com",
                                                     "tlsSettings": {"minimumTlsVersion": "TLS10",
                                                                     "certificateType": "ManagedCertificate"}},
                name="domain")]],
        good=[[R(FD_GROUP, {"originGroupName": "api"}, name="group"),
               R(FD_ORIGIN, {"hostName": "10.0.0.4", "originGroupName": "api", "sharedPrivateLinkResource": {
                   "privateLink": {"id": "/x/pls"}, "privateLinkLocation": "eastus2"}}, name="origin",
                 depends=("group",)),
               R(FD_ROUTE, ROUTE, name="route", depends=("group",))],
              [R(FD_ROUTE, {**ROUTE, "forwardingProtocol": "HttpsOnly", "supportedProtocols": ["Https"],
                            "httpsRedirect": "Disabled"}, name="route")]],
    ),
    "azure-nsg-no-public-ingress": Fixtures(
        bad=[R(NSG, {"securityRules": [{"name": "ssh", "direction": "Inbound", "access": "Allow",
                                        "sourceAddressPrefix": "*", "destinationPortRange": "22",
                                        "protocol": "Tcp", "priority": 100.0}]}),
             R("azure-native:network:SecurityRule", {"direction": "Inbound", "access": "Allow",
                                                     "sourceAddressPrefix": "Internet",
                                                     "destinationPortRanges": ["443", "5432"]}),
             R("azure-native:network:SecurityRule", {"direction": "Inbound", "access": "Allow",
                                                     "sourceAddressPrefixes": ["1.0.0.0/8", "2.0.0.0/8"],
                                                     "destinationPortRange": "22"})],
        good=[R(NSG, {"securityRules": [
                  {"name": "https", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "Internet",
                   "destinationPortRange": "443", "protocol": "Tcp", "priority": 100.0},
                  {"name": "deny", "direction": "Inbound", "access": "Deny", "sourceAddressPrefix": "*",
                   "destinationPortRange": "*", "protocol": "*", "priority": 4000.0},
                  {"name": "vnet", "direction": "Inbound", "access": "Allow", "sourceAddressPrefix": "VirtualNetwork",
                   "destinationPortRange": "5432", "protocol": "Tcp", "priority": 200.0}]})],
    ),
}

# ----- Kubernetes -----

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HARDENED = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True, "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]}}
CONTAINER = {"name": "api", "image": "public.ecr.aws/braintrust/standalone-api:v2.21.0",
             "securityContext": HARDENED,
             "resources": {"requests": {"cpu": "2", "memory": "8Gi"}, "limits": {"memory": "8Gi"}},
             "env": [{"name": "PG_URL", "valueFrom": {"secretKeyRef": {"name": "braintrust-secrets", "key": "PG_URL"}}},
                     {"name": "ORG_NAME", "value": "acme"}]}


def _deployment(**container: Any) -> dict[str, Any]:
    return {"metadata": {"name": "api", "namespace": "braintrust"},
            "spec": {"replicas": 2.0, "template": {"spec": {"containers": [{**CONTAINER, **container}]}}}}


CHART = "kubernetes:helm.sh/v4:Chart"
ROLE_VALUES = {"replicas": 2.0,
               "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
               "podSecurityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
               "resources": {"requests": {"cpu": "14", "memory": "56Gi"}, "limits": {"memory": "56Gi"}}}
CHART_GOOD = {"chart": "oci://public.ecr.aws/braintrust/helm/braintrust", "version": "6.29.1",
              "namespace": "braintrust",
              "values": {"api": {**ROLE_VALUES, "image": {"tag": "v2.21.0"}},
                         "brainstore": {"image": {"tag": "v2.21.0"}, "reader": ROLE_VALUES,
                                        "writer": {**ROLE_VALUES, "replicas": 1.0}}}}


def _chart_values(**changes: Any) -> dict[str, Any]:
    values = {**CHART_GOOD["values"], **changes}
    return {**CHART_GOOD, "values": values}


KUBERNETES: dict[str, Fixtures] = {
    "k8s-no-privileged-pods": Fixtures(
        bad=[R(DEPLOYMENT, _deployment(securityContext={"privileged": True})),
             R(DEPLOYMENT, _deployment(securityContext={**HARDENED, "capabilities": {"drop": ["ALL"],
                                                                                       "add": ["SYS_ADMIN"]}})),
             R(DEPLOYMENT, _deployment(securityContext=None)),
             R("kubernetes:core/v1:Pod", {"spec": {"hostNetwork": True, "containers": [CONTAINER]}})],
        good=[R(DEPLOYMENT, _deployment()),
              R("kubernetes:batch/v1:CronJob", {"spec": {"jobTemplate": {"spec": {"template": {"spec": {
                  "containers": [CONTAINER]}}}}}})],
    ),
    "k8s-run-as-non-root": Fixtures(
        bad=[R(DEPLOYMENT, _deployment(securityContext={**HARDENED, "runAsNonRoot": False})),
             R(DEPLOYMENT, _deployment(securityContext={**HARDENED, "readOnlyRootFilesystem": False}))],
        good=[R(DEPLOYMENT, _deployment())],
    ),
    "k8s-container-resources": Fixtures(
        bad=[R(DEPLOYMENT, _deployment(resources=None)),
             R(DEPLOYMENT, _deployment(resources={"requests": {"cpu": "1", "memory": "1Gi"}}))],
        good=[R(DEPLOYMENT, _deployment())],
    ),
    "k8s-no-plaintext-secrets": Fixtures(
        bad=[R(DEPLOYMENT, _deployment(env=[{"name": "BRAINSTORE_LICENSE_KEY", "value": "bs-live-123"}])),
             R(DEPLOYMENT, _deployment(env=[{"name": "REDIS_URL", "value": "rediss://:hunter2@redis:6378"}])),
             R("kubernetes:core/v1:ConfigMap", {"data": {"PG_PASSWORD": "hunter2"}}),
             R(CHART, _chart_values(**{"global": {"brainstoreLicenseKey": "bs-live-123"}})),
             R("kubernetes:core/v1:ConfigMap", {"data": {"UPSTREAM": FAKE_ANTHROPIC_KEY}})],
        good=[R(DEPLOYMENT, _deployment()), R("kubernetes:core/v1:ConfigMap", {"data": {"ORG_NAME": "acme"}}),
              R(CHART, CHART_GOOD)],
    ),
    "k8s-pinned-versions": Fixtures(
        bad=[R(DEPLOYMENT, _deployment(image="nginx")), R(DEPLOYMENT, _deployment(image="nginx:latest")),
             R(CHART, {**CHART_GOOD, "version": "^6.0.0"}), R(CHART, {**CHART_GOOD, "version": None}),
             R(CHART, _chart_values(api={**ROLE_VALUES, "image": {"tag": "latest"}}))],
        good=[R(DEPLOYMENT, _deployment()), R(DEPLOYMENT, _deployment(image="registry:5000/app@sha256:" + "a" * 64)),
              R(CHART, CHART_GOOD)],
    ),
    "k8s-braintrust-chart-hardened": Fixtures(
        bad=[R(CHART, _chart_values(api={"replicas": 4.0})),
             R(CHART, _chart_values(brainstore={"reader": {**ROLE_VALUES, "securityContext": {
                 "allowPrivilegeEscalation": True, "capabilities": {"drop": ["ALL"]}}}})),
             R(CHART, _chart_values(brainstore={"writer": {**ROLE_VALUES, "podSecurityContext": {}}}))],
        good=[R(CHART, CHART_GOOD),
              R(CHART, {"chart": "oci://registry-1.docker.io/bitnamicharts/redis", "version": "20.1.0",
                        "values": {"api": {"replicas": 1.0}}})],
    ),
    "k8s-internal-load-balancers": Fixtures(
        bad=[R("kubernetes:core/v1:Service", {"metadata": {"name": "api"}, "spec": {"type": "LoadBalancer"}})],
        good=[R("kubernetes:core/v1:Service", {"metadata": {
                  "name": "api", "annotations": {"networking.gke.io/load-balancer-type": "Internal"}},
                  "spec": {"type": "LoadBalancer"}}),
              R("kubernetes:core/v1:Service", {"metadata": {
                  "name": "api", "annotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}},
                  "spec": {"type": "LoadBalancer"}}),
              R("kubernetes:core/v1:Service", {"metadata": {"name": "api"}, "spec": {"type": "ClusterIP"}})],
    ),
    "k8s-namespace-network-policy": Fixtures(
        bad=[[R("kubernetes:core/v1:Namespace", {"metadata": {"name": "braintrust"}}, name="ns")]],
        good=[[R("kubernetes:core/v1:Namespace", {"metadata": {"name": "braintrust"}}, name="ns"),
               R("kubernetes:networking.k8s.io/v1:NetworkPolicy",
                 {"metadata": {"name": "default-deny", "namespace": "braintrust"},
                  "spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}, name="np")]],
    ),
}

# ----- multi-cloud -----

# An Application Auto Scaling policy (what the ECS API's event-loop-delay alarms trigger).
SCALING_POLICY_ARN = ("arn:aws:autoscaling:us-east-1:444455556666:scalingPolicy:1a2b3c4d-0000-4000-8000-000000000000"
                      ":resource/ecs/service/acme/api:policyName/acme-api-step")

MULTI: dict[str, Fixtures] = {
    "required-tags": Fixtures(
        bad=[R(RDS, {"engine": "postgres"}), R(RDS, {"tags": {"braintrust-deployment": "acme"}}),
             R(SQL, {"settings": {"tier": "db-custom-2-8192"}}), R(GKE, {"resourceLabels": {"team": "ml"}}),
             R(LT, {**LT_GOOD, "tagSpecifications": [{"resourceType": "instance", "tags": PROD}]}),
             R(ASG, {"tags": [{"key": "braintrust-deployment", "value": "acme", "propagateAtLaunch": True}]})],
        good=[R(RDS, RDS_GOOD), R(SQL, SQL_GOOD), R(GKE, GKE_GOOD), R(LT, LT_GOOD), R(PG, PG_GOOD),
              R(ASG, {"tags": [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in PROD.items()]}),
              R(POOL, POOL_GOOD)],
    ),
    "stateful-resources-protected": Fixtures(
        bad=[[R(RDS, RDS_GOOD)], [R(GCS, GCS_GOOD)], [R(VAULT, {"properties": VAULT_PROPS, "tags": PROD})],
             # untagged children (blob containers, cache databases) follow the stack's size
             [R(ACCOUNT, ACCOUNT_GOOD, name="sa", protect=True),
              R("azure-native:storage:BlobContainer", {"publicAccess": "None"}, name="sa-brainstore")],
             [R("aws:kms/key:Key", {"enableKeyRotation": True})],
             # secret stores and the generators of keys and passwords
             [R("aws:secretsmanager/secret:Secret", {"name": "acme/pg", "kmsKeyId": KEY_ARN, "tags": PROD})],
             [R("gcp:secretmanager/secret:Secret", {"secretId": "pg", "labels": PROD})],
             [R("azure-native:keyvault:Secret", {"secretName": "function-secret-key", "tags": PROD})],
             [R("random:index/randomPassword:RandomPassword", {"length": 48.0, "special": False})]],
        good=[[R(RDS, RDS_GOOD, protect=True), R(GCS, GCS_GOOD, protect=True)],
              [R("aws:secretsmanager/secret:Secret", {"name": "acme/pg", "tags": PROD}, name="sm", protect=True),
               R("random:index/randomPassword:RandomPassword", {"length": 48.0}, name="gen", protect=True)],
              [R("azure-native:keyvault:Secret", {"secretName": "function-secret-key", "tags": STG}, name="kvs"),
               R("random:index/randomPassword:RandomPassword", {"length": 48.0}, name="gen")],
              [R(RDS, {**RDS_GOOD, "tags": STG}), R("aws:ec2/vpc:Vpc", {"tags": PROD})],
              [R(ACCOUNT, {**ACCOUNT_GOOD, "tags": STG}, name="sa"),
               R("azure-native:storage:BlobContainer", {"publicAccess": "None"}, name="sa-brainstore")]],
    ),
    "postgres-high-availability": Fixtures(
        bad=[R(RDS, {**RDS_GOOD, "multiAz": False}), R(SQL, _sql(availabilityType="ZONAL")),
             R(PG, {**PG_GOOD, "highAvailability": {"mode": "SameZone"}})],
        good=[R(RDS, RDS_GOOD), R(SQL, SQL_GOOD), R(PG, PG_GOOD), R(RDS, {**RDS_GOOD, "multiAz": False, "tags": STG})],
    ),
    "redis-high-availability": Fixtures(
        bad=[R(RG, {**RG_GOOD, "automaticFailoverEnabled": False}), R(RG, {**RG_GOOD, "numCacheClusters": 1.0}),
             R(REDIS, {**REDIS_GOOD, "tier": "BASIC"}), R(AMR, {**AMR_GOOD, "highAvailability": "Disabled"})],
        good=[R(RG, RG_GOOD), R(REDIS, REDIS_GOOD), R(AMR, AMR_GOOD),
              R(REDIS, {**REDIS_GOOD, "tier": "BASIC", "labels": STG})],
    ),
    "brainstore-node-pools-tainted": Fixtures(
        bad=[R(POOL, {**POOL_GOOD, "nodeConfig": {**POOL_GOOD["nodeConfig"], "taints": []}}),
             R(AGENT_POOL, {**AGENT_POOL_GOOD, "nodeTaints": []}, name="acme-brainstore-reader")],
        good=[R(POOL, POOL_GOOD), R(AGENT_POOL, AGENT_POOL_GOOD, name="acme-brainstore-reader"),
              R(POOL, {"name": "services", "nodeConfig": {"labels": {"role": "api"}}}, name="acme-services")],
    ),
    "postgres-backup-retention": Fixtures(
        bad=[[R(RDS, {**RDS_GOOD, "backupRetentionPeriod": 1.0})],
             [R(SQL, _sql(backupConfiguration={"enabled": False}))],
             [R(SQL, _sql(backupConfiguration={"enabled": True, "pointInTimeRecoveryEnabled": True,
                                                "backupRetentionSettings": {"retainedBackups": 3.0}}))],
             [R(SQL, _sql(backupConfiguration={**SQL_SETTINGS["backupConfiguration"],
                                                "pointInTimeRecoveryEnabled": False}))],
             [R(PG, {**PG_GOOD, "backup": None})],
             [R(RDS, {**RDS_GOOD, "backupRetentionPeriod": 0.0, "tags": STG})]],
        good=[[R(RDS, RDS_GOOD), R(SQL, SQL_GOOD), R(PG, PG_GOOD)],
              [R(RDS, {**RDS_GOOD, "backupRetentionPeriod": 1.0, "tags": STG})]],
    ),
    "brainstore-readers-production": Fixtures(
        bad=[[R(ASG, {"name": "acme-brainstore-reader", "minSize": 1.0, "maxSize": 1.0,
                      "tags": [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in PROD.items()]},
                name="acme-brainstore-reader")],
             [R(CHART, _chart_values(brainstore={"reader": {**ROLE_VALUES, "replicas": 1.0}})),
              R(GKE, GKE_GOOD, name="cluster")],
             [R(GKE, GKE_GOOD, name="cluster")]],
        good=[[R(ASG, {"name": "acme-brainstore-reader", "minSize": 2.0, "maxSize": 4.0,
                       "tags": [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in PROD.items()]},
                 name="acme-brainstore-reader")],
              [R(CHART, CHART_GOOD), R(GKE, GKE_GOOD, name="cluster")],
              [R(CHART, _chart_values(brainstore={"reader": {**ROLE_VALUES, "replicas": 1.0}})),
               R(GKE, {**GKE_GOOD, "resourceLabels": STG}, name="cluster")]],
    ),
    "production-alerting": Fixtures(
        bad=[[R(RDS, RDS_GOOD)],
             [R(SNS_TOPIC, {"name": "acme-alerts-page", "tags": PROD}, name="topic"),
              R(ALARM, {"name": "acme-rds-cpu", "alarmActions": [TOPIC_ARN], "tags": PROD}, name="alarm",
                depends=("topic",))],
             [R(SNS_TOPIC, {"name": "acme-alerts-page", "tags": PROD}, name="topic"),
              R(SNS_SUBSCRIPTION, {"topic": TOPIC_ARN, "protocol": "email", "endpoint": "oncall@example.com"},
                name="sub", depends=("topic",)),
              R(ALARM, {"name": "acme-rds-cpu", "alarmActions": [], "tags": PROD}, name="alarm")],
             [R(ALERT_POLICY, {"displayName": "acme: PostgreSQL CPU", "combiner": "OR", "notificationChannels": [],
                               "userLabels": PROD}, name="policy")],
             [R(ACTION_GROUP, {"actionGroupName": "acme-alerts-page", "groupShortName": "bt-page",
                               "emailReceivers": [], "tags": PROD}, name="group"),
              R(METRIC_ALERT, {"ruleName": "acme-pg-cpu", "actions": [{"actionGroupId": "group"}], "tags": PROD},
                name="alert", depends=("group",))],
             # a scaling alarm is no alert: a production stack with only that still alerts nobody
             [R(ALARM, {"name": "acme-api-delay", "alarmActions": [SCALING_POLICY_ARN], "tags": PROD},
                 name="scaling")]],
        good=[[R(SNS_TOPIC, {"name": "acme-alerts-page", "tags": PROD}, name="topic"),
               R(SNS_SUBSCRIPTION, {"topic": TOPIC_ARN, "protocol": "email", "endpoint": "oncall@example.com"},
                 name="sub", depends=("topic",)),
               R(ALARM, {"name": "acme-rds-cpu", "alarmActions": [TOPIC_ARN], "tags": PROD}, name="alarm",
                 depends=("topic",)),
               # the ECS API's scaling alarms drive autoscaling; they need no notification target (also in a
               # preview, where the policy's ARN is unknown and only the dependency says what the alarm drives)
               R(ALARM, {"name": "acme-api-delay", "alarmActions": [SCALING_POLICY_ARN], "tags": PROD},
                 name="scaling"),
               R("aws:appautoscaling/policy:Policy", {"name": "acme-api-step", "policyType": "StepScaling"},
                 name="step"),
               R(ALARM, {"name": "acme-api-delay-preview", "tags": PROD}, name="scaling-preview", depends=("step",))],
              [R(CHANNEL, {"type": "email", "labels": {"email_address": "oncall@example.com"}, "userLabels": PROD},
                 name="channel"),
               R(ALERT_POLICY, {"displayName": "acme: PostgreSQL CPU", "combiner": "OR",
                                "notificationChannels": ["projects/acme/notificationChannels/1"], "userLabels": PROD},
                 name="policy", depends=("channel",))],
              [R(ACTION_GROUP, {"actionGroupName": "acme-alerts-page", "groupShortName": "bt-page",
                                "emailReceivers": [{"name": "email-0", "emailAddress": "oncall@example.com"}],
                                "tags": PROD}, name="group"),
               R(METRIC_ALERT, {"ruleName": "acme-pg-cpu", "actions": [{"actionGroupId": "group"}], "tags": PROD},
                 name="alert", depends=("group",))],
              [R(RDS, {**RDS_GOOD, "tags": STG})]],
    ),
    "object-storage-versioning": Fixtures(
        bad=[[R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs")],
             [R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs"),
              R(VERSIONING, {"bucket": "acme-brainstore", "versioningConfiguration": {"status": "Suspended"}},
                name="bs-v", depends=("bs",))],
             [R(GCS, {**GCS_GOOD, "versioning": {"enabled": False}})],
             [R(ACCOUNT, ACCOUNT_GOOD, name="sa")]],
        good=[[R(BUCKET, {"bucket": "acme-brainstore", "tags": PROD}, name="bs"),
               R(VERSIONING, {"bucket": "acme-brainstore", "versioningConfiguration": {"status": "Enabled"}},
                 name="bs-v", depends=("bs",))],
              [R(GCS, GCS_GOOD)],
              [R(ACCOUNT, ACCOUNT_GOOD, name="sa"),
               R("azure-native:storage:BlobServiceProperties", {"isVersioningEnabled": True, "accountName": "acme"},
                 name="sa-blob", depends=("sa",))]],
    ),
}

FIXTURES: dict[str, Fixtures] = {**AWS, **GCP, **AZURE, **KUBERNETES, **MULTI}
