"""Fake engine events and a fake ``Engine`` that replays them (pulumi.automation events are plain classes)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi.automation import (
    CommandError,
    CommandResult,
    DiagnosticEvent,
    EngineEvent,
    OpType,
    PolicyEvent,
    ResourcePreEvent,
    StepEventMetadata,
    StepEventStateMetadata,
    SummaryEvent,
)

from ops.engine import ConfigEntry, OnEvent, OnOutput, RunOptions

STACK_URN = "urn:pulumi:aws-staging::braintrust::pulumi:pulumi:Stack::braintrust-aws-staging"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:aws-staging::braintrust::braintrust:aws:Tier${type_}::{name}"


def step(op: OpType, type_: str, name: str, *, protect: bool = False, retain: bool = False,
         keys: list[str] | None = None) -> EngineEvent:
    state = StepEventStateMetadata(type=type_, urn=urn(type_, name), id=f"{name}-id", parent=STACK_URN,
                                   provider="", protect=protect, retain_on_delete=retain)
    meta = StepEventMetadata(op=op, urn=urn(type_, name), type=type_, provider="", old=state, new=state, keys=keys)
    return EngineEvent(sequence=0, timestamp=0, resource_pre_event=ResourcePreEvent(meta))


def summary(**counts: int) -> EngineEvent:
    changes = {OpType(op.replace("_", "-")): n for op, n in counts.items()}
    return EngineEvent(sequence=0, timestamp=0, summary_event=SummaryEvent(
        maybe_corrupt=False, duration_seconds=1, resource_changes=changes, policy_packs={}))


def diagnostic(message: str, severity: str = "error", urn_: str | None = None) -> EngineEvent:
    return EngineEvent(sequence=0, timestamp=0, diagnostic_event=DiagnosticEvent(
        message=message, color="never", severity=severity, urn=urn_))


def protected_refusal(type_: str, name: str) -> EngineEvent:
    """The engine's own error when a preview would replace a protected resource (as the CLI words it)."""
    target = urn(type_, name)
    return diagnostic(f'unable to replace resource "{target}"\nas it is currently marked for protection. To '
                      "unprotect the resource, remove the `protect` flag from the resource in your Pulumi "
                      "program and run `pulumi up`", urn_=target)


def policy(name: str, level: str = "mandatory", target: str | None = None,
           message: str = "Buckets must be encrypted with the customer-managed key.") -> EngineEvent:
    return EngineEvent(sequence=0, timestamp=0, policy_event=PolicyEvent(
        message=message, color="never", policy_name=name, policy_pack_name="braintrust-data-plane",
        policy_pack_version="0.1.0", policy_pack_version_tag="0.1.0", enforcement_level=level,
        resource_urn=target))


def failure(stderr: str, code: int = 255) -> CommandError:
    return CommandError(CommandResult(stdout="", stderr=stderr, code=code))


def replace(type_: str, name: str, **kwargs) -> list[EngineEvent]:
    """A create-before-delete replacement, as the engine reports it: three steps."""
    return [step(OpType.CREATE_REPLACEMENT, type_, name, **kwargs), step(OpType.REPLACE, type_, name, **kwargs),
            step(OpType.DELETE_REPLACED, type_, name, **kwargs)]


# Valid resolved configuration of aws-staging as `pulumi config --json` would return it.
def aws_staging_config(*, secret_license: bool = True, license_set: bool = True) -> dict[str, ConfigEntry]:
    import json

    from tests.support.stacks import stack_file

    sf = stack_file("aws-staging")
    config = {f"braintrust:{k}": ConfigEntry(value=json.dumps(v) if isinstance(v, dict | list) else str(v),
                                             secret=False)
              for k, v in sf.values.items()}
    if license_set:
        config["braintrust:brainstore_license_key"] = ConfigEntry(value="lic", secret=secret_license)
    return config


@dataclass
class FakeEngine:
    """Replays scripted events per operation and records which operations ran.

    ``errors[op]`` is raised after the events of ``op`` were delivered (the CLI fails at the end of
    the step, having streamed what it saw); ``interrupt_on`` raises KeyboardInterrupt mid-step, as a
    Ctrl-C in the terminal does while the Automation API waits for the CLI.
    """

    events: Mapping[str, list[EngineEvent]] = field(default_factory=dict)
    config_entries: Mapping[str, ConfigEntry] = field(default_factory=aws_staging_config)
    fail_on: str | None = None
    errors: Mapping[str, BaseException] = field(default_factory=dict)
    interrupt_on: str | None = None
    cancel_error: BaseException | None = None
    created: bool = True
    calls: list[str] = field(default_factory=list)
    exclude_protected: list[bool] = field(default_factory=list)
    run_options: dict[str, RunOptions] = field(default_factory=dict)

    def _play(self, name: str, on_event: OnEvent, on_output: OnOutput) -> None:
        self.calls.append(name)
        on_output(f"{name} output line")
        if self.fail_on == name:
            raise CommandError(CommandResult(stdout="", stderr=f"error: {name} failed", code=255))
        for event in self.events.get(name, []):
            on_event(event)
        if self.interrupt_on == name:
            raise KeyboardInterrupt
        if name in self.errors:
            raise self.errors[name]

    def cancel(self) -> None:
        self.calls.append("cancel")
        if self.cancel_error is not None:
            raise self.cancel_error

    def config(self) -> Mapping[str, ConfigEntry]:
        self.calls.append("config")
        return self.config_entries

    def refresh_preview(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._play("refresh_preview", on_event, on_output)

    def preview(self, options: RunOptions, on_event: OnEvent, on_output: OnOutput) -> None:
        self.run_options["preview"] = options
        self._play("preview", on_event, on_output)

    def up(self, options: RunOptions, on_event: OnEvent, on_output: OnOutput) -> None:
        self.run_options["up"] = options
        self._play("up", on_event, on_output)

    def refresh(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._play("refresh", on_event, on_output)

    def preview_destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None:
        self.exclude_protected.append(exclude_protected)
        self._play("preview_destroy", on_event, on_output)

    def destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None:
        self.exclude_protected.append(exclude_protected)
        self._play("destroy", on_event, on_output)
