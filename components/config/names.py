"""Names the clouds reserve and tag rules, per cloud (sources in ``components/facts/limits``).

Physical names are derived from ``deployment_name`` and ``unique_suffix`` (``components/naming``), so the
rules are checked on the names the program will really create: an S3 bucket ``sthree-...``, a GCS bucket
containing ``google`` or an Azure Key Vault starting with ``login`` would be refused by the cloud after
the first resources exist.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from components import naming
from components.facts import limits

from .common import Cloud, Problem, given, label_safe

if TYPE_CHECKING:
    from .root import DataPlaneConfig

_AWS_TAG = re.compile(r"^[\w .:/=+\-@]*$")
_AZURE_TAG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")  # private DNS zones: no spaces, no leading digit
_IPV4 = re.compile(r"^\d+\.\d+\.\d+\.\d+$")


def s3_bucket_problems(name: str) -> list[str]:
    """Why S3 refuses a bucket name beyond its character set (reserved prefixes/suffixes, IP form, '..')."""
    found = [f"starts with the reserved prefix {p!r}" for p in limits.S3_RESERVED_PREFIXES if name.startswith(p)]
    found += [f"ends with the reserved suffix {s!r}" for s in limits.S3_RESERVED_SUFFIXES if name.endswith(s)]
    if ".." in name or ".-" in name or "-." in name:
        found.append("has adjacent periods or a period next to a hyphen")
    if _IPV4.match(name):
        found.append("is formatted as an IP address")
    return found


def gcs_bucket_problems(name: str) -> list[str]:
    reserved = limits.GCS_RESERVED
    found = [f"starts with {reserved['prefix']!r}"] if name.startswith(reserved["prefix"]) else []
    found += [f"contains {word!r}" for word in reserved["contains"] if word in name]
    return found


def azure_name_problems(name: str) -> list[str]:
    reserved = limits.AZURE_RESERVED
    lowered = name.lower()
    found = [f"contains the reserved word {w!r}" for w in reserved["substrings"] if w in lowered]
    found += [f"starts with the reserved word {w!r}" for w in reserved["prefixes"] if lowered.startswith(w)]
    return found


def reserved_name_problems(cfg: DataPlaneConfig) -> list[Problem]:
    check = {
        Cloud.AWS: lambda what, name: s3_bucket_problems(name) if "bucket" in what else [],
        Cloud.GCP: lambda what, name: gcs_bucket_problems(name) if "bucket" in what else [],
        Cloud.AZURE: lambda what, name: azure_name_problems(name),
    }[cfg.cloud]
    found = []
    neutral = "0" * len(cfg.suffix)  # the same names with a suffix that cannot be reserved
    for rule in naming.RULES[cfg.cloud]:
        name = rule.render(cfg.deployment_name, cfg.suffix)
        from_name = set(check(rule.what, rule.render(cfg.deployment_name, neutral)))
        for why in check(rule.what, name):
            path = "deployment_name" if why in from_name else "unique_suffix"
            found.append(Problem(path=path, message=f"makes the {rule.what} {name!r}, which {why}; choose another"))
    return found


def tag_problems(cfg: DataPlaneConfig) -> list[Problem]:
    """Keys and values every resource of the cloud accepts (tags go on every taggable resource)."""
    found: list[Problem] = []

    def add(key: str, message: str) -> None:
        found.append(Problem(path=f"tags.{key}" if key else "tags", message=message))

    for key, value in cfg.tags.items():
        if not key.strip():
            add("", f"has an empty key {given(key)}; every tag needs a name")
            continue
        if cfg.cloud is Cloud.AWS:
            rules = limits.AWS_TAGS
            if key.lower().startswith(rules["reserved_prefix"]):
                add(key, f"starts with {rules['reserved_prefix']!r}, which AWS reserves for its own tags")
            if len(key) > rules["key_max"] or len(value) > rules["value_max"]:
                add(key, f"AWS allows keys of {rules['key_max']} and values of {rules['value_max']} characters")
            if not _AWS_TAG.match(key) or not _AWS_TAG.match(value):
                add(key, f"AWS tags allow letters, digits, spaces and {rules['allowed_punctuation'].strip()} only "
                    f"(given: {given(key)}={given(value)})")
        elif cfg.cloud is Cloud.AZURE:
            rules = limits.AZURE_TAGS
            if len(key) > rules["key_max"] or len(value) > rules["value_max"]:
                add(key, f"Azure allows keys of {rules['key_max']} (storage accounts) and values of "
                    f"{rules['value_max']} characters")
            if not _AZURE_TAG_KEY.match(key):
                add(key, "Azure tag names here must start with a letter and use letters, digits, '_', '.', '-' "
                    f"(private DNS zones and Front Door refuse the rest) (given: {given(key)})")
    if cfg.cloud is Cloud.AZURE:
        room = limits.AZURE_TAGS["per_resource"] - 3  # three tags are the program's own
        if len(cfg.tags) > room:
            add("", f"has {len(cfg.tags)} entries; Azure Front Door and private DNS zones take "
                f"{limits.AZURE_TAGS['per_resource']} tags, 3 of them the program's: at most {room}")
    if cfg.cloud is Cloud.GCP:
        for message in label_safe(cfg.tags):
            add("", message)
    return found
