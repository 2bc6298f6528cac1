"""The region tables and limits the validator uses agree with the clouds' own published models, where
one is installed (botocore, Google's discovery documents) and with the program's own constants."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from components.config import networks
from components.facts import limits, regions


def _botocore(*parts: str) -> dict:
    import botocore

    path = Path(botocore.__file__).parent / "data" / Path(*parts)
    raw = path.read_bytes() if path.exists() else gzip.decompress(path.with_name(path.name + ".gz").read_bytes())
    return json.loads(raw)


def _discovery(name: str) -> dict:
    import googleapiclient

    path = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / name
    return json.loads(path.read_text())


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_braintrust_aws_region_is_an_aws_region():
    partition = next(p for p in _botocore("endpoints.json")["partitions"] if p["partition"] == "aws")
    assert set(regions.AWS_BRAINTRUST_REGIONS) <= set(partition["regions"])


def test_every_gcp_region_of_the_zone_table_is_a_google_api_location():
    import googleapiclient

    locations: set[str] = set()
    for path in (Path(googleapiclient.__file__).parent / "discovery_cache" / "documents").glob("*.json"):
        locations |= {e["location"] for e in json.loads(path.read_text()).get("endpoints", [])}
    assert set(regions.GCP_ZONES) <= locations


def test_gcp_zone_table_is_well_formed():
    for region, letters in regions.GCP_ZONES.items():
        assert len(letters) >= 3, region
        assert all(re.fullmatch("[a-z]", letter) for letter in letters), region
    # The regions whose zones do not start at -a: the reason the table exists (issue 11).
    assert regions.GCP_ZONES["us-east1"][0] == "b"
    assert regions.GCP_ZONES["europe-west1"][0] == "b"


def test_rds_postgres_gp3_storage_and_iops_ratio_match_botocore():
    shapes = _botocore("rds", "2014-10-31", "service-2.json")["shapes"]["CreateDBInstanceMessage"]["members"]
    storage = _text(shapes["AllocatedStorage"]["documentation"])
    postgres = storage[storage.index("RDS for PostgreSQL"):]
    low, high = limits.RDS_POSTGRES_GP3_STORAGE_GIB
    assert re.search(rf"gp2, gp3\): Must be an integer from {low} to {high}\.", postgres)
    iops = _text(shapes["Iops"]["documentation"])
    ratio_low, ratio_high = limits.RDS_IOPS_PER_GIB
    low_text = f"{ratio_low:g}".removeprefix("0")  # botocore writes ".5"
    assert f"PostgreSQL - Must be a multiple between {low_text} and {ratio_high:g} of the storage amount" in iops


def test_cloud_sql_minimum_disk_and_memorystore_integer_capacity_match_discovery():
    disk = _discovery("sqladmin.v1.json")["schemas"]["Settings"]["properties"]["dataDiskSizeGb"]
    assert f"minimum is {limits.CLOUDSQL_STORAGE_GB[0]}GB" in disk["description"]
    memory = _discovery("redis.v1.json")["schemas"]["Instance"]["properties"]["memorySizeGb"]
    assert memory["type"] == "integer" and memory["format"] == "int32"


def test_aks_overlay_ranges_are_the_ones_the_cluster_sets():
    cluster = pytest.importorskip("components.azure.cluster")
    assert str(networks.AKS_POD_CIDR) == cluster.POD_CIDR
    assert str(networks.AKS_SERVICE_CIDR) == cluster.SERVICE_CIDR


def test_upstream_cors_origins_are_the_only_wildcards_the_program_adds():
    from tests.support.stacks import stack_config

    origins = stack_config("aws-production").control_plane.cors_origins
    wild = [o for o in origins if "*" in o]
    assert wild and set(wild) <= set(limits.UPSTREAM_CORS_ORIGINS)
