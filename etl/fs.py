"""Local paths and object-store URLs (s3://bucket/prefix) behind one small set of helpers: the
landing zone and the warehouse are either. Object access goes through fsspec/s3fs.

Endpoint and credentials: the standard AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ENDPOINT_URL) as botocore reads them;
NEWS_ETL_S3_ENDPOINT overrides the endpoint for this pipeline only (MinIO, Ceph, a test server)."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")

def is_remote(path) -> bool:
    """True for URLs of an object store (s3://...); local paths and file:// are not."""
    if not isinstance(path, str):
        return False
    m = _URL.match(path)
    return bool(m) and m.group(1).lower() != "file"


def join(base: str | os.PathLike, *parts: str) -> str:
    if is_remote(base):
        return "/".join([str(base).rstrip("/"), *(p.strip("/") for p in parts)])
    return str(Path(base).joinpath(*parts))


def exists(path: str | os.PathLike) -> bool:
    if is_remote(path):
        return filesystem(path).exists(key(path))
    return Path(path).exists()


def s3_endpoint() -> str | None:
    return os.environ.get("NEWS_ETL_S3_ENDPOINT") or None


def filesystem(url: str):
    """The fsspec file system for a URL. Listings are never cached: the warehouse lists
    partitions to find leftovers and must see what other processes wrote a moment ago."""
    import fsspec

    protocol = _URL.match(url).group(1).lower()
    options: dict = {"use_listings_cache": False}
    if protocol in ("s3", "s3a"):
        protocol = "s3"
        endpoint = s3_endpoint()
        if endpoint:
            options["client_kwargs"] = {"endpoint_url": endpoint}
    return fsspec.filesystem(protocol, **options)


def key(url: str) -> str:
    """bucket/key of a URL, the form fsspec's methods take."""
    return _URL.sub("", str(url)).rstrip("/")


def url_for(url_like: str, key: str) -> str:
    return f"{_URL.match(url_like).group(1)}://{key}"



# --- the warehouse on object storage ---------------------------------------------------------
def work_dir(url: str) -> Path:
    """The local folder of one object-store warehouse: staging, cache, local locks, reports
    before upload. Stable per URL, so processes on one host share locks and cache."""
    base = Path(os.environ.get("NEWS_ETL_WORK_DIR") or Path(tempfile.gettempdir()) / "news-etl-work")
    slug = re.sub(r"[^A-Za-z0-9.-]+", "_", key(url))[-60:].strip("_.") or "warehouse"
    return base / f"{slug}-{hashlib.sha256(url.rstrip('/').encode()).hexdigest()[:10]}"




# --- locks forked children must drop ---------------------------------------------------------
# Descriptors of the partition locks this process holds. A forked child shares them (flock locks
# belong to the open file, not the process), so a child that outlived a killed run would keep the
# partition locked; children close their copies at once (release_inherited_locks).
HELD_LOCK_FDS: set[int] = set()


def release_inherited_locks() -> None:
    """In a freshly forked child: close the copies of the parent's lock files. The parent's locks
    stay held (a flock lock lasts until every descriptor of its open file is closed)."""
    for fd in list(HELD_LOCK_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    HELD_LOCK_FDS.clear()


def fsync_file(path: str | os.PathLike) -> None:
    """Flush a written file to disk, so that a rename published after it never names lost data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
