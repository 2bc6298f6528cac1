"""Tags and labels applied explicitly to every taggable resource.

Provider-level default tags do not reach everything (AWS launch-template instances and volumes,
Azure has none), so components pass these explicitly; provider defaults are a second layer only.
"""

from __future__ import annotations

from collections.abc import Mapping


def merged(base: Mapping[str, str], *extra: Mapping[str, str]) -> dict[str, str]:
    """Base tags win over extras: the deployment tags are relied on by IAM conditions and cost reports."""
    out: dict[str, str] = {}
    for more in extra:
        out.update(more)
    out.update(base)
    return out


def with_name(base: Mapping[str, str], name: str) -> dict[str, str]:
    """AWS console shows the `Name` tag; add it on resources people look for by name."""
    return {**base, "Name": name}
