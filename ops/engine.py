"""The thin seam between the deployment driver and ``pulumi.automation``.

``Engine`` is everything the driver needs from Pulumi; ``AutomationEngine`` implements it with a
*local program*: the Automation API drives the Pulumi CLI in this project directory, so the driver,
a hand-run ``pulumi up`` and Pulumi Deployments all run the same ``__main__.py`` with the same stack
files. Tests replace it with a fake that replays engine events (``pulumi.automation`` event classes
are plain constructors), so the guard, summary and exit-code logic run without the CLI.

Every failure of the Automation API while *selecting* the stack or *reading* its configuration becomes
one of three exceptions with a one-line message (``EngineUnavailableError``, ``StackMissingError``,
``ConfigUnreadableError``); failures of an operation propagate as ``pulumi.automation.CommandError``.

The real engine needs the Pulumi CLI on PATH (https://www.pulumi.com/docs/install/) and a backend
login (``pulumi login``, or PULUMI_ACCESS_TOKEN).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pulumi import automation as auto

from components.facts import pulumi as pulumi_facts

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "braintrust"

OnEvent = Callable[[auto.EngineEvent], None]
OnOutput = Callable[[str], None]


@dataclass(frozen=True)
class ConfigEntry:
    value: Any
    secret: bool


@dataclass(frozen=True)
class RunOptions:
    """What preview and up pass to the engine besides the callbacks."""

    policy_packs: tuple[str, ...] = ()
    policy_pack_configs: tuple[str, ...] = ()
    plan: str | None = None  # preview: where to save the update plan; up: the plan to apply


class EngineUnavailableError(RuntimeError):
    """The Pulumi CLI or the backend cannot be reached; nothing was attempted."""


class StackMissingError(RuntimeError):
    """The stack does not exist in the backend (the driver never creates one implicitly)."""


class ConfigUnreadableError(RuntimeError):
    """The engine could not resolve the stack's configuration (ESC, secrets provider, stack file)."""


class Engine(Protocol):
    """Operations on one stack. Each streams text to ``on_output`` and events to ``on_event``."""

    def config(self) -> Mapping[str, ConfigEntry]: ...

    def refresh_preview(self, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def preview(self, options: RunOptions, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def up(self, options: RunOptions, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def refresh(self, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def preview_destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None: ...

    def cancel(self) -> None:
        """Stop the operation running on the stack (``pulumi cancel``) and release its lock."""
        ...


def one_line(error: BaseException) -> str:
    """The line of a CLI failure worth showing: its first ``error:`` line, else its last stderr line.

    ``CommandError`` renders as ``code: .. stdout: .. stderr: ..`` over many lines; users get one line.
    """
    text = str(error)
    stderr = text.split(" stderr:", 1)[1] if " stderr:" in text else text
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    flagged = [line for line in lines if line.lower().startswith("error:")]
    line = (flagged or lines or [type(error).__name__])[0 if flagged else -1]
    return line if len(line) <= 300 else line[:297] + "..."


def config_hint(message: str) -> str:
    """What to do about a configuration the engine could not read."""
    if pulumi_facts.DIY_REJECTS_ENVIRONMENTS in message:
        return ("this backend has no Pulumi ESC: drop the stack file's `environment:` block (or create the stack "
                "with `python -m ops.deploy <stack> init --from <template>`) and set the license with "
                "`pulumi config set --secret brainstore_license_key ...`")
    if "passphrase" in message.lower():
        return "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) for this stack's secrets provider"
    return "check the stack file and `pulumi config --show-secrets` for this stack"


class AutomationEngine:
    """``Engine`` on the Automation API with this directory as the local program."""

    def __init__(self, stack: str, *, org: str | None = None, create: bool = False,
                 secrets_provider: str | None = None, work_dir: Path = ROOT):
        self.name = auto.fully_qualified_stack_name(org, PROJECT, stack) if org else stack
        self.created = False
        opts = auto.LocalWorkspaceOptions(secrets_provider=secrets_provider) if secrets_provider else None
        try:
            if create:
                try:
                    self._stack = auto.create_stack(stack_name=self.name, work_dir=str(work_dir), opts=opts)
                    self.created = True
                except auto.StackAlreadyExistsError:
                    self._stack = auto.select_stack(stack_name=self.name, work_dir=str(work_dir))
            else:
                self._stack = auto.select_stack(stack_name=self.name, work_dir=str(work_dir))
        except FileNotFoundError as error:
            raise EngineUnavailableError(
                "the Pulumi CLI is not installed or not on PATH (https://www.pulumi.com/docs/install/)"
            ) from error
        except auto.InvalidVersionError as error:
            raise EngineUnavailableError(f"the Pulumi CLI is too old for this driver: {error}") from error
        except auto.StackNotFoundError as error:
            raise StackMissingError(
                f"stack {self.name} does not exist in the backend; create it deliberately with "
                f"`python -m ops.deploy {stack} init` (or `pulumi stack init {self.name}`)"
            ) from error
        except auto.CommandError as error:
            raise EngineUnavailableError(f"cannot select stack {self.name}: {one_line(error)}") from error

    def config(self) -> Mapping[str, ConfigEntry]:
        try:
            values = self._stack.get_all_config()
        except auto.CommandError as error:
            line = one_line(error)
            raise ConfigUnreadableError(f"cannot read the configuration of {self.name}: {line}; "
                                        f"{config_hint(line)}") from error
        return {key: ConfigEntry(value=v.value, secret=v.secret) for key, v in values.items()}

    def refresh_preview(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.preview_refresh(on_event=on_event, on_output=on_output, diff=True)

    def preview(self, options: RunOptions, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.preview(on_event=on_event, on_output=on_output, diff=True, plan=options.plan,
                            policy_packs=list(options.policy_packs) or None,
                            policy_pack_configs=list(options.policy_pack_configs) or None)

    def up(self, options: RunOptions, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.up(on_event=on_event, on_output=on_output, diff=True, plan=options.plan,
                       policy_packs=list(options.policy_packs) or None,
                       policy_pack_configs=list(options.policy_pack_configs) or None)

    def refresh(self, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.refresh(on_event=on_event, on_output=on_output)

    def preview_destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.preview_destroy(exclude_protected=exclude_protected, on_event=on_event, on_output=on_output)

    def destroy(self, exclude_protected: bool, on_event: OnEvent, on_output: OnOutput) -> None:
        self._stack.destroy(exclude_protected=exclude_protected, on_event=on_event, on_output=on_output)

    def cancel(self) -> None:
        self._stack.cancel()
