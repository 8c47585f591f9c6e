"""Inputs on object storage: listing a landing prefix and reading its objects as streams."""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from types import SimpleNamespace

from etl.fs import filesystem, is_remote, key, url_for
from etl.model.records import Reject


class LandingUnreachable(RuntimeError):
    """An input path cannot be listed (no such path, an empty path, a listing refused by the
    store or the file system). The run stops: publishing what could be listed would replace a
    good day with an empty or partial one. `missing` is true when the path simply does not exist
    (a day whose folder never arrived), which a run may accept as an empty day; a refused
    listing never is."""

    def __init__(self, message: str, *, missing: bool = False):
        super().__init__(message)
        self.missing = missing


class ObjectFile:
    """An object read as an input: the few Path methods `etl.ingest.read_input` uses (suffix,
    stem, stat, open, read_bytes), so the readers stream from the store without a local copy.
    str() is the URL, which becomes the rows' source_uri."""

    def __init__(self, url: str, size: int | None = None):
        self.url = url
        self._size = size
        self._pure = PurePosixPath(key(url))

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"ObjectFile({self.url!r})"

    @property
    def suffix(self) -> str:
        return self._pure.suffix

    @property
    def stem(self) -> str:
        return self._pure.stem

    @property
    def name(self) -> str:
        return self._pure.name

    def stat(self):
        if self._size is None:
            self._size = int(filesystem(self.url).info(key(self.url))["size"])
        return SimpleNamespace(st_size=self._size)

    def open(self, mode: str = "rb"):
        if mode != "rb":
            raise ValueError("inputs are read only")
        return filesystem(self.url).open(key(self.url), "rb")

    def read_bytes(self) -> bytes:
        return filesystem(self.url).cat_file(key(self.url))


def discover(url: str) -> tuple[list[str], list[Reject]]:
    """Every object under an s3:// prefix (recursively; names starting with `.` or `_` at any level
    below the prefix are skipped, as in local folders), sorted; or the object itself. Raises
    LandingUnreachable when the prefix cannot be listed or holds no object."""
    try:
        fs = filesystem(url)
        prefix = key(url)
        if fs.isfile(prefix):
            return [url_for(url, prefix)], []
        found = fs.find(prefix, withdirs=False)
    except FileNotFoundError:
        found = []
    except Exception as exc:  # credentials, endpoint, permissions, no such bucket
        raise LandingUnreachable(f"cannot list {url}: {type(exc).__name__}: {exc}") from exc
    if not found:
        raise LandingUnreachable(f"{url} does not exist (no object under this prefix)", missing=True)
    files = []
    for k in sorted(found):
        rel = k[len(prefix):].lstrip("/")
        if not rel or k.endswith("/") or any(part.startswith((".", "_")) for part in rel.split("/")):
            continue
        files.append(url_for(url, k))
    return files, []


def input_path(path):
    """What read_input reads: an ObjectFile for URLs, a Path otherwise."""
    if isinstance(path, ObjectFile):
        return path
    if is_remote(path):
        return ObjectFile(path)
    return Path(path)


