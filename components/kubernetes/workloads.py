"""`braintrust:kubernetes:Workloads`: the Braintrust services on a GKE/AKS (or any) cluster.

Children, in dependency order:

1. our Namespace, with Pod Security admission labels (the chart's own namespace template stays off);
2. the `braintrust-secrets` Secret (non-Azure mode) — the chart references it but never creates it —
   and, for a Redis whose certificate a private CA signs, `braintrust-redis-ca` for the TLS sidecars;
3. the pinned official chart (``helm.v4.Chart``), waiting on the Secret and on ``chart_depends_on``, with
   a transform that makes the Redis TLS sidecar a native sidecar (v4 charts accept Pulumi transforms on
   their rendered objects);
4. PodDisruptionBudgets for the API and the (fast) readers, which the chart lacks;
5. NetworkPolicies: ingress denied by default, the API open on its port, Brainstore reachable only
   from the API and Brainstore pods (enforced where the cluster runs a policy engine: GKE Dataplane V2,
   AKS with Azure/Cilium network policy; egress stays open for PostgreSQL, Redis, storage, telemetry);
6. an internal LoadBalancer Service in front of the API pods (the chart's own Service stays ClusterIP).

Why ``helm.v4.Chart`` and not ``helm.v3.Release``: every rendered object becomes a Pulumi resource with
its own diff and readiness await (so `pulumi preview` shows what a chart bump changes, and Brainstore
readiness failures surface per Deployment), and there is no Helm release state in the cluster to drift.
The chart has no hooks, CRDs or `lookup`, which are v4's known limits.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from . import redis_tls
from .args import (
    CHART,
    MIN_KUBERNETES_VERSION,
    SECRET_NAME,
    AzureBlobStorage,
    CloudMode,
    GcsHmacKey,
    KubernetesSecretValues,
    WorkloadsArgs,
)
from .connection_urls import azure_storage_connection_string, postgres_url, redis_url
from .values import API_NAME, API_PORT, BRAINSTORE_NAMES, BRAINSTORE_PORT, POD_LABEL, chart_values, kubernetes_labels

RELEASE_NAME = "braintrust"
API_INTERNAL_SERVICE = f"{API_NAME}-internal"
INTERNAL_LB_ANNOTATIONS: dict[CloudMode, dict[str, str]] = {
    CloudMode.GOOGLE: {"networking.gke.io/load-balancer-type": "Internal"},
    CloudMode.AZURE: {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
}


def pod_security_labels() -> dict[str, str]:
    """Enforce `baseline`: the strictest level the chart's pods meet. They meet every `restricted` rule
    we can set through values (seccomp, no escalation, drop ALL) but the chart cannot set
    runAsNonRoot and the images do not declare a non-root user, so `restricted` is audited, not enforced.
    """
    version = f"v{MIN_KUBERNETES_VERSION}"
    return {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": version,
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/warn-version": version,
    }


def secret_data(args: WorkloadsArgs, secrets: KubernetesSecretValues) -> dict[str, pulumi.Output[str]]:
    """Keys of `braintrust-secrets` the chart's pods read (README "Required Secrets"), all Pulumi secrets."""
    data: dict[str, pulumi.Output[str]] = {
        "PG_URL": postgres_url(secrets.postgres),
        "REDIS_URL": redis_url(secrets.redis),
        "BRAINSTORE_LICENSE_KEY": pulumi.Output.secret(secrets.brainstore_license_key),
        "FUNCTION_SECRET_KEY": pulumi.Output.secret(secrets.function_secret_key),
    }
    hmac: GcsHmacKey | None = secrets.gcs_hmac
    if hmac is not None:
        data["GCS_ACCESS_KEY_ID"] = pulumi.Output.secret(hmac.access_id)
        data["GCS_SECRET_ACCESS_KEY"] = pulumi.Output.secret(hmac.secret)
    if isinstance(args.storage, AzureBlobStorage):  # Azure without the Key Vault driver
        data["AZURE_STORAGE_CONNECTION_STRING"] = pulumi.Output.secret(
            azure_storage_connection_string(args.storage.storage_account_name))
    return data


def _first_address(status: Any) -> str:
    ingress = getattr(getattr(status, "load_balancer", None), "ingress", None) or []
    if not ingress:
        return ""
    return ingress[0].ip or ingress[0].hostname or ""


class Workloads(pulumi.ComponentResource):
    """Outputs: namespace, API service names/address/URLs, Brainstore service names."""

    namespace: pulumi.Output[str]
    api_service_name: pulumi.Output[str]
    api_internal_service_name: pulumi.Output[str]
    api_address: pulumi.Output[str]
    api_url: pulumi.Output[str]
    api_cluster_url: pulumi.Output[str]
    brainstore_service_names: dict[str, str]

    def __init__(self, name: str, args: WorkloadsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:kubernetes:Workloads", name, None, opts)
        values = chart_values(args)  # every sizing/values problem fails here, before any resource
        labels, dropped = kubernetes_labels(args.labels)
        if dropped:
            pulumi.log.warn("tags not valid as Kubernetes labels (or secret) are not applied in the cluster: "
                            f"{', '.join(dropped)}",
                            resource=self)

        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=args.namespace, labels={**labels, **pod_security_labels()}),
            opts=pulumi.ResourceOptions(parent=self),
        )
        # The name we set (not auto-named); read from the resource so dependents wait for the Namespace.
        ns: pulumi.Output[str] = namespace.metadata.apply(lambda m: m.name or args.namespace)

        chart_deps: list[pulumi.Resource] = list(args.chart_depends_on)
        if isinstance(args.secrets, KubernetesSecretValues):
            secret = k8s.core.v1.Secret(
                f"{name}-secrets",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=SECRET_NAME, namespace=ns, labels=labels),
                type="Opaque",
                string_data=secret_data(args, args.secrets),
                opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["data", "stringData"]),
            )
            # Pods referencing a missing Secret sit in CreateContainerConfigError until the await times out.
            chart_deps.append(secret)
        proxied = redis_tls.tls_proxy_redis(args)
        if proxied is not None and "@sha256:" not in args.redis_tls_proxy_image:
            pulumi.log.warn(f"the Redis TLS sidecar image {args.redis_tls_proxy_image} is pinned by tag only; pin "
                            "its digest with kubernetes.redis_tls_proxy.image_digest (docs/kubernetes.md)",
                            resource=self)
        if proxied is not None and proxied.ca_certificate is not None:
            # The Redis server's CA for the TLS sidecars (public, not a credential: a plain value). A
            # Secret rather than a ConfigMap so it shares the access rules of the connection secrets.
            ca_secret = k8s.core.v1.Secret(
                f"{name}-redis-ca",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=redis_tls.CA_SECRET_NAME, namespace=ns, labels=labels),
                type="Opaque",
                string_data={redis_tls.CA_SECRET_KEY: proxied.ca_certificate},
                opts=pulumi.ResourceOptions(parent=self),
            )
            # A missing Secret volume keeps every pod in ContainerCreating.
            chart_deps.append(ca_secret)

        chart = k8s.helm.v4.Chart(
            f"{name}-chart",
            chart=CHART,
            version=args.release.helm_chart_version,
            name=RELEASE_NAME,
            namespace=ns,
            values=values,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=chart_deps,
                # The chart has no init-container hook: its rendered Deployments get the Redis TLS
                # sidecar as a native sidecar this way (redis_tls.py).
                transforms=[redis_tls.native_sidecar] if proxied is not None else None,
            ),
        )

        self._disruption_budget(name, "api", API_NAME, ns, labels)
        self._disruption_budget(name, "reader", BRAINSTORE_NAMES["reader"], ns, labels)
        if args.sizing.brainstore.fast_reader.count > 0:
            self._disruption_budget(name, "fastreader", BRAINSTORE_NAMES["fastreader"], ns, labels)

        self._network_policies(name, ns, labels)

        lb = args.load_balancer
        service = k8s.core.v1.Service(
            f"{name}-api-internal",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=API_INTERNAL_SERVICE, namespace=ns, labels=labels,
                annotations={**lb.extra_annotations, **INTERNAL_LB_ANNOTATIONS[args.cloud]},
            ),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="LoadBalancer",
                selector={POD_LABEL: API_NAME},
                ports=[k8s.core.v1.ServicePortArgs(name="http", protocol="TCP", port=lb.port, target_port=API_PORT)],
                load_balancer_source_ranges=list(lb.allowed_cidrs) or None,
            ),
            # Created once the API pods exist, so its await (endpoints + LB address) does not race the chart.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[chart]),
        )

        self.namespace = ns
        self.api_service_name = pulumi.Output.from_input(API_NAME)
        self.api_internal_service_name = pulumi.Output.from_input(API_INTERNAL_SERVICE)
        self.api_address = service.status.apply(_first_address)
        self.api_url = self.api_address.apply(lambda address: f"http://{address}:{lb.port}")
        self.api_cluster_url = ns.apply(lambda n: f"http://{API_NAME}.{n}:{API_PORT}")
        self.brainstore_service_names = dict(BRAINSTORE_NAMES)
        self.register_outputs({
            "namespace": self.namespace,
            "api_service_name": self.api_service_name,
            "api_internal_service_name": self.api_internal_service_name,
            "api_address": self.api_address,
            "api_url": self.api_url,
            "api_cluster_url": self.api_cluster_url,
            "brainstore_service_names": self.brainstore_service_names,
            "brainstore_port": BRAINSTORE_PORT,
        })

    def _network_policies(self, name: str, ns: pulumi.Input[str], labels: dict[str, str]) -> None:
        def policy(role: str, policy_name: str, spec: k8s.networking.v1.NetworkPolicySpecArgs) -> None:
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{role}-netpol",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=policy_name, namespace=ns, labels=labels),
                spec=spec,
                opts=pulumi.ResourceOptions(parent=self),
            )

        def app_in(apps: list[str]) -> k8s.meta.v1.LabelSelectorArgs:
            return k8s.meta.v1.LabelSelectorArgs(match_expressions=[
                k8s.meta.v1.LabelSelectorRequirementArgs(key=POD_LABEL, operator="In", values=apps)])

        def port(number: int) -> list[k8s.networking.v1.NetworkPolicyPortArgs]:
            return [k8s.networking.v1.NetworkPolicyPortArgs(port=number, protocol="TCP")]

        brainstore = sorted(BRAINSTORE_NAMES.values())
        policy("default-deny", "default-deny-ingress", k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=k8s.meta.v1.LabelSelectorArgs(), policy_types=["Ingress"]))
        # Clients arrive through the load balancer with their own source addresses (and health checks
        # from the cloud's ranges), so the API port is open to every source; nothing else on the pod is.
        policy("api", API_NAME, k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=app_in([API_NAME]), policy_types=["Ingress"],
            ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(ports=port(API_PORT))]))
        policy("brainstore", "brainstore", k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=app_in(brainstore), policy_types=["Ingress"],
            ingress=[k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                from_=[k8s.networking.v1.NetworkPolicyPeerArgs(pod_selector=app_in([API_NAME, *brainstore]))],
                ports=port(BRAINSTORE_PORT))]))

    def _disruption_budget(self, name: str, role: str, app: str, ns: pulumi.Input[str], labels: dict[str, str]) -> None:
        """At most one pod of ``app`` evicted at a time (node upgrades/drains never take all of them).

        maxUnavailable (not minAvailable) keeps single-replica staging drainable; AlwaysAllow lets a
        drain evict pods that are already unhealthy instead of blocking on them.
        """
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-{role}-pdb",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=app, namespace=ns, labels=labels),
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                max_unavailable=1,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels={POD_LABEL: app}),
                unhealthy_pod_eviction_policy="AlwaysAllow",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
