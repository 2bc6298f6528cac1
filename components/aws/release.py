"""Which Lambda zip a Braintrust release uses, read the way Braintrust's own module reads it.

For every function and release Braintrust publishes a small public object,
``https://braintrust-assets-<region>.s3.<region>.amazonaws.com/lambda/<Function>/version-<tag>``, whose body
is the S3 key of that function's zip. Upstream reads it with an anonymous HTTPS GET (Terraform's ``http``
data source, retried). Reading it through the S3 API instead (``aws.s3.get_object``) signs the request with
the deployer's credentials and also reads the object's tags, which needs rights on a bucket that belongs to
Braintrust; the anonymous GET needs nothing.

The read happens while the program runs, so in ``pulumi preview`` exactly as in ``pulumi up`` (like a
Terraform plan): a release without a bundle stops the preview with a readable error, before anything
changes. The function key becomes a plain string, known in the preview.

The fetcher is injectable: the program uses ``fetch_over_https``; tests and offline builds install a fake
with ``use_fetcher`` (no network). Standard library only, so ``ops/`` can import this cheaply.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from components.facts import aws as aws_facts

from . import functions as fn

Fetch = Callable[[str], str]  # URL -> body; raises PointerMissingError when the object does not exist


class _Body(Protocol):
    def read(self) -> bytes: ...


OpenUrl = Callable[..., AbstractContextManager[_Body]]  # urllib.request.urlopen(url, timeout=...)


class PointerMissingError(LookupError):
    """The assets bucket answered 4xx: there is no such pointer (S3 answers 403 for a missing public key)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url} answered HTTP {status}")
        self.url, self.status = url, status


def pointer_url(region: str, function: str, version: str) -> str:
    return aws_facts.POINTER_URL_TEMPLATE.format(region=region, function=function, version=version)


def fetch_over_https(url: str, *, open_url: OpenUrl = urllib.request.urlopen,
                     sleep: Callable[[float], None] = time.sleep) -> str:
    """Anonymous GET with upstream's retry policy: transient failures are retried, 4xx is final."""
    if not url.startswith("https://"):
        raise ValueError(f"refusing to read a release pointer over anything but HTTPS: {url}")
    retry = aws_facts.POINTER_RETRY
    failure: Exception | None = None
    for attempt in range(retry.attempts):
        if attempt:
            sleep(min(retry.min_delay_s * 2 ** (attempt - 1), retry.max_delay_s))
        try:
            with open_url(url, timeout=retry.timeout_s) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            if 400 <= error.code < 500:
                raise PointerMissingError(url, error.code) from error
            failure = error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            failure = error
    raise ConnectionError(f"could not read {url} after {retry.attempts} attempts: {failure}")


_fetch: Fetch = fetch_over_https


@contextmanager
def use_fetcher(fetch: Fetch) -> Iterator[None]:
    """Read pointers with ``fetch`` inside the block (offline builds)."""
    previous = install_fetcher(fetch)
    try:
        yield
    finally:
        install_fetcher(previous)


def install_fetcher(fetch: Fetch) -> Fetch:
    """Read pointers with ``fetch`` from now on (test support); returns the fetcher it replaces."""
    global _fetch
    previous, _fetch = _fetch, fetch
    return previous


def bundle_key(function: str, version: str, region: str, fetch: Fetch | None = None) -> str:
    """The S3 key of ``function``'s zip in ``release`` ``version``; a clear error when the release has none."""
    url = pointer_url(region, function, version)
    try:
        body = (fetch or _fetch)(url)
    except PointerMissingError as missing:
        raise ValueError(f"release {version} has no {function} bundle in {fn.assets_bucket(region)}: {url} "
                         f"answered HTTP {missing.status}. Check release.version against Braintrust's releases.") \
            from missing
    key = body.strip()
    if not key.startswith(f"lambda/{function}/"):
        raise ValueError(f"release {version} has no {function} bundle in {fn.assets_bucket(region)} "
                         f"(pointer {url} holds {key!r})")
    return key
