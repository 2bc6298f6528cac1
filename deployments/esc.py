"""ESC environment definitions: the license key as a secret, cloud logins by OIDC (pure functions).

Every login sets ``subjectAttributes: [currentEnvironment.name]``, so the token's subject names the
environment that holds the login (``pulumi:environments:pulumi.organization.login:<org>:
currentEnvironment.name:<project>/<env>``). Without it, environments imported by a stack all present
the same ``...:env:<yaml>`` subject (pulumi/pulumi#14509) and a trust policy could not tell them apart.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from components.facts import pulumi as pulumi_facts

from .config import DataPlaneStack, Login

LICENSE_CONFIG_KEY = "braintrust:brainstore_license_key"


def subject(organization: str, environment: str) -> str:
    """The ``sub`` claim of tokens minted by a login defined in ``environment`` (``<project>/<env>``)."""
    return f"{pulumi_facts.SUBJECT_PREFIX}{organization}:{pulumi_facts.SUBJECT_ATTRIBUTE}:{environment}"


def audience(organization: str, cloud: str) -> str:
    return f"{pulumi_facts.AUDIENCE_PREFIX[cloud]}{organization}"


def _session_name(environment: str) -> str:
    # AWS role session names: 2-64 characters of [\w+=,.@-]; shows up in CloudTrail.
    return re.sub(r"[^\w+=,.@-]", "-", f"esc-{environment}")[:64]


def login_values(login: Login, environment: str, stack: DataPlaneStack | None = None) -> dict[str, Any]:
    """The `values:` that log in as ``login`` and export the variables the cloud SDKs read."""
    attributes = [pulumi_facts.SUBJECT_ATTRIBUTE]
    if login.aws is not None:
        spec = pulumi_facts.AWS_LOGIN
        return {
            "aws": {"login": {f"fn::open::{spec['provider']}": {"oidc": {
                "roleArn": login.aws.role_arn, "sessionName": _session_name(environment),
                "duration": login.aws.duration, "subjectAttributes": attributes}}}},
            "environmentVariables": {var: f"${{aws.login.{out}}}" for var, out in spec["environment"].items()},
        }
    if login.gcp is not None:
        spec = pulumi_facts.GCP_LOGIN
        return {
            "gcp": {"login": {f"fn::open::{spec['provider']}": {
                "project": int(login.gcp.project_number),
                "oidc": {"workloadPoolId": login.gcp.workload_pool_id, "providerId": login.gcp.provider_id,
                         "serviceAccount": login.gcp.service_account, "tokenLifetime": login.gcp.token_lifetime,
                         "subjectAttributes": attributes}}}},
            "environmentVariables": {var: f"${{gcp.login.{out}}}" for var, out in spec["environment"].items()},
        }
    azure = login.azure
    assert azure is not None  # Login validates exactly one cloud
    tenant = azure.tenant_id or (stack.azure_tenant_id if stack else None)
    subscription = azure.subscription_id or (stack.azure_subscription_id if stack else None)
    if not tenant or not subscription:
        raise ValueError(f"{environment}: Azure login needs tenant_id and subscription_id")
    spec = pulumi_facts.AZURE_LOGIN
    return {
        "azure": {"login": {f"fn::open::{spec['provider']}": {
            "clientId": azure.client_id, "tenantId": tenant, "subscriptionId": subscription, "oidc": True,
            "subjectAttributes": attributes}}},
        "environmentVariables": {
            var: out.strip("'") if out.startswith("'") else f"${{azure.login.{out}}}"
            for var, out in spec["environment"].items()},
    }


def credentials_document(login: Login, environment: str, license_environment: str,
                         stack: DataPlaneStack | None = None) -> dict[str, Any]:
    """An environment a stack imports: the license (imported) and one cloud identity."""
    return {"imports": [license_environment], "values": login_values(login, environment, stack)}


def license_document(license_key: str) -> dict[str, Any]:
    """The license as stack configuration. ESC encrypts a plaintext fn::secret when it saves it."""
    return {"values": {pulumi_facts.PULUMI_CONFIG_KEY: {
        LICENSE_CONFIG_KEY: {pulumi_facts.SECRET_FUNCTION: license_key}}}}


def render(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False)
