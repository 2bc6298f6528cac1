"""Rewrite the release pins of the stack files to a release Braintrust published.

    make release VERSION=v2.12.0 DATE=2026-08-21                # AWS stacks (Lambda bundles, EC2 images)
    make release VERSION=v2.9.0 DATE=2026-07-30 CHART=6.11.0    # GCP/Azure stacks (Helm chart + its images)
    python -m scripts.release --version ... --date ... [--chart ...] [--stacks 'aws-*'] [--check]

A pin must be traceable: the (version, date[, chart]) triple has to be registered in
``components/facts/braintrust.py`` with the upstream file it was read from, so bumping is two steps:
read the new versions off Braintrust's repositories and register them there (with the source), then run
this. Without ``--chart`` the release goes to the AWS stacks; with it, to the Kubernetes (GCP, Azure)
stacks, because the chart pins the image tags it was tested with and the AWS module does not use a chart.

Only the values inside the ``braintrust:release`` block change; comments and every other line are kept.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from components.facts import braintrust as published

ROOT = Path(__file__).resolve().parents[1]
STACKS = ROOT / "stacks"
_BLOCK = "  braintrust:release:"
_FIELD = re.compile(r"^    (?P<key>[a-z_]+):\s*(?P<value>.*)$")


class ReleaseError(Exception):
    """A release that cannot be pinned; ``str()`` is the message for the user."""


@dataclass(frozen=True)
class Pins:
    version: str
    date: dt.date
    chart: str | None

    @property
    def kubernetes(self) -> bool:
        return self.chart is not None


def traceable(pins: Pins, known: Iterable[published.PublishedRelease] = published.PUBLISHED) -> None:
    """Raise ReleaseError unless ``pins`` is a release registered (with its source) in the facts ledger."""
    for release in known:
        if (release.version, release.date, release.chart_version) == (pins.version, pins.date, pins.chart):
            return
    listed = "; ".join(f"{r.version} {r.date}" + (f" chart {r.chart_version}" if r.chart_version else "")
                       for r in known)
    raise ReleaseError(
        f"{pins.version} ({pins.date}{', chart ' + pins.chart if pins.chart else ''}) is not a release registered in "
        f"components/facts/braintrust.py (known: {listed}). Read it off Braintrust's repositories "
        "(terraform-aws-braintrust-data-plane modules/*/VERSIONS.json, helm braintrust/Chart.yaml and values.yaml), "
        "register it there with its source, then run this again."
    )


def cloud_of(stack_file: Path) -> str:
    document = yaml.safe_load(stack_file.read_text()) or {}
    return str((document.get("config") or {}).get("braintrust:cloud", ""))


def rewrite(text: str, pins: Pins) -> str:
    """The stack file text with its release block set to ``pins`` (other lines untouched)."""
    lines = text.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == _BLOCK)
    except StopIteration:
        raise ReleaseError(f"no '{_BLOCK.strip()}' block") from None
    end = start + 1
    while end < len(lines) and _FIELD.match(lines[end].rstrip("\n")):
        end += 1
    fields = {m["key"]: m["value"] for line in lines[start + 1:end] if (m := _FIELD.match(line.rstrip("\n")))}
    fields["version"] = pins.version
    fields["release_date"] = f'"{pins.date.isoformat()}"'
    if pins.chart:
        fields["helm_chart_version"] = pins.chart
    # Image/bundle tag overrides belonged to the old release; they would silently keep it.
    for stale in ("api_image_tag", "brainstore_image_tag", "lambda_bundle_tag"):
        fields.pop(stale, None)
    block = [f"    {key}: {value}\n" for key, value in fields.items()]
    return "".join([*lines[: start + 1], *block, *lines[end:]])


def select(stack_files: Iterable[Path], pins: Pins, pattern: str | None) -> list[Path]:
    wanted = {"gcp", "azure"} if pins.kubernetes else {"aws"}
    chosen = []
    for path in sorted(stack_files):
        name = path.name.removeprefix("Pulumi.").removesuffix(".yaml")
        if pattern and not fnmatch.fnmatch(name, pattern):
            continue
        if cloud_of(path) in wanted:
            chosen.append(path)
    return chosen


def main(argv: list[str] | None = None, stacks_dir: Path = STACKS) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", required=True, help="data plane release, e.g. v2.12.0")
    parser.add_argument("--date", required=True, type=dt.date.fromisoformat, help="its publication date")
    parser.add_argument("--chart", help="Helm chart version (GCP/Azure stacks)")
    parser.add_argument("--stacks", help="only stacks whose name matches this glob, e.g. 'gcp-*'")
    parser.add_argument("--check", action="store_true", help="print what would change; write nothing")
    args = parser.parse_args(argv)
    pins = Pins(version=args.version, date=args.date, chart=args.chart or None)
    try:
        traceable(pins)
        chosen = select(stacks_dir.glob("Pulumi.*.yaml"), pins, args.stacks)
        if not chosen:
            raise ReleaseError("no stack file matches (a chart release goes to GCP/Azure stacks, "
                               "one without --chart to AWS stacks)")
        for path in chosen:
            before = path.read_text()
            after = rewrite(before, pins)
            verb = "unchanged" if after == before else "would update" if args.check else "updated"
            if after != before and not args.check:
                path.write_text(after)
            print(f"{verb}: {path.name}")
    except ReleaseError as error:
        print(f"release: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
