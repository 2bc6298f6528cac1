"""extra_env never carries a credential: names that say so and values that look like one are refused.

The values below are made-up strings in each provider's published format (components/facts/secrets.py); the
error names the variable and the kind of credential but never echoes the value.
"""

from __future__ import annotations

import pytest

from components.config import ConfigError
from components.config.aws import credential_in
from tests.support.stacks import stack_config

# Fake credentials, assembled so that this file itself does not look like it holds real ones.
FAKE = {
    "aws-access-key-id": "AKIA" + "Z7Q2" * 4,
    "aws-temporary-key-id": "ASIA" + "K3M9" * 4,
    "openai": "sk-" + "proj-" + "a1B2c3D4" * 6,
    "openai-bare-prefix": "sk-" + "x",
    "anthropic": "sk-ant-" + "api03-" + "Zz9" * 20,
    "github": "ghp_" + "aB3dE5gH7j" * 4,
    "github-fine-grained": "github_pat_" + "11ABCDEFG" * 4,
    "gitlab": "glpat-" + "xY7zW3vU1tS9rQ5pO2nM",
    "slack": "xoxb-" + "1234567890-" + "abcdefghij" * 2,
    "google": "AIza" + "Sy" + "D3f4G5h6J7k8L9m0N1b2V3c4X5z6A7s8D9",
    "private-key": "-----BEGIN" + "-RSA-PRIVATE-KEY",
    "url-with-password": "postgres://app:" + "hunter2" + "@db.internal:5432/bt",
}
SECRET_NAMES = ["OPENAI_API_KEY", "API_KEY", "MY_APIKEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                "SLACK_TOKEN", "DB_PASSWORD", "TLS_PRIVATE_KEY_PEM", "AZURE_CONNECTION_STRING", "GPG_PASSPHRASE",
                "SIGNING_KEYS", "KEY_MATERIAL"]
PLAIN = {"BRAINTRUST_LOG_LEVEL": "debug", "BRAINTRUST_PROXY_URL": "https://proxy.example.com:8443/v1",
         "BRAINTRUST_REGION_LABEL": "ASIA_PACIFIC", "BRAINTRUST_DISK_MODE": "skip-sk-check",
         "BRAINTRUST_ALLOWED": "a,b:c", "BRAINTRUST_MONKEY_MODE": "off"}


@pytest.mark.parametrize("section", ["lambda", "brainstore"])
@pytest.mark.parametrize("kind", sorted(FAKE))
def test_credential_values_are_refused_without_echoing_them(section: str, kind: str):
    value = FAKE[kind]
    with pytest.raises(ConfigError) as error:
        stack_config("aws-staging", mutate=lambda v: v["aws"].setdefault(section, {}).update(
            extra_env={"BRAINTRUST_SETTING": value}))
    assert error.value.paths == [f"aws.{section}.extra_env"]
    text = str(error.value)
    assert "looks like a credential" in text and "BRAINTRUST_SETTING" in text
    assert value not in text and (len(value) < 14 or value[4:14] not in text)


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_credential_names_are_refused(name: str):
    with pytest.raises(ConfigError, match="looks like a secret"):
        stack_config("aws-staging", mutate=lambda v: v["aws"]["lambda"].update(extra_env={name: "x"}))


def test_plain_settings_pass():
    cfg = stack_config("aws-staging", mutate=lambda v: v["aws"]["lambda"].update(extra_env=PLAIN))
    assert cfg.aws_section.lambda_.extra_env == PLAIN
    assert [credential_in(value) for value in PLAIN.values()] == [None] * len(PLAIN)
