"""Secrets Manager secrets (CMK-encrypted) and the generated values that go into them.

Values exist only as Pulumi secrets (encrypted in state) and in Secrets Manager. Functions and instances
receive secret *ARNs* and read the values at runtime with their own role.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from .context import Deployment


@dataclass(frozen=True)
class GeneratedSecret:
    """A generated value; ``result`` is a Pulumi secret explicitly (not only because the provider says so)."""

    resource: random.RandomPassword
    result: pulumi.Output[str]


def generated_secret(name: str, length: int, parent: pulumi.Resource, *, protect: bool) -> GeneratedSecret:
    """Letters and digits only: the values end up inside URLs and env files, where symbols need escaping.

    Protected in production: replacing the generator changes the password or signing key under running
    services."""
    password = random.RandomPassword(name, length=length, special=False,
                                     opts=pulumi.ResourceOptions(parent=parent, protect=protect))
    return GeneratedSecret(resource=password, result=pulumi.Output.secret(password.result))


def stored_secret(name: str, d: Deployment, key_arn: pulumi.Input[str], value: pulumi.Input[str],
                  description: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """A Secrets Manager secret holding ``value``, encrypted with the CMK; returns its ARN.

    The ARN resolves only once the *value* is stored: whoever receives it (a function that reads it at
    cold start, the migration run, a booting instance) cannot start before the secret is readable."""
    secret = aws.secretsmanager.Secret(
        name,
        description=description,
        kms_key_id=key_arn,
        # Production keeps a deleted secret recoverable for a week; staging can be recreated at once.
        recovery_window_in_days=7 if d.production else 0,
        tags=d.tags_for(name),
        opts=pulumi.ResourceOptions(parent=parent, protect=d.protect),
    )
    version = aws.secretsmanager.SecretVersion(
        name,
        secret_id=secret.id,
        secret_string=pulumi.Output.secret(value),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return pulumi.Output.all(secret.arn, version.version_id).apply(lambda values: values[0])


@dataclass(frozen=True)
class SecretsArgs:
    deployment: Deployment
    key_arn: pulumi.Input[str]
    license_key: pulumi.Input[str]


class Secrets(pulumi.ComponentResource):
    """Secrets shared by the API and Brainstore (the database and cache keep their own)."""

    function_key_arn: pulumi.Output[str]
    cron_key_arn: pulumi.Output[str]
    license_key_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:aws:Secrets", name, None, opts)
        d = args.deployment
        # Signs function tokens and service tokens (FUNCTION_SECRET_KEY / SERVICE_TOKEN_SECRET_KEY).
        function_key = generated_secret(f"{name}-function-key", 32, self, protect=d.protect)
        # Lets operators trigger crons by hand (CRON_OVERRIDE_SECRET_KEY); upstream keeps it in state only.
        cron_key = generated_secret(f"{name}-cron-key", 32, self, protect=d.protect)
        self.function_key_arn = stored_secret(
            f"{name}-function-key", d, args.key_arn, function_key.result,
            "Braintrust function and service token signing key", self)
        self.cron_key_arn = stored_secret(
            f"{name}-cron-key", d, args.key_arn, cron_key.result, "Braintrust cron override key", self)
        self.license_key_arn = stored_secret(
            f"{name}-license-key", d, args.key_arn, args.license_key, "Brainstore license key", self)
        self.register_outputs({
            "function_key_arn": self.function_key_arn,
            "cron_key_arn": self.cron_key_arn,
            "license_key_arn": self.license_key_arn,
        })
