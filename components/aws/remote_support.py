"""Optional read access for Braintrust engineers during incidents (off by default).

A role that the configured Braintrust accounts may assume only with the agreed ExternalId (upstream
trusts two Braintrust account roots with no condition at all), limited to reading this deployment's
logs. Shell access is deliberately not part of it: operators reach Brainstore nodes with SSM Session
Manager (aws.brainstore.session_manager_access) and can share a session when they choose to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pulumi

from . import policies as p
from .context import Deployment
from .iam import service_role


@dataclass(frozen=True)
class RemoteSupportArgs:
    deployment: Deployment
    braintrust_account_ids: list[str]
    external_id: str
    # The stack stores `remote_support` as a secret: the trust policy (account ids, ExternalId) stays one.
    secret: bool = False
    expires_on: dt.date | None = None  # the role cannot be assumed from 00:00 UTC that day (aws:CurrentTime)


class RemoteSupport(pulumi.ComponentResource):
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: RemoteSupportArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:RemoteSupport", name, None, opts)
        d = args.deployment
        trust: pulumi.Input[str] = p.document([{
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in args.braintrust_account_ids]},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": args.external_id},
                          **({"DateLessThan": {"aws:CurrentTime": f"{args.expires_on.isoformat()}T00:00:00Z"}}
                             if args.expires_on else {})},
        }])
        if args.secret:
            trust = pulumi.Output.secret(trust)
        log_groups = [d.log_group_arn(f"/braintrust/{d.name}/*"), d.log_group_arn(f"/braintrust/{d.name}/*:*"),
                      d.log_group_arn(f"/aws/rds/instance/{d.name}-*"),
                      d.log_group_arn(f"/aws/rds/instance/{d.name}-*:*")]
        role = service_role(
            f"{name}-role", d, trust=trust, parent=self,
            description=f"Braintrust support: read-only access to {d.name} logs",
            inline={"read-logs": p.document([
                p.allow("ReadDeploymentLogs",
                        ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartLiveTail",
                         "logs:StartQuery"], log_groups),
                p.allow("ListLogGroups", ["logs:DescribeLogGroups", "logs:GetQueryResults", "logs:StopQuery"], "*"),
            ])},
        )
        self.role_arn = role.arn
        self.register_outputs({"role_arn": self.role_arn})
