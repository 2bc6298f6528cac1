"""Prints `export NAME='value'` lines for the secrets named in BRAINTRUST_SECRET_ARNS (see secrets-wrapper).

Used by the Python runtime (MigrateDatabaseFunction); boto3 is part of the Lambda Python runtimes.
"""

import json
import os
import re
import shlex
import sys

NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def render(mapping, get_secret):
    """mapping: {ENV_NAME: arn}; get_secret(arn) -> str. Each ARN is read once."""
    cache = {}
    lines = []
    for name in sorted(mapping):
        if not NAME.match(name):
            raise ValueError(f"invalid environment variable name in BRAINTRUST_SECRET_ARNS: {name}")
        arn = mapping[name]
        if arn not in cache:
            cache[arn] = get_secret(arn)
        value = cache[arn]
        if not isinstance(value, str) or not value:
            raise ValueError(f"secret for {name} is empty or not a string")
        lines.append(f"export {name}={shlex.quote(value)}")
    return "\n".join(lines) + "\n"


def main():
    # boto3 ships with the Lambda Python runtime, next to the runtime itself.
    sys.path.append(os.environ.get("LAMBDA_RUNTIME_DIR", "/var/runtime"))
    import boto3  # pyright: ignore[reportMissingImports]

    client = boto3.client("secretsmanager")
    mapping = json.loads(os.environ["BRAINTRUST_SECRET_ARNS"])
    sys.stdout.write(render(mapping, lambda arn: client.get_secret_value(SecretId=arn)["SecretString"]))


if __name__ == "__main__":
    try:
        main()
    except Exception as error:
        print(f"braintrust secrets wrapper: {error}", file=sys.stderr)
        sys.exit(1)
