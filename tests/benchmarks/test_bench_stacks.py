"""Smoke test: the benchmark runs end to end and prints its figures (it asserts nothing itself)."""

from __future__ import annotations

from benchmarks import bench_stacks


def test_benchmark_prints_a_row_for_the_stack(capsys):
    assert bench_stacks.main(["--stacks", "gcp-staging", "--no-plan"]) == 0
    out = capsys.readouterr().out
    assert "validate all 6 stack files" in out
    row = next(line for line in out.splitlines() if line.startswith("gcp-staging"))
    # Real figures: stack, build s, import s, ratio, peak MB, resources, plan s.
    assert "failed" not in row
    assert len(row.split()) == 7
