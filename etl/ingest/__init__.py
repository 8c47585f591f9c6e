"""Find inputs under the landing paths and decode each into SourceDocuments (or Rejects).

`discover` lists files; `read_input` turns one file into zero or more documents. A file never
raises out of `read_input`: every failure becomes a Reject with a reason code. Container records
that hold no page (WARC requests, images, ...) come out as SkippedRecords so they can be counted.

Kinds: .txt/.text, .html/.htm/.xhtml, .jsonl/.ndjson, .warc, and any of these gzip-compressed
(.gz, dispatched on the suffix before it)."""
from __future__ import annotations

import errno
import gzip
import io
import json
import logging
import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl import config
from etl.ingest.encoding import decode_bytes
from etl.ingest.warc import read_warc
from etl.model.records import META_KEYS, Reject, SkippedRecord, SourceDocument

from etl.ingest.remote import LandingUnreachable

log = logging.getLogger(__name__)

__all__ = ["LandingUnreachable", "discover", "read_input", "decode_bytes", "document", "SkippedRecord"]

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc"}
GZIP_SUFFIXES = {".gz", ".gzip"}


def discover(paths: list[str | os.PathLike], exclude: list[str | os.PathLike] | None = None
             ) -> tuple[list[Path | str], list[Reject]]:
    """Every regular file under `paths` (files or folders, walked recursively), sorted, plus
    rejects for what cannot be read as an input (links leaving the folder, FIFOs,
    devices, sockets, link loops, unreadable folders). s3:// prefixes are listed on the object
    store; their objects come back as URL strings.

    Every path named or found is accounted for exactly once: a path named twice (or a folder and
    a file inside it) is read once; folders under `exclude` (the warehouse, when it lies inside
    an input folder) are skipped with a log line, so a rerun never reads the last run's output.
    Nothing here raises for one odd entry found in a folder: discovery never stops the run for it.
    A path named as an input that is empty, does not exist or cannot be listed raises
    LandingUnreachable instead: that is the landing zone itself missing, not one bad page."""
    from etl import fs
    from etl.ingest import remote

    files: list[Path | str] = []
    rejects: list[Reject] = []
    seen: set[str] = set()
    excluded = {os.path.realpath(e) for e in (exclude or []) if not fs.is_remote(e)}

    def add(item, key: str) -> None:
        if key in seen:
            log.info("input %s is named more than once; read once", item)
            return
        seen.add(key)
        if isinstance(item, Reject):
            rejects.append(item)
        else:
            files.append(item)

    for raw in paths:
        if not str(raw).strip():  # Path("") is the current folder: never what was meant
            raise LandingUnreachable("an input path is empty")
        if fs.is_remote(raw):
            found, refused = remote.discover(raw)
            for f in found:
                add(f, str(f))
            for r in refused:
                add(r, r.source_uri)
            continue
        root = Path(raw)
        key = os.path.abspath(root)
        kind = _kind(root)
        if kind == "missing":
            raise LandingUnreachable(f"input path {root} cannot be read: No such file or directory", missing=True)
        if kind == "unreadable" or (kind == "dir" and not os.access(root, os.R_OK | os.X_OK)):
            raise LandingUnreachable(f"input path {root} cannot be read: permission denied or I/O error")
        elif kind == "file":
            add(root, key)
        elif kind != "dir":
            add(_refusal(root, kind), key)
        elif os.path.realpath(root) in excluded:
            log.warning("input %s is the warehouse itself; skipped", root)
        else:
            for item in _walk(root, excluded):
                add(item, os.path.abspath(item.source_uri if isinstance(item, Reject) else item))
    return files, rejects


def _kind(p: Path) -> str:
    """What `p` is, without following a link further than the OS will (a loop is a kind, not an
    exception): file, dir, missing, loop, fifo, socket, device or other."""
    try:
        st = p.stat()
    except FileNotFoundError:
        return "dangling" if os.path.islink(p) else "missing"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "loop"
        return "unreadable"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "other"


_REFUSALS = {
    "dangling": ("dangling_link", "symlink whose target does not exist"),
    "loop": ("symlink_loop", "symlink that resolves to itself (a loop)"),
    "fifo": ("not_a_file", "a FIFO (named pipe), not a regular file"),
    "socket": ("not_a_file", "a socket, not a regular file"),
    "device": ("not_a_file", "a device file, not a regular file"),
    "unreadable": ("unreadable", "cannot be examined (permission or I/O error)"),
    "other": ("not_a_file", "not a regular file"),
}


def _refusal(p: Path, kind: str) -> Reject:
    reason, detail = _REFUSALS.get(kind, _REFUSALS["other"])
    return Reject(str(p), reason, detail)


def _walk(root: Path, excluded: set[str]) -> Iterator[Path | Reject]:
    real_root = Path(os.path.realpath(root))
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=errors.append):
        while errors:  # a folder os.walk could not list (e.g. no read permission)
            exc = errors.pop(0)
            yield Reject(str(exc.filename or dirpath), "unreadable", f"folder cannot be listed: {exc.strerror}")
        keep = []
        for d in sorted(dirnames):
            p = Path(dirpath) / d
            if d.startswith((".", "_")):
                continue
            if os.path.realpath(p) in excluded:
                log.warning("%s is the warehouse (inside the input folder); skipped", p)
                continue
            if p.is_symlink():
                # os.walk does not descend into linked folders; say so instead of losing them.
                target = Path(os.path.realpath(p))
                reason = "link_not_followed" if target.is_relative_to(real_root) else "unsafe_link"
                yield Reject(str(p), reason, f"symlinked folder is not followed: {target}")
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            if name.startswith((".", "_")):
                continue
            p = Path(dirpath) / name
            kind = _kind(p)
            if p.is_symlink() and kind in ("file", "dir"):
                target = Path(os.path.realpath(p))
                if not target.is_relative_to(real_root):
                    yield Reject(str(p), "unsafe_link", f"symlink points outside the input folder: {target}")
                    continue
            if kind == "file":
                yield p
            else:
                yield _refusal(p, kind)
    while errors:
        exc = errors.pop(0)
        yield Reject(str(exc.filename or root), "unreadable", f"folder cannot be listed: {exc.strerror}")


def read_input(path: Path | str) -> Iterator[SourceDocument | Reject | SkippedRecord]:
    """Documents in one input file (a path, or an s3:// URL streamed from the store); failures
    become Rejects."""
    from etl.ingest import remote

    uri = str(path)
    try:
        path = remote.input_path(path)
        suffix = path.suffix.lower()
        inner = Path(path.stem).suffix.lower() if suffix in GZIP_SUFFIXES else suffix
        size = path.stat().st_size
        if size == 0:
            yield Reject(uri, "empty", "zero-byte file")
            return
        if inner in WARC_SUFFIXES:
            # WARCs are streamed record by record (warcio reads gzip members itself); the size
            # limit applies to each record's body instead of the whole archive.
            yield from read_warc(path, _document)
            return
        if inner not in TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES:
            yield Reject(uri, "unsupported_kind", f"no reader for files ending in {suffix or '(no suffix)'!r}")
            return
        if suffix in GZIP_SUFFIXES:
            data = _gunzip(path)
            if isinstance(data, Reject):
                yield data
                return
        else:
            if size > config.max_input_bytes():
                yield Reject(uri, "too_large", f"{size} bytes > limit {config.max_input_bytes()}")
                return
            data = None
        if inner in JSONL_SUFFIXES:
            if data is None:
                with path.open("rb") as fh:
                    yield from _read_jsonl(uri, fh)
            else:
                yield from _read_jsonl(uri, io.BytesIO(data))
            return
        if data is None:
            data = path.read_bytes()
        yield _document(uri, "html" if inner in HTML_SUFFIXES else "text", data)
    except Exception as exc:  # the last line of defence: one bad file never stops the run
        yield Reject(uri, "read_error", f"{type(exc).__name__}: {exc}")


def _gunzip(path: Path) -> bytes | Reject:
    """The decompressed bytes, read in chunks so a gzip bomb stops at the size limit."""
    limit = config.max_input_bytes()
    chunks: list[bytes] = []
    total = 0
    try:
        with path.open("rb") as raw, gzip.open(raw, "rb") as fh:
            while chunk := fh.read(1 << 16):
                total += len(chunk)
                if total > limit:
                    return Reject(str(path), "too_large", f"decompresses to more than {limit} bytes")
                chunks.append(chunk)
    except EOFError as exc:
        return Reject(str(path), "truncated", f"gzip stream ends early: {exc}")
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        return Reject(str(path), "decode_error", f"not a readable gzip file: {exc}")
    return b"".join(chunks)


def _document(uri: str, kind: str, data: bytes, meta: dict | None = None,
              declared: str | None = None) -> SourceDocument | Reject:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Reject(uri, "binary", "NUL bytes: not a text or HTML file", data)
    try:
        text = decode_bytes(data, declared)
    except UnicodeDecodeError as exc:
        return Reject(uri, "decode_error", str(exc), data)
    if not text.strip():
        return Reject(uri, "empty", "no text after decoding", data)
    return SourceDocument(uri, kind, text, meta or {}, raw_bytes=data)


def _read_jsonl(path_uri: str, lines: Iterable[bytes]) -> Iterator[SourceDocument | Reject]:
    limit = config.max_records_per_file()
    for lineno, raw in enumerate(lines, start=1):
        uri = f"{path_uri}#L{lineno}"
        if not raw.strip():
            continue
        if lineno > limit:
            yield Reject(uri, "too_many_records", f"records after line {limit} of the file are not read")
            return
        try:
            rec = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # RecursionError: `[[[[...]]]]` nested too deep
            yield Reject(uri, "bad_json", f"{type(exc).__name__}: {str(exc)[:300]}", raw)
            continue
        if not isinstance(rec, dict):
            yield Reject(uri, "bad_json", "a line must hold a JSON object", raw)
            continue
        content, kind = rec.get("html"), "html"
        if not isinstance(content, str) or not content.strip():
            content, kind = rec.get("text"), "text"
        if not isinstance(content, str) or not content.strip():
            yield Reject(uri, "no_content", "record has neither `text` nor `html`", raw)
            continue
        meta = {k: rec[k] for k in META_KEYS if rec.get(k) not in (None, "", [])}
        bad = _lone_surrogate_field({"content": content, **meta})
        if bad:
            # A `\ud800` escape decodes to a string no UTF-8 writer (Arrow, the cache, spaCy) accepts.
            yield Reject(uri, "invalid_text", f"field {bad!r} holds a lone surrogate (an unpaired \\u escape)", raw)
            continue
        yield SourceDocument(uri, kind, content, meta, raw_bytes=raw)


def document(uri: str, kind: str, content: str | bytes, meta: dict | None = None) -> SourceDocument | Reject:
    """One page held in memory, as ingest would make it from a file: bytes are decoded like a
    file's (and refused when binary or empty), text is taken as is; `meta` as a JSON Lines
    record's fields (only the keys of records.META_KEYS)."""
    unknown = sorted(set(meta or {}) - set(META_KEYS))
    if unknown:
        raise TypeError(f"unknown page field(s) {', '.join(map(repr, unknown))}; known: {', '.join(META_KEYS)}")
    meta = {k: v for k, v in (meta or {}).items() if v not in (None, "", [])}
    if isinstance(content, bytes):
        if len(content) > config.max_input_bytes():
            return Reject(uri, "too_large", f"{len(content)} bytes > limit {config.max_input_bytes()}")
        return _document(uri, kind, content, meta)
    if len(content) > config.max_input_bytes():
        return Reject(uri, "too_large", f"{len(content)} characters > limit {config.max_input_bytes()}")
    if not content.strip():
        return Reject(uri, "empty", "no text in the page")
    return SourceDocument(uri, kind, content, meta)


def _lone_surrogate_field(values: dict) -> str | None:
    """The first key whose value (a string, or strings nested in lists/dicts) cannot be encoded
    as UTF-8."""
    def bad(v, depth: int = 0) -> bool:
        if isinstance(v, str):
            try:
                v.encode("utf-8")
                return False
            except UnicodeEncodeError:
                return True
        if depth > 20:
            return False
        if isinstance(v, (list, tuple)):
            return any(bad(x, depth + 1) for x in v)
        if isinstance(v, dict):
            return any(bad(k, depth + 1) or bad(x, depth + 1) for k, x in v.items())
        return False

    return next((k for k, v in values.items() if bad(v)), None)
