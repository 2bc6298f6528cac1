"""Address-space rules: networks we create are private, sized within the cloud's limits and apart from
each other and from the cluster-internal ranges; allow-lists cannot admit the internet in pieces.

Allow-list floors (our choice, shared with the policy pack's notion of "open to the internet"): a public
range in an allow-list is a /16 or narrower, and one list admits at most 2^20 public addresses in all
(sixteen /16s). ``0.0.0.0/1`` + ``128.0.0.0/1`` is the whole internet in two entries; both rules refuse
it. Private ranges (RFC 1918 / RFC 6598) are exempt: they are not reachable from the internet.
``danger_allow_wide_allowlists: true`` lifts both floors (and prints a warning).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING

from components.facts import limits

from .common import Cloud, Problem, given

if TYPE_CHECKING:
    from .root import DataPlaneConfig

ALLOWLIST_MIN_PUBLIC_PREFIX = 16
ALLOWLIST_MAX_PUBLIC_ADDRESSES = 2**20
# Our subnet plans need room: AWS gives each AZ a quarter of the VPC, Azure halves the VNet.
MAX_CREATED_PREFIX = 20

# AKS overlay ranges the program sets (components/azure/cluster.py; a test keeps them equal).
AKS_POD_CIDR = ipaddress.IPv4Network("192.168.0.0/16")
AKS_SERVICE_CIDR = ipaddress.IPv4Network("172.16.0.0/16")


def is_private(net: ipaddress.IPv4Network) -> bool:
    """Inside RFC 1918 or RFC 6598 space (Python's ``is_private`` also admits loopback, link-local...)."""
    return any(net.subnet_of(space) for space in limits.PRIVATE_RANGES)


def private_problem(path: str, net: ipaddress.IPv4Network) -> Problem | None:
    if is_private(net):
        return None
    spaces = ", ".join(str(s) for s in limits.PRIVATE_RANGES)
    return Problem(path=path, message=f"{net} is not private address space; use a range inside {spaces}")


def created_network_problems(path: str, net: ipaddress.IPv4Network, *, min_prefix: int) -> list[Problem]:
    """A network the program creates: private and between /``min_prefix`` and /20."""
    found = [p for p in [private_problem(path, net)] if p]
    if not min_prefix <= net.prefixlen <= MAX_CREATED_PREFIX:
        found.append(Problem(path=path, message=(
            f"{net} must be between /{min_prefix} and /{MAX_CREATED_PREFIX} (the cloud's limit and the "
            "program's subnet plan)")))
    return found


def _public_addresses(nets: Sequence[ipaddress.IPv4Network]) -> int:
    public = [n for n in nets if not is_private(n)]
    return sum(n.num_addresses for n in ipaddress.collapse_addresses(public))


def allowlist_problems(path: str, nets: Sequence[ipaddress.IPv4Network], *, allow_wide: bool,
                       first_index: int = 0) -> list[Problem]:
    """``nets`` is one allow-list (``path[i]`` names an entry; ``first_index`` offsets the numbering)."""
    found: list[Problem] = []
    if allow_wide:
        return found
    for i, net in enumerate(nets, start=first_index):
        if not is_private(net) and net.prefixlen < ALLOWLIST_MIN_PUBLIC_PREFIX:
            found.append(Problem(path=f"{path}[{i}]", message=(
                f"{net} admits {net.num_addresses:,} public addresses; list public ranges of "
                f"/{ALLOWLIST_MIN_PUBLIC_PREFIX} or narrower (danger_allow_wide_allowlists: true to go wider)")))
    total = _public_addresses(nets)
    if total > ALLOWLIST_MAX_PUBLIC_ADDRESSES:
        found.append(Problem(path=path, message=(
            f"admits {total:,} public addresses in all; at most {ALLOWLIST_MAX_PUBLIC_ADDRESSES:,} "
            "(list the networks that need access, or set danger_allow_wide_allowlists: true)")))
    return found


def _duplicates(path: str, items: Sequence[str]) -> list[Problem]:
    seen: set[str] = set()
    found = []
    for i, item in enumerate(items):
        if item in seen:
            found.append(Problem(path=f"{path}[{i}]", message=f"{given(item)} is listed twice"))
        seen.add(item)
    return found


def _aws(cfg: DataPlaneConfig) -> list[Problem]:
    aws = cfg.aws_section
    found: list[Problem] = []
    low = limits.AWS_VPC_PREFIX[0]
    net, quarantine = aws.network, aws.quarantine
    if net.create_vpc:
        found += created_network_problems("aws.network.vpc_cidr", net.vpc_cidr, min_prefix=low)
    if quarantine.enabled and quarantine.create_vpc:
        found += created_network_problems("aws.quarantine.vpc_cidr", quarantine.vpc_cidr, min_prefix=low)
        if net.create_vpc and net.vpc_cidr.overlaps(quarantine.vpc_cidr):
            found.append(Problem(path="aws.quarantine.vpc_cidr", message=(
                f"{quarantine.vpc_cidr} overlaps aws.network.vpc_cidr {net.vpc_cidr}; the quarantine VPC must "
                "be separate from the data plane's")))
    found += _duplicates("aws.network.existing_private_subnet_ids", net.existing_private_subnet_ids)
    found += _duplicates("aws.network.existing_public_subnet_ids", net.existing_public_subnet_ids)
    found += _duplicates("aws.network.existing_data_subnet_ids", net.existing_data_subnet_ids)
    found += _duplicates("aws.quarantine.existing_subnet_ids", quarantine.existing_subnet_ids)
    public = set(net.existing_public_subnet_ids)
    for i, subnet in enumerate(net.existing_private_subnet_ids):
        if subnet in public:
            found.append(Problem(path=f"aws.network.existing_private_subnet_ids[{i}]", message=(
                f"{subnet} is also listed as a public subnet; private subnets have no internet route")))
    main = {*net.existing_private_subnet_ids, *net.existing_public_subnet_ids, *net.existing_data_subnet_ids}
    for i, subnet in enumerate(quarantine.existing_subnet_ids):
        if subnet in main:
            found.append(Problem(path=f"aws.quarantine.existing_subnet_ids[{i}]", message=(
                f"{subnet} is a subnet of the main network; user functions must run in their own subnets")))
    if quarantine.existing_vpc_id and quarantine.existing_vpc_id == net.existing_vpc_id:
        found.append(Problem(path="aws.quarantine.existing_vpc_id", message=(
            "is the main VPC; the quarantine VPC must be a different VPC")))
    return found


def _gcp(cfg: DataPlaneConfig) -> list[Problem]:
    # The node, pod, service and control-plane ranges are checked by GcpNetworkConfig (private, apart).
    assert cfg.gcp is not None
    return allowlist_problems("gcp.cluster.authorized_networks", cfg.gcp.cluster.authorized_networks,
                              allow_wide=cfg.danger_allow_wide_allowlists)


def _azure(cfg: DataPlaneConfig) -> list[Problem]:
    assert cfg.azure is not None
    azure = cfg.azure
    found: list[Problem] = []
    if azure.network.create_vnet:
        vnet = azure.network.vnet_cidr
        found += [p for p in [private_problem("azure.network.vnet_cidr", vnet)] if p]
        for name, internal in (("pod", AKS_POD_CIDR), ("service", AKS_SERVICE_CIDR)):
            if vnet.overlaps(internal):
                found.append(Problem(path="azure.network.vnet_cidr", message=(
                    f"{vnet} overlaps the AKS {name} range {internal} (cluster-internal, set by the program); "
                    "choose a VNet range outside 192.168.0.0/16 and 172.16.0.0/16")))
    # The deployer ranges and the authorized ranges form one list on the AKS API server.
    deployer, authorized = list(azure.deployer_ip_ranges), list(azure.cluster.authorized_ip_ranges)
    allow_wide = cfg.danger_allow_wide_allowlists
    found += allowlist_problems("azure.deployer_ip_ranges", deployer, allow_wide=allow_wide)
    found += allowlist_problems("azure.cluster.authorized_ip_ranges", authorized, allow_wide=allow_wide)
    cap = ALLOWLIST_MAX_PUBLIC_ADDRESSES
    separately_fine = max(_public_addresses(deployer), _public_addresses(authorized)) <= cap
    if not allow_wide and separately_fine and _public_addresses([*deployer, *authorized]) > cap:
        found.append(Problem(path="azure.cluster.authorized_ip_ranges", message=(
            f"together with azure.deployer_ip_ranges admits more than {ALLOWLIST_MAX_PUBLIC_ADDRESSES:,} "
            "public addresses (danger_allow_wide_allowlists: true to go wider)")))
    # AKS appends the nodes' NAT egress address to the list.
    if len(set(deployer) | set(authorized)) + 1 > limits.AKS_MAX_AUTHORIZED_IP_RANGES:
        found.append(Problem(path="azure.cluster.authorized_ip_ranges", message=(
            f"with azure.deployer_ip_ranges has more than {limits.AKS_MAX_AUTHORIZED_IP_RANGES - 1} entries "
            f"(AKS takes {limits.AKS_MAX_AUTHORIZED_IP_RANGES}, one is the nodes' egress address)")))
    return found


def problems(cfg: DataPlaneConfig) -> list[Problem]:
    """Every address-space rule of ``cfg``'s cloud, plus the cloud-neutral ingress allow-list."""
    found = {Cloud.AWS: _aws, Cloud.GCP: _gcp, Cloud.AZURE: _azure}[cfg.cloud](cfg) if _section(cfg) else []
    cidrs = [ipaddress.IPv4Network(c) for c in cfg.ingress.allowed_cidrs]
    found += allowlist_problems("ingress.allowed_cidrs", cidrs, allow_wide=cfg.danger_allow_wide_allowlists)
    return found


def _section(cfg: DataPlaneConfig) -> bool:
    return cfg.cloud is Cloud.AWS or {Cloud.GCP: cfg.gcp, Cloud.AZURE: cfg.azure}[cfg.cloud] is not None
