"""Connection URLs for `braintrust-secrets` (GKE) and the Key Vault secrets (AKS), TLS by construction.

Both clouds generate random passwords; characters such as '@', '/', ':' or '#' would corrupt a URL,
so user, password and database are percent-encoded. The results are Pulumi secrets.
"""

from __future__ import annotations

from urllib.parse import quote

import pulumi

from .args import PostgresConnection, RedisConnection
from .redis_tls import LISTEN_ADDRESS, LISTEN_PORT, uses_tls_proxy


def _q(value: object) -> str:
    return quote(str(value), safe="")


def postgres_url_of(host: str, port: int, user: str, password: str, database: str) -> str:
    """sslmode=require: the servers we build enforce TLS; the client must not fall back to plaintext."""
    return f"postgres://{_q(user)}:{_q(password)}@{host}:{int(port)}/{_q(database)}?sslmode=require"


def redis_url_of(host: str, port: int, password: str | None, tls: bool) -> str:
    scheme = "rediss" if tls else "redis"
    auth = f":{_q(password)}@" if password else ""
    return f"{scheme}://{auth}{host}:{int(port)}"


def postgres_url(conn: PostgresConnection) -> pulumi.Output[str]:
    parts = pulumi.Output.all(conn.host, conn.port, conn.user, conn.password, conn.database)
    return pulumi.Output.secret(parts.apply(lambda p: postgres_url_of(p[0], p[1], p[2], p[3], p[4])))


def redis_url(conn: RedisConnection) -> pulumi.Output[str]:
    """With a private server CA the pods talk plaintext to their TLS sidecar on 127.0.0.1 (redis_tls.py),
    which verifies and encrypts the hop to the server; otherwise they connect to the server directly."""
    if uses_tls_proxy(conn):
        password = pulumi.Output.from_input(conn.password)
        return pulumi.Output.secret(password.apply(lambda pw: redis_url_of(LISTEN_ADDRESS, LISTEN_PORT, pw, False)))
    parts = pulumi.Output.all(conn.host, conn.port, conn.password)
    return pulumi.Output.secret(parts.apply(lambda p: redis_url_of(p[0], p[1], p[2], conn.tls)))


def azure_storage_connection_string(storage_account_name: pulumi.Input[str]) -> pulumi.Output[str]:
    """Key Vault `azure-storage-connection-string`: endpoint only, no account key (auth is workload identity)."""
    return pulumi.Output.from_input(storage_account_name).apply(
        lambda account: f"BlobEndpoint=https://{account}.blob.core.windows.net/;"
    )
