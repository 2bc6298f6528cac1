"""Pre-run commands of the Deployments settings (shell lines built here, tested by running them).

They live in the deployment settings, not in the repository, so a pull request cannot change them:

* Identity by operation. Stack files import the write environment (``<project>/<stack>``); for the
  operations that change no cloud resource (preview, refresh, drift detection) the line below swaps it
  for the read-only ``<project>/<stack>-preview`` before the CLI opens ESC. Pull request previews
  therefore never run with a write identity. If the swap fails (a PR removed the import), the line fails
  and so does the deployment: fail closed.
* Review stacks (template settings are copied into every review stack, so these lines run there too
  and do nothing in the template itself): a copy of the template's stack file, the review environment
  instead of the template's, a deployment name of their own, disposable data (no deletion protection,
  no final snapshot), a single VPC on AWS, and a time-to-live schedule created once, on the first
  deployment (the TtlSchedule resource needs a stack that exists when this program runs).

ESC environments are not opened for pre-run commands; none of these needs cloud credentials.
"""

from __future__ import annotations

import shlex

from components.facts import pulumi as pulumi_facts

STACK = '"$PULUMI_CI_STACK"'
TTL_TAG = "braintrust:review-ttl"
# The review stack's deployment name: "rv" + 8 hex of its stack name (deployments.program computes the same).
REVIEW_NAME_PREFIX = "rv"


def _cd(repo_dir: str) -> str:
    # Deployments may start pre-run commands at the repository root or in repo_dir: be in repo_dir either way.
    return f"cd {shlex.quote(repo_dir)} 2>/dev/null; " if repo_dir else ""


def identity_swap(write_env: str, read_env: str, repo_dir: str = "") -> str:
    """Import the read-only environment instead of the write one for operations that change nothing."""
    read_only = "|".join(pulumi_facts.READ_ONLY_OPERATIONS)
    return (f'{_cd(repo_dir)}case "$PULUMI_CI_OPERATION" in {read_only}) '
            f"pulumi config env rm {shlex.quote(write_env)} --yes --stack {STACK} && "
            f"pulumi config env add {shlex.quote(read_env)} --yes --stack {STACK} ;; esac")


_TTL_SCRIPT = (  # stdlib only: runs before the program's dependencies are installed
    'import datetime,json,os,urllib.request as u;e=os.environ;'
    't=(datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(days={days})).strftime("%Y-%m-%dT%H:%M:%SZ");'
    'url=e.get("PULUMI_BACKEND_URL","https://api.pulumi.com").rstrip("/")+"{endpoint}".format('
    'organization=e["PULUMI_CI_ORGANIZATION"],project=e["PULUMI_CI_PROJECT"],stack=e["PULUMI_CI_STACK"]);'
    'body=json.dumps({{"timestamp":t,"deleteAfterDestroy":True}}).encode();'
    'h={{"Authorization":"token "+e["PULUMI_ACCESS_TOKEN"],"Content-Type":"application/json",'
    '"Accept":"application/vnd.pulumi+8"}};'
    'u.urlopen(u.Request(url,data=body,method="POST",headers=h),timeout=30);print(t)'
)


def ttl_command(days: int) -> str:
    """Create the review stack's TTL schedule through the REST API, once (a stack tag records it)."""
    script = _TTL_SCRIPT.format(days=days, endpoint=pulumi_facts.TTL_ENDPOINT)
    return (f"pulumi stack tag get {TTL_TAG} --stack {STACK} >/dev/null 2>&1 || "
            f"{{ ttl=$(python3 -c {shlex.quote(script)}) && "
            f'pulumi stack tag set {TTL_TAG} "$ttl" --stack {STACK}; }}')


def review_commands(template: str, cloud: str, template_env: str, review_env: str, ttl_days: int,
                    repo_dir: str = "") -> list[str]:
    """Lines that turn a fresh review stack into a disposable, separately named copy of the template."""
    only_reviews = f'{_cd(repo_dir)}[ "$PULUMI_CI_STACK" = {shlex.quote(template)} ] || '
    stack_file = '"stacks/Pulumi.$PULUMI_CI_STACK.yaml"'
    derived = f'"{REVIEW_NAME_PREFIX}$(printf %s "$PULUMI_CI_STACK" | sha256sum | cut -c1-8)"'
    lines = [
        f"cp stacks/Pulumi.{template}.yaml {stack_file}",
        f"pulumi config env rm {shlex.quote(template_env)} --yes --stack {STACK}",
        f"pulumi config env add {shlex.quote(review_env)} --yes --stack {STACK}",
        f"pulumi config set --stack {STACK} braintrust:deployment_name {derived}",
        # Disposable: a destroy deletes the database without a final snapshot, and the buckets (objects and
        # all) and keys too instead of leaving them behind (danger_ephemeral; refused in production).
        f"pulumi config set --stack {STACK} braintrust:danger_disable_deletion_protection true",
        f"pulumi config set --stack {STACK} braintrust:danger_skip_final_snapshot true",
        f"pulumi config set --stack {STACK} braintrust:danger_ephemeral true",
    ]
    if cloud == "aws":
        # One VPC per review stack (the quarantine VPC would be a second one, with its own NAT and EIP).
        lines.append(f"pulumi config set --path --stack {STACK} braintrust:aws.quarantine.enabled false")
    lines.append(ttl_command(ttl_days))
    return [only_reviews + line for line in lines]


def commands(stack: str, write_env: str, read_env: str, *, repo_dir: str = "",
             review: tuple[str, str, int] | None = None) -> list[str]:
    """All pre-run lines of one stack's settings; ``review`` = (cloud, review env, ttl days) for the template."""
    if review is None:
        return [identity_swap(write_env, read_env, repo_dir)]
    cloud, review_env, ttl_days = review
    template_only = f'{_cd(repo_dir)}[ "$PULUMI_CI_STACK" != {shlex.quote(stack)} ] || '
    swap = identity_swap(write_env, read_env).removeprefix(_cd(""))
    return [*review_commands(stack, cloud, write_env, review_env, ttl_days, repo_dir),
            template_only + "{ " + swap + " ; }"]
