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
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Callable
from typing import Any

import pulumi

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
# Kubelet stops the sidecar this long after the pod starts terminating (it gets SIGTERM at the same
# time as the main container otherwise), so the draining API/Brainstore keeps Redis until it exits.
PRE_STOP_SLEEP_SECONDS = 15
CONNECT_TIMEOUT = "5s"


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
            "listeners": [{
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


def ca_hash(ca_certificate: pulumi.Input[str]) -> Any:
    return _lift(lambda pem: hashlib.sha256(str(pem).encode()).hexdigest()[:63], ca_certificate)


def container(redis: RedisConnection, image: str) -> dict[str, Any]:
    """The sidecar container as the chart's ``extraContainers`` entry (a Kubernetes Container)."""
    proxy = shapes.REDIS_TLS_PROXY
    quantities = {"cpu": proxy.cpu, "memory": proxy.memory}
    return {
        "name": CONTAINER_NAME,
        "image": image,
        "imagePullPolicy": "IfNotPresent",
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
        "lifecycle": {"preStop": {"sleep": {"seconds": PRE_STOP_SLEEP_SECONDS}}},
        "volumeMounts": [{"name": VOLUME_NAME, "mountPath": MOUNT_PATH, "readOnly": True}],
    }


def volume() -> dict[str, Any]:
    """The CA Secret as the chart's ``extraVolumes`` entry (only the CA key, read-only)."""
    return {"name": VOLUME_NAME, "secret": {
        "secretName": CA_SECRET_NAME,
        "items": [{"key": CA_SECRET_KEY, "path": CA_SECRET_KEY}],
        "defaultMode": 0o444,
    }}

