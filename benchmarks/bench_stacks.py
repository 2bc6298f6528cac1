"""Print how long and how much memory it takes to validate, build and plan each stack (asserts nothing).

    python -m benchmarks.bench_stacks                 # every stack
    python -m benchmarks.bench_stacks --stacks aws-production gcp-production --json

Each measurement runs in its own Python process, so peak RSS is that job's alone:
  * validate: parse and validate all stack files (the same model `pulumi up` uses);
  * build:    import the program and build one stack under the mock engine (ops/offline.py),
              from process start to the last registration; reports peak RSS and resource count;
  * import:   only import the SDK submodules that build loaded, nothing else: the floor a build
              cannot go below. The issue's target: build <= 2x import and <= 600 MB on 2 cores;
  * plan:     `python -m ops.plan <stack>` end to end (what a person waits for).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SDK_PREFIXES = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_kubernetes", "pulumi_random",
                "pulumi_tls", "pulumi_pulumiservice")
TARGET_RATIO, TARGET_RSS_MB = 2.0, 600


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _emit(record: dict[str, Any]) -> None:
    print("BENCH " + json.dumps(record))


# ----- child jobs (run in a fresh interpreter) -----

def child_validate() -> None:
    started = time.perf_counter()
    from ops.plan import load_plannable, stack_names

    today = dt.date.today()
    errors = 0
    for name in stack_names():
        try:
            load_plannable(name, today)
        except Exception:
            errors += 1
    _emit({"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb(), "stacks": len(stack_names()),
           "invalid": errors})


def child_build(stack: str) -> None:
    started = time.perf_counter()
    from ops import offline
    from ops.plan import load_plannable

    cfg, _ = load_plannable(stack, dt.date.today())  # an expired release still builds: the figures stay comparable
    built = offline.build(cfg, stack)
    seconds = time.perf_counter() - started
    modules = sorted(m for m in sys.modules if m.split(".")[0] in SDK_PREFIXES)
    _emit({"stack": stack, "seconds": seconds, "program_seconds": built.seconds, "rss_mb": _peak_rss_mb(),
           "resources": len(built.custom_resources), "modules": modules})


def child_import(modules: list[str]) -> None:
    import importlib

    started = time.perf_counter()
    for module in modules:
        importlib.import_module(module)
    _emit({"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb()})


# ----- parent -----

def _run(*args: str, stdin: str | None = None) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, input=stdin,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, check=False)
    wall = time.perf_counter() - started
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}, wall
    return json.loads(lines[-1].removeprefix("BENCH ")), wall


def measure(stacks: list[str], with_plan: bool = True) -> dict[str, Any]:
    me = "-m", "benchmarks.bench_stacks"
    validate, _ = _run(*me, "--child-validate")
    rows = []
    for stack in stacks:
        build, _ = _run(*me, "--child-build", stack)
        row: dict[str, Any] = {"stack": stack, "build": build}
        if build.get("modules"):
            row["import"], _ = _run(*me, "--child-import", stdin="\n".join(build["modules"]))
        if with_plan:
            _, row["plan_seconds"] = _run("-m", "ops.plan", stack)
        rows.append(row)
    return {"validate": validate, "stacks": rows, "cpus": os.cpu_count()}


def render(result: dict[str, Any]) -> str:
    v = result["validate"]
    out = [f"machine: {result['cpus']} CPUs, python {sys.version.split()[0]}"]
    if "error" in v:
        out.append(f"validate all stack files: failed: {v['error']}")
    else:
        invalid = f", {v['invalid']} invalid" if v["invalid"] else ""
        out.append(f"validate all {v['stacks']} stack files: {v['seconds']:.2f}s, peak RSS {v['rss_mb']:.0f} MB"
                   f"{invalid}")
    out.append(f"{'stack':<18} {'build s':>8} {'import s':>9} {'ratio':>6} {'peak MB':>8} {'resources':>9} "
               f"{'plan s':>7}  (target: ratio <= {TARGET_RATIO:g}, peak <= {TARGET_RSS_MB} MB)")
    for row in result["stacks"]:
        b = row["build"]
        plan = f"{row['plan_seconds']:.2f}" if "plan_seconds" in row else "-"
        if "error" in b:
            out.append(f"{row['stack']:<18} build failed (plan {plan}s): {b['error']}")
            continue
        imp = row.get("import", {})
        imp_s = imp.get("seconds")
        ratio = f"{b['seconds'] / imp_s:.2f}" if imp_s else "-"
        out.append(f"{row['stack']:<18} {b['seconds']:>8.2f} {imp_s if imp_s is None else round(imp_s, 2):>9} "
                   f"{ratio:>6} {b['rss_mb']:>8.0f} {b['resources']:>9} {plan:>7}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stacks", nargs="*", help="stacks to measure (default: all)")
    parser.add_argument("--no-plan", action="store_true", help="skip timing `python -m ops.plan`")
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    parser.add_argument("--child-validate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-build", metavar="STACK", help=argparse.SUPPRESS)
    parser.add_argument("--child-import", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_validate:
        child_validate()
        return 0
    if args.child_build:
        child_build(args.child_build)
        return 0
    if args.child_import:
        child_import([line for line in sys.stdin.read().splitlines() if line])
        return 0
    from ops.plan import stack_names

    result = measure(args.stacks or stack_names(), with_plan=not args.no_plan)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
