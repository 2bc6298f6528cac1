"""Every policy of the Braintrust data plane pack, importable without starting the policy server.

``policy/__main__.py`` hands ``POLICIES`` to ``PulumiPolicy.PolicyPack`` (which starts a gRPC server and
blocks); tests, the offline runner and the docs generator import this module instead.
"""

from __future__ import annotations

from . import aws, azure, gcp, kubernetes, multicloud
from .common import Resource, ResourceRule, Rule, StackRule, StackViolation

PACK_NAME = "braintrust-data-plane"

POLICIES: list[Rule] = [*aws.RULES, *gcp.RULES, *azure.RULES, *kubernetes.RULES, *multicloud.RULES]

__all__ = ["PACK_NAME", "POLICIES", "Resource", "ResourceRule", "Rule", "StackRule", "StackViolation"]
