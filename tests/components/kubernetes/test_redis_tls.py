"""Redis behind a private CA (Memorystore): a verifying TLS sidecar in every API and Brainstore pod."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from typing import Any

import kubernetes_validate
import pulumi
import pulumi_kubernetes as k8s
import pytest
from pulumi.runtime import rpc

from components.config.common import Cloud
from components.facts import kubernetes as k8s_facts
from components.kubernetes import redis_tls, shapes
from components.kubernetes.args import (
    MIN_KUBERNETES_VERSION,
    REDIS_TLS_PROXY_IMAGE,
    CloudMode,
    RedisConnection,
    WorkloadsArgs,
)
from components.kubernetes.values import chart_values
from components.kubernetes.workloads import Workloads
from components.sizing import presets, seed
from components.sizing.model import NodePoolSize
from components.sizing.seed import Size
from tests.components.kubernetes import builders as b
from tests.components.kubernetes.test_schema import VERSIONS
from tests.components.kubernetes.test_workloads import CHART_TYPE, NAME, SECRET_TYPE, build
from tests.support.harness import PROJECT, Harness, RecordingMocks, RecordingMonitor, run
from tests.support.stacks import stack_config

POD_ROLES = ("api", "reader", "writer", "fastreader")


def _args(stack: str = "gcp-production", *, redis_ca: str | None = b.REDIS_CA, **changes: Any) -> WorkloadsArgs:
    secrets = b.kubernetes_secret_values(secret=True, redis_ca=redis_ca)
    return b.args_for(stack_config(stack), secrets=secrets, **changes)


def _pods(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"api": values["api"], **{r: values["brainstore"][r] for r in POD_ROLES[1:]}}


def _secrets(h: Any) -> dict[str, Any]:
    return {r.inputs["metadata"]["name"]: r for r in h.of_type(SECRET_TYPE)}


@pytest.mark.parametrize("stack", ["gcp-staging", "gcp-production"])
def test_every_api_and_brainstore_pod_gets_the_sidecar_and_the_ca(stack: str):
    values = chart_values(_args(stack))
    for role, pod in _pods(values).items():
        (sidecar,) = pod["extraContainers"]
        (volume,) = pod["extraVolumes"]
        assert sidecar["name"] == redis_tls.CONTAINER_NAME and sidecar["image"] == REDIS_TLS_PROXY_IMAGE, role
        assert volume == {"name": redis_tls.VOLUME_NAME, "secret": {
            "secretName": "braintrust-redis-ca", "items": [{"key": "ca.pem", "path": "ca.pem"}], "defaultMode": 0o444}}
        mount = {"name": volume["name"], "mountPath": redis_tls.MOUNT_PATH, "readOnly": True}
        assert sidecar["volumeMounts"] == [mount]
        expected_hash = hashlib.sha256(b.REDIS_CA.encode()).hexdigest()[:63]
        assert pod["annotations"]["pod"] == {redis_tls.CA_HASH_ANNOTATION: expected_hash}


def test_the_sidecar_listens_on_loopback_only_and_verifies_the_server_against_the_ca():
    (sidecar,) = chart_values(_args())["api"]["extraContainers"]
    assert sidecar["command"] == ["/usr/local/bin/envoy"]
    assert "--disable-hot-restart" in sidecar["args"]
    config = json.loads(sidecar["args"][sidecar["args"].index("--config-yaml") + 1])
    listeners = {listener["name"]: listener for listener in config["static_resources"]["listeners"]}
    assert set(listeners) == {"redis", "health"}  # no admin interface
    assert listeners["redis"]["address"]["socket_address"] == {"address": "127.0.0.1", "port_value": 6379}
    (cluster,) = config["static_resources"]["clusters"]
    assert cluster["type"] == "STATIC"  # Memorystore gives an IP
    (endpoint,) = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"]
    assert endpoint["endpoint"]["address"]["socket_address"] == {"address": "10.10.0.4", "port_value": 6378}
    tls = cluster["transport_socket"]["typed_config"]
    assert tls["@type"].endswith("tls.v3.UpstreamTlsContext")
    context = tls["common_tls_context"]
    assert context["validation_context"] == {"trusted_ca": {"filename": "/etc/redis-tls/ca.pem"}}
    assert context["tls_params"]["tls_minimum_protocol_version"] == "TLSv1_2"
    assert "sni" not in tls  # an IP is not a valid SNI name


def test_a_dns_host_is_resolved_and_sent_as_sni():
    config = json.loads(redis_tls.envoy_bootstrap("redis.internal.example", 6380))
    (cluster,) = config["static_resources"]["clusters"]
    assert cluster["type"] == "LOGICAL_DNS"
    assert cluster["transport_socket"]["typed_config"]["sni"] == "redis.internal.example"


def test_the_sidecar_is_hardened_and_keeps_brainstore_guaranteed():
    values = chart_values(_args())
    for role, pod in _pods(values).items():
        (sidecar,) = pod["extraContainers"]
        security = sidecar["securityContext"]
        assert security["runAsNonRoot"] is True and security["runAsUser"] == 65532, role
        assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
        assert security["capabilities"] == {"drop": ["ALL"]}
        assert security["seccompProfile"] == {"type": "RuntimeDefault"}
        assert sidecar["resources"]["requests"] == sidecar["resources"]["limits"] == {"cpu": "200m", "memory": "128Mi"}
        if role != "api":  # Brainstore pods are Guaranteed: every container has requests == limits
            assert pod["resources"]["requests"] == pod["resources"]["limits"]


@pytest.mark.parametrize("stack", ["gcp-staging", "gcp-production"])
def test_brainstore_pods_shrink_by_the_sidecar_so_the_pod_still_fits_its_node(stack: str):
    with_proxy = chart_values(_args(stack))["brainstore"]
    without = chart_values(_args(stack, redis_ca=None))["brainstore"]
    cfg = stack_config(stack)
    for role, size in (("reader", cfg.sizing.brainstore.reader), ("writer", cfg.sizing.brainstore.writer)):
        cpu, memory = shapes.allocatable_for_pods(CloudMode.GOOGLE, shapes.compute_sku(CloudMode.GOOGLE, size.sku))
        shape = shapes.brainstore_role_shape(CloudMode.GOOGLE, size, cfg.sizing.brainstore.cache_fraction,
                                             shapes.REDIS_TLS_PROXY)
        assert shape.pod.cpu_millis + shapes.REDIS_TLS_PROXY.cpu_millis <= cpu, role
        assert shape.pod.memory_mib + shapes.REDIS_TLS_PROXY.memory_mib <= memory, role
        assert with_proxy[role]["resources"]["requests"] == {"cpu": shape.pod.cpu, "memory": shape.pod.memory}
        assert shapes.parse_gib(with_proxy[role]["objectStoreCacheFileSize"]) == shapes.parse_gib(
            without[role]["objectStoreCacheFileSize"])  # the cache does not shrink, only CPU/memory may


@pytest.mark.parametrize("size", list(Size))
def test_gcp_presets_keep_the_seed_memory_with_the_sidecar(size: Size):
    row = seed.SEED[size].brainstore
    bs = presets.preset(Cloud.GCP, size).brainstore
    for role in (bs.reader, bs.writer):
        shape = shapes.brainstore_role_shape(CloudMode.GOOGLE, role, bs.cache_fraction, shapes.REDIS_TLS_PROXY)
        assert shape.pod.memory_mib / 1024 >= row.memory_gb, role.sku


def test_an_api_pod_that_only_fits_without_the_sidecar_is_refused():
    pool = NodePoolSize(sku="n2-standard-4", min_count=1, max_count=2)
    cpu, memory = shapes.allocatable_for_pods(CloudMode.GOOGLE, shapes.compute_sku(CloudMode.GOOGLE, pool.sku))
    api = shapes.PodShape(cpu_millis=cpu, memory_mib=memory)
    assert shapes.api_fits(CloudMode.GOOGLE, api, pool) is None
    why = shapes.api_fits(CloudMode.GOOGLE, api, pool, shapes.REDIS_TLS_PROXY)
    assert why is not None and "Redis TLS sidecar" in why


@pytest.mark.parametrize("stack", ["gcp-production", "azure-production"])
def test_no_sidecar_without_a_private_ca(stack: str):
    """Public-CA TLS (Azure Cache, ElastiCache) and Key Vault mode: pods connect to Redis directly."""
    values = chart_values(b.args_for_stack(stack))
    for role, pod in _pods(values).items():
        assert "extraContainers" not in pod and "extraVolumes" not in pod, role
        assert "pod" not in pod["annotations"]


def test_redis_url_points_at_the_sidecar_only_when_it_is_used():
    with_proxy = b.unwrap(_secrets(build("gcp-production", fields=_args().__dict__))["braintrust-secrets"]
                          .inputs["stringData"])
    assert with_proxy["REDIS_URL"] == f"redis://:{b.REDIS_PASSWORD}@127.0.0.1:6379"
    direct = b.unwrap(_secrets(build("gcp-production"))["braintrust-secrets"].inputs["stringData"])
    assert direct["REDIS_URL"] == f"rediss://:{b.REDIS_PASSWORD}@10.10.0.4:6378"


def test_the_ca_secret_is_created_before_the_chart_and_only_with_a_private_ca():
    h = build("gcp-production", fields=_args().__dict__)
    secrets = _secrets(h)
    ca = secrets["braintrust-redis-ca"]
    assert ca.inputs["metadata"]["namespace"] == b.NAMESPACE
    assert b.unwrap(ca.inputs["stringData"]) == {"ca.pem": b.REDIS_CA}
    chart = h.registration(f"{NAME}-chart")
    assert h.registration(f"{NAME}-redis-ca").urn in chart.dependencies
    assert h.one(CHART_TYPE)
    assert set(_secrets(build("gcp-production"))) == {"braintrust-secrets"}


def test_no_secret_appears_in_plaintext_with_the_sidecar():
    h = build("gcp-production", fields=_args().__dict__)
    for value in b.SECRET_VALUES:
        assert h.plaintext_occurrences(value) == [], value
    assert b.REDIS_PASSWORD not in json.dumps(b.unwrap(h.one(CHART_TYPE).inputs["values"]))


def test_a_ca_without_tls_an_empty_ca_and_an_unpinned_image_are_refused():
    secrets = b.kubernetes_secret_values(redis_ca=b.REDIS_CA)
    plain = dataclasses.replace(secrets, redis=dataclasses.replace(secrets.redis, tls=False))
    with pytest.raises(ValueError, match="ca_certificate is set but tls is off"):
        b.args_for(stack_config("gcp-production"), secrets=plain)
    empty = dataclasses.replace(secrets, redis=dataclasses.replace(secrets.redis, ca_certificate=""))
    with pytest.raises(ValueError, match="ca_certificate is empty"):
        b.args_for(stack_config("gcp-production"), secrets=empty)
    for unpinned in ("docker.io/envoyproxy/envoy", "docker.io/envoyproxy/envoy:latest"):
        with pytest.raises(ValueError, match="names no version"):
            _args(redis_tls_proxy_image=unpinned)
    digest = "sha256:" + "ab" * 32
    assert _args(redis_tls_proxy_image=f"docker.io/envoyproxy/envoy@{digest}").redis_tls_proxy_image.endswith(digest)


def test_existing_callers_without_the_new_fields_keep_working():
    conn = RedisConnection(host="10.0.0.1", port=6378, password="x", tls=True)
    assert conn.ca_certificate is None and not redis_tls.uses_tls_proxy(conn)
    assert b.args_for_stack("gcp-staging").redis_tls_proxy_image == REDIS_TLS_PROXY_IMAGE


def _deployment_like_the_chart_renders(pod_values: dict[str, Any]) -> dict[str, Any]:
    """A Deployment the way the chart's templates place extraContainers/extraVolumes (after the app)."""
    metadata = {"name": "probe", "annotations": pod_values["annotations"]["pod"]}
    pod = {"securityContext": pod_values["podSecurityContext"],
           "containers": [{"name": "main", "image": "public.ecr.aws/braintrust/example:v0"},
                          *pod_values["extraContainers"]],
           "volumes": pod_values["extraVolumes"]}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "probe"},
            "spec": {"selector": {"matchLabels": {"app": "probe"}}, "template": {
                "metadata": {**metadata, "labels": {"app": "probe"}}, "spec": pod}}}


def _transformed(manifest: dict[str, Any], type_: str = redis_tls.DEPLOYMENT) -> dict[str, Any] | None:
    result = redis_tls.native_sidecar(pulumi.ResourceTransformArgs(
        custom=True, type_=type_, name="braintrust-api", props=manifest, opts=pulumi.ResourceOptions()))
    return None if result is None else dict(result.props)


def test_the_sidecar_becomes_a_native_sidecar_that_gates_the_app():
    """Kubernetes starts the app containers only after a native sidecar's startup probe succeeds, and stops
    the sidecar after them: the app never runs without its Redis tunnel."""
    for role, pod_values in _pods(chart_values(_args())).items():
        manifest = _transformed(_deployment_like_the_chart_renders(pod_values))
        assert manifest is not None, role
        pod = manifest["spec"]["template"]["spec"]
        assert [c["name"] for c in pod["containers"]] == ["main"], role
        (sidecar,) = pod["initContainers"]
        assert sidecar["name"] == redis_tls.CONTAINER_NAME and sidecar["restartPolicy"] == "Always"
        probe = sidecar["startupProbe"]["httpGet"]
        config = json.loads(sidecar["args"][sidecar["args"].index("--config-yaml") + 1])
        (health,) = [li for li in config["static_resources"]["listeners"] if li["name"] == "health"]
        assert health["address"]["socket_address"]["port_value"] == probe["port"] == redis_tls.HEALTH_PORT
        (hcm,) = health["filter_chains"][0]["filters"]
        check = hcm["typed_config"]["http_filters"][0]["typed_config"]
        assert check["pass_through_mode"] is False
        assert check["headers"] == [{"name": ":path", "string_match": {"exact": probe["path"]}}]
        assert hcm["typed_config"]["route_config"]["virtual_hosts"][0]["routes"] == []  # nothing else served
        assert sidecar["readinessProbe"]["httpGet"] == probe
        assert "lifecycle" not in sidecar  # no preStop sleep: native sidecars stop after the app


def test_the_transform_leaves_everything_else_alone():
    values = chart_values(_args())
    deployment = _deployment_like_the_chart_renders(values["api"])
    assert _transformed(deployment, type_="kubernetes:core/v1:ConfigMap") is None
    without = _deployment_like_the_chart_renders({**values["api"], "extraContainers": []})
    assert _transformed(without) is None
    assert _transformed({"spec": "unknown-at-preview"}) is None


def test_a_secret_pod_spec_stays_secret():
    deployment = _deployment_like_the_chart_renders(chart_values(_args())["api"])
    deployment["spec"]["template"] = rpc.wrap_rpc_secret(deployment["spec"]["template"])
    manifest = _transformed(deployment)
    assert manifest is not None
    template = manifest["spec"]["template"]
    assert rpc.is_rpc_secret(template)
    assert [c["name"] for c in rpc.unwrap_rpc_secret(template)["spec"]["initContainers"]] == [redis_tls.CONTAINER_NAME]


@pytest.mark.parametrize("version", VERSIONS)
def test_the_transformed_deployment_is_valid_kubernetes(version: str):
    values = chart_values(_args())
    for role, pod in _pods(values).items():
        manifest = _transformed(_deployment_like_the_chart_renders(pod))
        assert manifest is not None, role
        kubernetes_validate.validate(manifest, version, strict=True)
    broken = _transformed(_deployment_like_the_chart_renders(values["api"]))
    assert broken is not None
    broken["spec"]["template"]["spec"]["initContainers"][0]["startupProbe"]["httpGet"]["paht"] = "/ready"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)


def test_native_sidecars_need_the_kubernetes_versions_the_ledger_says():
    """The published API schema has Container.restartPolicy from 1.28 (alpha there, on by default from 1.29):
    on 1.27 the rendered pod is not even valid."""
    manifest = _transformed(_deployment_like_the_chart_renders(chart_values(_args())["api"]))
    assert manifest is not None
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(manifest, "1.27", strict=True)
    kubernetes_validate.validate(manifest, k8s_facts.NATIVE_SIDECARS_MIN_VERSION, strict=True)
    assert tuple(map(int, MIN_KUBERNETES_VERSION.split("."))) >= (1, 29)


class _TransformRecordingMonitor(RecordingMonitor):
    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.transforms: dict[str, int] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.transforms[request.name] = len(request.transforms)
        return super().RegisterResource(request)


@pytest.mark.parametrize(("redis_ca", "transforms"), [(b.REDIS_CA, 1), (None, 0)])
def test_the_chart_carries_the_transform_only_with_the_sidecar(redis_ca: str | None, transforms: int):
    mocks = RecordingMocks()
    monitor = _TransformRecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", monitor=monitor)
    args = _args(redis_ca=redis_ca)

    def program() -> None:
        provider = k8s.Provider("k8s", kubeconfig="{}")
        Workloads(NAME, args, opts=pulumi.ResourceOptions(providers={"kubernetes": provider}))

    run(Harness(mocks=mocks, monitor=monitor), program)
    assert monitor.transforms[f"{NAME}-chart"] == transforms


@pytest.mark.parametrize(("image", "warned"), [
    (REDIS_TLS_PROXY_IMAGE, True),
    (f"{REDIS_TLS_PROXY_IMAGE}@sha256:{'cd' * 32}", False),
])
def test_a_sidecar_image_without_digest_is_flagged_at_deploy(caplog: pytest.LogCaptureFixture, image: str,
                                                             warned: bool):
    args = _args(redis_tls_proxy_image=image)
    fields = {f.name: getattr(args, f.name) for f in dataclasses.fields(args)}
    with caplog.at_level(logging.WARNING):
        build("gcp-production", fields=fields)
    messages = [r.getMessage() for r in caplog.records if "pinned by tag only" in r.getMessage()]
    assert bool(messages) is warned, messages
