"""Global entity keys end to end: hand-written articles over two days, published by the CLI path
and by the DAG's steps (one batch per file), in either order, then rerun; and the directory."""
from __future__ import annotations

import pytest

import etl
from etl.run import pipeline
from etl.warehouse import open_warehouse

DAYS = {
    "2025-11-03": {
        "budget.txt": "Senate passes the budget\n\nSenator Maria Okonkwo said on Monday that the budget would pass "
                      "before the holiday.\n\n\"We have the votes,\" Okonkwo said.\n\nThe United States Treasury "
                      "welcomed the vote.\n",
        "reaction.txt": "Late night in the Senate\n\nOkonkwo thanked her staff after the vote.\n\n\"It was a long "
                        "night,\" Okonkwo said.\n",
        "alliance.txt": "Alliance meets in Brussels\n\nThe North Atlantic Treaty Organization (NATO) met in Brussels "
                        "on Monday. Officials from the U.S. attended.\n\n\"We stand together,\" said Petra Lindqvist, "
                        "a NATO spokeswoman.\n",
    },
    "2025-11-04": {
        "vote.txt": "Budget heads to the House\n\nThe budget moved to the House on Tuesday.\n\n\"It is a fair "
                    "deal,\" Okonkwo told reporters in Washington. Lawmakers in the US expect a vote soon.\n",
        "summit.txt": "NATO chiefs plan summit\n\nNATO will hold a summit in the spring, Lindqvist said on "
                      "Tuesday.\n\n\"The date is not fixed,\" Lindqvist said.\n",
    },
}


def _landing(tmp_path, day: str, files: dict[str, str]):
    d = tmp_path / "landing" / day
    d.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def _dag_steps(inputs: list[str], warehouse: str, day: str, run_id: str) -> None:
    """What the DAG's tasks do: plan, one mapped process per batch, finalize, validate, publish."""
    planned = pipeline.plan(inputs, warehouse, day, run_id, files_per_batch=1)
    assert len(planned["batches"]) >= 2
    for b in reversed(planned["batches"]):  # mapped tasks finish in any order
        pipeline.process_batch(planned["staging"], b["batch_no"], b["files"], day)
    pipeline.finalize(planned["staging"], day, expected_batches=len(planned["batches"]))
    pipeline.audit(planned["staging"], day, warehouse, run_id)
    pipeline.publish(planned["staging"], day, warehouse, run_id)


def _keys(warehouse) -> dict:
    wh = open_warehouse(warehouse)
    out = {}
    for day in DAYS:
        ents = wh.read_table("entities", day).to_pylist()
        arts = {a["article_id"]: a["source_uri"].rsplit("/", 1)[-1] for a in wh.read_table("articles", day).to_pylist()}
        mentions = wh.read_table("entity_mentions", day).to_pylist()
        quotes = wh.read_table("quotes", day).to_pylist()
        by_id = {e["entity_id"]: e["entity_key"] for e in ents}
        assert all(m["entity_key"] == by_id[m["entity_id"]] for m in mentions)
        assert all(q["speaker_key"] == by_id.get(q["speaker_entity_id"]) for q in quotes)
        for e in ents:
            out[(day, arts[e["article_id"]], e["name"], e["label"])] = e["entity_key"]
        for q in quotes:
            out[(day, arts[q["article_id"]], "quote", q["char_start"])] = q["speaker_key"]
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The two days published four ways: CLI in date order, CLI in reverse order, DAG steps in
    reverse order, and CLI in order with the first day rerun after the second."""
    tmp = tmp_path_factory.mktemp("keys")
    landings = {day: str(_landing(tmp, day, files)) for day, files in DAYS.items()}
    whs = {name: str(tmp / name) for name in ("forward", "backward", "dag", "rerun")}
    for day in DAYS:
        pipeline.run([landings[day]], whs["forward"], day, f"fwd-{day}")
    for day in reversed(DAYS):
        pipeline.run([landings[day]], whs["backward"], day, f"bwd-{day}")
        _dag_steps([landings[day]], whs["dag"], day, f"dag-{day}")
    for day in [*DAYS, next(iter(DAYS))]:
        pipeline.run([landings[day]], whs["rerun"], day, f"rerun-{day}")
    return whs


def test_keys_are_the_same_whatever_the_order_or_the_path(built):
    forward = _keys(built["forward"])
    assert forward == _keys(built["backward"]) == _keys(built["dag"]) == _keys(built["rerun"])


def test_a_surname_alone_joins_the_full_name_another_article_of_the_day_gives(built):
    keys = _keys(built["forward"])
    day1 = {k for (day, f, name, label), k in keys.items() if day == "2025-11-03" and "Okonkwo" in str(name)}
    assert day1 == {"person:maria okonkwo"}
    # (whatever label the tagger gave the lone surname there)
    assert [k for (day, f, name, _), k in keys.items() if f == "reaction.txt" and name == "Okonkwo"] \
        == ["person:maria okonkwo"]
    speakers = {k for (day, f, what, _), k in keys.items() if what == "quote" and f in ("budget.txt", "reaction.txt")}
    assert speakers == {"person:maria okonkwo"}


def test_a_name_only_ever_seen_as_a_surname_all_day_keeps_a_marked_surname_key(built):
    # The second day never names her in full: its "Okonkwo" is a surname key, not a guess.
    keys = _keys(built["forward"])
    assert keys[("2025-11-04", "vote.txt", "Okonkwo", "PERSON")] == "person-surname:okonkwo"


def test_places_and_acronyms_share_keys_across_days(built):
    keys = _keys(built["forward"])
    us = {k for (day, f, name, label), k in keys.items() if name in ("U.S.", "US", "United States")}
    assert len(us) == 1 and next(iter(us)).startswith("place:")
    nato = {k for (day, f, name, label), k in keys.items()
            if name in ("NATO", "North Atlantic Treaty Organization")}
    assert nato == {"org:NATO"}


def test_the_directory_counts_each_key_once_and_follows_a_rerun(built, tmp_path):
    directory = etl.entity_directory(built["forward"]).set_index("entity_key")
    assert directory.index.is_unique
    nato = directory.loc["org:NATO"]
    assert nato["first_day"] == "2025-11-03" and nato["last_day"] == "2025-11-04" and nato["days"] == 2
    assert {"NATO", "North Atlantic Treaty Organization"} <= set(nato["aliases"])
    assert directory.equals(etl.entity_directory(built["rerun"]).set_index("entity_key"))
    total_quotes = sum(len(open_warehouse(built["forward"]).read_table("quotes", d).to_pylist()) for d in DAYS)
    assert directory["quote_count"].sum() <= total_quotes
    # Rerun the second day without its NATO article: the directory drops that day for NATO.
    changed = _landing(tmp_path, "2025-11-04", {"vote.txt": DAYS["2025-11-04"]["vote.txt"]})
    pipeline.run([str(changed)], built["forward"], "2025-11-04", "rerun-changed")
    after = etl.entity_directory(built["forward"]).set_index("entity_key")
    assert after.loc["org:NATO", "last_day"] == "2025-11-03" and after.loc["org:NATO", "days"] == 1
    assert "person-surname:lindqvist" not in after.index or after.loc["person-surname:lindqvist", "days"] <= 1
    assert after["quote_count"].sum() < directory["quote_count"].sum()
    # Only one day in range: its keys alone.
    first = etl.entity_directory(built["forward"], start="2025-11-03", end="2025-11-03")
    assert set(first["last_day"]) == {"2025-11-03"}
