"""What the installed provider SDKs say about a resource type: its class, its inputs, nested Args fields.

Used to prove that rules and fixtures speak the SDKs' language: every type token exists, and every
property a fixture sets is a real camelCase input (nested Args included), so a misspelled property
cannot make a rule and its fixture agree with each other while the real program never matches.
"""

from __future__ import annotations

import collections.abc
import importlib
import inspect
import sys
import typing
from functools import cache
from typing import Any, ForwardRef

_PACKAGES = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure-native": "pulumi_azure_native",
             "kubernetes": "pulumi_kubernetes", "random": "pulumi_random"}
_KEYWORD_MODULES = {"lambda": "lambda_"}


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@cache
def resource_class(token: str) -> type | None:
    """``aws:rds/instance:Instance`` -> pulumi_aws.rds.Instance (None if the SDK has no such type)."""
    package, module, name = token.split(":")
    if package not in _PACKAGES:
        return None
    parts = module.split("/")
    if package == "kubernetes":  # apps/v1, networking.k8s.io/v1, helm.sh/v4, core/v1
        path = [parts[0].split(".")[0], *parts[1:]]
    elif package == "azure-native":
        path = [parts[0]]
    elif parts[0] == "index":  # random:index/randomPassword:RandomPassword -> pulumi_random.RandomPassword
        path = []
    else:
        path = [_KEYWORD_MODULES.get(parts[0], parts[0])]
    try:
        mod = importlib.import_module(".".join([_PACKAGES[package], *path]))
    except ImportError:
        return None
    cls = getattr(mod, name, None)
    if not isinstance(cls, type) or not hasattr(cls, "_internal_init"):
        return None
    source = inspect.getsource(cls._internal_init)
    return cls if f"'{token}'" in source or f'"{token}"' in source else None


@cache
def getters(cls: type) -> dict[str, tuple[str, Any]]:
    """camelName -> (python name, return annotation) of an Args class or resource."""
    out: dict[str, tuple[str, Any]] = {}
    for klass in reversed(cls.__mro__):
        for py_name, member in vars(klass).items():
            if isinstance(member, property) and member.fget is not None:
                camel = getattr(member.fget, "_pulumi_name", None)
                if camel:
                    out[camel] = (py_name, member.fget.__annotations__.get("return"))
    return out


def module_globals(cls: Any) -> dict[str, Any]:
    return vars(sys.modules[cls.__module__])


@cache
def inputs(token: str) -> dict[str, tuple[Any, dict[str, Any]]] | None:
    """camelCase input name -> (annotation, globals to resolve it in) for a resource type."""
    cls = resource_class(token)
    if cls is None:
        return None
    renamed = {py: camel for camel, (py, _) in getters(cls).items()}
    params = inspect.signature(cls._internal_init).parameters
    scope = module_globals(cls)
    return {
        renamed.get(name, _camel(name)): (p.annotation, scope)
        for name, p in params.items() if name not in ("__self__", "resource_name", "opts", "__props__")
    }


def _resolve(annotation: Any, scope: dict[str, Any]) -> Any:
    if isinstance(annotation, ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        if annotation.endswith("Dict") or annotation.startswith("outputs.") or "Output[" in annotation:
            return None
        try:
            return eval(annotation, scope)
        except Exception:
            return None
    return annotation


def shapes(annotation: Any, scope: dict[str, Any]) -> tuple[list[type], list[Any], bool]:
    """(Args classes, element annotations if a list, free-form map?) an annotation admits."""
    classes: list[type] = []
    elements: list[Any] = []
    free = False
    stack = [annotation]
    while stack:
        item = _resolve(stack.pop(), scope)
        if item is None:
            continue
        origin = typing.get_origin(item)
        args = typing.get_args(item)
        if origin is typing.Union or origin is collections.abc.Awaitable:
            stack.extend(args)
        elif origin in (list, collections.abc.Sequence):
            elements.extend(args)
        elif origin in (dict, collections.abc.Mapping):
            free = True
        elif isinstance(item, type) and getters(item):
            classes.append(item)
        elif item in (typing.Any, dict):
            free = True
    return classes, elements, free


def unknown_paths(token: str, props: dict[str, Any]) -> list[str]:
    """Property paths of ``props`` the SDK does not know for ``token``."""
    known = inputs(token)
    if known is None:
        return [f"<type {token} not in the SDK>"]
    out: list[str] = []
    for key, value in props.items():
        if key not in known:
            out.append(key)
            continue
        annotation, scope = known[key]
        out += _walk(value, annotation, scope, key)
    return out


def _walk(value: Any, annotation: Any, scope: dict[str, Any], path: str) -> list[str]:
    classes, elements, free = shapes(annotation, scope)
    if isinstance(value, dict):
        if free or not classes:
            return []
        out: list[str] = []
        for key, item in value.items():
            match = [(c, getters(c)[key]) for c in classes if key in getters(c)]
            if not match:
                out.append(f"{path}.{key}")
                continue
            cls, (_, inner) = match[0]
            out += _walk(item, inner, module_globals(cls), f"{path}.{key}")
        return out
    if isinstance(value, list):
        out = []
        for i, item in enumerate(value):
            # An element is fine if any admitted element type knows all its keys.
            attempts = [_walk(item, element, scope, f"{path}[{i}]") for element in elements]
            if attempts and all(attempts):
                out += min(attempts, key=len)
        return out
    return []
