"""Building blocks shared by every rule family: the rule classes, property access, tags, secrets.

Rules see what the Pulumi engine sends a policy pack: camelCase property names, numbers as floats,
and (in a real `pulumi preview`) mappings/sequences wrapped in proxies that raise when a value is not
known yet. So nothing here tests for ``dict``/``list``: only ``Mapping``/``Sequence``; and nothing
catches the proxy's UnknownValueError (the SDK turns it into an advisory "can't run during preview").

Every check is a generator of violation messages; a rule never crashes on a missing property: absent
values are ``None`` and a check decides whether absence is a violation (for security settings whose
cloud default is insecure, it is).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

# The tag keys the program always sets (components/config/root.py BASE_TAG_KEYS; a test keeps them equal).
SIZE_TAG = "braintrust-size"
REQUIRED_TAG_KEYS: tuple[str, ...] = ("braintrust-deployment", SIZE_TAG, "managed-by")

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

# ----------------------------------------------------------------------------------------------
# Property access
# ----------------------------------------------------------------------------------------------


def is_map(value: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(value, Mapping)


def is_seq(value: Any) -> TypeGuard[Sequence[Any]]:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def dig(value: Any, path: str) -> Any:
    """``dig(props, "settings.ipConfiguration.sslMode")``; ``None`` as soon as a step is missing."""
    for key in path.split("."):
        if not is_map(value):
            return None
        value = value.get(key)
    return value


def items(value: Any) -> list[Any]:
    """A sequence property as a list (``None`` or a scalar -> empty)."""
    return list(value) if is_seq(value) else []


def is_true(value: Any) -> bool:
    """True for ``True`` and for the string ``"true"`` (AWS launch templates encode booleans as strings)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_set(value: Any) -> bool:
    """A non-empty value (a KMS key id, a network name)."""
    if value is None or value is False:
        return False
    if isinstance(value, str | bytes) or is_seq(value) or is_map(value):
        return len(value) > 0
    return True


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def json_document(value: Any) -> Mapping[str, Any] | None:
    """An IAM/bucket policy given as a JSON string or as a mapping."""
    if is_map(value):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, Mapping) else None
    return None


def json_list(value: Any) -> list[Any]:
    """A list given as a JSON string (ECS container definitions) or as a sequence."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return []
        return parsed if isinstance(parsed, list) else []
    return items(value)


def statements(document: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if document is None:
        return []
    found = document.get("Statement")
    if is_map(found):
        return [found]
    return [s for s in items(found) if is_map(s)]


def as_strings(value: Any) -> list[str]:
    """A policy field that may be a string or a list of strings."""
    if isinstance(value, str):
        return [value]
    return [v for v in items(value) if isinstance(v, str)]


# ----------------------------------------------------------------------------------------------
# Networks and ports
# ----------------------------------------------------------------------------------------------

ANYWHERE = ("0.0.0.0/0", "::/0", "*", "internet", "any")
# An allow-list "admits the internet" when it covers more than 1/2^N of its address family: for IPv4 with the
# default N=8, a prefix shorter than /8, or ranges that together cover more than 2^24 public addresses
# (0.0.0.0/1 + 128.0.0.0/1 is the internet in two pieces). The same floor as the config validators of
# allow-lists; a rule's `min_prefix_length` setting moves it.
DEFAULT_MIN_PREFIX = 8
# Addresses no internet client has, left out of the count (all of RFC 1918 together exceeds 2^24):
# RFC 1918 private, RFC 6598 shared (CGNAT), RFC 1122 loopback, RFC 3927 link-local; IPv6 RFC 4193 unique
# local, RFC 4291 link-local and loopback.
_NOT_INTERNET = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "fc00::/7", "fe80::/10", "::1/128"))


def _network(cidr: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(cidr, str):
        return None
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return None


def is_anywhere(cidr: Any, min_prefix: int = DEFAULT_MIN_PREFIX) -> bool:
    """``0.0.0.0/0``, ``::/0``, the Azure spellings ``*``/``Internet``/``Any``, and any prefix shorter than
    ``/min_prefix`` (a /1 is half the internet)."""
    if isinstance(cidr, str) and cidr.strip().lower() in ANYWHERE:
        return True
    network = _network(cidr)
    return network is not None and network.prefixlen < min_prefix


def open_ranges(cidrs: Iterable[Any], min_prefix: int = DEFAULT_MIN_PREFIX) -> list[str]:
    """The entries of an allow-list that admit the internet: each one that does on its own, or all the
    ranges of a family that together cover more than 2^(bits - min_prefix) addresses."""
    entries = [c for c in cidrs if isinstance(c, str)]
    found = [c for c in entries if is_anywhere(c, min_prefix)]
    for version, bits in ((4, 32), (6, 128)):
        family = [(c, n) for c in entries if (n := _network(c)) is not None and n.version == version]
        if _public_addresses([n for _, n in family]) > 2 ** (bits - min_prefix):
            found += [c for c, _ in family if c not in found]
    return found


def _public_addresses(networks: list[Any]) -> int:
    """Addresses the (same-family) networks cover together, minus those no internet client can have."""
    total = 0
    for network in ipaddress.collapse_addresses(networks):
        total += network.num_addresses
        for special in _NOT_INTERNET:  # CIDR blocks either nest or are disjoint
            if special.version == network.version and network.overlaps(special):
                total -= min(network.num_addresses, special.num_addresses)
    return total


def port_range(spec: Any) -> tuple[int, int] | None:
    """``"443"``, ``"8000-9000"``, ``"*"``, 443.0 -> an inclusive range; ``None`` if unreadable."""
    if spec is None:
        return None
    if isinstance(spec, int | float) and not isinstance(spec, bool):
        return int(spec), int(spec)
    if not isinstance(spec, str):
        return None
    text = spec.strip()
    if text in ("*", ""):
        return 0, 65535
    low, _, high = text.partition("-")
    try:
        return int(low), int(high or low)
    except ValueError:
        return None


def outside(ports: tuple[int, int], allowed: Iterable[int]) -> list[str]:
    """The parts of ``ports`` not in ``allowed`` (``["0-79", "81-442", ...]``), for messages."""
    low, high = ports
    allowed_in_range = sorted(p for p in set(allowed) if low <= p <= high)
    gaps: list[str] = []
    cursor = low
    for port in allowed_in_range:
        if port > cursor:
            gaps.append(f"{cursor}" if port - 1 == cursor else f"{cursor}-{port - 1}")
        cursor = port + 1
    if cursor <= high:
        gaps.append(f"{cursor}" if cursor == high else f"{cursor}-{high}")
    return gaps


# ----------------------------------------------------------------------------------------------
# Tags / labels
# ----------------------------------------------------------------------------------------------

# Where a resource keeps its tags when it is not the top-level `tags`/`labels` property.
TAG_PATHS: dict[str, str] = {
    "gcp:sql/databaseInstance:DatabaseInstance": "settings.userLabels",
    "gcp:container/cluster:Cluster": "resourceLabels",
    "gcp:container/nodePool:NodePool": "nodeConfig.resourceLabels",
    # Cloud Monitoring: `labels` of a channel is its configuration (an address, a URL), not tags.
    "gcp:monitoring/alertPolicy:AlertPolicy": "userLabels",
    "gcp:monitoring/notificationChannel:NotificationChannel": "userLabels",
}


def tags_of(resource_type: str, props: Mapping[str, Any]) -> dict[str, str] | None:
    """The resource's tags/labels as a dict, ``None`` when it carries none at all."""
    path = TAG_PATHS.get(resource_type)
    candidates = [dig(props, path)] if path else [props.get("tags"), props.get("labels"), dig(props, "metadata.labels")]
    for found in candidates:
        if is_map(found):
            return {str(k): str(v) for k, v in found.items()}
        if is_seq(found):  # aws:autoscaling/group:Group tags: [{key, value, propagateAtLaunch}]
            return {str(t.get("key")): str(t.get("value")) for t in found if is_map(t) and "key" in t}
    return None


def is_production(resource_type: str, props: Mapping[str, Any]) -> bool:
    """Production unless the resource says otherwise: an untagged resource gets the strict reading."""
    tags = tags_of(resource_type, props) or {}
    return tags.get(SIZE_TAG, "production") != "staging"


# ----------------------------------------------------------------------------------------------
# Secrets in plain configuration
# ----------------------------------------------------------------------------------------------

# Normalised (lower case, no separators) name fragments that mean "this holds a secret value".
_SECRET_NAME_PARTS = (
    "password", "passwd", "licensekey", "apikey", "privatekey", "secretkey", "accesskey", "accountkey", "clientsecret",
    "connectionstring", "authstring", "authtoken", "accesstoken", "signingkey", "encryptionkey",
)
# ... unless the name says it holds a reference to one.
_REFERENCE_SUFFIXES = ("arn", "id", "name", "path", "file", "ref", "version", "uri", "enabled", "length", "ttl")
_REFERENCE_PREFIXES = ("arn:", "projects/", "$", "{{", "ssm:", "secretsmanager:")
_CREDENTIAL_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@", re.IGNORECASE)
_CONNECTION_STRING = re.compile(r"(?:^|;)\s*(?:AccountKey|SharedAccessKey|Password|Pwd)=[^;\s]+", re.IGNORECASE)
_ASSIGNMENT = re.compile(r"""(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*["']?(?P<value>[^\s"'$][^\s"']*)""")


# Credential formats, searched for in values (components/facts/secrets.py KEY_FORMATS holds them with their
# sources; tests/policy/test_rules.py keeps the two equal: the pack does not import the program).
KEY_FORMATS: tuple[tuple[str, str], ...] = (
    ("aws-access-key-id", r"\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    ("anthropic-api-key", r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{40,}"),
    ("openai-api-key", r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
    ("github-token", r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{30,}|\bgithub_pat_\w{22,}"),
    ("gitlab-token", r"\bglpat-[A-Za-z0-9_.-]{20,}"),
    ("slack-token", r"\bxox[abpe]-[0-9]{8,}-[A-Za-z0-9-]{10,}"),
    ("google-api-key", r"\bAIza[A-Za-z0-9_-]{35}"),
    ("private-key", r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY"),
)
_KEY_PATTERNS = [(name, re.compile(pattern)) for name, pattern in KEY_FORMATS]


def credential_format(value: str) -> str | None:
    """The name of the credential format ``value`` contains (``openai-api-key``), or ``None``."""
    for name, pattern in _KEY_PATTERNS:
        if pattern.search(value):
            return name
    return None


def secret_like_name(name: str) -> bool:
    normalised = re.sub(r"[^a-z0-9]", "", name.lower())
    if normalised.endswith(_REFERENCE_SUFFIXES):
        return False
    return any(part in normalised for part in _SECRET_NAME_PARTS) or normalised.endswith("token")


def is_reference(value: str) -> bool:
    text = value.strip()
    return text.startswith(_REFERENCE_PREFIXES) or ".vault.azure.net/" in text


def has_credential_url(value: str) -> bool:
    """``postgres://user:password@host``, ``rediss://:password@host``, ``...;AccountKey=...`` connection
    strings (a ``user@host`` URL without a password is fine)."""
    return bool(_CREDENTIAL_URL.search(value) or _CONNECTION_STRING.search(value))


def plaintext_secret(name: str, value: Any) -> str | None:
    """Why ``name=value`` leaks a secret, or ``None``."""
    if not isinstance(value, str) or not value.strip():
        return None
    if has_credential_url(value):
        return f"{name} holds a URL with embedded credentials"
    found = credential_format(value)
    if found:
        return f"{name} holds a value in the format of a credential ({found})"
    if secret_like_name(name) and not is_reference(value):
        return f"{name} holds a literal secret value"
    return None


def secrets_in_text(text: str) -> list[str]:
    """Secret assignments (`NAME=value`, `name: value`, `"name": "value"`) and credential URLs in a script."""
    found: list[str] = []
    for match in _ASSIGNMENT.finditer(text):
        reason = plaintext_secret(match.group("name"), match.group("value"))
        if reason:
            found.append(reason)
    if not found and has_credential_url(text):
        found.append("the text contains a URL with embedded credentials")
    if not found:
        found += [f"the text contains a credential ({name})" for name, pattern in _KEY_PATTERNS
                  if pattern.search(text)]
    return found


def decode_user_data(value: Any) -> str:
    """EC2 user data is base64 in launch templates; plain text elsewhere."""
    if not isinstance(value, str):
        return ""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return value


def secrets_in_tree(value: Any, path: str = "") -> Iterator[str]:
    """Secret-looking literals anywhere in a nested mapping (e.g. Helm values)."""
    if is_map(value):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if isinstance(item, str):
                reason = plaintext_secret(str(key), item)
                if reason:
                    yield f"{here}: {reason}"
            else:
                yield from secrets_in_tree(item, here)
    elif is_seq(value):
        for i, item in enumerate(value):
            yield from secrets_in_tree(item, f"{path}[{i}]")


# ----------------------------------------------------------------------------------------------
# The rule classes
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """The view of one resource a check gets (the same for resource and stack rules)."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    dependencies: tuple[str, ...] = ()  # URNs (stack rules only)

    def get(self, path: str) -> Any:
        return dig(self.props, path)

    @property
    def production(self) -> bool:
        return is_production(self.type, self.props)

    @property
    def tags(self) -> dict[str, str] | None:
        return tags_of(self.type, self.props)


Config = Mapping[str, Any]
ResourceCheck = Callable[[Resource, Config], Iterable[str]]


@dataclass(frozen=True)
class StackViolation:
    message: str
    urn: str | None = None


StackCheck = Callable[[Sequence[Resource], Config], Iterable[StackViolation]]


@dataclass(frozen=True)
class Setting:
    """One configurable threshold of a rule (becomes a JSON-schema property with a default)."""

    type: str
    default: Any
    description: str
    extra: Mapping[str, Any] = field(default_factory=dict)

    def schema(self) -> dict[str, Any]:
        return {"type": self.type, "default": self.default, "description": self.description, **self.extra}


def open_network_setting() -> dict[str, Setting]:
    """The `min_prefix_length` setting of every rule that judges an allow-list (see ``open_ranges``)."""
    return {"min_prefix_length": Setting(
        "integer", DEFAULT_MIN_PREFIX,
        "Ranges admit the internet when they cover more than one /N of their address family "
        "(IPv4 with 8: a prefix shorter than /8, or ranges together covering more than 2^24 addresses).",
        {"minimum": 1, "maximum": 32})}


def _schema(settings: Mapping[str, Setting]) -> PolicyConfigSchema | None:
    if not settings:
        return None
    return PolicyConfigSchema(properties={key: s.schema() for key, s in settings.items()})


def _with_defaults(settings: Mapping[str, Setting], given: Config) -> dict[str, Any]:
    # The CLI fills schema defaults; in-process callers may not, so defaults are applied here too.
    return {**{key: s.default for key, s in settings.items()}, **dict(given)}


class ResourceRule(ResourceValidationPolicy):
    """A resource policy that applies to an explicit list of resource types.

    ``family`` groups rules in the generated docs (aws, gcp, azure, kubernetes, multi-cloud).
    """

    def __init__(
        self,
        name: str,
        *,
        family: str,
        description: str,
        severity: Severity,
        enforcement: EnforcementLevel,
        remediation: str,
        types: Iterable[str],
        check: ResourceCheck,
        settings: Mapping[str, Setting] | None = None,
    ) -> None:
        self.family = family
        self.types = frozenset(types)
        self.settings = dict(settings or {})
        self.check = check
        super().__init__(
            name=name,
            description=description,
            validate=self._validate,
            enforcement_level=enforcement,
            config_schema=_schema(self.settings),
            severity=severity,
            remediation_steps=remediation,
            tags=[family],
        )

    def _validate(self, args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in self.types:
            return
        resource = Resource(
            type=args.resource_type, name=args.name, urn=args.urn, props=args.props,
            protect=bool(args.opts.protect) if args.opts is not None else False,
        )
        for message in self.check(resource, _with_defaults(self.settings, args.get_config())):
            report_violation(message, None)


class StackRule(StackValidationPolicy):
    """A policy over the whole stack (counts, coverage, cross-resource relations)."""

    def __init__(
        self,
        name: str,
        *,
        family: str,
        description: str,
        severity: Severity,
        enforcement: EnforcementLevel,
        remediation: str,
        types: Iterable[str],
        check: StackCheck,
        settings: Mapping[str, Setting] | None = None,
    ) -> None:
        self.family = family
        self.types = frozenset(types)  # the resource types the rule looks at (docs, tests)
        self.settings = dict(settings or {})
        self.check = check
        super().__init__(
            name=name,
            description=description,
            validate=self._validate,
            enforcement_level=enforcement,
            config_schema=_schema(self.settings),
            severity=severity,
            remediation_steps=remediation,
            tags=[family],
        )

    def _validate(self, args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [
            Resource(
                type=r.resource_type, name=r.name, urn=r.urn, props=r.props,
                protect=bool(r.opts.protect) if r.opts is not None else False,
                dependencies=tuple(d.urn for d in r.dependencies),
            )
            for r in args.resources
        ]
        for violation in self.check(resources, _with_defaults(self.settings, args.get_config())):
            report_violation(violation.message, violation.urn)


Rule = ResourceRule | StackRule


def depends_on(resource: Resource, target: Resource) -> bool:
    return target.urn in resource.dependencies


def strings(*values: Any) -> set[str]:
    """The non-empty string values among ``values`` (names to match companions by)."""
    return {v for v in values if isinstance(v, str) and v}


def named(value: Any, names: set[str]) -> bool:
    return isinstance(value, str) and value in names
