"""The cloud side of every ESC login, generated from the same config: who may become which identity.

Each identity (AWS role, GCP service account, Azure app) trusts exactly the subjects of the
environments that log in as it (``deployments.esc.subject``), with the organization's audience:

* AWS: the role's trust policy (StringEquals on ``api.pulumi.com/oidc:aud`` and ``:sub``);
* GCP: the pool provider's attribute mapping/condition and, per service account, the principals to
  grant ``roles/iam.workloadIdentityUser``;
* Azure: one federated identity credential per (app, subject) (Azure matches subjects exactly).

The Deployments program exports them; ``python -m deployments.trust deployments/Pulumi.<org>.yaml
--org <org>`` prints them before the first ``pulumi up``, so the trust can exist when ESC first logs in.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from components.facts import pulumi as pulumi_facts

from .config import DeploymentsConfig, Login
from .esc import audience, subject


@dataclass(frozen=True)
class Grant:
    """One environment logging in as one identity."""

    environment: str
    login: Login


def grants(cfg: DeploymentsConfig) -> list[Grant]:
    out = []
    for name, settings in sorted(cfg.stacks.items()):
        out.append(Grant(cfg.environment(name), settings.deploy))
        out.append(Grant(cfg.preview_environment(name), settings.preview))
    if cfg.review_stacks.enabled and cfg.review_stacks.identity is not None:
        out.append(Grant(cfg.review_environment, cfg.review_stacks.identity))
    return out


def aws_trust_policy(role_arn: str, organization: str, subjects: Iterable[str]) -> dict[str, Any]:
    partition, account = role_arn.split(":")[1], role_arn.split(":")[4]
    issuer_host = pulumi_facts.OIDC_ISSUER.removeprefix("https://")
    aud_key, sub_key = pulumi_facts.AWS_OIDC_CONDITION_KEYS
    wanted = sorted(set(subjects))
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:{partition}:iam::{account}:oidc-provider/{issuer_host}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {aud_key: audience(organization, "aws"),
                                       sub_key: wanted[0] if len(wanted) == 1 else wanted}},
    }]}


def _gcp_principal(project: str, pool: str, sub: str) -> str:
    return pulumi_facts.GCP_PRINCIPAL.format(project=project, pool=pool, subject=sub)


def _azure_credential_name(environment: str) -> str:
    # Federated credential names: 3-120 characters, letters, digits, '-' and '_'.
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"pulumi-esc-{environment}")[:120]


def trust_documents(cfg: DeploymentsConfig, organization: str) -> dict[str, Any]:
    """Per cloud, per identity: the trust to configure. Raises ValueError on a subject GCP cannot map."""
    aws: dict[str, dict[str, Any]] = {}
    gcp_providers: dict[str, dict[str, Any]] = {}
    gcp_bindings: dict[str, list[str]] = {}
    azure: dict[str, list[dict[str, Any]]] = {}
    by_role: dict[str, list[str]] = {}
    for grant in grants(cfg):
        sub = subject(organization, grant.environment)
        login = grant.login
        if login.aws is not None:
            by_role.setdefault(login.aws.role_arn, []).append(sub)
        elif login.gcp is not None:
            limit = pulumi_facts.GCP_SUBJECT_MAX_BYTES
            if len(sub.encode()) > limit:
                raise ValueError(f"{grant.environment}: the OIDC subject {sub!r} is {len(sub.encode())} bytes; "
                                 f"GCP maps google.subject only up to {limit}: shorten esc_project or the stack name")
            g = login.gcp
            key = (f"projects/{g.project_number}/locations/global/workloadIdentityPools/{g.workload_pool_id}"
                   f"/providers/{g.provider_id}")
            provider = gcp_providers.setdefault(key, {
                "issuer_uri": pulumi_facts.OIDC_ISSUER, "allowed_audiences": [audience(organization, "gcp")],
                "attribute_mapping": dict(pulumi_facts.GCP_SUBJECT_MAPPING), "subjects": []})
            provider["subjects"].append(sub)
            gcp_bindings.setdefault(g.service_account, []).append(
                _gcp_principal(g.project_number, g.workload_pool_id, sub))
        else:
            assert login.azure is not None
            azure.setdefault(login.azure.client_id, []).append({
                "name": _azure_credential_name(grant.environment), "issuer": pulumi_facts.OIDC_ISSUER,
                "subject": sub, "audiences": [audience(organization, "azure")]})
    for role, subjects in sorted(by_role.items()):
        aws[role] = aws_trust_policy(role, organization, subjects)
    for provider in gcp_providers.values():
        subjects = sorted(set(provider.pop("subjects")))
        # Only our environments may use this provider, even if the pool is shared.
        provider["attribute_condition"] = "assertion.sub in [" + ", ".join(f"'{s}'" for s in subjects) + "]"
    return {
        "aws": {"trust_policies": aws} if aws else {},
        "gcp": {"providers": gcp_providers,
                "service_account_bindings": {sa: {"role": pulumi_facts.GCP_IMPERSONATION_ROLE,
                                                  "members": sorted(set(m))}
                                             for sa, m in sorted(gcp_bindings.items())}} if gcp_providers else {},
        "azure": {"federated_credentials": azure} if azure else {},
    }


def main(argv: list[str] | None = None, out: Any = None) -> int:
    from .config import from_stack_file

    parser = argparse.ArgumentParser(prog="python -m deployments.trust", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("config", type=Path, help="deployments/Pulumi.<org>.yaml")
    parser.add_argument("--org", help="Pulumi organization (default: the file's organization key)")
    args = parser.parse_args(argv)
    cfg = from_stack_file(args.config)
    organization = args.org or cfg.organization
    if not organization:
        parser.error("--org is required when the file sets no organization")
    print(json.dumps(trust_documents(cfg, organization), indent=2), file=out or sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
