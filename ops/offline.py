"""Build a stack offline: the real program under Pulumi's mock engine, as ``pulumi preview`` would see it.

No credentials, no CLI, no plugins. The program runs in *preview* mode, so every computed output the
mocks do not know (ARNs, endpoints, generated names) is *unknown*, exactly as in a first
``pulumi preview``: nothing is invented, and code that waits for such a value does not run (a resource
created only inside such an ``apply`` is not counted, as in a real preview).

Data sources (invokes) do run during a real preview, so they need answers. ``INVOKE_ANSWERS`` answers
the ones the program uses from the stack's own configuration (account, project, subscription, zones),
and with visibly fake placeholders (zeros, "offline-plan-placeholder") where only the cloud knows;
a data source without an answer stops the build with ``OfflineGapError`` naming it, rather than handing
the program an empty result that could silently change what it builds. Braintrust's AWS release pointers
are read over HTTPS, not through a data source: offline, a placeholder answers them (no network).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from components.aws import release as aws_release
from components.config import DataPlaneConfig

PROJECT = "braintrust"
# Shown for outputs whose value exists only after deployment, and for secrets.
UNKNOWN = "(known after deploy)"
SECRET = "[secret]"
PLACEHOLDER_AWS_ACCOUNT = "000000000000"
PLACEHOLDER_UUID = "00000000-0000-0000-0000-000000000000"
PLACEHOLDER_PROJECT_NUMBER = "000000000000"
PLACEHOLDER_MARK = "offline-plan-placeholder"

Answer = Callable[[DataPlaneConfig, Mapping[str, Any]], dict[str, Any]]


class OfflineGapError(RuntimeError):
    """The program called a data source that the offline build cannot answer."""

    def __init__(self, token: str):
        self.token = token
        super().__init__(
            f"data source {token} has no offline answer; add one to INVOKE_ANSWERS in ops/offline.py"
        )


# ----- answers to data sources, from the stack's own configuration -----

def _aws_account(cfg: DataPlaneConfig) -> str:
    return cfg.aws_section.account_id or PLACEHOLDER_AWS_ACCOUNT


def _aws_zones(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    names = cfg.zone_names or [f"{cfg.region}{z}" for z in "abcdef"]
    return {"id": cfg.region, "names": names, "zoneIds": [f"zone-{i}" for i in range(len(names))],
            "groupNames": [cfg.region] * len(names)}


def _aws_caller(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    account = _aws_account(cfg)
    return {"id": account, "accountId": account, "arn": f"arn:aws:iam::{account}:role/offline-plan",
            "userId": "OFFLINEPLAN"}


def _aws_region(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": cfg.region, "name": cfg.region, "region": cfg.region,
            "endpoint": f"ec2.{cfg.region}.amazonaws.com", "description": cfg.region}


def _aws_partition(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": "aws", "partition": "aws", "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws"}


def _aws_release_pointer(url: str) -> str:
    """Braintrust's release pointer (which Lambda zip a release uses) is read over HTTPS by a real preview
    (components/aws/release.py); offline, the answer has the pointer's shape with an unmistakable placeholder
    hash. It changes no resource count, only the (unshown) zip key of each function."""
    function = url.split("/lambda/", 1)[1].split("/", maxsplit=1)[0] if "/lambda/" in url else "unknown"
    return f"lambda/{function}/versions/{PLACEHOLDER_MARK}.zip"


def _aws_prefix_list(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    """A managed prefix list by name (the ECS API's ALB admits CloudFront's): its id is regional, AWS's own."""
    name = str(args.get("name") or "")
    return {"id": f"pl-{PLACEHOLDER_MARK}", "name": name, "addressFamily": "IPv4", "entries": [],
            "arn": f"arn:aws:ec2:{cfg.region}:aws:prefix-list/pl-{PLACEHOLDER_MARK}", "maxEntries": 0,
            "ownerId": "AWS", "version": 0, "tags": {}}


def _gcp_project_id(cfg: DataPlaneConfig) -> str:
    return cfg.gcp.project_id if cfg.gcp else "offline-plan"


def _gcp_client(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": "offline", "project": _gcp_project_id(cfg), "region": cfg.region,
            "zone": f"{cfg.region}-a", "accessToken": "offline", "defaultLabels": {}}


def _gcp_project(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    project = args.get("projectId") or _gcp_project_id(cfg)
    return {"id": f"projects/{project}", "projectId": project, "name": project, "number": PLACEHOLDER_PROJECT_NUMBER}


def _gcs_service_agent(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    # The real address embeds the project *number*, which the stack file does not hold (see _gcp_project).
    email = f"service-{PLACEHOLDER_PROJECT_NUMBER}@gs-project-accounts.iam.gserviceaccount.com"
    return {"id": email, "project": args.get("project") or _gcp_project_id(cfg), "emailAddress": email,
            "member": f"serviceAccount:{email}"}


def _azure_client(cfg: DataPlaneConfig, args: Mapping[str, Any]) -> dict[str, Any]:
    subscription = str(cfg.azure.subscription_id) if cfg.azure else PLACEHOLDER_UUID
    tenant = str(cfg.azure.tenant_id) if cfg.azure and cfg.azure.tenant_id else PLACEHOLDER_UUID
    return {"subscriptionId": subscription, "tenantId": tenant, "clientId": PLACEHOLDER_UUID,
            "objectId": PLACEHOLDER_UUID}


INVOKE_ANSWERS: dict[str, Answer] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": _aws_zones,
    "aws:index/getCallerIdentity:getCallerIdentity": _aws_caller,
    "aws:index/getRegion:getRegion": _aws_region,
    "aws:index/getPartition:getPartition": _aws_partition,
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": _aws_prefix_list,
    "gcp:organizations/getClientConfig:getClientConfig": _gcp_client,
    "gcp:organizations/getProject:getProject": _gcp_project,
    "gcp:storage/getProjectServiceAccount:getProjectServiceAccount": _gcs_service_agent,
    "azure-native:authorization:getClientConfig": _azure_client,
}


# ----- the mock engine -----

@dataclass(frozen=True)
class Resource:
    """One registered resource (custom or component), as the engine would record it."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    protect: bool
    retain_on_delete: bool
    remote: bool = False  # a component implemented by a provider (e.g. a Helm chart): opaque offline


# Inputs whose output has another shape (the provider rewrites them): echoing would hand the program
# a value of the wrong type, so they stay unknown. azure-native: `identity.userAssignedIdentities` is a
# list of ids as input and a map of id -> {principalId, clientId} as output.
_RESHAPED: dict[str, tuple[str, ...]] = {"azure-native": ("identity",)}


class _OfflineMocks(Mocks):
    def __init__(self, cfg: DataPlaneConfig, answers: Mapping[str, Answer]):
        self.cfg = cfg
        self.answers = answers
        self.gaps: list[str] = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        # Inputs echo back; the id and every other output stay unknown, as for a resource a real
        # preview would create ("" is how the mock monitor says "no id yet").
        state = {k: v for k, v in args.inputs.items() if k not in _RESHAPED.get(args.typ.split(":", 1)[0], ())}
        return "", state

    def call(self, args: MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        answer = self.answers.get(args.token)
        if answer is None:
            self.gaps.append(args.token)
            raise OfflineGapError(args.token)
        return answer(self.cfg, args.args), []


class _RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Mocks):
        super().__init__(mocks)
        self.registered: list[Resource] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.registered.append(Resource(
                urn=self.make_urn(request.parent, request.type, request.name),
                type=request.type,
                name=request.name,
                parent=request.parent,
                custom=bool(request.custom),
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                remote=bool(getattr(request, "remote", False)),
            ))
        return response


@dataclass
class Build:
    """What one offline build registered and exported."""

    stack: str
    resources: list[Resource]
    outputs: dict[str, Any]
    seconds: float
    secret_outputs: set[str] = field(default_factory=set)

    @property
    def custom_resources(self) -> list[Resource]:
        """Cloud resources (what a bill or a console shows) and provider-implemented components such as
        a Helm chart (counted once: their contents are rendered by the provider at deploy time).
        Providers are configuration, not resources."""
        return [r for r in self.resources
                if (r.custom or r.remote) and not r.type.startswith("pulumi:providers:")]

    def component_of(self, resource: Resource) -> str:
        """The nearest `braintrust:*` component containing ``resource`` ("(stack)" if none)."""
        by_urn = {r.urn: r for r in self.resources}
        parent = by_urn.get(resource.parent)
        while parent is not None:
            if parent.type.startswith("braintrust:"):
                return f"{parent.type} {parent.name}"
            parent = by_urn.get(parent.parent)
        return "(stack)"

    def inventory(self) -> dict[str, Counter[str]]:
        """Resource counts by component, then by type token."""
        out: dict[str, Counter[str]] = {}
        for resource in self.custom_resources:
            label = f"{resource.type} (contents rendered at deploy time)" if resource.remote else resource.type
            out.setdefault(self.component_of(resource), Counter())[label] += 1
        return dict(sorted(out.items()))

    def known_outputs(self) -> dict[str, Any]:
        """Outputs whose value the offline build knows, secrets left out (ops/access.py fills the gaps)."""
        return {key: value for key, value in self.outputs.items()
                if value is not _UNRESOLVED and key not in self.secret_outputs}

    def shown_outputs(self) -> dict[str, str]:
        """Outputs as a person may see them: secrets masked, unknowns marked."""
        shown: dict[str, str] = {}
        for key, value in sorted(self.outputs.items()):
            if key in self.secret_outputs:
                shown[key] = SECRET
            elif value is _UNRESOLVED:
                shown[key] = UNKNOWN
            else:
                shown[key] = str(value)
        return shown


_UNRESOLVED = object()


def reset_runtime() -> None:
    """Forget the previous build (root stack and config are process globals in the SDK)."""
    pulumi.runtime.settings.ROOT.set(None)
    pulumi.runtime.set_all_config({}, [])


def build(cfg: DataPlaneConfig, stack: str, license_stand_in: str = "offline-plan-stand-in",
          answers: Mapping[str, Answer] | None = None) -> Build:
    """Run ``components.program.deploy`` for ``cfg`` under the mock engine in preview mode.

    Raises ``OfflineGapError`` (unanswered data source) or the program's own exception.
    """
    from components.program import Secrets, deploy

    mocks = _OfflineMocks(cfg, INVOKE_ANSWERS if answers is None else answers)
    monitor = _RecordingMonitor(mocks)
    reset_runtime()
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=True, monitor=monitor)
    outputs: dict[str, Any] = {}
    secret: set[str] = set()

    def program() -> None:
        exported = deploy(cfg, Secrets(brainstore_license_key=pulumi.Output.secret(license_stand_in)))
        for key, value in exported.items():
            out = pulumi.Output.from_input(value)
            outputs[key] = _UNRESOLVED
            out.apply(lambda v, key=key: outputs.__setitem__(key, v))
            pulumi.Output.from_input(_is_secret(out)).apply(lambda s, key=key: secret.add(key) if s else None)

    started = time.perf_counter()
    try:
        with aws_release.use_fetcher(_aws_release_pointer):  # no network: a placeholder pointer
            pulumi.runtime.test(program)()
    except Exception as error:
        if mocks.gaps:
            raise OfflineGapError(mocks.gaps[0]) from error
        raise
    finally:
        reset_runtime()
    return Build(stack=stack, resources=monitor.registered, outputs=outputs,
                 seconds=time.perf_counter() - started, secret_outputs=secret)


async def _is_secret(out: pulumi.Output[Any]) -> bool:
    return await out.is_secret()


__all__ = ["INVOKE_ANSWERS", "Build", "OfflineGapError", "Resource", "build", "reset_runtime"]
