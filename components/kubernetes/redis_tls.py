"""The Redis TLS sidecar: verified TLS to a Redis whose certificate a private CA signs (Memorystore).

Why a sidecar: Memorystore signs its server certificate with a per-instance CA. The chart can hand a
CA bundle to the API (``api.customCA``) but has no way to mount a file into the Brainstore containers
(only pod-level ``extraVolumes``/``extraContainers``), so Brainstore cannot verify ``rediss://``. Instead
every API and Brainstore pod gets an Envoy container that listens on 127.0.0.1 only, opens TLS to
Redis and verifies the server's chain against the CA (mounted from a Secret we create); REDIS_URL in
``braintrust-secrets`` points at that local port. Plaintext never leaves the pod's network namespace.

Why Envoy and not ghostunnel/stunnel: Memorystore puts the instance IP in the certificate's Common Name
only, and Go's TLS stack (ghostunnel) ignores the Common Name, so ghostunnel cannot verify it without
turning verification off. Envoy verifies the chain against ``trusted_ca`` and matches SANs only when
asked; the per-instance CA signs nothing but this instance's certificate, so chain verification
against it is what identifies the server. Envoy ships an official distroless, non-root, multi-arch
image, and its whole configuration fits in one ``--config-yaml`` argument (no ConfigMap to manage).

Pods roll when the CA changes (a hash of it is a pod annotation): Envoy reads the CA file at start.

Native sidecar: the chart only offers ``extraContainers`` (ordinary containers, started in parallel with
the app), so the sidecar would race the app at start and get SIGTERM with it at shutdown. A Pulumi
transform on the chart (``native_sidecar``) moves it into ``initContainers`` with ``restartPolicy:
Always`` (Kubernetes native sidecars: default on since 1.29, stable in 1.33). The kubelet then starts the
app containers only after the sidecar's startup probe succeeds, and stops the sidecar after them. The
probe asks Envoy's health listener (``/ready`` on ``HEALTH_PORT``, answered by Envoy's health-check
filter); Envoy opens its listeners, the Redis one included, only once initialized, so a 200 means the
tunnel on 127.0.0.1 accepts connections. The values carry ``restartPolicy`` already, so a chart rendered
without the transform fails loudly (the API server refuses it on an ordinary container) instead of
silently racing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable
from typing import Any

import pulumi
from pulumi.runtime import rpc

from . import shapes
from .args import KubernetesSecretValues, RedisConnection, WorkloadsArgs

CA_SECRET_NAME = "braintrust-redis-ca"
CA_SECRET_KEY = "ca.pem"
CONTAINER_NAME = "redis-tls"
VOLUME_NAME = "redis-server-ca"
MOUNT_PATH = "/etc/redis-tls"
LISTEN_ADDRESS = "127.0.0.1"  # never the pod IP: the plaintext side stays inside the pod
LISTEN_PORT = 6379
CA_HASH_ANNOTATION = "braintrust.dev/redis-ca-sha256"
ENVOY_BINARY = "/usr/local/bin/envoy"  # the distroless image's entrypoint
NONROOT_UID = 65532  # the distroless image's `nonroot` user
CONNECT_TIMEOUT = "5s"
# Envoy's health listener for the kubelet's probes (pod IP; NetworkPolicies admit no other pod to it). It
# answers /ready itself and routes nothing: no admin interface, no way through to Redis.
HEALTH_PORT = 9911
READY_PATH = "/ready"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def uses_tls_proxy(redis: RedisConnection) -> bool:
    return redis.tls and redis.ca_certificate is not None


def tls_proxy_redis(args: WorkloadsArgs) -> RedisConnection | None:
    """The Redis connection the sidecar fronts, or None when the pods connect directly."""
    secrets = args.secrets
    if isinstance(secrets, KubernetesSecretValues) and uses_tls_proxy(secrets.redis):
        return secrets.redis
    return None


def _lift(fn: Callable[..., Any], *inputs: pulumi.Input[Any]) -> Any:
    """``fn(*inputs)`` directly when every input is a plain value, else an Output of it."""
    if any(isinstance(i, pulumi.Output) for i in inputs):
        return pulumi.Output.all(*inputs).apply(lambda values: fn(*values))
    return fn(*inputs)


def envoy_bootstrap(host: str, port: int) -> str:
    """Envoy's bootstrap (JSON, which Envoy accepts as YAML): one TCP proxy, TLS to Redis, no admin port."""
    try:
        ipaddress.ip_address(host)
        is_ip = True
    except ValueError:
        is_ip = False
    tls: dict[str, Any] = {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        "common_tls_context": {
            "tls_params": {"tls_minimum_protocol_version": "TLSv1_2"},
            # Chain verification against the instance's own CA (see the module docstring for why no SAN match).
            "validation_context": {"trusted_ca": {"filename": f"{MOUNT_PATH}/{CA_SECRET_KEY}"}},
        },
    }
    if not is_ip:
        tls["sni"] = host
    endpoint = {"endpoint": {"address": {"socket_address": {"address": host, "port_value": int(port)}}}}
    return json.dumps({
        "static_resources": {
            "listeners": [_health_listener(), {
                "name": "redis",
                "address": {"socket_address": {"address": LISTEN_ADDRESS, "port_value": LISTEN_PORT}},
                "filter_chains": [{"filters": [{
                    "name": "envoy.filters.network.tcp_proxy",
                    "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                        "stat_prefix": "redis",
                        "cluster": "redis",
                        # Pooled Redis connections sit idle for long stretches; the default 1 h idle
                        # timeout would cut them under the client. 0s disables it.
                        "idle_timeout": "0s",
                    },
                }]}],
            }],
            "clusters": [{
                "name": "redis",
                "type": "STATIC" if is_ip else "LOGICAL_DNS",
                "connect_timeout": CONNECT_TIMEOUT,
                "load_assignment": {"cluster_name": "redis", "endpoints": [{"lb_endpoints": [endpoint]}]},
                "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": tls},
            }],
        },
    }, sort_keys=True, separators=(",", ":"))


def _health_listener() -> dict[str, Any]:
    """HTTP on HEALTH_PORT: Envoy's health-check filter answers READY_PATH with 200 (not passed through)."""
    hcm = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
    return {
        "name": "health",
        "address": {"socket_address": {"address": "0.0.0.0", "port_value": HEALTH_PORT}},
        "filter_chains": [{"filters": [{
            "name": "envoy.filters.network.http_connection_manager",
            "typed_config": {
                "@type": hcm,
                "stat_prefix": "health",
                # No routes: anything but the health check gets a 404 from the router.
                "route_config": {"name": "health", "virtual_hosts": [
                    {"name": "health", "domains": ["*"], "routes": []}]},
                "http_filters": [
                    {"name": "envoy.filters.http.health_check", "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
                        "pass_through_mode": False,
                        "headers": [{"name": ":path", "string_match": {"exact": READY_PATH}}],
                    }},
                    {"name": "envoy.filters.http.router", "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}},
                ],
            },
        }]}],
    }


def ca_hash(ca_certificate: pulumi.Input[str]) -> Any:
    return _lift(lambda pem: hashlib.sha256(str(pem).encode()).hexdigest()[:63], ca_certificate)


def container(redis: RedisConnection, image: str) -> dict[str, Any]:
    """The sidecar container as the chart's ``extraContainers`` entry (a Kubernetes Container), ready to be
    moved into ``initContainers`` by ``native_sidecar``."""
    proxy = shapes.REDIS_TLS_PROXY
    quantities = {"cpu": proxy.cpu, "memory": proxy.memory}
    ready = {"httpGet": {"path": READY_PATH, "port": HEALTH_PORT}, "timeoutSeconds": 1}
    return {
        "name": CONTAINER_NAME,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
        "restartPolicy": "Always",  # a native sidecar (valid in initContainers only)
        # The app containers start once this succeeds: up to a minute for the image pull and Envoy's start.
        "startupProbe": {**ready, "periodSeconds": 1, "failureThreshold": 60},
        "readinessProbe": {**ready, "periodSeconds": 10, "failureThreshold": 3},
        "command": [ENVOY_BINARY],
        "args": [
            "--config-yaml", _lift(envoy_bootstrap, redis.host, redis.port),
            "--concurrency", "1",  # one worker thread: a handful of Redis connections per pod
            "--disable-hot-restart",  # no shared memory in /dev/shm; one Envoy per container
            "--log-level", "warn",
        ],
        "resources": {"requests": quantities, "limits": quantities},
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": NONROOT_UID,
            "runAsGroup": NONROOT_UID,
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"name": VOLUME_NAME, "mountPath": MOUNT_PATH, "readOnly": True}],
    }


def volume() -> dict[str, Any]:
    """The CA Secret as the chart's ``extraVolumes`` entry (only the CA key, read-only)."""
    return {"name": VOLUME_NAME, "secret": {
        "secretName": CA_SECRET_NAME,
        "items": [{"key": CA_SECRET_KEY, "path": CA_SECRET_KEY}],
        "defaultMode": 0o444,
    }}



def _pod_spec_with_native_sidecar(pod: Any) -> Any | None:
    """``pod`` (a PodSpec) with the sidecar moved from ``containers`` to the front of ``initContainers``;
    None when there is nothing to move. Secret-wrapped values stay secret."""
    secret = rpc.is_rpc_secret(pod)
    spec = rpc.unwrap_rpc_secret(pod)
    if not isinstance(spec, dict):
        return None  # unknown during preview: the rendered spec is transformed at update
    containers = rpc.unwrap_rpc_secret(spec.get("containers"))
    if not isinstance(containers, list):
        return None
    sidecars = [c for c in containers if isinstance(c, dict) and c.get("name") == CONTAINER_NAME]
    if not sidecars:
        return None
    init = rpc.unwrap_rpc_secret(spec.get("initContainers")) or []
    moved = {
        **spec,
        "containers": [c for c in containers if c not in sidecars],
        "initContainers": [*({**c, "restartPolicy": "Always"} for c in sidecars), *init],
    }
    return rpc.wrap_rpc_secret(moved) if secret else moved


def native_sidecar(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """Pulumi transform for the chart's Deployments: the Redis TLS sidecar becomes a native sidecar."""
    if args.type_ != DEPLOYMENT:
        return None
    props = dict(args.props)
    spec = rpc.unwrap_rpc_secret(props.get("spec"))
    template = rpc.unwrap_rpc_secret(spec.get("template")) if isinstance(spec, dict) else None
    if not isinstance(template, dict):
        return None
    pod = _pod_spec_with_native_sidecar(template.get("spec"))
    if pod is None:
        return None
    new_template = {**template, "spec": pod}
    new_spec = {**spec, "template": _same_secrecy(spec.get("template"), new_template)}
    props["spec"] = _same_secrecy(props.get("spec"), new_spec)
    return pulumi.ResourceTransformResult(props, args.opts)  # options unchanged (a result, not a resource)


def _same_secrecy(original: Any, value: Any) -> Any:
    return rpc.wrap_rpc_secret(value) if rpc.is_rpc_secret(original) else value
