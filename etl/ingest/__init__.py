"""Find inputs under the landing paths and decode each into SourceDocuments (or Rejects).

`discover` lists files; `read_input` turns one file into zero or more documents. A file never
raises out of `read_input`: every failure becomes a Reject with a reason code."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from etl import config
from etl.records import META_KEYS, Reject, SourceDocument

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}


def discover(paths: list[str | os.PathLike]) -> tuple[list[Path], list[Reject]]:
    """Every regular file under `paths` (files or folders, walked recursively), sorted, plus
    rejects for what cannot be read as an input (missing paths, links leaving the folder)."""
    files: list[Path] = []
    rejects: list[Reject] = []
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            rejects.append(Reject(str(root), "missing", "input path does not exist"))
            continue
        if root.is_file():
            files.append(root)
            continue
        real_root = root.resolve()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
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


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text: BOM, then the declared charset, then UTF-8, then detection.
    Raises UnicodeDecodeError when nothing decodes it to plausible text."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(enc).lstrip("\ufeff")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:16], 0, min(len(data), 16), "no plausible text encoding")
    return str(best)


def read_input(path: Path) -> Iterator[SourceDocument | Reject]:
    """Documents in one input file; failures become Rejects."""
    uri = str(path)
    try:
        size = path.stat().st_size
        if size > config.max_input_bytes():
            yield Reject(uri, "too_large", f"{size} bytes > limit {config.max_input_bytes()}")
            return
        if size == 0:
            yield Reject(uri, "empty", "zero-byte file")
            return
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
            data = path.read_bytes()
            yield _document(uri, "html" if suffix in HTML_SUFFIXES else "text", data)
        elif suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path)
        else:
            yield Reject(uri, "unsupported_kind", f"no reader for files ending in {suffix or '(no suffix)'!r}")
    except Exception as exc:  # the last line of defence: one bad file never stops the run
        yield Reject(uri, "read_error", f"{type(exc).__name__}: {exc}")


def _document(uri: str, kind: str, data: bytes, meta: dict | None = None) -> SourceDocument | Reject:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Reject(uri, "binary", "NUL bytes: not a text or HTML file", data)
    try:
        text = decode_bytes(data)
    except UnicodeDecodeError as exc:
        return Reject(uri, "decode_error", str(exc), data)
    if not text.strip():
        return Reject(uri, "empty", "no text after decoding", data)
    return SourceDocument(uri, kind, text, meta or {}, raw_bytes=data)


def _read_jsonl(path: Path) -> Iterator[SourceDocument | Reject]:
    limit = config.max_records_per_file()
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            uri = f"{path}#L{lineno}"
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
