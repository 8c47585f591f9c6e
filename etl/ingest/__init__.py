"""Find inputs under the landing paths and decode each into SourceDocuments (or Rejects).

`discover` lists files; `read_input` turns one file into zero or more documents. A file never
raises out of `read_input`: every failure becomes a Reject with a reason code. Container records
that hold no page (WARC requests, images, ...) come out as SkippedRecords so they can be counted.

Kinds: .txt/.text, .html/.htm/.xhtml, .jsonl/.ndjson, .warc, and any of these gzip-compressed
(.gz, dispatched on the suffix before it)."""
from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from etl import config
from etl.ingest.encoding import decode_bytes
from etl.ingest.warc import read_warc
from etl.model.records import META_KEYS, Reject, SkippedRecord, SourceDocument

from etl.ingest.remote import LandingUnreachable

__all__ = ["LandingUnreachable", "discover", "read_input", "decode_bytes", "document", "SkippedRecord"]

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc"}
GZIP_SUFFIXES = {".gz", ".gzip"}


def discover(paths: list[str | os.PathLike]) -> tuple[list[Path | str], list[Reject]]:
    """Every regular file under `paths` (files or folders, walked recursively), sorted, plus
    rejects for what cannot be read as an input (links leaving the folder, non-regular files).
    s3:// prefixes are listed on the object store; their objects come back as URL strings.
    A path that is empty, does not exist or cannot be listed raises LandingUnreachable."""
    from etl import fs
    from etl.ingest import remote

    files: list[Path | str] = []
    rejects: list[Reject] = []
    def unlistable(err: OSError):
        raise LandingUnreachable(f"cannot list {err.filename}: {err.strerror or err}") from err

    for raw in paths:
        if not str(raw).strip():  # Path("") is the current folder: never what was meant
            raise LandingUnreachable("an input path is empty")
        if fs.is_remote(raw):
            found, refused = remote.discover(raw)
            files.extend(found)
            rejects.extend(refused)
            continue
        root = Path(raw)
        try:
            root.stat()
        except OSError as exc:
            raise LandingUnreachable(f"input path {root} cannot be read: {exc.strerror or exc}",
                                     missing=isinstance(exc, FileNotFoundError)) from exc
        if root.is_file():
            files.append(root)
            continue
        real_root = root.resolve()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=unlistable):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            for name in [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
                # os.walk does not descend into linked folders; say so instead of losing them.
                dirnames.remove(name)
                p = Path(dirpath) / name
                target = p.resolve()
                reason = "link_not_followed" if target.is_relative_to(real_root) else "unsafe_link"
                rejects.append(Reject(str(p), reason, f"symlinked folder is not followed: {target}"))
            for name in sorted(filenames):
                if name.startswith((".", "_")):
                    continue
                p = Path(dirpath) / name
                if p.is_symlink():
                    target = p.resolve()
                    if not target.is_relative_to(real_root):
                        rejects.append(Reject(str(p), "unsafe_link", f"symlink points outside the input folder: {target}"))
                        continue
                if not p.is_file():
                    rejects.append(Reject(str(p), "not_a_file", "not a regular file"))
                    continue
                files.append(p)
    return files, rejects


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
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Reject(uri, "bad_json", str(exc), raw)
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
