"""Presets meet the seed's hardware table: staging the testing column, production the production one."""

from __future__ import annotations

import pytest

from components.config import Cloud, Size
from components.sizing import conformance, presets, skus
from components.sizing.conformance import Status
from components.sizing.model import BrainstoreRoleSize
from components.sizing.seed import SEED
from components.sizing.skus import Arch, Kind

COMBOS = [(c, s) for c in Cloud for s in Size]


@pytest.mark.parametrize(("cloud", "size"), COMBOS, ids=[f"{c}-{s}" for c, s in COMBOS])
def test_preset_meets_every_seed_row(cloud: Cloud, size: Size):
    rows = conformance.check(cloud, size, presets.preset(cloud, size))
    failed = [r for r in rows if r.failed]
    assert not failed, "\n".join(f"{r.component} {r.item}: need {r.required}, have {r.actual}" for r in failed)
    # Unpublished figures are allowed only where the SKU table says why.
    for row in rows:
        if row.status is Status.UNPUBLISHED:
            kind = Kind.CACHE if row.component == "redis" else Kind.DATABASE
            name = presets.preset(cloud, size).redis.sku if kind is Kind.CACHE else ""
            sku = skus.lookup(cloud, kind, name)
            assert sku is not None and sku.note, f"{row} is unpublished without a note"


@pytest.mark.parametrize("cloud", list(Cloud))
def test_production_specifics(cloud: Cloud):
    prod = presets.preset(cloud, Size.PRODUCTION)
    assert prod.postgres.version >= 17
    assert prod.postgres.storage_gb >= 1000
    assert prod.postgres.iops >= 15000
    assert prod.postgres.high_availability and prod.redis.high_availability
    assert float(prod.redis.version) >= 7
    assert prod.brainstore.reader.count >= 2 and prod.brainstore.writer.count == 1
    assert not prod.brainstore.combined
    for role in (prod.brainstore.reader, prod.brainstore.writer):
        sku = skus.lookup(cloud, Kind.COMPUTE, role.sku)
        assert sku is not None
        assert sku.vcpu is not None and sku.vcpu >= 16
        assert sku.memory_gib is not None and sku.memory_gib >= 32
        assert sku.local_nvme_gb >= 1024
    redis = skus.lookup(cloud, Kind.CACHE, prod.redis.sku)
    assert redis is not None and not redis.burstable
    if cloud is not Cloud.AWS:
        assert prod.api is not None
        assert prod.api.replicas >= 4 and prod.api.cpu >= 2 and prod.api.memory_gib >= 8
        assert 80 <= prod.api.node_memory_percent <= 90


@pytest.mark.parametrize("cloud", list(Cloud))
def test_staging_uses_one_combined_brainstore_node(cloud: Cloud):
    staging = presets.preset(cloud, Size.STAGING).brainstore
    assert staging.combined and staging.reader.count == 1


@pytest.mark.parametrize("cloud", list(Cloud))
def test_brainstore_prefers_arm_when_an_arm_sku_meets_the_row(cloud: Cloud):
    """Seed: "16+ vCPUs (ARM recommended)". Every cloud here has an ARM SKU with local NVMe that meets it."""
    row = SEED[Size.PRODUCTION].brainstore
    arm_candidates = [
        s for s in skus.all_skus()
        if s.cloud is cloud and s.kind is Kind.COMPUTE and s.arch is Arch.ARM64
        and (s.vcpu or 0) >= row.vcpu and (s.memory_gib or 0) >= row.memory_gb
        and s.local_nvme_gb >= row.local_storage_gb
    ]
    prod = presets.preset(cloud, Size.PRODUCTION)
    chosen = skus.lookup(cloud, Kind.COMPUTE, prod.brainstore.reader.sku)
    assert chosen is not None
    if arm_candidates:
        assert chosen.arch is Arch.ARM64


def test_every_preset_sku_is_in_the_capability_table_with_a_source():
    for (cloud, _size), sizing in presets.PRESETS.items():
        names = [(Kind.DATABASE, sizing.postgres.sku), (Kind.CACHE, sizing.redis.sku)]
        names += [(Kind.COMPUTE, r.sku) for r in (sizing.brainstore.reader, sizing.brainstore.writer)]
        names += [(Kind.COMPUTE, p.sku) for p in (sizing.system_pool, sizing.services_pool) if p]
        for kind, name in names:
            sku = skus.lookup(cloud, kind, name)
            assert sku is not None, f"{cloud} {kind} {name} missing from skus.py"
            assert sku.source.startswith("https://")


def test_a_staging_sku_fails_the_production_row():
    prod = presets.preset(Cloud.AWS, Size.PRODUCTION)
    small = prod.model_copy(update={"brainstore": prod.brainstore.model_copy(
        update={"reader": BrainstoreRoleSize(sku="c8gd.xlarge", count=2)})})
    failed = {(r.component, r.item) for r in conformance.failures(Cloud.AWS, Size.PRODUCTION, small)}
    assert {("brainstore reader", "vCPU"), ("brainstore reader", "memory"),
            ("brainstore reader", "local NVMe")} <= failed


@pytest.mark.parametrize(("cloud", "requested", "storage_gb", "sku_name", "expected"), [
    (Cloud.AWS, 15000, 1000, "db.r8g.2xlarge", 15000),
    (Cloud.AWS, 6000, 200, "db.r8g.large", 3000),  # gp3 < 400 GB: fixed 3,000 baseline
    (Cloud.GCP, 40000, 1000, "db-perf-optimized-N-8", 15000),  # 8 vCPU instance cap
    (Cloud.GCP, 15000, 300, "db-perf-optimized-N-16", 9000),  # 30 IOPS per GB
    (Cloud.AZURE, 16000, 8192, "Standard_E8ds_v5", 12800),  # VM cap
])
def test_storage_iops_is_bounded_by_disk_and_instance(cloud, requested, storage_gb, sku_name, expected):
    sku = skus.lookup(cloud, Kind.DATABASE, sku_name)
    assert conformance.storage_iops(cloud, requested, storage_gb, sku) == expected
