"""WARC files (plain or gzip-compressed): one SourceDocument per HTML response, streamed."""
from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

from etl import config
from etl.ingest.encoding import charset_from_header
from etl.model.records import Reject, SkippedRecord, SourceDocument

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, make_document: Callable[..., SourceDocument | Reject]
              ) -> Iterator[SourceDocument | Reject | SkippedRecord]:
    """Documents for HTML responses, SkippedRecords for every other record, and a Reject where
    the file stops being readable (truncated or corrupt); records before that are kept."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    limit_records = config.max_records_per_file()
    limit_bytes = config.max_input_bytes()
    offset = 0
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        count = 0
        try:
            for record in records:
                # The start of the record being read (get_record_offset() would skip its body).
                offset = records.offset
                uri = f"{path}#{offset}"
                count += 1
                if count > limit_records:
                    yield Reject(uri, "too_many_records", f"records after the first {limit_records} are not read")
                    return
                item = _record(record, uri, limit_bytes, make_document)
                if isinstance(item, Reject) and item.reason in ("decode_error", "truncated"):
                    yield _with_tail(item, path, offset)
                    return
                yield item
            if count and not _gzip_members_complete(fh, offset):
                yield _with_tail(Reject(f"{path}#{offset}", "truncated", "gzip member cut short after the last record"),
                                 path, offset)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            yield _with_tail(Reject(f"{path}#{offset}", "truncated", f"WARC unreadable after offset {offset}: {exc}"),
                             path, offset)
        except Exception as exc:  # zlib.error from a damaged gzip member derives from Exception only
            yield _with_tail(Reject(f"{path}#{offset}", "truncated", f"WARC unreadable after offset {offset}: "
                                                                     f"{type(exc).__name__}: {exc}"), path, offset)


def _with_tail(reject: Reject, path: Path, offset: int) -> Reject:
    """The reject with the file's bytes from `offset` (the record that could not be read) to the
    end as its raw bytes, so the quarantine keeps what was lost; at most the input size limit."""
    if reject.raw_bytes:
        return reject
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            tail = fh.read(config.max_input_bytes() + 1)
    except OSError:
        return reject
    if len(tail) > config.max_input_bytes():
        reject.detail += " (raw bytes not kept: the rest of the file is larger than the input size limit)"
    elif tail:
        reject.raw_bytes = tail
    return reject


def _record(record, uri: str, limit_bytes: int, make_document) -> SourceDocument | Reject | SkippedRecord:
    if record.format != "warc":
        # warcio falls back to reading ARC when no WARC header is found, which is also what
        # happens on arbitrary bytes; real ARC files are not an input this pipeline supports.
        return Reject(uri, "decode_error", f"not a WARC record (read as {record.format})")
    if record.rec_type != "response":
        return SkippedRecord(uri, f"warc_{record.rec_type}")
    http = record.http_headers
    stream = record.content_stream()
    if http is None:
        return _skip_or_truncated(record, stream, uri, "not_http")
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return _skip_or_truncated(record, stream, uri, f"http_status_{status or 'unknown'}")
    content_type = (http.get_header("Content-Type") or "").lower()
    if content_type and not any(t in content_type for t in _HTML_TYPES):
        return _skip_or_truncated(record, stream, uri, "not_html")
    data = stream.read(limit_bytes + 1)
    if len(data) > limit_bytes:
        _drain(stream)
        return Reject(uri, "too_large", f"HTTP body larger than {limit_bytes} bytes")
    if _truncated(record):
        return Reject(uri, "truncated", "record ends before its Content-Length", data)
    if not content_type and b"<html" not in data[:2048].lower():
        return SkippedRecord(uri, "not_html")
    target = record.rec_headers.get_header("WARC-Target-URI")
    meta = {"url": target} if target else {}
    doc = make_document(uri, "html", data, meta, declared=charset_from_header(content_type))
    if isinstance(doc, SourceDocument):
        doc.fetched_at = parse_warc_date(record.rec_headers.get_header("WARC-Date"))
    return doc


def _gzip_members_complete(fh, offset: int) -> bool:
    """For a gzip-compressed WARC, whether every gzip member from `offset` (the last record read)
    to the end of the file is complete. warcio stops silently at a cut-off member, so without this
    a truncated download would look like a shorter, healthy archive. Plain WARCs pass."""
    fh.seek(offset)
    if fh.read(2) != b"\x1f\x8b":
        return True
    fh.seek(offset)
    decomp = zlib.decompressobj(wbits=31)
    inside_member = False
    try:
        while chunk := fh.read(1 << 16):
            while chunk:
                inside_member = True
                decomp.decompress(chunk)
                if not decomp.eof:
                    break
                chunk = decomp.unused_data
                decomp = zlib.decompressobj(wbits=31)
                inside_member = False
    except zlib.error:
        return False
    return not inside_member


def _drain(stream) -> None:
    while stream.read(1 << 16):
        pass


def _truncated(record) -> bool:
    """True when the file ended inside this record (its block is shorter than Content-Length)."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _skip_or_truncated(record, stream, uri: str, reason: str) -> SkippedRecord | Reject:
    _drain(stream)
    if _truncated(record):
        return Reject(uri, "truncated", "record ends before its Content-Length")
    return SkippedRecord(uri, reason)


def parse_warc_date(value: str | None) -> datetime | None:
    """WARC-Date (ISO 8601, UTC, e.g. 2024-05-01T12:00:00Z) as an aware UTC datetime."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
