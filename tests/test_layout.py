"""The package layout is the architecture: imports point one way (orchestration -> stages -> model),
and no module imports another that imports it back, at module level or inside a function."""
from __future__ import annotations

import ast
from pathlib import Path

ETL = Path(__file__).resolve().parents[1] / "etl"

# Lowest first. A module may import its own unit and any unit of a lower layer, never a higher
# one; the stages of one layer stay independent of each other.
LAYERS = [
    ["etl.config", "etl.faults", "etl.fs", "etl.version"],
    ["etl.model"],
    ["etl.ingest", "etl.parse", "etl.nlp"],
    ["etl.tables"],
    ["etl.validate"],
    ["etl.warehouse"],
    ["etl.run"],
    ["etl.airflow", "etl.cli"],
    ["etl"],
]


def module_name(path: Path) -> str:
    rel = path.relative_to(ETL.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every etl module a file imports, wherever the import statement stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "etl")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "etl":
                continue
            for a in node.names:  # `from etl.x import y` names a submodule y or an attribute of etl.x
                sub = f"{node.module}.{a.name}"
                found.add(sub if _exists(sub) else node.module)
    return found


def _exists(name: str) -> bool:
    p = ETL.parent.joinpath(*name.split("."))
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def unit_of(module: str) -> str:
    units = [u for layer in LAYERS for u in layer]
    return max((u for u in units if module == u or module.startswith(u + ".")), key=len)


def layer_of(module: str) -> int:
    unit = unit_of(module)
    return next(i for i, layer in enumerate(LAYERS) if unit in layer)


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(ETL.rglob("*.py"))}


def test_every_module_belongs_to_a_layer():
    for module in graph():
        assert unit_of(module), module


def test_imports_point_down_the_layers():
    wrong = []
    for module, deps in graph().items():
        for dep in deps:
            if unit_of(dep) == unit_of(module):
                continue
            if layer_of(dep) >= layer_of(module):
                wrong.append(f"{module} -> {dep}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_no_import_circle():
    g = graph()
    # Tarjan's strongly connected components; any component of two or more modules is a circle.
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v, counter=[0]):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in g.get(v, ()):
            if w not in g:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in g:
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_the_checker_sees_a_circle_and_an_upward_import(monkeypatch):
    """The checks above would pass on an empty graph: show they catch what they are for."""
    g = {"etl.warehouse.a": {"etl.warehouse.b"}, "etl.warehouse.b": {"etl.warehouse.a"},
         "etl.model.x": {"etl.run.y"}, "etl.run.y": set()}
    import sys

    this = sys.modules[__name__]
    monkeypatch.setattr(this, "graph", lambda: g)
    import pytest

    with pytest.raises(AssertionError, match="etl.model.x -> etl.run.y"):
        test_imports_point_down_the_layers()
    with pytest.raises(AssertionError, match="import circles"):
        test_no_import_circle()


def test_no_module_is_longer_than_one_sitting():
    long = [f"{p.relative_to(ETL.parent)}: {n}" for p in ETL.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 750]
    assert not long, long


def test_docstrings_cite_no_path_outside_the_repository():
    bad = [str(p.relative_to(ETL.parent)) for p in ETL.rglob("*.py")
           if any(s in p.read_text(encoding="utf-8") for s in ("../shared", "/tmp/", "/work/"))]
    assert not bad, bad
