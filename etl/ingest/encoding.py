"""Bytes -> text for pages whose charset may be declared, missing or wrong."""
from __future__ import annotations

import codecs
import re

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Browsers read these labels as Windows-1252 (WHATWG Encoding Standard); so do publishers who write them.
_WINDOWS_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819",
                    "iso_8859-1", "windows-1252", "cp1252"}


def charset_from_header(content_type: str | None) -> str | None:
    """The charset parameter of an HTTP Content-Type header value."""
    m = _HEADER_CHARSET.search(content_type or "")
    return m.group(1) if m else None


def charset_from_meta(data: bytes) -> str | None:
    """The charset an HTML page declares in <meta charset> / http-equiv within its first 4 KB."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _WINDOWS_ALIASES:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page that says "utf-16" but has no BOM (it was checked first) is mislabelled UTF-8 more
    # often than not: HTML serialised as UTF-16 starts with a BOM.
    return None if name.startswith("utf-16") or name.startswith("utf-32") else name


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode bytes to text: BOM, then the declared charset (HTTP header, or failing that the
    page's <meta charset>), then UTF-8, then statistical detection. A declared single-byte charset
    loses to UTF-8 when the bytes are valid UTF-8 with non-ASCII characters (a common mislabel).
    Raises UnicodeDecodeError when nothing decodes it to plausible text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace").lstrip("\ufeff")
    utf8 = _try(data, "utf-8")
    for label in (declared, charset_from_meta(data)):
        codec = _codec(label)
        if not codec:
            continue
        if utf8 is not None and codec != "utf-8" and not data.isascii() and _single_byte(codec):
            return utf8
        text = _try(data, codec)
        if text is not None:
            return text
    if utf8 is not None:
        return utf8
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeDecodeError("unknown", data[:16], 0, min(len(data), 16), "no plausible text encoding")
    return str(best)


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _single_byte(codec: str) -> bool:
    try:
        return codecs.lookup(codec).name.startswith(("cp", "iso8859", "latin", "koi8", "mac", "windows"))
    except LookupError:
        return False
