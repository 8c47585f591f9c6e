"""The adversarial corpus: hostile and careless inputs, generated on demand (nothing big is
committed). Each case is written into its own folder `<root>/<case>/`, so every row of a run can
be traced back to its case by the first component of its path.

`CASES` maps a case name to (builder, expectation, heavy). A builder writes the case's files into
the folder it is given. An expectation says what a run must make of the case:
    published   the number of articles the case must publish (good records inside it)
    reasons     reject reasons of which at least one must appear (empty: no reject required)
    any_reject  True when a reject is expected but its exact reason does not matter
    quarantined True when the reject(s) must keep raw bytes in the quarantine
Heavy cases (large files) are only run by the slow tests and the figures script."""
from __future__ import annotations

import gzip
import io
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TOPICS = ["river bridge", "city library", "harbour ferry", "school roof", "tram line", "market hall",
          "hospital wing", "water plant", "bus depot", "sports ground", "museum annex", "fire station",
          "cycle lane", "night market", "solar farm", "flood wall", "airport gate", "town square"]


def article(i: int, extra: str = "") -> str:
    """A short, distinct, ordinary English news article (text)."""
    topic = TOPICS[i % len(TOPICS)]
    return (f"Council approves new {topic} plan number {i}\n\n"
            f"The council voted on Tuesday to go ahead with the {topic} project, case {i}. {extra}\n\n"
            f"Mayor Ana Lopez said the {topic} would open next spring after {i + 2} months of work.\n\n"
            f"\"This is a good day for the town,\" Lopez said.\n")


def html_page(body_html: str, head: str = "") -> str:
    return (f"<html><head><meta charset=\"utf-8\"><title>Council news</title>{head}</head>"
            f"<body><article>{body_html}</article></body></html>")


def html_article(i: int, extra_html: str = "") -> str:
    paras = article(i).split("\n\n")
    return html_page(f"<h1>{paras[0]}</h1>" + "".join(f"<p>{p}</p>" for p in paras[1:]) + extra_html)


def _warc(pages: list[tuple[str, bytes]], gz: bool = False) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gz)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=headers))
    return buf.getvalue()


def _write(folder: Path, name: str | bytes, data: bytes | str) -> None:
    path = os.path.join(os.fsencode(folder), name) if isinstance(name, bytes) else folder / name
    with open(path, "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)


# --- one article defect must cost one article ---------------------------------------------------
def emoji_body(d: Path) -> None:
    _write(d, "emoji.html", html_page("<h1>\U0001F600\U0001F389</h1><p>" + "\U0001F600\U0001F389 " * 40 + "</p>"))


def caps_image_url(d: Path) -> None:
    _write(d, "caps.html", html_article(30, "<figure><img src=\"HTTP://EXAMPLE.COM/photo.jpg\">"
                                            "<figcaption>Crowds gather at the new river bridge on Tuesday.</figcaption></figure>"))


def language_not_a_string(d: Path) -> None:
    _write(d, "lang.jsonl", json.dumps({"text": article(31), "language": 12}) + "\n")


# --- discovery ---------------------------------------------------------------------------------
def symlink_loop(d: Path) -> None:
    os.symlink(d / "loop_b.txt", d / "loop_a.txt")
    os.symlink(d / "loop_a.txt", d / "loop_b.txt")


def dangling_link(d: Path) -> None:
    os.symlink(d / "nowhere.txt", d / "dangling.txt")


def fifo(d: Path) -> None:
    os.mkfifo(d / "pipe.txt")


def unix_socket(d: Path) -> None:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(d / "sock.txt"))
    s.close()  # the socket file stays


def device_link(d: Path) -> None:
    os.symlink("/dev/null", d / "null.txt")


def odd_names(d: Path) -> None:
    _write(d, "line\nbreak.txt", article(32))
    _write(d, b"bad-\xff\xfe-utf8.txt", article(33))
    (d / "folder.html").mkdir()
    _write(d / "folder.html", "inner.txt", article(34))


def unreadable(d: Path) -> None:
    _write(d, "locked.txt", article(35))
    os.chmod(d / "locked.txt", 0)
    (d / "locked_dir").mkdir()
    _write(d / "locked_dir", "inside.txt", article(36))
    os.chmod(d / "locked_dir", 0)


# --- readers -----------------------------------------------------------------------------------
def gzip_bomb(d: Path) -> None:
    # ~21 KB on disk, more than the 20 MB input limit once decompressed.
    _write(d, "bomb.txt.gz", gzip.compress(b"a" * (21 * 1024 * 1024), compresslevel=9))


def truncated_gzip(d: Path) -> None:
    full = gzip.compress(article(37).encode() * 30)
    _write(d, "cut.txt.gz", full[: len(full) // 2])


def truncated_warc_gz(d: Path) -> None:
    data = _warc([("https://example.org/t1", html_article(38).encode()),
                  ("https://example.org/t2", html_article(39).encode())], gz=True)
    _write(d, "cut.warc.gz", data[: len(data) - 150])


def warc_content_length_lies(d: Path) -> None:
    good = _warc([("https://example.org/l1", html_article(40).encode())])
    lying = _warc([("https://example.org/l2", html_article(41).encode())])
    head, sep, rest = lying.partition(b"Content-Length: ")
    number, _, tail = rest.partition(b"\r\n")
    lying = head + sep + str(int(number) + 5000).encode() + b"\r\n" + tail  # promises 5 KB more than it holds
    _write(d, "lies.warc", good + lying)


def random_warc(d: Path) -> None:
    _write(d, "random.warc", bytes((i * 7919 + 13) % 256 for i in range(4096)))


def nul_bytes(d: Path) -> None:
    _write(d, "nul.txt", article(42).replace("council", "coun\x00cil"))


JSON_FIELDS = ("text", "title", "subtitle", "authors", "url", "source", "language", "id", "published_at")


def lone_surrogates(d: Path) -> None:
    lines = []
    for i, key in enumerate(JSON_FIELDS):
        rec = {"text": article(50 + i), "title": f"Title {i}"}
        value = "bad \ud800 value"
        rec[key] = [value] if key == "authors" else (value + "\n\n" + article(50 + i) if key == "text" else value)
        lines.append(json.dumps(rec))  # json.dumps writes the lone surrogate as a \ud800 escape
    lines.append(json.dumps({"text": article(49)}))
    _write(d, "surrogates.jsonl", "\n".join(lines) + "\n")


def utf16_without_bom(d: Path) -> None:
    _write(d, "utf16.txt", article(43).encode("utf-16-le"))


def deep_html(d: Path) -> None:
    _write(d, "deep.html", html_page("<div>" * 100_000 + "<p>" + article(44) + "</p>" + "</div>" * 100_000))


def billion_laughs(d: Path) -> None:
    ents = "".join(f"<!ENTITY lol{i} \"{('&lol%d;' % (i - 1)) * 10}\">" for i in range(1, 10))
    doc = (f"<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY lol0 \"lol\">{ents}]>"
           f"<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>Laughs</title></head><body><article>"
           f"<p>&lol9;</p>" + "".join(f"<p>{p}</p>" for p in article(45).split("\n\n")) + "</article></body></html>")
    _write(d, "laughs.xhtml", doc)


def xxe(d: Path) -> None:
    doc = ("<?xml version=\"1.0\"?><!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
           "<html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>XXE</title></head><body><article>"
           "<p>&xxe;</p>" + "".join(f"<p>{p}</p>" for p in article(46).split("\n\n")) + "</article></body></html>")
    _write(d, "xxe.xhtml", doc)


def nested_json(d: Path) -> None:
    lines = [json.dumps({"text": article(47)}), "[" * 100_000 + "]" * 100_000, json.dumps({"text": article(48)})]
    _write(d, "nested.jsonl", "\n".join(lines) + "\n")


def no_spaces_40k(d: Path) -> None:
    # Inside a paragraph, so the reader keeps it in the body and the model sees it.
    _write(d, "parens.txt", article(60).replace("case 60.", "case 60. " + ")" * 40_000))


def no_spaces_40k_words(d: Path) -> None:
    # A run the tokenizer cannot skip as punctuation: letters and brackets, 40 KB without a space.
    _write(d, "blob.txt", article(63).replace("case 63.", "case 63. " + "word)(" * 6_700))


def charrefs_small(d: Path) -> None:
    refs = "&#128512;&amp;&#xD800;&#0;&#x110000;&lt;&#65533;" * 4000  # ~200 KB
    _write(d, "refs.html", html_article(61, f"<p>{refs}</p>"))


# --- heavy ------------------------------------------------------------------------------------
_SUBJECTS = ["The mayor", "Rain", "The council", "A ferry", "Lopez", "The bridge", "Workers", "The river"]
_VERBS = ["fell on", "closed", "opened", "visited", "crossed", "left", "reached", "flooded"]
_OBJECTS = ["the town.", "the port.", "the school.", "the market.", "the harbour.", "the square.", "the road.",
            "the park."]


def _prose_lines(n_bytes: int, seed: int) -> str:
    """A headline, then short prose lines (~22 bytes each) up to `n_bytes`: a page the text
    reader keeps as one long article."""
    out, size, i = ["Storm closes the harbour again"], 0, seed
    while size < n_bytes:
        line = f"{_SUBJECTS[i % 8]} {_VERBS[(i // 8) % 8]} {_OBJECTS[(i // 64) % 8]}"
        out.append(line)
        size += len(line) + 1
        i += 1
    return "\n".join(out)


def text_19mb(d: Path) -> None:
    _write(d, "big.txt", _prose_lines(19 * 1024 * 1024, 1))


def text_2mb_90k_lines(d: Path) -> None:
    _write(d, "lines.txt", _prose_lines(2 * 1024 * 1024, 2))


def single_line_10mb(d: Path) -> None:
    sentence = "Residents of the harbour district met the mayor on Tuesday to discuss the ferry. "
    _write(d, "oneline.txt", "Harbour ferry talks\n\n" + sentence * (10_000_000 // len(sentence)))


def charrefs_6mb(d: Path) -> None:
    refs = "&#128512;&amp;&#xD800;&#0;&#x110000;&lt;&#65533;" * 125_000  # ~6 MB
    _write(d, "refs6.html", html_article(62, f"<p>{refs}</p>"))


Expect = dict
CASES: dict[str, tuple[Callable[[Path], None], Expect, bool]] = {
    "emoji_body": (emoji_body, {"reasons": {"invalid:word_count", "no_article"}, "quarantined": True}, False),
    "caps_image_url": (caps_image_url, {"published": 1}, False),
    "language_not_a_string": (language_not_a_string, {"published": 1}, False),
    "symlink_loop": (symlink_loop, {"reasons": {"symlink_loop"}}, False),
    "dangling_link": (dangling_link, {"reasons": {"dangling_link"}}, False),
    "fifo": (fifo, {"reasons": {"not_a_file"}}, False),
    "unix_socket": (unix_socket, {"reasons": {"not_a_file"}}, False),
    "device_link": (device_link, {"reasons": {"unsafe_link", "not_a_file"}}, False),
    "odd_names": (odd_names, {"published": 3}, False),
    "unreadable": (unreadable, {"reasons": {"unreadable", "read_error"}}, False),
    "gzip_bomb": (gzip_bomb, {"reasons": {"too_large"}}, False),
    "truncated_gzip": (truncated_gzip, {"reasons": {"truncated"}, "quarantined": True}, False),
    "truncated_warc_gz": (truncated_warc_gz, {"published": 1, "reasons": {"truncated"}, "quarantined": True}, False),
    "warc_content_length_lies": (warc_content_length_lies,
                                 {"published": 1, "reasons": {"truncated"}, "quarantined": True}, False),
    "random_warc": (random_warc, {"reasons": {"decode_error", "truncated"}, "quarantined": True}, False),
    "nul_bytes": (nul_bytes, {"reasons": {"binary"}, "quarantined": True}, False),
    "lone_surrogates": (lone_surrogates, {"published": 1, "reasons": {"invalid_text"}, "quarantined": True,
                                          "reject_count": len(JSON_FIELDS)}, False),
    "utf16_without_bom": (utf16_without_bom, {"any": True}, False),
    "deep_html": (deep_html, {"reasons": {"too_deep"}, "quarantined": True}, False),
    "billion_laughs": (billion_laughs, {"any": True}, False),
    "xxe": (xxe, {"any": True}, False),
    "nested_json": (nested_json, {"published": 2, "reasons": {"bad_json"}, "quarantined": True}, False),
    "no_spaces_40k": (no_spaces_40k, {"published": 1}, False),
    "no_spaces_40k_words": (no_spaces_40k_words, {"published": 1}, False),
    "charrefs_small": (charrefs_small, {"any": True}, False),
    "text_2mb_90k_lines": (text_2mb_90k_lines, {"any": True}, True),
    "text_19mb": (text_19mb, {"any": True}, True),
    "single_line_10mb": (single_line_10mb, {"any": True}, True),
    "charrefs_6mb": (charrefs_6mb, {"any": True}, True),
}


def build(root: Path, names: list[str]) -> None:
    """Write the named cases, each into `root/<case>/`."""
    for name in names:
        d = root / name
        d.mkdir(parents=True)
        CASES[name][0](d)


def runnable(name: str) -> bool:
    """Cases that cannot be staged here: permissions mean nothing to root."""
    return not (name == "unreadable" and hasattr(os, "geteuid") and os.geteuid() == 0)
