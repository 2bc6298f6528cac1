"""Offline plan: what a stack would deploy, without cloud credentials or the Pulumi CLI.

    python -m ops.plan aws-staging
    python -m ops.plan --all

Prints the validated configuration, every resolved size/SKU and the seed conformance table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from components.config import ConfigError, DataPlaneConfig, StackFile, warnings
from components.config.release import release_freshness
from components.sizing import conformance

ROOT = Path(__file__).resolve().parents[1]
STACKS = ROOT / "stacks"
# Offline readers never see the real license key.
STAND_INS = {"brainstore_license_key": "offline-plan-stand-in"}


def stack_names() -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in STACKS.glob("Pulumi.*.yaml"))


def load(name: str, today: dt.date) -> DataPlaneConfig:
    path = STACKS / f"Pulumi.{name}.yaml"
    if not path.exists():
        raise SystemExit(f"no stack file {path.relative_to(ROOT)}; known stacks: {', '.join(stack_names())}")
    return StackFile(path, stand_ins=STAND_INS).parse(today)


def render(name: str, cfg: DataPlaneConfig, today: dt.date) -> str:
    s = cfg.sizing
    state, _ = release_freshness(cfg.release, today)
    lines = [
        f"== {name}: {cfg.cloud.value} / {cfg.size.value} / {cfg.region} / deployment '{cfg.deployment_name}'",
        f"release {cfg.release.version} ({cfg.release.release_date}, {cfg.release.age_days(today)} days old: {state})",
        f"postgres   {s.postgres.sku}  v{s.postgres.version}  {s.postgres.storage_gb} GB "
        f"(max {s.postgres.max_storage_gb})  {s.postgres.iops} IOPS  HA={s.postgres.high_availability}",
        f"redis      {s.redis.sku}  v{s.redis.version}  HA={s.redis.high_availability}"
        + (f"  {s.redis.memory_gib} GiB" if s.redis.memory_gib else ""),
        f"brainstore reader {s.brainstore.reader.count} x {s.brainstore.reader.sku}; "
        f"writer {s.brainstore.writer.count} x {s.brainstore.writer.sku}; "
        f"fast reader {s.brainstore.fast_reader.count} x {s.brainstore.fast_reader.sku}"
        + (" (combined reader/writer)" if s.brainstore.combined else ""),
    ]
    if s.api:
        lines.append(f"api        {s.api.replicas} x {s.api.cpu:g} vCPU / {s.api.memory_gib:g} GiB "
                     f"(NODE_MEMORY_PERCENT={s.api.node_memory_percent})")
    for label, pool in (("system pool", s.system_pool), ("services pool", s.services_pool)):
        if pool:
            lines.append(f"{label:<13} {pool.sku} {pool.min_count}-{pool.max_count} nodes")
    lines.append("seed conformance:")
    for row in conformance.check(cfg.cloud, cfg.size, s):
        lines.append(f"  [{row.status.value:^11}] {row.component:<22} {row.item:<20} "
                     f"need {row.required:<14} have {row.actual}")
    lines += [f"warning: {w}" for w in warnings(cfg, today)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stack", nargs="?", help="stack name, e.g. aws-staging")
    parser.add_argument("--all", action="store_true", help="every stack in stacks/")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="judge the release age as of this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    names = stack_names() if args.all else [args.stack] if args.stack else []
    if not names:
        parser.error("name a stack or pass --all")
    failed = False
    for name in names:
        try:
            print(render(name, load(name, args.today), args.today))
        except ConfigError as error:
            failed = True
            print(f"== {name}\n{error}", file=sys.stderr)
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
