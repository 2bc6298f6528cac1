"""Kubernetes and Braintrust-chart facts the workloads rely on (see ``components/facts/__init__.py``)."""

from __future__ import annotations

from .model import Check, register

HELM = "braintrustdata/helm@33f04f8"

# kube-proxy's health endpoint: passthrough load balancers with externalTrafficPolicy Cluster (our internal
# API Service) probe every node on this port.
KUBE_PROXY_HEALTHZ_PORT = register(
    "kubernetes.kube_proxy_healthz_port", 10256,
    "kubernetes/kubernetes/pkg/cluster/ports/ports.go:39 ; "
    "https://kubernetes.io/docs/reference/networking/virtual-ips/#external-traffic-policy",
    Check.DOCS,
)
# The kubelet's default hard eviction threshold for the node filesystem (emptyDir, logs, writable layers).
NODEFS_EVICTION_SHARE = register(
    "kubernetes.kubelet.nodefs_available_eviction", 0.10,
    "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#hard-eviction-thresholds",
    Check.DOCS, note="nodefs.available<10% (GKE keeps the default)",
)
# Native sidecars: an init container with restartPolicy Always starts before the app containers (after its
# startup probe succeeds) and stops after them. Beta and on by default since 1.29, stable in 1.33. The
# published API schema (kubernetes-validate) has Container.restartPolicy from 1.28 on.
NATIVE_SIDECARS_MIN_VERSION = register(
    "kubernetes.native_sidecars.default_on_since", "1.29",
    "https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/",
    Check.DOCS, note="SidecarContainers feature gate: beta (default on) 1.29, GA 1.33",
)

# The chart's URL-security settings (API and AI gateway ConfigMaps): how the backends treat outbound
# requests to user-supplied URLs that fail URL-security checks (private or reserved IP ranges).
UNSAFE_URL_REQUEST_MODES: tuple[str, ...] = register(
    "braintrust.chart.unsafe_url_request_modes", ("off", "proxy", "warn", "reject"),
    f"{HELM}/braintrust/values.yaml:157-162 ; "
    "braintrustdata/terraform-aws-braintrust-data-plane@6bf9b11/variables.tf:1035-1044",
    Check.UPSTREAM, note="empty = the application default, 'warn' (allow with a warning)",
)
URL_SECURITY_VALUES = register(
    "braintrust.chart.url_security_values",
    {"unsafeUrlRequestMode": "BRAINTRUST_UNSAFE_URL_REQUEST_MODE",
     "urlSecurityDnsServers": "BRAINTRUST_URL_SECURITY_DNS_SERVERS",
     "urlSecurityAllowCidrs": "BRAINTRUST_URL_SECURITY_ALLOW_CIDRS"},
    f"{HELM}/braintrust/templates/api-configmap.yaml:91-99 ; {HELM}/braintrust/values.yaml:157-171",
    Check.UPSTREAM, note="api.<key> -> ConfigMap variable; comma-separated lists; metadata and link-local "
    "ranges stay blocked even when listed in the allow CIDRs",
)
# The Brainstore cache volume: on every cloud but Azure-with-ACStor the chart renders an emptyDir whose only
# size control is volume.sizeLimit (volume.size feeds the Azure ephemeral PVC and Autopilot's request).
CACHE_EMPTYDIR_SIZE_LIMIT = register(
    "braintrust.chart.brainstore_cache_size_limit", "brainstore.<role>.volume.sizeLimit",
    f"{HELM}/braintrust/templates/brainstore-reader-deployment.yaml:159-177 ; {HELM}/braintrust/values.yaml:340-344",
    Check.UPSTREAM,
)

# The Redis TLS sidecar: Envoy's official distroless image, published by the Envoy project on Docker Hub
# (docker.io/envoyproxy/envoy; runs as uid 65532, multi-arch). Envoy Gateway 1.9 moved its default proxy to
# this tag. No official source we could read offline publishes the tag's digest, so the default pins the
# tag and kubernetes.redis_tls_proxy.image_digest pins the digest (docs/kubernetes.md).
REDIS_TLS_PROXY_IMAGE = register(
    "kubernetes.redis_tls_proxy.image", "docker.io/envoyproxy/envoy:distroless-v1.39.1",
    "https://github.com/envoyproxy/gateway/pull/9856 ; https://github.com/envoyproxy/envoy/releases#release-v1.39.1",
    Check.DOCS, note="tag only: the digest is a config value (residual risk until set)",
)
