"""On-call access, one command: the exact, least-privilege path into a stack, from its outputs.

    python -m ops.access STACK postgres|redis|shell|bucket|logs [--outputs FILE] [--run]

Prints the commands (and, with ``--run``, runs them) for the stack's cloud:

* AWS: SSM Session Manager, never a public bastion: a shell on a Brainstore node; port forwarding *through*
  a Brainstore node (already an allowed client of the database and Redis) to RDS/ElastiCache; ``aws s3`` on
  the buckets; ``aws logs tail`` on the CMK-encrypted log groups.
* GCP/Azure: ``kubectl`` to the cluster: a short-lived pod with ``psql``/``redis-cli`` that reads the
  connection URL from the chart's Secret inside the cluster, ``exec``/``logs`` into the API and Brainstore
  pods; ``gcloud storage`` as the API's service account (impersonation) / ``az storage`` with Entra ID.

Where the outputs come from: ``--outputs FILE`` is what ``pulumi stack output --json --stack STACK`` prints
(without ``--show-secrets``: nothing here needs a secret). Without it the stack file is built offline
(``ops/offline.py``) and values only the cloud knows print as ``<output_name>`` placeholders; ``--run``
then refuses. No secret value is ever printed: credentials are fetched by the printed command itself (a
Secrets Manager read, the cluster's own Secret), at the moment it runs, into the client's environment.

Exit status: 0 printed (or every step ran), 1 bad stack/outputs, 2 a step failed, 3 ``--run`` with placeholders.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from components.config import Cloud, ConfigError, DataPlaneConfig
from components.facts import monitoring as facts
from components.kubernetes.args import DEFAULT_NAMESPACE, SECRET_NAME
from components.kubernetes.redis_tls import CA_SECRET_KEY, CA_SECRET_NAME
from components.kubernetes.values import API_NAME, BRAINSTORE_NAMES

ROOT = Path(__file__).resolve().parents[1]
STACKS = ROOT / "stacks"
TARGETS = ("postgres", "redis", "shell", "bucket", "logs")
LOCAL_PG_PORT, LOCAL_REDIS_PORT = 15432, 16379
SECRET_MARK = "[secret]"  # what `pulumi stack output --json` prints for a secret
_PLACEHOLDER = re.compile(r"<[a-z0-9_]+>")  # an output only the deployed stack knows (offline build)


class AccessError(Exception):
    """The outputs do not hold what a path needs (missing key, a secret where a name was expected)."""


@dataclass(frozen=True)
class Step:
    """One command. ``argv`` runs as is; ``script`` runs in bash (it fetches a credential into a variable,
    so the value never appears on a command line or in this tool's output). ``capture`` stores the output
    under that name for later steps (``{NAME}`` in their argv/script); ``background`` keeps it running."""

    title: str
    argv: tuple[str, ...] = ()
    script: str = ""
    capture: str = ""
    background: bool = False

    def command(self, values: Mapping[str, str] | None = None) -> list[str]:
        fill = (lambda s: s.format(**values)) if values else (lambda s: s)
        return ["bash", "-c", fill(self.script)] if self.script else [fill(a) for a in self.argv]

    def shown(self) -> str:
        """As you would type it in bash: a captured value is a shell variable ("$INSTANCE")."""
        if self.script:
            text = self.script
            for name in _names(text):
                text = text.replace("{" + name + "}", f"${name}")
        else:
            text = " ".join(_shell_word(part) for part in self.argv)
        return f"{self.capture}=$({text})" if self.capture else text + (" &" if self.background else "")


def _shell_word(part: str) -> str:
    names = _names(part)
    if not names:
        return shlex.quote(part)
    for name in names:
        part = part.replace("{" + name + "}", f"${name}")
    return f'"{part}"'


def _names(text: str) -> list[str]:
    return re.findall(r"\{([A-Z_]+)\}", text)


@dataclass(frozen=True)
class Plan:
    stack: str
    cloud: Cloud
    target: str
    steps: list[Step]
    needs: list[str]  # the IAM (and local tools) the operator needs for this path
    notes: list[str] = field(default_factory=list)

    def render(self) -> str:
        lines = [f"# {self.target} on {self.stack} ({self.cloud.value})"]
        for i, step in enumerate(self.steps, 1):
            lines += [f"# {i}. {step.title}", step.shown()]
        lines += ["", "# What you need (least privilege for this path):", *[f"#   - {n}" for n in self.needs]]
        lines += [f"# {n}" for n in self.notes]
        return "\n".join(lines)

    @property
    def placeholders(self) -> bool:
        return any(_PLACEHOLDER.search(part) for s in self.steps for part in (*s.argv, s.script))


class Outputs:
    """Stack outputs, read by name; secrets and unknowns are refused or shown as placeholders."""

    def __init__(self, values: Mapping[str, Any]):
        self.values = dict(values)

    def __getitem__(self, key: str) -> Any:
        if key not in self.values:
            raise AccessError(f"the stack outputs have no {key!r} (a stack deployed before issue 13? run "
                              "`pulumi up` with this version first)")
        value = self.values[key]
        if value == SECRET_MARK:
            raise AccessError(f"output {key!r} is a secret; this tool never needs one")
        return value

    def text(self, key: str) -> str:
        return str(self[key])

    def mapping(self, key: str) -> dict[str, Any]:
        """A map output (role -> name); offline, an unknown map is one placeholder entry."""
        value = self[key]
        return dict(value) if isinstance(value, Mapping) else {"": value}


# ================================================================= AWS
def _aws(stack: str, target: str, out: Outputs, role: str) -> Plan:
    region, dn = out.text("region"), out.text("deployment_name")
    groups = out.mapping("brainstore_asg_names")
    group = groups.get(role) or next(iter(groups.values()))
    base = ("--region", region)
    ssm = facts.SSM_DOCUMENTS
    find = Step(f"an in-service Brainstore {role} node of {group}",
                ("aws", "autoscaling", "describe-auto-scaling-groups", "--auto-scaling-group-names", group, *base,
                 "--query", "AutoScalingGroups[0].Instances[?LifecycleState=='InService'].InstanceId | [0]",
                 "--output", "text"), capture="INSTANCE")
    session = (f"ssm:StartSession on arn:aws:ec2:{region}:<account>:instance/* with ssm:resourceTag/"
               f"braintrust-deployment = {dn}, and ssm:TerminateSession on your own sessions")
    tools = "local tools: aws CLI v2 and the session-manager-plugin"
    notes = [] if out["session_manager_access"] else [
        "aws.brainstore.session_manager_access is off: the nodes run no SSM agent role; turn it on (default) first"]
    if target == "shell":
        steps = [find, Step("a shell on that node (no SSH, no open port)",
                            ("aws", "ssm", "start-session", "--target", "{INSTANCE}", *base))]
        notes.append("on the node: sudo docker logs --tail 200 brainstore; sudo systemctl restart brainstore; "
                     "sudo journalctl -u brainstore")
        return Plan(stack, Cloud.AWS, target, steps, [
            "autoscaling:DescribeAutoScalingGroups", session,
            f"ssm:StartSession on arn:aws:ssm:{region}::document/{ssm['shell']}", tools], notes)
    if target in ("postgres", "redis"):
        pg = target == "postgres"
        host = out.text("database_endpoint" if pg else "redis_endpoint")
        port = str(out["database_port"] if pg else out["redis_port"])
        local = LOCAL_PG_PORT if pg else LOCAL_REDIS_PORT
        secret = out.text("database_secret_arn" if pg else "redis_url_secret_arn")
        forward = Step(f"forward 127.0.0.1:{local} to {host}:{port} through the node (leave it running)",
                       ("aws", "ssm", "start-session", "--target", "{INSTANCE}", *base, "--document-name",
                        ssm["forward"], "--parameters", f"host={host},portNumber={port},localPortNumber={local}"),
                       background=True)
        fetch = f"aws secretsmanager get-secret-value --secret-id {shlex.quote(secret)} --region {region} " \
                "--query SecretString --output text"
        if pg:
            client = Step("psql through the tunnel; the password is read from Secrets Manager into PGPASSWORD",
                          script=f'creds="$({fetch})"; PGPASSWORD="$(jq -r .password <<< "$creds")" psql '
                                 f'"host=127.0.0.1 port={local} dbname=$(jq -r .dbname <<< "$creds") '
                                 f'user=$(jq -r .username <<< "$creds") sslmode=require"')
            tool = "local tools: psql, jq"
        else:
            client = Step("redis-cli through the tunnel over TLS; the AUTH token goes into REDISCLI_AUTH",
                          script=f'REDISCLI_AUTH="$({fetch} | sed -E \'s#^rediss://:([^@]*)@.*#\\1#\')" '
                                 f"redis-cli --tls --sni {shlex.quote(host)} -h 127.0.0.1 -p {local}")
            tool = "local tools: redis-cli (6.2+, built with TLS)"
        return Plan(stack, Cloud.AWS, target, [find, forward, client], [
            "autoscaling:DescribeAutoScalingGroups", session,
            f"ssm:StartSession on arn:aws:ssm:{region}::document/{ssm['forward']}",
            f"secretsmanager:GetSecretValue on {secret}", f"kms:Decrypt on {out.text('kms_key_arn')}",
            tools, tool], notes)
    if target == "bucket":
        buckets = [out.text(k) for k in ("brainstore_bucket", "responses_bucket", "code_bundles_bucket")]
        steps = [Step(f"list {b}", ("aws", "s3", "ls", f"s3://{b}/", *base)) for b in buckets]
        notes = [f"read: aws s3 cp s3://{buckets[0]}/KEY - --region {region}; write: aws s3 cp FILE "
                 f"s3://{buckets[0]}/KEY --region {region} (encrypted with the bucket's CMK by default)"]
        return Plan(stack, Cloud.AWS, target, steps, [
            f"s3:ListBucket on {', '.join(f'arn:aws:s3:::{b}' for b in buckets)}",
            "s3:GetObject (read) / s3:PutObject (write) on <bucket>/*",
            f"kms:Decrypt (read) / kms:GenerateDataKey (write) on {out.text('kms_key_arn')}",
            "local tools: aws CLI v2"], notes)
    groups_to_tail = [out.text("brainstore_log_group"), *out.mapping("api_log_groups").values()]
    steps = [Step(f"follow {g}", ("aws", "logs", "tail", g, "--follow", "--since", "1h", *base))
             for g in groups_to_tail]
    return Plan(stack, Cloud.AWS, target, steps, [
        f"logs:FilterLogEvents, logs:StartLiveTail, logs:DescribeLogGroups on /braintrust/{dn}/*",
        "local tools: aws CLI v2"], ["Brainstore streams are <instance id>/<role> (containers) and "
                                     "<instance id>/bootstrap; API streams are per function version"])


# ================================================================= GCP and Azure (kubectl)
def _client_pod(name: str, image: str, script: str, secret_keys: Sequence[str], mounts: Sequence[str] = ()) -> str:
    """`kubectl run --overrides`: a non-root, no-privilege pod (the namespace enforces Pod Security) whose
    environment reads the chart's Secret inside the cluster, so no credential crosses your terminal."""
    volumes = [{"name": "ca", "secret": {"secretName": CA_SECRET_NAME}}] if mounts else []
    container = {
        "name": name, "image": image, "stdin": True, "tty": True, "command": ["sh", "-c", script],
        "env": [{"name": key, "valueFrom": {"secretKeyRef": {"name": SECRET_NAME, "key": key}}} for key in secret_keys],
        "securityContext": {"allowPrivilegeEscalation": False, "runAsNonRoot": True, "runAsUser": 70,
                            "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "volumeMounts": [{"name": "ca", "mountPath": m, "readOnly": True} for m in mounts],
    }
    return json.dumps({"apiVersion": "v1", "spec": {"containers": [container], "volumes": volumes}},
                      separators=(",", ":"))


def _kubernetes(stack: str, cloud: Cloud, target: str, out: Outputs, role: str) -> Plan:
    ns = out.text("kubernetes_namespace") if "kubernetes_namespace" in out.values else DEFAULT_NAMESPACE
    credentials = Step("cluster credentials (kubeconfig)", tuple(shlex.split(out.text("get_credentials"))))
    if cloud is Cloud.AZURE:
        credentials_steps = [credentials, Step("sign in with your Entra ID (the cluster has no local accounts)",
                                               ("kubelogin", "convert-kubeconfig", "-l", "azurecli"))]
        rbac = ("Azure Kubernetes Service Cluster User Role on the cluster, and Azure Kubernetes Service RBAC "
                "Writer scoped to the namespace (Reader cannot exec or run pods)")
    else:
        credentials_steps = [credentials]
        rbac = ("roles/container.developer on the project (GKE authorizes kubectl with IAM; narrow it with a "
                "Kubernetes RoleBinding in the namespace if your policy requires)")
    kube = ("kubectl", "--namespace", ns)
    brainstore = BRAINSTORE_NAMES.get(role.replace("-", ""), BRAINSTORE_NAMES["reader"])
    if target in ("postgres", "redis"):
        if target == "postgres":
            pod = _client_pod(f"{target}-oncall", facts.PSQL_IMAGE, 'exec psql "$PG_URL"', ["PG_URL"])
            title = "psql in a short-lived pod; PG_URL comes from the chart's Secret inside the cluster"
        elif cloud is Cloud.GCP and out["redis_tls_proxy"]:
            # Memorystore's per-instance CA: the pods reach Redis through a TLS sidecar on 127.0.0.1, so the
            # client pod speaks TLS itself, verifying the server against the same CA Secret.
            host, port = out.text("redis_host"), str(out["redis_port"])
            script = (f'exec redis-cli -u "$(printf %s "$REDIS_URL" | sed -e \'s#^redis://#rediss://#\' '
                      f'-e \'s#@127.0.0.1:[0-9]*#@{host}:{port}#\')" --cacert /etc/redis-ca/{CA_SECRET_KEY}')
            pod = _client_pod(f"{target}-oncall", facts.REDIS_CLI_IMAGE, script, ["REDIS_URL"], ["/etc/redis-ca"])
            title = "redis-cli over verified TLS in a short-lived pod; AUTH comes from the chart's Secret"
        else:
            pod = _client_pod(f"{target}-oncall", facts.REDIS_CLI_IMAGE, 'exec redis-cli -u "$REDIS_URL"',
                              ["REDIS_URL"])
            title = "redis-cli in a short-lived pod (rediss://: TLS); REDIS_URL comes from the chart's Secret"
        name = f"{target}-oncall"
        step = Step(title, (*kube, "run", name, "--rm", "-it", "--restart=Never",
                            f"--image={facts.PSQL_IMAGE if target == 'postgres' else facts.REDIS_CLI_IMAGE}",
                            f"--overrides={pod}"))
        return Plan(stack, cloud, target, [*credentials_steps, step], [
            rbac, f"create/delete pods and pods/attach in namespace {ns} (the pod reads {SECRET_NAME}; you never "
            "read the Secret yourself)", "local tools: kubectl" + (", kubelogin, az" if cloud is Cloud.AZURE
                                                                  else ", gcloud with gke-gcloud-auth-plugin")],
            ["the pod is deleted when you exit (--rm); it runs unprivileged as the namespace requires"])
    if target == "shell":
        steps = [*credentials_steps,
                 Step("a shell in an API pod (if the image has one)",
                      (*kube, "exec", "-it", f"deploy/{API_NAME}", "--", "sh")),
                 Step(f"a shell in a Brainstore {role} pod",
                      (*kube, "exec", "-it", f"deploy/{brainstore}", "--", "sh"))]
        return Plan(stack, cloud, target, steps, [rbac, f"pods/exec in namespace {ns}", "local tools: kubectl"],
                    [f"restart: kubectl -n {ns} rollout restart deploy/{API_NAME} (or deploy/{brainstore}); "
                     f"node metrics: kubectl top nodes; kubectl -n {ns} top pods"])
    if target == "logs":
        steps = [*credentials_steps,
                 Step("API logs, last hour", (*kube, "logs", f"deploy/{API_NAME}", "--since=1h", "--all-containers")),
                 Step(f"Brainstore {role} logs, last hour", (*kube, "logs", f"deploy/{brainstore}", "--since=1h",
                                                             "--all-containers"))]
        if cloud is Cloud.GCP:
            project = out.text("project_id")
            steps.append(Step("older logs in Cloud Logging", (
                "gcloud", "logging", "read", f'resource.type="k8s_container" AND resource.labels.namespace_name="{ns}"',
                "--project", project, "--freshness=1d", "--limit=200")))
            needs = [rbac, "roles/logging.viewer on the project (older logs)"]
        else:
            steps.append(Step("older logs in the Log Analytics workspace", (
                "az", "monitor", "log-analytics", "query", "--workspace", out.text("log_analytics_workspace"),
                "--analytics-query", f'ContainerLogV2 | where PodNamespace == "{ns}" | top 200 by TimeGenerated')))
            needs = [rbac, "Log Analytics Reader on the workspace (older logs)"]
        return Plan(stack, cloud, target, steps, [*needs, f"pods/log in namespace {ns}", "local tools: kubectl"])
    # bucket
    if cloud is Cloud.GCP:
        sa, project = out.text("api_service_account"), out.text("project_id")
        buckets = [out.text("brainstore_bucket"), out.text("api_bucket")]
        steps = [Step(f"list {b} as the API's service account", ("gcloud", "storage", "ls", f"gs://{b}",
                                                                 f"--impersonate-service-account={sa}",
                                                                 f"--project={project}")) for b in buckets]
        return Plan(stack, cloud, target, steps, [
            f"roles/iam.serviceAccountTokenCreator on {sa} (act as the workload identity, which holds the "
            "bucket roles)", "local tools: gcloud"],
            [f"read: gcloud storage cat gs://{buckets[0]}/OBJECT --impersonate-service-account={sa}; write: "
             f"gcloud storage cp FILE gs://{buckets[0]}/OBJECT --impersonate-service-account={sa}"])
    account = out.text("storage_account")
    containers = out["storage_containers"]
    names = list(containers.values()) if isinstance(containers, Mapping) else (
        list(containers) if isinstance(containers, list) else [containers])
    steps = [Step(f"list container {c}", ("az", "storage", "blob", "list", "--account-name", account,
                                          "--container-name", str(c), "--auth-mode", "login", "--output", "table"))
             for c in names]
    return Plan(stack, cloud, target, steps, [
        f"Storage Blob Data Reader (read) or Contributor (write) on the storage account {account}",
        "local tools: az"],
        [f"read: az storage blob download --account-name {account} --container-name {names[0]} --name BLOB "
         "--file /dev/stdout --auth-mode login; write: az storage blob upload ... --auth-mode login (Entra ID: "
         "shared keys are disabled on the account)"])


def plan(stack: str, cloud: Cloud, target: str, outputs: Mapping[str, Any], role: str = "reader") -> Plan:
    """The access path for ``target`` on ``stack`` from its outputs. Raises AccessError."""
    if target not in TARGETS:
        raise AccessError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    out = Outputs(outputs)
    return _aws(stack, target, out, role) if cloud is Cloud.AWS else _kubernetes(stack, cloud, target, out, role)


# ================================================================= running it
class Runner(Protocol):
    def run(self, argv: Sequence[str]) -> int: ...
    def capture(self, argv: Sequence[str]) -> tuple[int, str]: ...
    def start(self, argv: Sequence[str]) -> Any: ...
    def stop(self, handle: Any) -> None: ...


class SubprocessRunner:
    """Steps inherit the terminal (interactive clients); captured steps return their stdout."""

    def run(self, argv: Sequence[str]) -> int:
        return subprocess.run(list(argv), check=False).returncode

    def capture(self, argv: Sequence[str]) -> tuple[int, str]:
        done = subprocess.run(list(argv), check=False, capture_output=True, text=True)
        return done.returncode, done.stdout.strip()

    def start(self, argv: Sequence[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(list(argv))

    def stop(self, handle: Any) -> None:
        handle.terminate()
        handle.wait(timeout=10)


def execute(p: Plan, runner: Runner, out: Any = None) -> int:
    out = out or sys.stdout
    if p.placeholders:
        print("refusing to --run: some values are placeholders (<...>); pass --outputs with the deployed "
              "stack's outputs (pulumi stack output --json)", file=out)
        return 3
    values: dict[str, str] = {}
    started: list[Any] = []
    try:
        for step in p.steps:
            print(f"+ {step.shown()}", file=out)
            command = step.command(values)
            if step.capture:
                code, text = runner.capture(command)
                if code != 0 or not text or text == "None":
                    print(f"step failed: {step.title}", file=out)
                    return 2
                values[step.capture] = text
            elif step.background:
                started.append(runner.start(command))
            elif runner.run(command) != 0:
                print(f"step failed: {step.title}", file=out)
                return 2
    finally:
        for handle in started:
            runner.stop(handle)
    return 0


# ================================================================= command line
def _config(stack: str, today: dt.date) -> DataPlaneConfig:
    """The stack file, read as `make plan` reads it (offline stand-ins for secrets, a stale pin tolerated)."""
    path = STACKS / f"Pulumi.{stack}.yaml"
    if not path.exists():
        raise AccessError(f"no stack file {path.relative_to(ROOT)}")
    from ops.plan import load_plannable

    return load_plannable(stack, today)[0]


def offline_outputs(cfg: DataPlaneConfig, stack: str) -> dict[str, Any]:
    """The stack built offline: values only the cloud knows become <name> placeholders, secrets [secret]."""
    from ops import offline

    built = offline.build(cfg, stack)
    known = built.known_outputs()
    return {key: SECRET_MARK if key in built.secret_outputs else known.get(key, f"<{key}>")
            for key in built.outputs}


def main(argv: Sequence[str] | None = None, runner: Runner | None = None, today: dt.date | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops.access",
                                     description="On-call access to a stack, from its outputs.")
    parser.add_argument("stack")
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--outputs", type=Path, help="JSON from `pulumi stack output --json --stack STACK`")
    parser.add_argument("--role", default="reader", help="Brainstore role: reader, writer or fast-reader")
    parser.add_argument("--run", action="store_true", help="run the commands (interactive steps take the terminal)")
    args = parser.parse_args(argv)
    try:
        cfg = _config(args.stack, today or dt.date.today())
        outputs = json.loads(args.outputs.read_text()) if args.outputs else offline_outputs(cfg, args.stack)
        result = plan(args.stack, cfg.cloud, args.target, outputs, role=args.role)
    except (AccessError, ConfigError, json.JSONDecodeError, OSError) as error:
        print(f"ops.access: {error}", file=sys.stderr)
        return 1
    print(result.render())
    if not args.outputs:
        print("# offline: <name> marks a value only the deployed stack knows; pass --outputs for real values")
    return execute(result, runner or SubprocessRunner()) if args.run else 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["TARGETS", "AccessError", "Plan", "Runner", "Step", "execute", "main", "plan"]
