"""GCP facts: values Google's APIs and documentation define (see ``components/facts/__init__.py``).

Enum values are checked against the discovery documents shipped in google-api-python-client (the same
models Google's client libraries are generated from): a value must be a member and must not be marked
"Deprecated" in its enumDescriptions (``tests/components/gcp/test_cluster.py``).
"""

from __future__ import annotations

from .model import Check, register

_DISCOVERY = "pypi:google-api-python-client==2.202.0/googleapiclient/discovery_cache/documents"
CONTAINER_V1 = f"{_DISCOVERY}/container.v1.json"

# SecurityPostureConfig.mode: BASIC is workload configuration auditing (Kubernetes security posture,
# standard tier); ENTERPRISE is marked Deprecated in the v1 API.
GKE_SECURITY_POSTURE_MODE = register(
    "gcp.gke.security_posture_mode", "BASIC", CONTAINER_V1, Check.CONTRACT,
    note="SecurityPostureConfig.mode; BASIC = 'Applies Security Posture features on the cluster'",
)
# SecurityPostureConfig.vulnerabilityMode: VULNERABILITY_BASIC and VULNERABILITY_ENTERPRISE are both marked
# "Deprecated: ... no longer supported"; GKE Standard can no longer enable workload vulnerability scanning.
# Set it off explicitly (not left to a server default) so the plan shows what the cluster gets.
GKE_VULNERABILITY_MODE = register(
    "gcp.gke.vulnerability_mode", "VULNERABILITY_DISABLED",
    f"{CONTAINER_V1} ; https://cloud.google.com/kubernetes-engine/docs/deprecations/vulnerability-scanning-gkee",
    Check.CONTRACT,
    note="the only non-deprecated, non-unspecified member of SecurityPostureConfig.vulnerabilityMode",
)

# Google Front End / health-check probe sources for the load balancers GKE builds for us (internal
# passthrough Network LB, global external Application LB with NEGs).
HEALTH_CHECK_RANGES: tuple[str, ...] = register(
    "gcp.lb.health_check_ranges", ("35.191.0.0/16", "130.211.0.0/22"),
    "https://cloud.google.com/load-balancing/docs/firewall-rules ; "
    "https://cloud.google.com/load-balancing/docs/health-check-concepts",
    Check.DOCS,
)

# With ephemeral storage on local SSD, GKE puts the kubelet's directory (emptyDirs), container images and pod
# logs on it: the Brainstore cache emptyDir shares the local SSD with them (components/kubernetes/shapes.py).
GKE_LOCAL_SSD_EPHEMERAL_PATHS: tuple[str, ...] = register(
    "gcp.gke.local_ssd_ephemeral_paths", ("/var/lib/kubelet", "/var/log/pods", "/var/lib/containerd"),
    "https://cloud.google.com/kubernetes-engine/docs/concepts/local-ssd", Check.DOCS,
)


# The id of a non-authoritative IAM binding names its member; Pulumi keeps resource ids in plaintext in the
# state, whatever the inputs' secrecy, so a principal cannot stay secret in an IAMMember.
IAM_MEMBER_ID_NAMES_MEMBER: bool = register(
    "gcp.iam_member.id_names_member", True,
    "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_project_iam#import",
    Check.DOCS,
    note="import ids of google_project_iam_member are '<project> <role> <member>' (plus the condition title)",
)
