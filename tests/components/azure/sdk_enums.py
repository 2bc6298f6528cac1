"""Where pulumi-azure-native types a property as an enum, and which azure-mgmt enum is the same one.

The SDK's ``<Resource>Args`` and nested ``<Thing>Args`` classes annotate every input; an enum-typed input
is ``Input[Union[str, 'EnumName']]``. Walking a recorded resource's inputs (camelCase, as the engine sees
them) along those annotations yields every (path, value, enum) the program sends. Only types whose module
is in ``MGMT_MODELS`` are compared with an azure-mgmt model too; the others have no pinned model.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# azure-native module -> the azure-mgmt models package of the same service (requirements-dev.txt pins).
MGMT_MODELS: dict[str, str] = {
    "dbforpostgresql": "azure.mgmt.postgresqlflexibleservers.models",
    "redisenterprise": "azure.mgmt.redisenterprise.models",
    "containerservice": "azure.mgmt.containerservice.models",
    "cdn": "azure.mgmt.cdn.models",
}
# azure-native enum name -> azure-mgmt enum name where the two generators name the same enum differently.
# An enum that resolves in neither way fails the contract test: extend this table after reading both models.
MGMT_ENUM_NAMES: dict[tuple[str, str], str] = {}
# azure-native enums whose property the azure-mgmt model types as a plain string (nothing to compare with).
MGMT_UNTYPED: frozenset[tuple[str, str]] = frozenset({
    ("dbforpostgresql", "PostgresMajorVersion"),  # azure-mgmt 3.0.0: Server.version is `str`
})

# Values the stacks send outside the enum the SDK annotates, each with the documentation that defines it:
# azure-native's "Known..." lists are extensible and incomplete, and in the monitor module one enum name
# belongs to two APIs (the generator kept the other API's values). Nothing else is excused.
OUTSIDE_SDK_ENUM: dict[tuple[str, str, str], str] = {
    ("azure-native:monitor:DataCollectionRule", "dataFlows.streams", "Microsoft-ContainerInsights-Group-Default"):
        "Container Insights' stream (components/facts/monitoring.py monitoring.azure.container_insights); the "
        "SDK's KnownDataFlowStreams lists only the Azure Monitor Agent's generic streams",
    ("azure-native:monitor:DataCollectionRule", "dataSources.extensions.streams",
     "Microsoft-ContainerInsights-Group-Default"):
        "the same stream, declared by the ContainerInsights extension data source",
    ("azure-native:monitor:ScheduledQueryRule", "criteria.allOf.operator", "GreaterThan"):
        "the scheduledQueryRules API's ConditionOperator (monitoring.azure.log_alert_operators); azure-native "
        "3.29.0 annotates it with the pipeline groups API's ConditionOperator (eq, gt, ...)",
}

_FORWARD = re.compile(r"ForwardRef\('([A-Za-z_][A-Za-z0-9_]*)'\)")


@dataclass(frozen=True)
class EnumUse:
    resource_type: str
    path: str
    value: str
    module: str  # azure-native module, e.g. "redisenterprise"
    enum_name: str

    @property
    def native_enum(self) -> type[enum.Enum]:
        return getattr(importlib.import_module(f"pulumi_azure_native.{self.module}"), self.enum_name)


def _module(type_token: str) -> tuple[str, str]:
    _, module, resource = type_token.split(":")
    return module, resource


def args_class(type_token: str) -> type | None:
    """``azure-native:cdn:Profile`` -> ``pulumi_azure_native.cdn.ProfileArgs``."""
    module, resource = _module(type_token)
    return getattr(importlib.import_module(f"pulumi_azure_native.{module}"), f"{resource}Args", None)


def _properties(cls: type) -> dict[str, str]:
    """camelCase input name -> annotation text, for every input property of an Args class."""
    found: dict[str, str] = {}
    for _, member in inspect.getmembers(cls, lambda m: isinstance(m, property)):
        camel = getattr(member.fget, "_pulumi_name", None)
        if camel:
            found[camel] = str(member.fget.__annotations__.get("return", ""))
    return found


def _referenced(module: str, annotation: str) -> tuple[list[type[enum.Enum]], list[type]]:
    package = importlib.import_module(f"pulumi_azure_native.{module}")
    enums, args = [], []
    for name in _FORWARD.findall(annotation):
        target = getattr(package, name, None)
        if isinstance(target, type) and issubclass(target, enum.Enum):
            enums.append(target)
        elif isinstance(target, type) and name.endswith("Args"):
            args.append(target)
    return enums, args


def _walk(type_token: str, module: str, cls: type, value: Any, path: str) -> Iterator[EnumUse]:
    if not isinstance(value, dict):
        return
    props = _properties(cls)
    for key, item in value.items():
        annotation = props.get(key)
        if annotation is None:
            continue
        enums, nested = _referenced(module, annotation)
        here = f"{path}.{key}" if path else key
        for leaf in _leaves(item):
            if isinstance(leaf, str) and enums:
                yield EnumUse(type_token, here, leaf, module, enums[0].__name__)
            elif isinstance(leaf, dict):
                for nested_cls in nested:
                    yield from _walk(type_token, module, nested_cls, leaf, here)


def _leaves(item: Any) -> Iterator[Any]:
    """A value, or the elements of a list (lists of enums and of nested Args are common)."""
    if isinstance(item, list):
        yield from item
    else:
        yield item


def enum_uses(type_token: str, inputs: dict[str, Any]) -> list[EnumUse]:
    if not type_token.startswith("azure-native:"):
        return []
    cls = args_class(type_token)
    if cls is None:
        return []
    return list(_walk(type_token, _module(type_token)[0], cls, inputs, ""))


def enum_typed_inputs(cls: type, module: str) -> dict[str, type[enum.Enum]]:
    """snake_case constructor parameter -> its enum, for one Args class (used to audit the source)."""
    found: dict[str, type[enum.Enum]] = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        enums, _ = _referenced(module, str(parameter.annotation))
        if enums:
            found[name] = enums[0]
    return found


def mgmt_enum(use: EnumUse) -> type[enum.Enum] | None:
    """The azure-mgmt enum of the same name (or the mapped name) in the service's pinned model, if any."""
    models = MGMT_MODELS.get(use.module)
    if models is None:
        return None
    name = MGMT_ENUM_NAMES.get((use.module, use.enum_name), use.enum_name)
    found = getattr(importlib.import_module(models), name, None)
    return found if isinstance(found, type) and issubclass(found, enum.Enum) else None
