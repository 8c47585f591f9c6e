"""Data Docs that never interpret a value from the inputs.

GX 1.24 writes some values into its HTML unescaped: the failing-value samples of a validation
result go into table cells as raw markup, and the run name goes into the index page's script
data. A page whose image URL carries `<script>` therefore ran that script in the browser of
whoever opened the report. GX does escape other places (string-template parameters), so escaping
the values before GX sees them would show some of them escaped twice.

What happens instead, around the one `build_data_docs` call:
  * every string of the stored validation results that could mean something to a browser is
    swapped for an inert placeholder (letters and digits only: nothing GX does to it changes
    its meaning, and GX's own escaping leaves it as it is);
  * GX renders the site;
  * each placeholder in the rendered files is replaced by its value, escaped once for every
    context a value can land in: HTML text, a quoted attribute, a string inside a script.
The run name is not a result value: GX also makes file names from it, so it is given a name in
a plain alphabet instead (`gx_run_name`)."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

# Characters that can start markup, end a quoted attribute or JS string, or start an entity or
# escape; a string without any of them (and without control characters) is inert everywhere
# GX puts values.
_ACTIVE = re.compile(r"[<>&\"'`\\\x00-\x1f\x7f-\x9f\u2028\u2029]")
_RUN_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.+-]")


def gx_run_name(run_id: str) -> str:
    """The run name GX is given: the run id in a plain alphabet (GX builds paths from it and
    writes it into script data)."""
    return _RUN_NAME_UNSAFE.sub("_", run_id)[:200] or "run"


def escape_value(value: str) -> str:
    """`value` as text that is inert in HTML text, a quoted attribute and a JS string literal:
    markup characters, quotes, backslashes and control characters become character references."""
    out = []
    for ch in value:
        if ch in "<>&\"'`\\" or ord(ch) < 0x20 or 0x7f <= ord(ch) <= 0x9f or ch in "\u2028\u2029":
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


class _Placeholders:
    def __init__(self) -> None:
        self.prefix = f"gxv{secrets.token_hex(6)}n"
        self.values: dict[str, str] = {}

    def swap(self, value):
        """`value` with every active string in it (recursively) replaced by a placeholder."""
        if isinstance(value, str):
            if not _ACTIVE.search(value):
                return value
            token = f"{self.prefix}{len(self.values)}z"
            self.values[token] = value
            return token
        if isinstance(value, list):
            return [self.swap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.swap(v) for v in value)
        if isinstance(value, dict):
            return {k: self.swap(v) for k, v in value.items()}
        return value

    def restore(self, text: str) -> str:
        if self.prefix not in text:
            return text
        return re.sub(re.escape(self.prefix) + r"\d+z",
                      lambda m: escape_value(self.values.get(m.group(0), "")), text)


def _swap_result_values(context, placeholders: _Placeholders) -> None:
    """Replace the active strings of every stored validation result (observed and failing values,
    and expectation arguments other than column names) by placeholders."""
    store = context.validation_results_store
    for key in store.list_keys():
        suite_result = store.get(key)
        for r in suite_result.results:
            if r.result:
                r.result = placeholders.swap(dict(r.result))
            cfg = r.expectation_config
            if cfg is not None and cfg.kwargs:
                kwargs = dict(cfg.kwargs)
                for name, value in kwargs.items():
                    if name not in ("column", "column_list", "column_A", "column_B"):
                        kwargs[name] = placeholders.swap(value)
                cfg.kwargs = kwargs
        store.set(key, suite_result)


def build_safe_data_docs(context, site_name: str, site_dir: Path) -> None:
    """`context.build_data_docs(site_names=[site_name])` with every input value escaped once in
    the rendered site under `site_dir`."""
    placeholders = _Placeholders()
    _swap_result_values(context, placeholders)
    context.build_data_docs(site_names=[site_name])
    if not placeholders.values:
        return
    for page in Path(site_dir).rglob("*"):
        if page.suffix in (".html", ".htm", ".js", ".json") and page.is_file():
            text = page.read_text(encoding="utf-8")
            restored = placeholders.restore(text)
            if restored != text:
                page.write_text(restored, encoding="utf-8")
