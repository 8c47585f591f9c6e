"""Audit a staged partition with the Great Expectations suites in `expectations/`.

GX is imported here, inside the call, never at module level of a DAG: its import costs ~5 s.
An ephemeral GX context per run (suites built from code) avoids the config-file races that a
shared file context has under parallel tasks; the run's results are written as JSON and as a
Data Docs site into the run's report folder."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from etl import schema

log = logging.getLogger(__name__)


@dataclass
class PartitionContext:
    """What row-level checks need to know about the rest of the partition."""

    ingest_date: str
    article_ids: set = field(default_factory=set)
    entity_keys: set = field(default_factory=set)  # (article_id, entity_id)
    texts: dict = field(default_factory=dict)  # (article_id, field, index) -> text

    def field_text(self, article_id: str, field_name: str, index: int) -> str | None:
        return self.texts.get((article_id, field_name, index))


@dataclass
class ValidationReport:
    success: bool
    failures: list[dict]  # blocking failures
    warnings: list[dict]
    statistics: dict
    results_path: str
    data_docs_path: str | None

    def summary(self) -> str:
        if self.success:
            return f"passed ({self.statistics.get('evaluated', 0)} expectations, {len(self.warnings)} warning(s))"
        lines = [f"FAILED: {len(self.failures)} blocking expectation(s) failed"]
        for f in self.failures[:20]:
            lines.append(f"  - {f['table']}: {f['expectation']} {f.get('column') or ''} "
                         f"(unexpected {f.get('unexpected_count')}; e.g. {f.get('examples')})")
        return "\n".join(lines)


def load_staged(staged: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for table in schema.TABLE_NAMES:
        files = sorted((staged / table).glob("*.parquet"))
        if files:
            frames[table] = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
        else:
            frames[table] = schema.TABLES[table].arrow_schema().empty_table().to_pandas()
    return frames


def partition_context(frames: dict[str, pd.DataFrame], ingest_date: str) -> PartitionContext:
    arts, caps, ents = frames["articles"], frames["image_captions"], frames["entities"]
    ctx = PartitionContext(ingest_date, set(arts["article_id"]), set(zip(ents["article_id"], ents["entity_id"])))
    for col in ("title", "subtitle", "body"):
        for aid, text in zip(arts["article_id"], arts[col]):
            if isinstance(text, str):
                ctx.texts[(aid, col, 0)] = text
    for aid, pos, text in zip(caps["article_id"], caps["position"], caps["caption"]):
        ctx.texts[(aid, "caption", int(pos))] = text
    return ctx


def validate_frames(frames: dict[str, pd.DataFrame], ingest_date: str, report_dir: Path,
                    run_name: str, build_docs: bool = True) -> ValidationReport:
    """Run every table's suite. Writes `validation.json` (and Data Docs) under `report_dir`."""
    import logging as _logging

    _logging.getLogger("great_expectations._docs_decorators").setLevel(_logging.WARNING)
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier

    import expectations as suites

    report_dir.mkdir(parents=True, exist_ok=True)
    ctx = partition_context(frames, ingest_date)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    docs_dir = report_dir / "data_docs"
    if build_docs:
        context.add_data_docs_site(site_name="run", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    source = context.data_sources.add_pandas("partition")
    definitions, prepared = [], {}
    for table, module in suites.SUITES.items():
        df = module.prepare(frames[table].copy(), ctx)
        prepared[table] = df
        suite = context.suites.add(gx.ExpectationSuite(name=table))
        for exp in module.expectations(gxe, ctx):
            suite.add_expectation(exp)
        batch = source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("partition")
        definitions.append(context.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=batch, suite=suite)))

    failures, warnings, per_table, evaluated = [], [], {}, 0
    results_json = {}
    for vd in definitions:
        df = prepared[vd.name]
        result = vd.run(batch_parameters={"dataframe": df}, result_format="SUMMARY",
                        run_id=RunIdentifier(run_name=run_name))
        results_json[vd.name] = result.to_json_dict()
        per_table[vd.name] = {"rows": len(df), **result.statistics}
        evaluated += result.statistics.get("evaluated_expectations", 0)
        for r in result.results:
            if r.success:
                continue
            cfg = r.expectation_config
            item = {
                "table": vd.name,
                "expectation": cfg.type,
                "column": cfg.kwargs.get("column") or cfg.kwargs.get("column_list"),
                "unexpected_count": (r.result or {}).get("unexpected_count"),
                "examples": [str(x)[:80] for x in ((r.result or {}).get("partial_unexpected_list") or [])[:3]],
            }
            if r.exception_info and r.exception_info.get("raised_exception"):
                item["error"] = str(r.exception_info.get("exception_message"))[:300]
            ((warnings if (cfg.meta or {}).get("severity") == "warning" else failures)).append(item)

    docs_index = None
    if build_docs:
        try:  # each run() above stored its result in the context; render them as a site
            context.build_data_docs(site_names=["run"])
            index = docs_dir / "index.html"
            docs_index = str(index) if index.exists() else None
        except Exception as exc:  # Data Docs are a report, not a gate
            log.warning("could not build Data Docs: %s", exc, exc_info=True)

    report = ValidationReport(not failures, failures, warnings,
                              {"evaluated": evaluated, "tables": per_table}, str(report_dir / "validation.json"),
                              docs_index)
    payload = {"success": report.success, "ingest_date": ingest_date, "run": run_name,
               "failures": failures, "warnings": warnings, "statistics": report.statistics,
               "results": results_json}
    (report_dir / "validation.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    return report
