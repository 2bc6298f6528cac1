"""Release pointers are read as upstream reads them: an anonymous HTTPS GET, never the S3 API (offline here)."""

from __future__ import annotations

import io
import urllib.error
from typing import Any

import pytest

from components.aws import functions as fn
from components.aws import release
from tests.support.harness import Harness
from tests.support.stacks import build_stack, stack_config

URL = "https://braintrust-assets-eu-west-1.s3.eu-west-1.amazonaws.com/lambda/APIHandler/version-v2.12.0"


class FakeServer:
    """Answers urlopen calls from a script: a body, an HTTP status, or an exception."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.requests: list[tuple[str, float]] = []

    def __call__(self, url: str, timeout: float) -> io.BytesIO:
        self.requests.append((url, timeout))
        answer = self.answers.pop(0)
        if isinstance(answer, int):
            raise urllib.error.HTTPError(url, answer, "status", {}, None)  # type: ignore[arg-type]
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(answer.encode())


def test_the_pointer_is_upstreams_public_object():
    assert release.pointer_url("eu-west-1", fn.API_HANDLER, "v2.12.0") == URL
    assert URL.endswith(fn.bundle_pointer_key(fn.API_HANDLER, "v2.12.0"))


def test_the_bundle_key_is_the_pointers_body():
    seen: list[str] = []

    def fetch(url: str) -> str:
        seen.append(url)
        return "lambda/APIHandler/versions/abc123.zip\n"

    assert release.bundle_key(fn.API_HANDLER, "v2.12.0", "eu-west-1", fetch) == "lambda/APIHandler/versions/abc123.zip"
    assert seen == [URL]


def test_a_release_without_the_bundle_is_a_clear_error():
    def missing(url: str) -> str:
        raise release.PointerMissingError(url, 403)

    with pytest.raises(ValueError, match=r"release v9\.9\.9 has no APIHandler bundle in braintrust-assets-eu-west-1"):
        release.bundle_key(fn.API_HANDLER, "v9.9.9", "eu-west-1", missing)
    with pytest.raises(ValueError, match="holds '<Error>"):
        release.bundle_key(fn.API_HANDLER, "v2.12.0", "eu-west-1", lambda url: "<Error>NoSuchKey</Error>")


def test_https_reads_retry_transient_failures_like_upstream():
    server, sleeps = FakeServer(503, urllib.error.URLError("reset"), "lambda/AIProxy/versions/x.zip"), []
    body = release.fetch_over_https(URL, open_url=server, sleep=sleeps.append)
    assert body == "lambda/AIProxy/versions/x.zip"
    assert [timeout for _, timeout in server.requests] == [10.0, 10.0, 10.0]
    assert sleeps == [0.5, 1.0]


def test_https_reads_give_up_after_five_attempts_and_never_retry_a_missing_object():
    server, sleeps = FakeServer(*[500] * 5), []
    with pytest.raises(ConnectionError, match="after 5 attempts"):
        release.fetch_over_https(URL, open_url=server, sleep=sleeps.append)
    assert len(server.requests) == 5 and max(sleeps) <= 5.0
    server = FakeServer(404)
    with pytest.raises(release.PointerMissingError):
        release.fetch_over_https(URL, open_url=server, sleep=sleeps.append)
    assert len(server.requests) == 1
    with pytest.raises(ValueError, match="HTTPS"):
        release.fetch_over_https(URL.replace("https", "http"), open_url=FakeServer(), sleep=sleeps.append)


def _bundle_keys(h: Harness) -> dict[str, str]:
    return {f.inputs["name"].rsplit("-", 1)[-1]: f.inputs["s3Key"] for f in h.of_type("aws:lambda/function:Function")}


@pytest.mark.parametrize("preview", [False, True])
def test_the_program_reads_pointers_without_the_s3_api_in_preview_and_up(preview: bool):
    """No aws:s3/getObject (it needs rights on Braintrust's bucket); the keys are known in a preview."""
    cfg = stack_config("aws-staging")
    h = build_stack("aws-staging", preview=preview)
    assert not [c for c in h.mocks.calls if c.token == "aws:s3/getObject:getObject"]
    keys = _bundle_keys(h)
    assert set(keys) == {fn.API_HANDLER, fn.AI_PROXY, fn.MIGRATE, fn.QUARANTINE_WARMUP, fn.CATCHUP_ETL,
                         fn.BILLING_CRON, fn.AUTOMATION_CRON}
    for function, key in keys.items():
        assert key == release.bundle_key(function, cfg.release.lambda_tag, cfg.region)  # the installed fake


def test_a_missing_bundle_stops_the_build(monkeypatch: pytest.MonkeyPatch):
    def missing(url: str) -> str:
        raise release.PointerMissingError(url, 403)

    with release.use_fetcher(missing), pytest.raises(Exception, match="has no MigrateDatabaseFunction bundle"):
        build_stack("aws-staging", preview=True)
