"""Offline plan: what a stack would deploy, without cloud credentials or the Pulumi CLI.

    python -m ops.plan aws-staging               # one screen of text
    python -m ops.plan --all                     # every stack in stacks/, then a side-by-side summary
    python -m ops.plan aws-staging --markdown    # or --json

For each stack: the validated configuration and every resolved size, the seed conformance table, the
estimated monthly cost (this stack next to the other size's preset, from the dated price sheet
ops/prices.yaml), the release pin and its age, and the resource inventory by component and type
with the top-level outputs, from building the real program under the mock engine (ops/offline.py).
If the offline build fails, the report still shows everything else and says why the inventory is missing.

Exit status: 0 when every report was produced; 1 when a stack's configuration is invalid, its offline
build failed, or `pulumi up` would refuse it although its plan was shown (a release older than 90 days:
the report ends with the blocking problem and the exact fix).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from components.config import Cloud, ConfigError, DataPlaneConfig, Size, StackFile, loading, parse_config, warnings
from components.config.release import release_freshness
from components.sizing import conformance

from . import cost, offline

ROOT = Path(__file__).resolve().parents[1]
STACKS = ROOT / "stacks"
# Offline readers never see the real license key.
STAND_INS = {"brainstore_license_key": "offline-plan-stand-in"}
COMPONENT_ORDER = ("brainstore", "postgres", "redis", "kubernetes", "api", "network", "keys")
RELEASE_AGE_KEY = "release.release_date"


def stack_names() -> list[str]:
    return loading.stack_names(STACKS)


def _stack_file(name: str) -> StackFile:
    path = STACKS / f"Pulumi.{name}.yaml"
    if not path.exists():
        raise SystemExit(f"no stack file {path.relative_to(ROOT)}; known stacks: {', '.join(stack_names())}")
    return StackFile(path, stand_ins=STAND_INS)


def load(name: str, today: dt.date) -> DataPlaneConfig:
    """The stack's configuration exactly as `pulumi up` validates it. Raises ConfigError."""
    return _stack_file(name).parse(today)


def load_plannable(name: str, today: dt.date) -> tuple[DataPlaneConfig, list[str]]:
    """The configuration to plan with, and what blocks `pulumi up` although the plan can be shown.

    A release older than the seed's 90 days is such a problem: `pulumi up` refuses it, but the plan of
    everything else is still worth reading (it is what the bump will deploy). Any other problem, alone or
    next to that one, raises ConfigError as `pulumi up` would.
    """
    sf = _stack_file(name)
    try:
        return sf.parse(today), []
    except ConfigError as error:
        if any(p.path != RELEASE_AGE_KEY for p in error.problems) or sf.values.get("danger_allow_stale_release"):
            raise
        forced = {**sf.values, "danger_allow_stale_release": True}
        try:
            cfg = parse_config(forced, today=today, secrets_set=sf.secrets, plaintext_secrets=sf.plaintext_secrets)
        except ConfigError:
            raise error from None  # e.g. a release date in the future: not an age problem
        return cfg, [p.message for p in error.problems]


# ----- the report as data (rendered as text, Markdown or JSON) -----

@dataclass
class Inventory:
    available: bool
    reason: str | None = None  # why not, when not available
    by_component: dict[str, dict[str, int]] = field(default_factory=dict)
    total: int = 0
    protected: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    build_seconds: float | None = None


@dataclass
class CostColumn:
    size: str
    as_configured: bool
    total_usd: float | None
    by_component: dict[str, float]
    unverified_usd: float
    missing: list[str]
    unavailable: str | None


@dataclass
class Report:
    stack: str
    cloud: str
    size: str
    region: str
    deployment_name: str
    release: dict[str, Any]
    sizing: list[str]
    conformance: list[dict[str, str]]
    cost: dict[str, Any]
    inventory: Inventory
    warnings: list[str]
    failed: bool = False
    # Problems that make `pulumi up` refuse this stack although the plan could be built (an expired release).
    blocking: list[str] = field(default_factory=list)


def _sizing_lines(cfg: DataPlaneConfig) -> list[str]:
    s = cfg.sizing
    # Azure Flexible Server has no autogrow ceiling: max_storage_gb only turns autogrow off (equal) or on.
    growth = (("autogrow off" if s.postgres.max_storage_gb <= s.postgres.storage_gb else "autogrow on")
              if cfg.cloud is Cloud.AZURE else f"max {s.postgres.max_storage_gb}")
    lines = [
        f"postgres   {s.postgres.sku}  v{s.postgres.version}  {s.postgres.storage_gb} GB "
        f"({growth})  {s.postgres.iops} IOPS  HA={s.postgres.high_availability}",
        f"redis      {s.redis.sku}  v{s.redis.version}  HA={s.redis.high_availability}"
        + (f"  {s.redis.memory_gib:g} GiB" if s.redis.memory_gib else ""),
        f"brainstore reader {s.brainstore.reader.count} x {s.brainstore.reader.sku}; "
        f"writer {s.brainstore.writer.count} x {s.brainstore.writer.sku}; "
        f"fast reader {s.brainstore.fast_reader.count} x {s.brainstore.fast_reader.sku}"
        + (" (combined reader/writer)" if s.brainstore.combined else ""),
    ]
    if s.api:
        lines.append(f"api        {s.api.replicas} x {s.api.cpu:g} vCPU / {s.api.memory_gib:g} GiB "
                     f"(NODE_MEMORY_PERCENT={s.api.node_memory_percent})")
    if s.ecs_api:
        runtime = cfg.aws_section.api.runtime
        tasks = "; ".join(f"{key} {svc.min_tasks}-{svc.max_tasks} x {svc.cpu:g} vCPU / {svc.memory_gib:g} GiB"
                          for key, svc in s.ecs_api.services().items())
        lines.append(f"api (ECS)  {tasks} (NODE_MEMORY_PERCENT={s.ecs_api.node_memory_percent}; "
                     f"{'serving' if runtime == 'ecs' else 'warm, Lambda serving'})")
    for label, pool in (("system pool", s.system_pool), ("services pool", s.services_pool)):
        if pool:
            lines.append(f"{label:<13} {pool.sku} {pool.min_count}-{pool.max_count} nodes")
    return lines


def _cost_column(cfg: DataPlaneConfig, size: Size, sheet: cost.PriceSheet) -> CostColumn:
    est = cost.estimate(cfg, size=size, sheet=sheet)
    by_component: dict[str, float] = {}
    for line in est.lines:
        by_component[line.component] = by_component.get(line.component, 0.0) + (line.monthly_usd or 0.0)
    return CostColumn(
        size=size.value,
        as_configured=size is cfg.size,
        total_usd=None if est.unavailable else round(est.total_usd, 2),
        by_component={k: round(v, 2) for k, v in by_component.items()},
        unverified_usd=round(est.unverified_usd, 2),
        missing=[line.price_key for line in est.missing],
        unavailable=est.unavailable,
    )


def _cost_section(cfg: DataPlaneConfig, today: dt.date, sheet: cost.PriceSheet) -> dict[str, Any]:
    own = cost.estimate(cfg, sheet=sheet)
    return {
        "sheet_as_of": sheet.as_of.isoformat(),
        "sheet_age_days": sheet.age_days(today),
        "sheet_warning": sheet.freshness_warning(today),
        "family": own.family,
        "columns": [asdict(_cost_column(cfg, size, sheet)) for size in (Size.STAGING, Size.PRODUCTION)],
        "lines": [asdict(line) for line in own.lines],
        "assumptions": own.assumptions,
        "not_estimated": list(own.usage_based),
        "fixed_not_estimated": [asdict(item) for item in own.not_estimated],
    }


def _inventory(name: str, cfg: DataPlaneConfig, prebuilt: offline.Build | None = None) -> tuple[Inventory, bool]:
    """(inventory, failed): a build that fails is reported, never hidden."""
    try:
        built = prebuilt or offline.build(cfg, name, license_stand_in=STAND_INS["brainstore_license_key"])
    except offline.OfflineGapError as error:
        return Inventory(available=False, reason=f"resource inventory unavailable: {error}"), True
    except Exception as error:  # the program itself failed: report it, do not hide it
        return Inventory(available=False,
                         reason=f"resource inventory unavailable: offline build failed: "
                                f"{type(error).__name__}: {error}"), True
    return Inventory(
        available=True,
        by_component={component: dict(sorted(types.items())) for component, types in built.inventory().items()},
        total=len(built.custom_resources),
        protected=sum(1 for r in built.custom_resources if r.protect),
        outputs=built.shown_outputs(),
        build_seconds=round(built.seconds, 3),
    ), False


def build_report(name: str, today: dt.date, *, with_inventory: bool = True,
                 sheet: cost.PriceSheet | None = None, prebuilt: offline.Build | None = None) -> Report:
    """Everything the plan prints for one stack. Raises ConfigError for an invalid stack file."""
    cfg, blocking = load_plannable(name, today)
    sheet = sheet or cost.load_sheet()
    state, message = release_freshness(cfg.release, today)
    if with_inventory:
        inventory, failed = _inventory(name, cfg, prebuilt)
    else:
        inventory, failed = Inventory(available=False, reason="resource inventory skipped (--no-inventory)"), False
    # The plan forced danger_allow_stale_release to get this far; the user did not set it.
    notes = [w for w in warnings(cfg, today)
             if not blocking or (w != message and not w.startswith("danger_allow_stale_release"))]
    if (sheet_warning := sheet.freshness_warning(today)) is not None:
        notes.append(sheet_warning)
    return Report(
        stack=name,
        cloud=cfg.cloud.value,
        size=cfg.size.value,
        region=cfg.region,
        deployment_name=cfg.deployment_name,
        release={"version": cfg.release.version, "release_date": cfg.release.release_date.isoformat(),
                 "age_days": cfg.release.age_days(today), "state": state, "message": message},
        sizing=_sizing_lines(cfg),
        conformance=[{"component": r.component, "item": r.item, "required": r.required, "actual": r.actual,
                      "status": r.status.value, "path": r.path}
                     for r in conformance.check(cfg.cloud, cfg.size, cfg.sizing)],
        cost=_cost_section(cfg, today, sheet),
        inventory=inventory,
        warnings=notes,
        failed=failed or bool(blocking),
        blocking=blocking,
    )


# ----- rendering -----

def _usd(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def _cost_rows(report: Report) -> list[tuple[str, str, str]]:
    columns = report.cost["columns"]
    components = [c for c in COMPONENT_ORDER if any(c in col["by_component"] for col in columns)]
    rows = [(c, *(_usd(col["by_component"].get(c, 0.0)) for col in columns)) for c in components]
    rows.append(("total / month", *(_usd(col["total_usd"]) for col in columns)))
    return [(r[0], r[1], r[2]) for r in rows]


def _cost_headers(report: Report) -> tuple[str, str]:
    staging, production = report.cost["columns"]
    return tuple(  # type: ignore[return-value]
        f"{col['size']} ({'this stack' if col['as_configured'] else 'preset'})" for col in (staging, production)
    )


def render_text(report: Report) -> str:
    r = report
    rel = r.release
    lines = [
        f"== {r.stack}: {r.cloud} / {r.size} / {r.region} / deployment '{r.deployment_name}'",
        f"release {rel['version']} ({rel['release_date']}, {rel['age_days']} days old: {rel['state']})",
        *r.sizing,
        "seed conformance:",
        *(f"  [{c['status']:^11}] {c['component']:<22} {c['item']:<20} need {c['required']:<14} have {c['actual']}"
          for c in r.conformance),
    ]
    c = r.cost
    head_s, head_p = _cost_headers(r)
    lines.append(f"estimated monthly cost (on-demand list prices, {c['family'] or 'no price family'}, "
                 f"sheet as of {c['sheet_as_of']}):")
    unavailable = c["columns"][0]["unavailable"]
    if unavailable:
        lines.append(f"  {unavailable}")
    else:
        lines.append(f"  {'':<14} {head_s:>22} {head_p:>24}")
        lines += [f"  {name:<14} {s:>22} {p:>24}" for name, s, p in _cost_rows(r)]
        unverified = [col["unverified_usd"] for col in c["columns"]]
        lines.append(f"  * of which from hand-transcribed prices (check the source): "
                     f"{_usd(unverified[0])} / {_usd(unverified[1])}")
        for assumption in c["assumptions"]:
            lines.append(f"  assumes {assumption}")
        lines.append(f"  not estimated (usage-based): {', '.join(c['not_estimated'])}")
        lines += [f"  not estimated (fixed charge, no sourced price): {item['component']}: {item['what']} "
                  f"({item['reason']})" for item in c["fixed_not_estimated"]]
    inv = r.inventory
    if inv.available:
        lines.append(f"resources: {inv.total} ({inv.protected} protected), built offline in {inv.build_seconds}s")
        for component, types in inv.by_component.items():
            lines.append(f"  {component}: {sum(types.values())}")
            lines += [f"    {count:>3} {type_}" for type_, count in types.items()]
        lines.append("outputs:")
        lines += [f"  {key} = {value}" for key, value in inv.outputs.items()] or ["  (none)"]
    else:
        lines.append(inv.reason or "resource inventory unavailable")
    lines += [f"warning: {w}" for w in r.warnings]
    lines += [f"BLOCKED: `pulumi up` refuses this stack: {b}" for b in r.blocking]
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    r = report
    rel = r.release
    out = [
        f"## {r.stack}",
        "",
        f"{r.cloud} / {r.size} / `{r.region}` / deployment `{r.deployment_name}` — release "
        f"`{rel['version']}` ({rel['release_date']}, {rel['age_days']} days old: **{rel['state']}**)",
        "",
        "```",
        *r.sizing,
        "```",
        "",
        "### Seed conformance",
        "",
        "| status | component | item | required | actual |",
        "|---|---|---|---|---|",
        *(f"| {c['status']} | {c['component']} | {c['item']} | {c['required']} | {c['actual']} |"
          for c in r.conformance),
        "",
        f"### Estimated monthly cost (price sheet as of {r.cost['sheet_as_of']})",
        "",
    ]
    if r.cost["columns"][0]["unavailable"]:
        out.append(r.cost["columns"][0]["unavailable"])
    else:
        head_s, head_p = _cost_headers(r)
        out += [f"| | {head_s} | {head_p} |", "|---|---:|---:|"]
        out += [f"| {name} | {s} | {p} |" for name, s, p in _cost_rows(r)]
        out += ["", f"Not estimated (usage-based): {', '.join(r.cost['not_estimated'])}."]
        out += [f"Not estimated (fixed charge, no sourced price): {item['component']}: {item['what']} "
                f"({item['reason']})." for item in r.cost["fixed_not_estimated"]]
        out += [f"Assumes {a}." for a in r.cost["assumptions"]]
    out += ["", "### Resources", ""]
    inv = r.inventory
    if inv.available:
        out += [f"{inv.total} resources ({inv.protected} protected).", "", "| component | type | count |",
                "|---|---|---:|"]
        out += [f"| {component} | `{t}` | {n} |" for component, types in inv.by_component.items()
                for t, n in types.items()]
        out += ["", "| output | value |", "|---|---|"]
        out += [f"| `{k}` | {v} |" for k, v in inv.outputs.items()]
    else:
        out.append(inv.reason or "resource inventory unavailable")
    if r.warnings:
        out += ["", *(f"> warning: {w}" for w in r.warnings)]
    if r.blocking:
        out += ["", *(f"> **BLOCKED**: `pulumi up` refuses this stack: {b}" for b in r.blocking)]
    return "\n".join(out)


def render_summary(reports: list[Report]) -> str:
    """One line per stack: the side-by-side view of --all."""
    lines = ["== summary", f"{'stack':<18} {'size':<11} {'resources':>9} {'est. monthly':>13}  conformance"]
    for r in reports:
        own = next(col for col in r.cost["columns"] if col["as_configured"])
        failing = sum(1 for c in r.conformance if c["status"] == "fail")
        resources = str(r.inventory.total) if r.inventory.available else "n/a"
        lines.append(f"{r.stack:<18} {r.size:<11} {resources:>9} {_usd(own['total_usd']):>13}  "
                     f"{'pass' if not failing else f'{failing} failing'}"
                     + ("  BLOCKED" if r.blocking else ""))
    lines += [f"BLOCKED {r.stack}: {b}" for r in reports for b in r.blocking]
    return "\n".join(lines)


def to_json(reports: list[Report]) -> str:
    return json.dumps([asdict(r) for r in reports], indent=2, default=str)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stack", nargs="?", help="stack name, e.g. aws-staging")
    parser.add_argument("--all", action="store_true", help="every stack in stacks/")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="judge release and price-sheet age as of this date (YYYY-MM-DD)")
    fmt = parser.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="machine-readable output")
    fmt.add_argument("--markdown", action="store_true", help="Markdown (for a PR comment or a wiki)")
    parser.add_argument("--no-inventory", action="store_true", help="skip the offline build (faster)")
    args = parser.parse_args(argv)
    names = stack_names() if args.all else [args.stack] if args.stack else []
    if not names:
        parser.error("name a stack or pass --all")

    failed = False
    reports: list[Report] = []
    started = time.perf_counter()
    for name in names:
        try:
            report = build_report(name, args.today, with_inventory=not args.no_inventory)
        except ConfigError as error:
            failed = True
            print(f"== {name}\n{error}\n", file=sys.stderr)
            continue
        failed = failed or report.failed
        reports.append(report)
        if not args.json:
            print(render_markdown(report) if args.markdown else render_text(report))
            print()
    if args.json:
        print(to_json(reports))
    elif len(reports) > 1:
        print(render_summary(reports))
        print(f"({len(reports)} reports in {time.perf_counter() - started:.1f}s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
