"""Deployment driver on the Automation API (needs the Pulumi CLI; see docs/operations.md).

    python -m ops.deploy aws-staging preview
    python -m ops.deploy aws-staging up [--allow-replace URN ...]
    python -m ops.deploy aws-production drift
    python -m ops.deploy aws-staging refresh
    python -m ops.deploy aws-staging destroy --confirm-destroy aws-staging [--include-protected]

Every operation first validates the stack's configuration with the program's own model (the
committed stack file offline, then the configuration the engine resolves), and stops with the same
readable error `pulumi up` would print. preview/up then run: refresh-preview (drift, reported) ->
preview (changes; the replace guard refuses replacing or deleting a stateful resource unless its URN
is passed with --allow-replace) -> up. Engine output streams as it comes; a change summary ends it.

Exit codes:
  0  success (for drift: no drift)
  2  usage error, including destroy without --confirm-destroy <stack>
  3  invalid stack configuration (nothing was sent to the engine)
  4  replace guard refused: a stateful resource would be replaced or deleted
  5  drift found (drift operation only)
  6  engine error: Pulumi CLI missing, backend unreachable, concurrent update, failed operation
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, TextIO

from pulumi import automation as auto

from components.config import SECRET_KEYS, ConfigError, DataPlaneConfig, StackFile, parse_config, split_namespace

from .engine import AutomationEngine, ConfigEntry, Engine, EngineUnavailableError
from .guard import Plan, evaluate

ROOT = Path(__file__).resolve().parents[1]
STACKS = ROOT / "stacks"
OPERATIONS = ("preview", "up", "refresh", "destroy", "drift")


class Exit(IntEnum):
    OK = 0
    USAGE = 2
    INVALID_CONFIG = 3
    GUARD_REFUSED = 4
    DRIFT = 5
    ENGINE_ERROR = 6


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


EngineFactory = Callable[[Options], Engine]


def validate_stack_file(stack: str, today: dt.date) -> DataPlaneConfig:
    """The committed stack file, validated offline (secrets may live in the backend or ESC)."""
    path = STACKS / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise FileNotFoundError(path)
    sf = StackFile(path)
    return parse_config(sf.values, today=today, secrets_set=SECRET_KEYS, plaintext_secrets=sf.plaintext_secrets,
                        secret_keys=sf.secret_keys)


def validate_engine_config(config: Mapping[str, ConfigEntry], today: dt.date) -> DataPlaneConfig:
    """What the program will read, validated exactly as __main__.py does."""
    raw = split_namespace({key: entry.value for key, entry in config.items()})
    present = {key for key in SECRET_KEYS if key in raw}
    plaintext = [key for key in present if not config[f"braintrust:{key}"].secret]
    stored_secret = {key.removeprefix("braintrust:") for key, entry in config.items()
                     if entry.secret and key.startswith("braintrust:")}
    return parse_config(raw, today=today, secrets_set=present, plaintext_secrets=plaintext,
                        secret_keys=stored_secret)


class Driver:
    """Runs one operation against an ``Engine`` and decides the exit code."""

    def __init__(self, options: Options, engine_factory: EngineFactory, out: TextIO = sys.stdout):
        self.options = options
        self.engine_factory = engine_factory
        self.out = out
        self.record: dict[str, Any] = {"stack": options.stack, "operation": options.operation}

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def stream(self, text: str) -> None:
        self.out.write(text if text.endswith("\n") else text + "\n")
        self.out.flush()

    def _run(self, label: str, call: Callable[[Callable[[auto.EngineEvent], None]], None]) -> Plan:
        """Run one engine step, collecting its events; engine failures propagate."""
        events: list[auto.EngineEvent] = []
        self.say(f"--- {label}")
        call(events.append)
        plan = evaluate(events, self.options.allow_replace)
        self.say(f"--- {label}: {plan.summary_line()}")
        self.record.setdefault("steps", {})[label] = {
            "counts": plan.engine_counts or dict(plan.counts),
            "changes": [asdict(c) for c in plan.changes],
            "violations": [asdict(v) for v in plan.violations],
        }
        return plan

    def run(self) -> Exit:
        code = self._run_unrecorded()
        self.record["exit_code"] = int(code)
        self.record["exit"] = code.name
        if self.options.summary_json:
            self.options.summary_json.write_text(json.dumps(self.record, indent=2, default=str))
        return code

    def _run_unrecorded(self) -> Exit:
        prepared = self._prepare()
        if isinstance(prepared, Exit):
            return prepared
        operation = {"drift": self._drift, "refresh": self._refresh, "destroy": self._destroy}.get(
            self.options.operation, self._preview_or_up)
        try:
            return operation(prepared)
        except auto.ConcurrentUpdateError as error:
            self.say(f"another update is running on {self.options.stack}; not retrying and not cancelling it "
                     f"(wait for it, then run again): {error}")
            return Exit.ENGINE_ERROR
        except auto.CommandError as error:
            self.say(f"engine error: {error}")
            return Exit.ENGINE_ERROR

    def _prepare(self) -> Engine | Exit:
        """Confirmation and both configuration checks, before any engine operation."""
        o = self.options
        if o.operation == "destroy" and o.confirm_destroy != o.stack:
            self.say(f"refusing to destroy {o.stack}: pass --confirm-destroy {o.stack} to confirm")
            return Exit.USAGE
        try:
            validate_stack_file(o.stack, o.today)
            engine = self.engine_factory(o)
            validate_engine_config(engine.config(), o.today)
        except FileNotFoundError as missing:
            known = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in STACKS.glob("Pulumi.*.yaml"))
            self.say(f"no stack file {missing}; known stacks: {', '.join(known)}")
            return Exit.USAGE
        except ConfigError as error:
            self.say(str(error))
            return Exit.INVALID_CONFIG
        except EngineUnavailableError as error:
            self.say(f"engine unavailable: {error}")
            return Exit.ENGINE_ERROR
        return engine

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
        plan = self._run("preview", lambda ev: engine.preview(ev, self.stream))
        self._print_changes(plan)
        if plan.violations:
            self.say("REFUSED by the replace guard: these stateful resources would be lost:")
            for violation in plan.violations:
                self.say(f"  - {violation.describe()}")
            self.say("If that is intended (and backed up), re-run with --allow-replace <urn> for each of them.")
            return Exit.GUARD_REFUSED
        if o.operation == "preview":
            return Exit.OK
        result = self._run("up", lambda ev: engine.up(ev, self.stream))
        if result.violations:
            # The preview was clean, so the update diverged from it (the cloud changed in between).
            self.say("WARNING: the update replaced or deleted stateful resources that the preview did not show:")
            for violation in result.violations:
                self.say(f"  - {violation.describe()}")
        self._print_changes(result)
        return Exit.OK

    def _print_changes(self, plan: Plan) -> None:
        for change in plan.changes:
            self.say(f"  {change.op:<8} {change.type}  {change.urn.rsplit('::', 1)[-1]}")


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
    args = parser.parse_args(list(argv) if argv is not None else None)
    return Options(stack=args.stack, operation=args.operation, allow_replace=tuple(args.allow_replace),
                   confirm_destroy=args.confirm_destroy, include_protected=args.include_protected, org=args.org,
                   today=args.today, summary_json=args.summary_json)


def automation_engine(options: Options) -> Engine:
    # preview and up may create the stack in the backend (first deployment); the rest need an existing one.
    return AutomationEngine(options.stack, org=options.org, create=options.operation in ("preview", "up"))


def main(argv: Iterable[str] | None = None, engine_factory: EngineFactory = automation_engine,
         out: TextIO = sys.stdout) -> int:
    try:
        options = parse_args(argv)
    except SystemExit as exit_:  # argparse: --help is 0, mistakes are 2
        return int(exit_.code or 0)
    return int(Driver(options, engine_factory, out).run())


if __name__ == "__main__":
    raise SystemExit(main())
