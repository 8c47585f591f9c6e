"""The offline gazetteer: which place a bare name resolves to, and that it loads lazily."""
import subprocess
import sys

import pytest

from etl.nlp import geo
from etl.nlp.entity_lexicon import is_demonym


def test_importing_the_module_does_not_build_the_index():
    code = "import etl.nlp.geo as g; import etl.nlp.entities; print(g._index.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


@pytest.mark.parametrize("name, kind, code", [
    ("Kyiv", "city", "UA"),
    ("Kiev", "city", "UA"),  # alternate spelling of the same city
    ("Moscow", "city", "RU"),
    ("Russia", "country", "RU"),
    ("the United States", "country", "US"),
    ("U.S.", "country", "US"),
    ("Georgia", "country", "GE"),  # the country before the US state
    ("Washington", "city", "US"),  # the capital before the state
    ("New York", "city", "US"),
    ("Texas", "us_state", "US"),
    ("England", "uk_nation", "GB"),
])
def test_lookup_prefers_the_place_news_usually_means(name, kind, code):
    place = geo.lookup(name)
    assert place is not None and (place.kind, place.country_code) == (kind, code)


def test_cities_carry_coordinates_and_ids_and_prefer_the_most_populous():
    paris = geo.lookup("Paris")
    assert paris.country_code == "FR" and paris.geonames_id == 2988507
    assert 48 < paris.latitude < 49 and 2 < paris.longitude < 3


def test_continents_are_loc_and_countries_gpe():
    assert geo.lookup("Europe").label == "LOC"
    assert geo.lookup("Ukraine").label == "GPE"


def test_unknown_names_and_junk_resolve_to_nothing():
    for name in ("Putin", "", "   ", "For", "Zzyzzx"):
        assert geo.lookup(name) is None, name


def test_major_place_threshold():
    assert geo.is_known_place("Kyiv")
    assert not geo.is_known_place("Lincoln")  # a mid-sized city: often a surname in news
    assert not geo.is_known_place("Trump")


@pytest.mark.parametrize("word, expected", [
    ("Russian", True), ("Russians", True), ("Chinese", True), ("Israeli", True), ("British", True),
    ("Jordanian", True), ("Jordan", False), ("Brian", False), ("Adrian", False), ("Trump", False),
])
def test_demonyms(word, expected):
    assert is_demonym(word) is expected


def test_alternate_spellings_locate_but_do_not_count_as_own_names():
    # "White House" is among Casablanca's alternate names (a translation).
    assert geo.lookup("White House", alternates=False) is None
    assert geo.lookup("Kiev", alternates=False) is None and geo.lookup("Kiev").name == "Kyiv"
    assert not geo.is_known_place("White House")


@pytest.mark.parametrize("name, lat_range, lng_range", [
    ("Russia", (41, 82), (19, 180)),  # country: countryinfo's representative point
    ("United States", (24, 50), (-125, -66)),
    ("Kosovo", (41.8, 43.3), (20.0, 21.8)),  # no countryinfo point: its cities' median
    ("Texas", (25.8, 36.5), (-106.7, -93.5)),  # US state: its cities' median
    ("Alaska", (51, 72), (-170, -129)),
    ("Hawaii", (18.9, 22.3), (-160.3, -154.8)),
    ("Scotland", (54.6, 60.9), (-7.7, -0.7)),  # UK nation: its cities' median
    ("Wales", (51.3, 53.5), (-5.4, -2.6)),
])
def test_countries_states_and_nations_carry_a_point_inside_them(name, lat_range, lng_range):
    place = geo.lookup(name)
    assert place.kind in ("country", "us_state", "uk_nation")
    assert lat_range[0] < place.latitude < lat_range[1], (name, place.latitude)
    assert lng_range[0] < place.longitude < lng_range[1], (name, place.longitude)


def test_median_point_ignores_an_outlying_island_and_handles_empty_regions():
    cities = [{"countrycode": "XX", "admin1code": "A", "latitude": lat, "longitude": lng}
              for lat, lng in ((10.0, 20.0), (11.0, 21.0), (12.0, 22.0), (-40.0, 170.0))]
    cities.append({"countrycode": "XX", "admin1code": "B", "latitude": 1.0, "longitude": 2.0})
    regions = geo._cities_by_region(cities)
    assert geo._median_point(regions[("XX", "A")]) == (10.5, 21.5)
    assert geo._median_point(regions[("XX", "B")]) == (1.0, 2.0)
    assert len(regions[("XX", None)]) == 5
    assert geo._median_point([]) == (None, None)


# --- the on-disk copy of the index ------------------------------------------------------------
def _fresh_index(monkeypatch, folder):
    monkeypatch.setenv("NEWS_ETL_RESOURCE_CACHE", str(folder))
    geo._index.cache_clear()
    geo.candidates.cache_clear()
    try:
        return geo._index()
    finally:
        geo._index.cache_clear()
        geo.candidates.cache_clear()


def test_the_index_is_stored_once_and_read_back_equal(tmp_path, monkeypatch):
    built = _fresh_index(monkeypatch, tmp_path)
    stored = list(tmp_path.glob("gazetteer-*.pickle"))
    assert len(stored) == 1
    monkeypatch.setattr(geo, "_build_index", lambda: pytest.fail("rebuilt although a stored index exists"))
    loaded = _fresh_index(monkeypatch, tmp_path)
    assert loaded == built
    assert loaded["kyiv"][0][0].country_code == "UA"


def test_a_damaged_or_foreign_index_file_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    import pickle

    _fresh_index(monkeypatch, tmp_path)
    [path] = tmp_path.glob("gazetteer-*.pickle")
    for junk in (b"not a pickle", pickle.dumps(geo.Place("X", "city"))):  # the second holds a class
        path.write_bytes(junk)
        rebuilt = _fresh_index(monkeypatch, tmp_path)
        assert rebuilt["paris"][0][0].name == "Paris"
        assert geo._decode_index(path.read_bytes()) == rebuilt  # replaced by a good copy


def test_the_disk_copy_can_be_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _fresh_index(monkeypatch, "off")
    assert not list(tmp_path.rglob("*.pickle"))
