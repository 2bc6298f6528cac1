"""Pulumi Cloud, ESC, Deployments and CLI facts the deployment tooling relies on (``deployments/``, ``ops/``).

Field names of the pulumiservice resources are not repeated here: pyright checks them against the pinned
SDK (``pulumi-pulumiservice==1.5.0``) and the tests build the program under mocks. What lives here is what
no SDK type can check: ESC provider names and their fields, OIDC token claims, the environment variables
Deployments sets, and the exact words of CLI errors the driver maps to exit codes.
"""

from __future__ import annotations

from .model import Check, register

_ESC_OIDC = "https://www.pulumi.com/docs/esc/guides/configuring-oidc/"
_ESC_AWS = "https://www.pulumi.com/docs/esc/integrations/dynamic-login-credentials/aws-login/"
_ESC_GCP = "https://www.pulumi.com/docs/esc/integrations/dynamic-login-credentials/gcp-login/"
_ESC_AZURE = "https://www.pulumi.com/docs/esc/integrations/dynamic-login-credentials/azure-login/"
_ESC_AWS_GUIDE = "https://www.pulumi.com/docs/esc/guides/configuring-oidc/aws/"
_ESC_GCP_GUIDE = "https://www.pulumi.com/docs/esc/guides/configuring-oidc/gcp/"
_ESC_AZURE_GUIDE = "https://www.pulumi.com/docs/esc/guides/configuring-oidc/azure/"
_DEPLOY_ENV = "https://www.pulumi.com/docs/deployments/concepts/settings/environment-variables/"
_PULUMI_SDK = "pypi:pulumi-pulumiservice==1.5.0/pulumi_pulumiservice"

# ----- ESC: OIDC tokens the login providers mint -----

OIDC_ISSUER = register(
    "pulumi.esc.oidc_issuer", "https://api.pulumi.com/oidc", f"{_ESC_AWS_GUIDE} ; {_ESC_GCP_GUIDE}", Check.DOCS,
    "Issuer of the tokens aws-login, gcp-login and azure-login exchange (fn::open::oidc uses /oidc/v2).")
AUDIENCE_PREFIX = register(
    "pulumi.esc.audience_prefix", {"aws": "aws:", "gcp": "gcp:", "azure": "azure:"}, _ESC_OIDC, Check.DOCS,
    "ESC tokens carry aud = <platform>:<org> for environments outside the legacy `default` project.")
SUBJECT_ATTRIBUTE = register(
    "pulumi.esc.subject_attribute", "currentEnvironment.name", _ESC_OIDC, Check.DOCS,
    "Attested attribute naming the environment that defines the login; resolves to <project>/<env>.")
SUBJECT_PREFIX = register(
    "pulumi.esc.subject_prefix", "pulumi:environments:pulumi.organization.login:", _ESC_OIDC, Check.DOCS,
    "With subjectAttributes set, sub = this prefix + <org> + ':<attribute>:<value>' per attribute, in order.")
DEFAULT_SUBJECT_UNDER_IAC = register(
    "pulumi.esc.default_subject_under_iac", "pulumi:environments:org:<org>:env:<yaml>",
    f"{_ESC_AWS_GUIDE} ; https://github.com/pulumi/pulumi/issues/14509", Check.DOCS,
    "Without subjectAttributes, environments imported by a stack all present this one subject: trusting it "
    "would let any environment of the organization assume the role, so every login sets subjectAttributes.")
LEGACY_PROJECT = register(
    "pulumi.esc.legacy_project", "default", _ESC_OIDC, Check.DOCS,
    "Environments in the legacy `default` project omit the project from the subject and audience.")

# ----- ESC: login providers (name, inputs, outputs, the variables cloud SDKs read) -----

AWS_LOGIN = register(
    "pulumi.esc.aws_login",
    {"provider": "aws-login", "oidc_fields": ("roleArn", "sessionName", "duration", "subjectAttributes"),
     "outputs": ("accessKeyId", "secretAccessKey", "sessionToken"),
     "environment": {"AWS_ACCESS_KEY_ID": "accessKeyId", "AWS_SECRET_ACCESS_KEY": "secretAccessKey",
                     "AWS_SESSION_TOKEN": "sessionToken"}},
    f"{_ESC_AWS} ; {_ESC_AWS_GUIDE}", Check.DOCS)
GCP_LOGIN = register(
    "pulumi.esc.gcp_login",
    {"provider": "gcp-login", "fields": ("project",),
     "oidc_fields": ("workloadPoolId", "providerId", "serviceAccount", "tokenLifetime", "subjectAttributes"),
     "outputs": ("project", "accessToken"),
     "environment": {"GOOGLE_OAUTH_ACCESS_TOKEN": "accessToken", "CLOUDSDK_AUTH_ACCESS_TOKEN": "accessToken"}},
    f"{_ESC_GCP} ; {_ESC_GCP_GUIDE}", Check.DOCS,
    "project is the numeric project number of the workload identity pool; region defaults to global.")
AZURE_LOGIN = register(
    "pulumi.esc.azure_login",
    {"provider": "azure-login", "fields": ("clientId", "tenantId", "subscriptionId", "oidc", "subjectAttributes"),
     "environment": {"ARM_USE_OIDC": "'true'", "ARM_CLIENT_ID": "clientId", "ARM_TENANT_ID": "tenantId",
                     "ARM_OIDC_TOKEN": "oidc.token", "ARM_SUBSCRIPTION_ID": "subscriptionId"}},
    f"{_ESC_AZURE} ; {_ESC_AZURE_GUIDE}", Check.DOCS)
SECRET_FUNCTION = register(
    "pulumi.esc.fn_secret", "fn::secret", "https://www.pulumi.com/docs/esc/concepts/builtin-functions/fn-secret/",
    Check.DOCS, "A plaintext fn::secret is encrypted when the environment is saved; ESC never stores plaintext.")
PULUMI_CONFIG_KEY = register(
    "pulumi.esc.pulumi_config_key", "pulumiConfig",
    "https://www.pulumi.com/docs/esc/integrations/infrastructure/pulumi-iac/", Check.DOCS,
    "Values under pulumiConfig become configuration of every stack importing the environment "
    "(`environment:` in its stack file; same organization only).")

# ----- Cloud-side trust formats generated from the subjects above -----

AWS_OIDC_CONDITION_KEYS = register(
    "pulumi.trust.aws_condition_keys", ("api.pulumi.com/oidc:aud", "api.pulumi.com/oidc:sub"), _ESC_AWS_GUIDE,
    Check.DOCS, "Trust policy: Federated principal oidc-provider/api.pulumi.com/oidc, sts:AssumeRoleWithWebIdentity.")
GCP_SUBJECT_MAX_BYTES = register(
    "pulumi.trust.gcp_google_subject_max_bytes", 127,
    "pypi:google-api-python-client==2.202.0/googleapiclient/discovery_cache/documents/iam.v1.json",
    Check.CONTRACT, "WorkloadIdentityPoolProvider.attributeMapping: google.subject cannot exceed 127 bytes.")
GCP_PRINCIPAL = register(
    "pulumi.trust.gcp_principal",
    "principal://iam.googleapis.com/projects/{project}/locations/global/workloadIdentityPools/{pool}/subject/{subject}",
    "pypi:google-api-python-client==2.202.0/googleapiclient/discovery_cache/documents/iam.v1.json",
    Check.CONTRACT, "The member to grant roles/iam.workloadIdentityUser on the service account the login uses.")
GCP_SUBJECT_MAPPING = register(
    "pulumi.trust.gcp_subject_mapping", {"google.subject": "assertion.sub"}, _ESC_GCP_GUIDE, Check.DOCS)
GCP_IMPERSONATION_ROLE = register(
    "pulumi.trust.gcp_impersonation_role", "roles/iam.workloadIdentityUser",
    "https://cloud.google.com/iam/docs/workload-identity-federation-with-other-providers", Check.DOCS)

# ----- Pulumi Deployments -----

CI_VARIABLES = register(
    "pulumi.deployments.ci_variables",
    ("PULUMI_CI_STACK", "PULUMI_CI_OPERATION", "PULUMI_CI_ORGANIZATION", "PULUMI_CI_PROJECT", "PULUMI_ACCESS_TOKEN"),
    _DEPLOY_ENV, Check.DOCS, "Set in every deployment, including its pre-run commands.")
OPERATIONS = register(
    "pulumi.deployments.operations", ("update", "preview", "destroy", "refresh", "detect-drift", "remediate-drift"),
    _DEPLOY_ENV, Check.DOCS, "Values of PULUMI_CI_OPERATION.")
READ_ONLY_OPERATIONS = ("preview", "refresh", "detect-drift")  # change no cloud resource (our choice, from the above)
PRE_RUN_WITHOUT_ESC = register(
    "pulumi.deployments.pre_run_without_esc", True,
    "https://www.pulumi.com/docs/deployments/concepts/settings/pre-run-commands/", Check.DOCS,
    "ESC environments imported by the stack are not opened for pre-run commands; each line runs in its own shell.")
PATHS_FROM_REPO_ROOT = register(
    "pulumi.deployments.paths_from_repo_root", True,
    "https://www.pulumi.com/docs/deployments/concepts/settings/path-filtering/", Check.DOCS,
    "Path filters match the full path from the repository root; a leading '!' excludes.")
SCHEDULES_NEED_SETTINGS = register(
    "pulumi.deployments.schedules_need_settings", True,
    "https://www.pulumi.com/docs/deployments/concepts/schedules/ ; "
    "https://www.pulumi.com/docs/deployments/concepts/ttl/", Check.DOCS,
    "Drift, TTL and raw schedules require the stack's deployment settings to exist first.")
TTL_ENDPOINT = register(
    "pulumi.deployments.ttl_endpoint", "/api/stacks/{organization}/{project}/{stack}/deployments/ttl/schedules",
    "https://www.pulumi.com/docs/deployments/concepts/ttl/", Check.DOCS,
    "POST {\"timestamp\": ISO 8601, \"deleteAfterDestroy\": bool}: what the TtlSchedule resource does, for stacks "
    "created after the settings program ran (review stacks).")
VCS_GITHUB = register(
    "pulumi.deployments.vcs_github", "github",
    f"{_PULUMI_SDK}/_inputs.py ; https://www.pulumi.com/docs/reference/cloud-rest-api/schema/deploymentsettingsvcsgitlab/",
    Check.DOCS, "DeploymentSettings.vcs.provider for the Pulumi GitHub app; `github` is deprecated for `vcs`.")
WEBHOOK_FILTERS = register(
    "pulumi.webhook.filters", ("drift_detected", "drift_detection_failed", "deployment_failed", "update_failed"),
    f"{_PULUMI_SDK}/_enums.py ; https://www.pulumi.com/docs/deployments/concepts/webhooks/", Check.CONTRACT,
    "Members of pulumiservice.WebhookFilters (tests compare them with the pinned enum).")
POLICY_GROUP_MODES = register(
    "pulumi.policy_group.modes", ("audit", "preventative"), f"{_PULUMI_SDK}/policy_group.py", Check.DOCS,
    "preventative blocks operations that violate a mandatory policy; audit only reports.")

# ----- CLI behaviour the driver depends on -----

DIY_REJECTS_ENVIRONMENTS = register(
    "pulumi.cli.diy_rejects_environments", "does not support environments",
    "pulumi/pulumi@0351806b7a863ba6a4261576fc40aeae2f1d34a7/pkg/cmd/pulumi/config/io.go", Check.DOCS,
    "A stack file with `environment:` fails on a self-managed (file/S3/GCS/Azure Blob) backend.")
CONFIG_OPENS_ENVIRONMENTS = register(
    "pulumi.cli.config_show_secrets_opens_environments", True,
    "pulumi/pulumi@00bd3eebc1397b287999028acb129ad50e10db6f/pkg/cmd/pulumi/config/config.go", Check.DOCS,
    "`pulumi config --show-secrets --json` (Automation get_all_config) resolves imported ESC environments.")
SAVE_PLAN_WITHOUT_EXPERIMENTAL = register(
    "pulumi.cli.save_plan", True,
    "pulumi/pulumi@001ffec8f0332df67ea4069234291c016c0eaa73/pkg/cmd/pulumi/operations/preview.go ; "
    "pulumi/pulumi@00043847c345f27fedecffb637ad70ec0dcaf722/pkg/cmd/pulumi/operations/up.go", Check.DOCS,
    "preview --save-plan writes an update plan and up --plan constrains the update to it, without "
    "PULUMI_EXPERIMENTAL (the flag is hidden and marked experimental).")
PLAN_VIOLATION_MARKERS = register(
    "pulumi.cli.plan_violation", ("violates plan", "no plan for resource"),
    "pulumi/pulumi@1a16857a44f16e46a9dce29f184c511062a70f80/pkg/resource/deploy/step_generator.go", Check.DOCS,
    "Errors of an update that leaves the plan it was given.")
PROTECTED_REFUSAL = register(
    "pulumi.cli.protected_refusal", "as it is currently marked for protection",
    "pulumi/pulumi@1a16857a44f16e46a9dce29f184c511062a70f80/pkg/resource/deploy/step_generator.go", Check.DOCS,
    "The engine's diagnostic when a step would replace or delete a protected resource; it quotes the URN.")
