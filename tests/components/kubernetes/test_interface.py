"""Helpers the cloud components use for identity wiring and pool sizing, and the connection URLs."""

from __future__ import annotations

import pulumi

from components.kubernetes import args as a
from components.kubernetes.connection_urls import postgres_url_of, redis_url, redis_url_of
from tests.support.harness import new_harness, run


def test_identity_subjects_name_the_charts_service_accounts():
    assert a.service_account_subjects("bt") == [
        "system:serviceaccount:bt:braintrust-api", "system:serviceaccount:bt:brainstore"]
    assert a.gke_workload_identity_members("acme-proj", "bt") == {
        "braintrust-api": "serviceAccount:acme-proj.svc.id.goog[bt/braintrust-api]",
        "brainstore": "serviceAccount:acme-proj.svc.id.goog[bt/brainstore]",
    }


def test_brainstore_pools_leave_a_spare_node_for_the_surge_rollout():
    assert a.brainstore_pool_max_nodes(2) == 3
    assert a.brainstore_pool_max_nodes(1) == 2


def test_postgres_url_requires_tls_and_escapes_credentials():
    url = postgres_url_of("db.internal", 5432, "bt user", "p@ss:w/rd#?", "braintrust")
    assert url == "postgres://bt%20user:p%40ss%3Aw%2Frd%23%3F@db.internal:5432/braintrust?sslmode=require"


def test_redis_url_uses_tls_when_offered_and_omits_empty_auth():
    assert redis_url_of("r", 6380, "k/ey", tls=True) == "rediss://:k%2Fey@r:6380"
    assert redis_url_of("r", 6379, None, tls=False) == "redis://r:6379"


def test_connection_urls_are_pulumi_secrets():
    h = new_harness()
    seen: dict[str, bool] = {}

    def program() -> None:
        url = redis_url(a.RedisConnection(host="r", port=6380, password="pw", tls=True))
        pulumi.Output.all(url, url.is_secret()).apply(lambda v: seen.update(value=v[0], secret=v[1]))

    run(h, program)
    assert seen == {"value": "rediss://:pw@r:6380", "secret": True}
