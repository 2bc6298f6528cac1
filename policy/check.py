"""Run the policy pack on a stack built under mocks, offline (no Pulumi CLI, no cloud credentials).

    venv/bin/python -m policy.check aws-production
    venv/bin/python -m policy.check --all --explain
    venv/bin/python -m policy.check gcp-staging --config pack-config.json   # same JSON as --policy-pack-config

Prints violations the way `pulumi preview --policy-pack policy` does. Exit status: 0 no mandatory
violation, 1 mandatory violations, 2 a stack could not be built.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from .offline import Report, check, recorded
from .rules import POLICIES

REMEDIATION = {p.name: p.remediation_steps or "" for p in POLICIES}


def run_stack(name: str, today: dt.date, config: dict) -> Report:
    # Building needs the mocked engine and secret stand-ins of the test support (no real secrets).
    from tests.support.harness import reset_runtime
    from tests.support.stacks import build_stack

    try:
        return check(recorded(build_stack(name, today=today)), POLICIES, config)
    finally:
        reset_runtime()


def render(report: Report, *, explain: bool, mandatory_only: bool) -> str:
    text = report.render(include_advisory=not mandatory_only)
    if not explain:
        return text
    lines = [text, ""]
    for policy in sorted({v.policy for v in (report.mandatory if mandatory_only else report.violations)}):
        lines.append(f"  {policy}: {REMEDIATION[policy]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from tests.support.stacks import FIXED_TODAY, stack_names

    parser = argparse.ArgumentParser(prog="policy.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stacks", nargs="*", help="stack names, e.g. aws-production")
    parser.add_argument("--all", action="store_true", help="every stack in stacks/")
    parser.add_argument("--config", type=Path, help="policy pack config JSON (as for --policy-pack-config)")
    parser.add_argument("--explain", action="store_true", help="print each violated rule's remediation")
    parser.add_argument("--mandatory-only", action="store_true", help="hide advisory violations")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=FIXED_TODAY,
                        help="judge release age as of this date (default: the tests' fixed day)")
    args = parser.parse_args(argv)
    names = stack_names() if args.all else args.stacks
    if not names:
        parser.error("name a stack or pass --all")
    config = json.loads(args.config.read_text()) if args.config else {}

    status = 0
    for name in names:
        print(f"== {name}")
        try:
            report = run_stack(name, args.today, config)
        except Exception as error:  # a stack that does not build is reported, not hidden
            print(f"cannot build {name}: {type(error).__name__}: {error}", file=sys.stderr)
            status = max(status, 2)
            continue
        print(render(report, explain=args.explain, mandatory_only=args.mandatory_only))
        print(f"{len(report.mandatory)} mandatory, {len(report.advisory)} advisory violation(s); "
              f"{sum(1 for n in report.examined.values() if n)} of {len(POLICIES)} rules had resources to judge\n")
        if report.mandatory:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
