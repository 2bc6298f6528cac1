"""The credential formats and the AWS limits of components/facts/secrets.py, checked where a model exists."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import botocore

from components.facts import secrets as facts

BOTOCORE_DATA = Path(botocore.__file__).parent / "data"


def _model(service: str, version: str) -> dict:
    return json.loads(gzip.open(BOTOCORE_DATA / service / version / "service-2.json.gz").read())


def test_every_format_compiles_and_has_a_name():
    names = [f.name for f in facts.KEY_FORMATS]
    assert len(set(names)) == len(names)
    for f in facts.KEY_FORMATS:
        re.compile(f.pattern)


def test_aws_access_key_prefixes_match_the_published_model():
    """botocore's copy of the STS GetAccessKeyInfo docs: AKIA long-term, ASIA temporary; its example matches."""
    doc = _model("sts", "2011-06-15")["operations"]["GetAccessKeyInfo"]["documentation"]
    assert "beginning with <code>AKIA</code>" in doc and "beginning with <code>ASIA</code>" in doc
    example = re.search(r"<code>(AKIA[A-Z0-9]+)</code>", doc)
    assert example is not None
    aws = next(f for f in facts.KEY_FORMATS if f.name == "aws-access-key-id")
    assert re.search(aws.pattern, example.group(1))


def test_iam_role_name_limit_matches_the_published_model():
    shape = _model("iam", "2010-05-08")["shapes"]["roleNameType"]
    assert shape["max"] == facts.IAM_ROLE_NAME_MAX_CHARS


def test_formats_fire_on_their_own_shape_only():
    samples = {
        "aws-access-key-id": "AKIA" + "Q" * 16, "anthropic-api-key": "sk-ant-api03-" + "a" * 60,
        "openai-api-key": "sk-proj-" + "b" * 60, "github-token": "ghp_" + "c" * 36, "gitlab-token": "glpat-" + "d" * 20,
        "slack-token": "xoxb-1234567890-" + "e" * 20, "google-api-key": "AIza" + "f" * 35,
        "private-key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    }
    assert set(samples) == {f.name for f in facts.KEY_FORMATS}
    for f in facts.KEY_FORMATS:
        assert re.search(f.pattern, samples[f.name]), f.name
    # names and paths of our own resources are not credentials
    for harmless in ("acme-sk-data-bucket-responses", "ASIA_PACIFIC", "arn:aws:iam::123456789012:role/AKIA-role",
                     "https://braintrust.acme.example.com", "xoxo-party", "sk-1"):
        assert not [f.name for f in facts.KEY_FORMATS if re.search(f.pattern, harmless)], harmless
