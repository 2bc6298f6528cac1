"""The Lambda layer that resolves secrets at cold start (files in components/aws/lambda_layer/).

Why a layer: Braintrust's functions read PG_URL, REDIS_URL and the signing keys from environment
variables and offer no way to pass a secret ARN instead. Putting the values into the function
configuration (what upstream does) exposes them to anyone with lambda:GetFunctionConfiguration and
in every deployment diff. The layer's exec wrapper (AWS_LAMBDA_EXEC_WRAPPER) reads them from Secrets
Manager with the function's role and exports them to the runtime process only.

The zip is built here (not by Pulumi from a directory) because Pulumi archives drop the executable
bit (pulumi/pulumi#3593) and Lambda must execute the wrapper. The build is deterministic (fixed
timestamps and modes), so an unchanged layer never shows as a diff.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from pathlib import Path

import pulumi

SOURCE_DIR = Path(__file__).with_name("lambda_layer")
# path inside the layer (extracted under /opt) -> (source file, mode)
FILES = {
    "braintrust/secrets-wrapper": ("secrets-wrapper", 0o755),
    "braintrust/fetch-secrets.cjs": ("fetch-secrets.cjs", 0o644),
    "braintrust/fetch_secrets.py": ("fetch_secrets.py", 0o644),
}
WRAPPER = "/opt/braintrust/secrets-wrapper"
MAPPING_VARIABLE = "BRAINTRUST_SECRET_ARNS"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def layer_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for inside, (source, mode) in sorted(FILES.items()):
            info = zipfile.ZipInfo(inside, date_time=_EPOCH)
            info.external_attr = (0o100000 | mode) << 16  # regular file + permission bits
            info.create_system = 3  # Unix, so the mode above is honoured when extracted
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (SOURCE_DIR / source).read_bytes())
    return buffer.getvalue()


def layer_archive() -> pulumi.FileArchive:
    """The zip as a file Pulumi uploads as is (content-addressed, so concurrent runs agree)."""
    data = layer_zip()
    path = Path(tempfile.gettempdir()) / f"braintrust-secrets-layer-{hashlib.sha256(data).hexdigest()[:16]}.zip"
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return pulumi.FileArchive(str(path))
