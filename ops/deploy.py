"""Deployment driver on the Automation API (needs the Pulumi CLI; see docs/operations.md).

    python -m ops.deploy mystack init [--from aws-staging] [--environment braintrust/mystack]
    python -m ops.deploy aws-staging preview
    python -m ops.deploy aws-staging up [--allow-replace URN ...]
    python -m ops.deploy aws-production drift
    python -m ops.deploy aws-staging refresh
    python -m ops.deploy aws-staging destroy --confirm-destroy aws-staging [--include-protected]

No operation creates a stack: `init` does, deliberately; the others stop (exit 9) on a stack the backend
does not know. preview/up first validate the stack's configuration with the program's own model (the
committed stack file offline, then what the engine resolves: secrets, ESC environments) and stop with
the same readable error `pulumi up` would print; drift, refresh and destroy do not run the program, so
they skip that validation (a stale release pin must not silence a drift check). preview/up then run:
refresh-preview (drift, reported) -> preview with the policy pack in policy/ (mandatory violations
stop it), saving an update plan -> replace guard (refuses replacing or deleting a stateful resource
unless its URN is passed with --allow-replace) -> up constrained to that plan (an update that leaves
it is an error). Engine output streams as it comes; every run ends with a one-line summary. Ctrl-C
cancels the running operation (`pulumi cancel`) and prints the summary.

Exit codes:
  0  success (for drift: no drift)
  2  usage error, including destroy without --confirm-destroy <stack> and an unknown stack file
  3  invalid stack configuration, or the engine could not read it (nothing was changed)
  4  replace guard refused: a stateful resource would be replaced or deleted
  5  drift found (drift operation only)
  6  engine error: Pulumi CLI missing, backend unreachable, concurrent update, failed operation
  7  policy pack refused: a mandatory policy was violated
  8  the update diverged from the plan its preview saved
  9  the stack does not exist in the backend (create it with `init`)
  130  interrupted (Ctrl-C): the operation was cancelled
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, TextIO

from pulumi import automation as auto

from components.config import (
    SECRET_KEYS,
    ConfigError,
    DataPlaneConfig,
    StackFile,
    parse_config,
    parse_engine_config,
)

from .engine import (
    AutomationEngine,
    ConfigEntry,
    ConfigUnreadableError,
    Engine,
    EngineUnavailableError,
    RunOptions,
    StackMissingError,
    one_line,
)
from .guard import Plan, diverged, evaluate, plan_violation

ROOT = Path(__file__).resolve().parents[1]
STACKS = ROOT / "stacks"
POLICY_PACK = ROOT / "policy"
OPERATIONS = ("init", "preview", "up", "refresh", "destroy", "drift")
# Operations that run the program (and so its configuration validation); the others only read state.
RUNS_PROGRAM = ("preview", "up")


class Exit(IntEnum):
    OK = 0
    USAGE = 2
    INVALID_CONFIG = 3
    GUARD_REFUSED = 4
    DRIFT = 5
    ENGINE_ERROR = 6
    POLICY_VIOLATION = 7
    PLAN_DIVERGED = 8
    STACK_MISSING = 9
    INTERRUPTED = 130


@dataclass
class Options:
    stack: str
    operation: str
    allow_replace: tuple[str, ...] = ()
    confirm_destroy: str | None = None
    include_protected: bool = False
    org: str | None = None
    today: dt.date = field(default_factory=dt.date.today)
    summary_json: Path | None = None
    policy_pack: Path | None = POLICY_PACK  # None: --no-policy-pack
    policy_config: tuple[Path, ...] = ()
    copy_from: str | None = None
    environments: tuple[str, ...] = ()
    secrets_provider: str | None = None


EngineFactory = Callable[[Options], Engine]


def validate_stack_file(stack: str, today: dt.date) -> DataPlaneConfig:
    """The committed stack file, validated offline (secrets may live in the backend or ESC)."""
    path = STACKS / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise FileNotFoundError(path)
    sf = StackFile(path)
    return parse_config(sf.values, today=today, secrets_set=SECRET_KEYS, plaintext_secrets=sf.plaintext_secrets,
                        secret_keys=sf.secret_keys, provider_config=sf.provider_values)


def validate_engine_config(config: Mapping[str, ConfigEntry], today: dt.date) -> DataPlaneConfig:
    """What the program will read, validated exactly as __main__.py does."""
    return parse_engine_config({key: entry.value for key, entry in config.items()},
                               {key for key, entry in config.items() if entry.secret}, today=today)


def copy_stack_file(template: str, environments: Sequence[str] = ()) -> str:
    """A new stack file from a template's text: the same config and comments, its own ESC imports.

    The template's top-level ``environment:`` block is dropped (a copied stack needs its own
    environment, and a self-managed backend rejects any); ``environments`` become the new block.
    """
    kept: list[str] = []
    in_block = False
    for line in template.splitlines(keepends=True):
        if line.startswith("environment:"):
            in_block = True
            continue
        if in_block and (not line.strip() or line[0] in " \t-"):
            continue
        in_block = False
        kept.append(line)
    if not environments:
        return "".join(kept)
    block = "environment:\n" + "".join(f"  - {env}\n" for env in environments)
    at = next((i for i, line in enumerate(kept) if line.startswith("config:")), len(kept))
    return "".join(kept[:at]) + block + "".join(kept[at:])


class StepFailedError(Exception):
    """An engine step raised; ``plan`` holds what its events said before it did."""

    def __init__(self, label: str, plan: Plan, error: auto.CommandError):
        super().__init__(label)
        self.label, self.plan, self.error = label, plan, error


class Driver:
    """Runs one operation against an ``Engine`` and decides the exit code."""

    def __init__(self, options: Options, engine_factory: EngineFactory, out: TextIO = sys.stdout):
        self.options = options
        self.engine_factory = engine_factory
        self.out = out
        self.record: dict[str, Any] = {"stack": options.stack, "operation": options.operation, "steps": {}}
        self.current: str | None = None  # the step the engine is running

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def stream(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    # ----- running steps -----

    def _evaluate(self, label: str, events: list[auto.EngineEvent]) -> Plan:
        plan = evaluate(events, self.options.allow_replace)
        self.say(f"--- {label}: {plan.summary_line()}")
        self.record["steps"][label] = {
            "counts": plan.engine_counts or dict(plan.counts),
            "changes": [asdict(c) for c in plan.changes],
            "violations": [asdict(v) for v in plan.violations],
            "policy_violations": [asdict(v) for v in plan.policy_violations],
        }
        return plan

    def _run(self, label: str, call: Callable[[Callable[[auto.EngineEvent], None]], None]) -> Plan:
        """Run one engine step, collecting its events; a failed step raises ``StepFailedError``."""
        events: list[auto.EngineEvent] = []
        self.say(f"--- {label}")
        self.current = label
        try:
            call(events.append)
        except auto.CommandError as error:
            raise StepFailedError(label, self._evaluate(label, events), error) from error
        self.current = None
        return self._evaluate(label, events)

    def run(self) -> Exit:
        try:
            code = self._run_unrecorded()
        except KeyboardInterrupt:  # before any engine operation (selecting the stack, reading config)
            self.say(f"INTERRUPTED before any operation ran on {self.options.stack}; nothing to cancel")
            code = Exit.INTERRUPTED
        self.record["exit_code"] = int(code)
        self.record["exit"] = code.name
        self.say(self._summary(code))
        if self.options.summary_json:
            self.options.summary_json.write_text(json.dumps(self.record, indent=2, default=str))
        return code

    def _summary(self, code: Exit) -> str:
        steps = "; ".join(
            f"{label}: {self._counts_line(step['counts'])}" for label, step in self.record["steps"].items())
        interrupted = self.record.get("interrupted_step")
        if interrupted:
            steps = (steps + "; " if steps else "") + f"{interrupted}: interrupted"
        return f"SUMMARY {self.options.stack} {self.options.operation}: {code.name} (exit {int(code)})" + (
            f" -- {steps}" if steps else "")

    @staticmethod
    def _counts_line(counts: Mapping[str, int]) -> str:
        return Plan(engine_counts=dict(counts)).summary_line()

    def _run_unrecorded(self) -> Exit:
        if self.options.operation == "init":
            return self._init()
        prepared = self._prepare()
        if isinstance(prepared, Exit):
            return prepared
        operation = {"drift": self._drift, "refresh": self._refresh, "destroy": self._destroy}.get(
            self.options.operation, self._preview_or_up)
        try:
            return operation(prepared)
        except StepFailedError as failed:
            return self._failed(failed)
        except KeyboardInterrupt:
            return self._interrupted(prepared)

    # ----- preparing -----

    def _select(self) -> Engine | Exit:
        o = self.options
        try:
            return self.engine_factory(o)
        except EngineUnavailableError as error:
            self.say(f"engine unavailable: {error}")
            return Exit.ENGINE_ERROR
        except StackMissingError as error:
            self.say(str(error))
            return Exit.STACK_MISSING

    def _prepare(self) -> Engine | Exit:
        """Confirmation, stack file, stack selection and (for preview/up) both configuration checks."""
        o = self.options
        if o.operation == "destroy" and o.confirm_destroy != o.stack:
            self.say(f"refusing to destroy {o.stack}: pass --confirm-destroy {o.stack} to confirm")
            return Exit.USAGE
        if not (STACKS / f"Pulumi.{o.stack}.yaml").exists():
            self.say(f"no stack file stacks/Pulumi.{o.stack}.yaml; known stacks: {', '.join(known_stacks())}")
            return Exit.USAGE
        try:
            if o.operation in RUNS_PROGRAM:
                validate_stack_file(o.stack, o.today)
            engine = self._select()
            if isinstance(engine, Exit):
                return engine
            if o.operation in RUNS_PROGRAM:
                validate_engine_config(engine.config(), o.today)
        except ConfigError as error:
            self.say(str(error))
            return Exit.INVALID_CONFIG
        except ConfigUnreadableError as error:
            self.say(str(error))
            return Exit.INVALID_CONFIG
        return engine

    def _init(self) -> Exit:
        """Create the stack in the backend (optionally its stack file from a template first)."""
        o = self.options
        path = STACKS / f"Pulumi.{o.stack}.yaml"
        if o.copy_from:
            template = STACKS / f"Pulumi.{o.copy_from}.yaml"
            if not template.exists():
                self.say(f"no template stacks/Pulumi.{o.copy_from}.yaml; known stacks: {', '.join(known_stacks())}")
                return Exit.USAGE
            if path.exists():
                self.say(f"stacks/Pulumi.{o.stack}.yaml exists already; not overwriting it (drop --from to reuse it)")
                return Exit.USAGE
            path.write_text(copy_stack_file(template.read_text(), o.environments))
            self.say(f"wrote stacks/Pulumi.{o.stack}.yaml from {o.copy_from} "
                     f"(ESC imports: {', '.join(o.environments) or 'none'}); edit deployment_name, account/project "
                     "ids and org before deploying")
        elif not path.exists():
            self.say(f"no stack file stacks/Pulumi.{o.stack}.yaml: write one, or pass --from <stack> to copy one "
                     f"(known: {', '.join(known_stacks())})")
            return Exit.USAGE
        engine = self._select()
        if isinstance(engine, Exit):
            return engine
        created = getattr(engine, "created", True)
        self.say(f"stack {o.stack} {'created' if created else 'exists already; nothing created'} in the backend")
        if created:
            self.say("next: the license key comes from the stack's ESC environment, or "
                     "`pulumi config set --secret brainstore_license_key <key>`; then "
                     f"`python -m ops.deploy {o.stack} preview`")
        return Exit.OK

    # ----- operations -----

    def _run_options(self, plan: str | None) -> RunOptions:
        o = self.options
        return RunOptions(policy_packs=(str(o.policy_pack),) if o.policy_pack else (),
                          policy_pack_configs=tuple(str(p) for p in o.policy_config), plan=plan)

    def _refresh_preview(self, engine: Engine) -> Plan:
        return self._run("refresh preview (drift)", lambda ev: engine.refresh_preview(ev, self.stream))

    def _drift(self, engine: Engine) -> Exit:
        drift = self._refresh_preview(engine)
        if drift.changed:
            self.say(f"DRIFT: the cloud differs from the state of {self.options.stack}: {drift.summary_line()}")
            return Exit.DRIFT
        self.say(f"no drift on {self.options.stack}")
        return Exit.OK

    def _refresh(self, engine: Engine) -> Exit:
        self._refresh_preview(engine)
        self._run("refresh", lambda ev: engine.refresh(ev, self.stream))
        return Exit.OK

    def _destroy(self, engine: Engine) -> Exit:
        exclude = not self.options.include_protected
        plan = self._run("destroy preview", lambda ev: engine.preview_destroy(exclude, ev, self.stream))
        if exclude:
            self.say("protected resources are kept (pass --include-protected to fail on them instead)")
        self._print_changes(plan)
        self._run("destroy", lambda ev: engine.destroy(exclude, ev, self.stream))
        return Exit.OK

    def _preview_or_up(self, engine: Engine) -> Exit:
        o = self.options
        drift = self._refresh_preview(engine)
        if drift.changed:
            self.say(f"note: drift found before previewing ({drift.summary_line()}); "
                     f"`python -m ops.deploy {o.stack} refresh` adopts it into the state")
        with tempfile.TemporaryDirectory(prefix="braintrust-plan-") as scratch:
            # The update applies exactly what this preview planned (and the guard judged).
            plan_file = str(Path(scratch) / "update-plan.json") if o.operation == "up" else None
            preview = self._run("preview", lambda ev: engine.preview(self._run_options(plan_file), ev, self.stream))
            self._print_changes(preview)
            refused = self._refusal(preview)
            if refused is not None or o.operation == "preview":
                return refused or Exit.OK
            assert plan_file is not None
            update = self._run("up", lambda ev: engine.up(self._run_options(plan_file), ev, self.stream))
        unannounced = diverged(preview, update)
        if unannounced or update.violations:
            self.say("PLAN DIVERGED: the update did what its preview did not show:")
            for change in unannounced:
                self.say(f"  {change.op:<8} {change.type}  {change.urn}")
            for violation in update.violations:
                self.say(f"  - {violation.describe()}")
            return Exit.PLAN_DIVERGED
        self._print_changes(update)
        return Exit.OK

    def _refusal(self, plan: Plan) -> Exit | None:
        """Policy findings and the replace guard's verdict on a preview (None: go ahead)."""
        for violation in plan.advisory_violations:
            self.say(f"policy (advisory): {violation.describe()}")
        if plan.mandatory_violations:
            self.say(f"REFUSED by the policy pack: {len(plan.mandatory_violations)} mandatory violation(s):")
            for violation in plan.mandatory_violations:
                self.say(f"  - {violation.describe()}")
            self.say("Fix the program or configuration; docs/guarantees.md explains each rule and its settings.")
            return Exit.POLICY_VIOLATION
        if plan.violations:
            self.say("REFUSED by the replace guard: these stateful resources would be lost:")
            for violation in plan.violations:
                self.say(f"  - {violation.describe()}")
            self.say("If that is intended (and backed up), re-run with --allow-replace <urn> for each of them "
                     "(a protected resource must also be unprotected: docs/operations.md, 'Replacing a protected "
                     "resource').")
            return Exit.GUARD_REFUSED
        return None

    def _failed(self, failed: StepFailedError) -> Exit:
        """An engine step failed: say why in the terms of the driver, not as a bare engine error."""
        stack = self.options.stack
        if isinstance(failed.error, auto.ConcurrentUpdateError):
            self.say(f"another update is running on {stack}; not retrying and not cancelling it "
                     f"(wait for it, then run again): {one_line(failed.error)}")
            return Exit.ENGINE_ERROR
        refused = self._refusal(failed.plan)
        if refused is not None:
            return refused
        if failed.label == "up" and plan_violation(str(failed.error)):
            self.say(f"PLAN DIVERGED: the update left the plan its preview saved ({one_line(failed.error)}); "
                     "the cloud or the program changed since the preview: preview again")
            return Exit.PLAN_DIVERGED
        self.say(f"engine error in {failed.label}: {one_line(failed.error)}")
        return Exit.ENGINE_ERROR

    def _interrupted(self, engine: Engine) -> Exit:
        """Ctrl-C during an operation: cancel it so the stack is not left locked, then summarise."""
        step = self.current or self.options.operation
        self.record["interrupted_step"] = step
        self.say(f"INTERRUPTED during {step} on {self.options.stack}: cancelling it")
        try:
            engine.cancel()
            self.say("cancelled; check for pending operations before the next run "
                     "(docs/operations.md, 'Interrupted or stuck operations')")
        except KeyboardInterrupt:
            self.say("interrupted again: not waiting for the cancellation; if the stack stays locked, "
                     f"run `pulumi cancel --stack {self.options.stack}`")
        except (auto.CommandError, OSError) as error:
            self.say(f"could not cancel ({one_line(error)}); if the stack stays locked, "
                     f"run `pulumi cancel --stack {self.options.stack}`")
        return Exit.INTERRUPTED

    def _print_changes(self, plan: Plan) -> None:
        for change in plan.changes:
            self.say(f"  {change.op:<8} {change.type}  {change.urn.rsplit('::', 1)[-1]}")


def known_stacks() -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in STACKS.glob("Pulumi.*.yaml"))


def parse_args(argv: Iterable[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m ops.deploy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stack", help="stack name, e.g. aws-staging (stacks/Pulumi.<stack>.yaml)")
    parser.add_argument("operation", choices=OPERATIONS)
    parser.add_argument("--allow-replace", action="append", default=[], metavar="URN",
                        help="allow replacing/deleting exactly this stateful resource (repeatable)")
    parser.add_argument("--confirm-destroy", metavar="STACK", help="required for destroy: the stack name again")
    parser.add_argument("--include-protected", action="store_true",
                        help="destroy: do not skip protected resources (the engine then refuses while any remain)")
    parser.add_argument("--org", help="Pulumi organization (fully qualified stack name org/braintrust/<stack>)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="judge the release age as of this date (YYYY-MM-DD)")
    parser.add_argument("--summary-json", type=Path, help="also write a machine-readable summary here")
    parser.add_argument("--policy-config", type=Path, action="append", default=[], metavar="FILE",
                        help="policy pack configuration, e.g. policy/teardown.json (repeatable)")
    parser.add_argument("--no-policy-pack", action="store_true",
                        help="do not run policy/ (only where a PolicyGroup in Pulumi Cloud enforces it)")
    parser.add_argument("--from", dest="copy_from", metavar="STACK",
                        help="init: write stacks/Pulumi.<stack>.yaml as a copy of this stack's file")
    parser.add_argument("--environment", action="append", default=[], metavar="PROJECT/ENV",
                        help="init --from: ESC environment the new stack file imports (Pulumi Cloud only)")
    parser.add_argument("--secrets-provider", metavar="URL",
                        help="init: secrets provider of the new stack (awskms://..., gcpkms://..., azurekeyvault://...)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    return Options(stack=args.stack, operation=args.operation, allow_replace=tuple(args.allow_replace),
                   confirm_destroy=args.confirm_destroy, include_protected=args.include_protected, org=args.org,
                   today=args.today, summary_json=args.summary_json,
                   policy_pack=None if args.no_policy_pack else POLICY_PACK,
                   policy_config=tuple(args.policy_config), copy_from=args.copy_from,
                   environments=tuple(args.environment), secrets_provider=args.secrets_provider)


def automation_engine(options: Options) -> Engine:
    # Only `init` creates a stack; every other operation needs one the backend already has.
    return AutomationEngine(options.stack, org=options.org, create=options.operation == "init",
                            secrets_provider=options.secrets_provider)


def main(argv: Iterable[str] | None = None, engine_factory: EngineFactory = automation_engine,
         out: TextIO = sys.stdout) -> int:
    try:
        options = parse_args(argv)
    except SystemExit as exit_:  # argparse: --help is 0, mistakes are 2
        return int(exit_.code or 0)
    return int(Driver(options, engine_factory, out).run())


if __name__ == "__main__":
    raise SystemExit(main())
