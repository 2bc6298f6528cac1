"""The thin seam between the deployment driver and ``pulumi.automation``.

``Engine`` is everything the driver needs from Pulumi; ``AutomationEngine`` implements it with a
*local program*: the Automation API drives the Pulumi CLI in this project directory, so the driver,
a hand-run ``pulumi up`` and Pulumi Deployments all run the same ``__main__.py`` with the same stack
files. Tests replace it with a fake that replays engine events (``pulumi.automation`` event classes
are plain constructors), so the guard, summary and exit-code logic run without the CLI.

The real engine needs the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/) and a backend
login (``pulumi login``, or PULUMI_ACCESS_TOKEN).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pulumi import automation as auto

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "braintrust"

OnEvent = Callable[[auto.EngineEvent], None]
OnOutput = Callable[[str], None]


@dataclass(frozen=True)
class ConfigEntry:
    value: Any
    secret: bool


class EngineUnavailableError(RuntimeError):
    """The Pulumi CLI (or the backend) cannot be reached; nothing was attempted."""


class Engine(Protocol):
    """Operations on one stack. Each streams text to ``on_output`` and events to ``on_event``."""

    def config(self) -> Mapping[str, ConfigEntry]: ...

    def refresh_preview(self, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def preview(self, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def up(self, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def refresh(self, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def preview_destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None: ...


class AutomationEngine:
    """``Engine`` on the Automation API with this directory as the local program."""

    def __init__(self, stack: str, *, org: str | None = None, create: bool = False, work_dir: Path = ROOT):
        name = auto.fully_qualified_stack_name(org, PROJECT, stack) if org else stack
        try:
            if create:
                self._stack = auto.create_or_select_stack(stack_name=name, work_dir=str(work_dir))
            else:
                self._stack = auto.select_stack(stack_name=name, work_dir=str(work_dir))
        except FileNotFoundError as error:
            raise EngineUnavailableError(
                "the Pulumi CLI is not installed or not on PATH (https://www.pulumi.com/docs/install/)"
            ) from error
        except auto.StackNotFoundError as error:
            raise EngineUnavailableError(
                f"stack {name} does not exist in the backend; run `up` first to create it"
            ) from error

    def config(self) -> Mapping[str, ConfigEntry]:
        return {key: ConfigEntry(value=v.value, secret=v.secret) for key, v in self._stack.get_all_config().items()}

    def refresh_preview(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.preview_refresh(on_event=on_event, on_output=on_output, diff=True)

    def preview(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.preview(on_event=on_event, on_output=on_output, diff=True)

    def up(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.up(on_event=on_event, on_output=on_output, diff=True)

    def refresh(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.refresh(on_event=on_event, on_output=on_output)

    def preview_destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.preview_destroy(exclude_protected=exclude_protected, on_event=on_event, on_output=on_output)

    def destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.destroy(exclude_protected=exclude_protected, on_event=on_event, on_output=on_output)
