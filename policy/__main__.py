"""Entry point the Pulumi CLI runs for `--policy-pack policy`. It only builds the pack.

PolicyPack(...) starts the analyzer's gRPC server and blocks forever, so nothing may import this
module (tests import `policy.rules`). The CLI runs `python policy/`, which puts this directory first
on sys.path: hence `rules`, not `policy.rules`.
"""

from pulumi_policy import EnforcementLevel, Policy, PolicyPack
from rules import PACK_NAME, POLICIES

policies: list[Policy] = list(POLICIES)
PolicyPack(
    name=PACK_NAME,
    policies=policies,
    # Each policy sets its own level; this is only the fallback for one that does not.
    enforcement_level=EnforcementLevel.MANDATORY,
    description="Security and reliability guarantees of the Braintrust self-hosted data plane.",
)
