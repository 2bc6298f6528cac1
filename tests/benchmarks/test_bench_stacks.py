"""Smoke test: the benchmark runs end to end and prints its figures (it asserts nothing itself)."""

from __future__ import annotations

from benchmarks import bench_stacks


def test_benchmark_prints_a_row_for_the_stack(capsys):
    assert bench_stacks.main(["--stacks", "gcp-staging", "--no-plan"]) == 0
    out = capsys.readouterr().out
    assert "validate all 6 stack files" in out
    row = next(line for line in out.splitlines() if line.startswith("gcp-staging"))
    # Either real figures (build, import, ratio, RSS, resources) or an explicit "not built yet".
    assert "failed" not in row
    assert "cloud not built yet" in row or len(row.split()) == 7
