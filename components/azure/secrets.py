"""The Key Vault secrets the chart's SecretProviderClass syncs into ``braintrust-secrets``.

Names are the chart's ``azureKeyVaultDriver.secrets`` defaults (helm.md section 7.3), so no override of
that list is needed. Written through Azure Resource Manager (see keyvault.py); values stay Pulumi secrets.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native
import pulumi_random as random

from components.kubernetes.args import KEY_VAULT_SECRET_NAMES
from components.tags import Tags


@dataclass(frozen=True)
class AppSecretsArgs:
    vault_name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    tags: Tags
    postgres_url: pulumi.Input[str]  # components.kubernetes.connection_urls (TLS, escaped)
    redis_url: pulumi.Input[str]
    license_key: pulumi.Input[str]
    storage_connection_string: pulumi.Input[str]  # endpoint only, no account key
    protect: bool  # production: the secrets and the function key generator are Pulumi-protected


class AppSecrets(pulumi.ComponentResource):
    secrets: list[azure_native.keyvault.Secret]

    def __init__(self, name: str, args: AppSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("braintrust:azure:AppSecrets", name, None, opts)
        function_key = random.RandomPassword(
            f"{name}-function-secret-key", length=48, special=False,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        values: dict[str, pulumi.Input[str]] = {
            "redis-connection-string": args.redis_url,
            "postgres-connection-string": args.postgres_url,
            "brainstore-license-key": args.license_key,
            "function-secret-key": pulumi.Output.secret(function_key.result),
            # No key in it: the services authenticate to Blob with the workload identity.
            "azure-storage-connection-string": args.storage_connection_string,
        }
        assert set(values) == set(KEY_VAULT_SECRET_NAMES), "secret names must match the chart's defaults"
        self.secrets = []
        for secret_name, value in values.items():
            self.secrets.append(azure_native.keyvault.Secret(
                f"{name}-{secret_name}",
                vault_name=args.vault_name,
                resource_group_name=args.resource_group_name,
                secret_name=secret_name,
                properties=azure_native.keyvault.SecretPropertiesArgs(value=pulumi.Output.secret(value)),
                tags=args.tags,
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            ))
        self.register_outputs({})
