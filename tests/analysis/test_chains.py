"""The curated industry-chain maps and fusion matrix: the shipped files pass their schema check, every bad
file is rejected with a message naming the place, and the queries return the links the maps encode.
Acyclicity is cross-checked with the standard library's graphlib; division codes against GB/T 4754-2017
as shipped in parknet.data.reference."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

import pytest

from parknet.analysis import chains as ch
from parknet.data import reference
from parknet.errors import InvalidArgument, NotFound, ParkNetError

ROOT = Path(__file__).resolve().parents[2]
REQUIRED_CHAINS = {
    "nev", "icv", "integrated_circuit", "biomedicine", "artificial_intelligence", "new_display",
    "photovoltaic", "battery_storage", "cnc_machine_tools", "aerospace",
}
DIVISIONS = set(reference.divisions()["code"].to_list())


@pytest.fixture
def chains_raw() -> dict[str, Any]:
    return json.loads(ch.CHAINS_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def fusion_raw() -> dict[str, Any]:
    return json.loads(ch.FUSION_FILE.read_text(encoding="utf-8"))


def _chain(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(c for c in data["chains"] if c["code"] == code)


def _segment(data: dict[str, Any], chain: str, code: str) -> dict[str, Any]:
    return next(s for s in _chain(data, chain)["segments"] if s["code"] == code)


# --- the shipped data --------------------------------------------------------------------------------

def test_shipped_files_pass_their_schema_check(chains_raw: dict, fusion_raw: dict) -> None:
    assert ch.check_chains(chains_raw) == []
    assert ch.check_fusion(fusion_raw) == []


def test_at_least_ten_chains_including_the_required_ones_each_with_five_segments() -> None:
    chains = ch.load_chains()
    assert len(chains) >= 10
    assert REQUIRED_CHAINS <= set(chains)
    for chain in chains.values():
        assert len(chain.segments) >= ch.MIN_SEGMENTS, chain.code
        assert {s.stage for s in chain.segments} == set(ch.Stage), chain.code  # every chain spans all stages
        assert chain.sources and chain.description


def test_every_chain_is_a_dag_with_every_segment_on_an_edge() -> None:
    for chain in ch.load_chains().values():
        graph: dict[str, set[str]] = {s.code: set() for s in chain.segments}
        for a, b in chain.edges:
            graph[b].add(a)
        order = list(TopologicalSorter(graph).static_order())  # raises CycleError on a cycle
        assert sorted(order) == sorted(graph)
        assert {x for edge in chain.edges for x in edge} == set(graph), chain.code


def test_every_division_is_a_real_gbt4754_division() -> None:
    assert len(DIVISIONS) == 97
    for chain in ch.load_chains().values():
        for seg in chain.segments:
            assert seg.divisions and set(seg.divisions) <= DIVISIONS, (chain.code, seg.code)
            assert all(cls[:2] in seg.divisions for cls in seg.classes), (chain.code, seg.code)
    for pair in ch.load_fusion():
        assert set(pair.a.divisions) | set(pair.b.divisions) <= DIVISIONS, pair.code


def test_classes_where_gbt4754_is_unambiguous() -> None:
    """GB/T 4754-2017: 3841 锂离子电池制造, 3612 新能源车整车制造, 3973 集成电路制造, 6520 集成电路设计,
    3974 显示器件制造, 3825 光伏设备及元器件制造, 3491 工业机器人制造, 3741 飞机制造."""
    chains = ch.load_chains()
    assert "3841" in chains["nev"].segment("power_battery").classes
    assert "3612" in chains["nev"].segment("vehicle_assembly").classes
    assert chains["integrated_circuit"].segment("wafer_fabrication").classes == ("3973",)
    assert chains["integrated_circuit"].segment("chip_design").classes == ("6520",)
    assert chains["new_display"].segment("display_panels").classes == ("3974",)
    assert chains["photovoltaic"].segment("cells").classes == ("3825",)
    assert "3491" in chains["industrial_robot"].segment("robot_body").classes
    assert chains["aerospace"].segment("aircraft_assembly").classes == ("3741",)


def test_loaded_objects_are_frozen() -> None:
    nev = ch.load_chains()["nev"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        nev.name = "x"  # type: ignore[misc]
    assert ch.load_chains()["nev"] is nev  # parsed once


# --- rejected chains ---------------------------------------------------------------------------------

def _dup_chain_code(d: dict) -> None:
    d["chains"][1]["code"] = "nev"


def _dup_segment_code(d: dict) -> None:
    _segment(d, "nev", "auto_parts")["code"] = "electric_drive"


def _unknown_division(d: dict) -> None:
    _segment(d, "nev", "power_battery")["divisions"] = ["38", "99"]


def _class_as_division(d: dict) -> None:
    _segment(d, "nev", "power_battery")["divisions"] = ["3841"]


def _empty_divisions(d: dict) -> None:
    _segment(d, "nev", "power_battery")["divisions"] = []


def _bad_stage(d: dict) -> None:
    _segment(d, "nev", "power_battery")["stage"] = "middle"


def _unknown_edge_segment(d: dict) -> None:
    _chain(d, "nev")["edges"].append(["power_battery", "flying_cars"])


def _cycle(d: dict) -> None:  # both midstream, so only the cycle is wrong
    _chain(d, "integrated_circuit")["edges"].append(["packaging_testing", "wafer_fabrication"])


def _backward_edge(d: dict) -> None:
    _chain(d, "nev")["edges"].append(["vehicle_assembly", "auto_parts"])


def _isolated_segment(d: dict) -> None:
    seg = copy.deepcopy(_segment(d, "nev", "auto_parts"))
    seg["code"] = "orphan"
    _chain(d, "nev")["segments"].append(seg)


def _too_few_segments(d: dict) -> None:
    chain = _chain(d, "new_display")
    keep = {"display_materials", "display_panels", "display_modules", "display_terminals"}
    chain["segments"] = [s for s in chain["segments"] if s["code"] in keep]
    chain["edges"] = [e for e in chain["edges"] if set(e) <= keep]


def _missing_chain_name(d: dict) -> None:
    del _chain(d, "aerospace")["name"]


def _missing_segment_name(d: dict) -> None:
    _segment(d, "aerospace", "mro")["name"] = " "


def _class_outside_divisions(d: dict) -> None:
    _segment(d, "nev", "power_battery")["classes"] = ["3670"]


def _misspelt_field(d: dict) -> None:
    seg = _segment(d, "icv", "maps_positioning")
    seg["divison"] = seg.pop("divisions")


def _not_snake_case(d: dict) -> None:
    _chain(d, "icv")["code"] = "ICV-2"


BAD_CHAINS: list[tuple[Callable[[dict], None], tuple[str, ...]]] = [
    (_dup_chain_code, ("chain 'nev'", "duplicate chain code")),
    (_dup_segment_code, ("chain 'nev', segment 'electric_drive'", "duplicate segment code")),
    (_unknown_division, ("chain 'nev', segment 'power_battery'", "'99' is not one of the 97 GB/T 4754-2017")),
    (_class_as_division, ("segment 'power_battery'", "'3841' is not one of the 97")),
    (_empty_divisions, ("chain 'nev', segment 'power_battery'", "divisions: empty")),
    (_bad_stage,
     ("segment 'power_battery'", "stage: 'middle' is not one of upstream, midstream, downstream")),
    (_unknown_edge_segment,
     ("chain 'nev', edge power_battery → flying_cars", "unknown segment 'flying_cars'")),
    (_cycle,
     ("chain 'integrated_circuit'", "cycle", "wafer_fabrication → packaging_testing → wafer_fabrication")),
    (_backward_edge, ("edge vehicle_assembly → auto_parts", "runs against the chain")),
    (_isolated_segment, ("chain 'nev', segment 'orphan'", "isolated")),
    (_too_few_segments, ("chain 'new_display'", "4 segment(s); a chain needs at least 5")),
    (_missing_chain_name, ("chain 'aerospace'", "name: missing or empty")),
    (_missing_segment_name, ("chain 'aerospace', segment 'mro'", "name: missing or empty")),
    (_class_outside_divisions, ("segment 'power_battery'", "'3670' belongs to division '36'")),
    (_misspelt_field, ("segment 'maps_positioning'", "unknown field(s) 'divison'", "divisions: empty")),
    (_not_snake_case, ("chain 'ICV-2'", "not a snake_case code")),
]


@pytest.mark.parametrize(("mutate", "expected"), BAD_CHAINS,
                         ids=[m.__name__.strip("_") for m, _ in BAD_CHAINS])
def test_bad_chain_data_is_rejected_naming_the_place(chains_raw: dict, mutate: Callable,
                                                     expected: tuple) -> None:
    mutate(chains_raw)
    problems = ch.check_chains(chains_raw)
    assert problems, "the mutation was not caught"
    text = "\n".join(problems)
    for part in expected:
        assert part in text
    assert all(p.startswith("chains.json: ") for p in problems)


def test_not_an_object_with_chains_is_rejected() -> None:
    expected = "chains.json: top level: expected an object with a non-empty 'chains' list"
    assert ch.check_chains([]) == [expected]
    assert ch.check_chains({"chains": []}) != []


def test_loading_a_bad_file_raises_data_error_naming_file_chain_segment_and_reason(
        chains_raw: dict, tmp_path: Path) -> None:
    _unknown_division(chains_raw)
    path = tmp_path / "chains.json"
    path.write_text(json.dumps(chains_raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ch.DataError) as err:
        ch.load_chains(path)
    assert isinstance(err.value, ParkNetError)
    assert err.value.file == str(path)
    message = str(err.value)
    assert str(path) in message and "chain 'nev', segment 'power_battery'" in message and "'99'" in message


def test_loading_broken_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "chains.json"
    path.write_text('{"chains": [\n  {"code": }\n]}', encoding="utf-8")
    with pytest.raises(ch.DataError, match=r"chains\.json:2:\d+: not valid JSON"):
        ch.load_chains(path)
    with pytest.raises(ch.DataError, match="cannot be read"):
        ch.load_chains(tmp_path / "missing.json")


# --- rejected fusion pairs ---------------------------------------------------------------------------

def _pair(d: dict, code: str) -> dict:
    return next(p for p in d["pairs"] if p["code"] == code)


BAD_FUSION: list[tuple[Callable[[dict], None], tuple[str, ...]]] = [
    (lambda d: d["pairs"][1].update(code=d["pairs"][0]["code"]),
     ("pair 'ai_x_automotive'", "duplicate pair code")),
    (lambda d: _pair(d, "ict_x_finance").update(kind="fintech"), ("pair 'ict_x_finance'", "kind: 'fintech'")),
    (lambda d: _pair(d, "ict_x_health")["b"].update(divisions=["84", "98"]),
     ("pair 'ict_x_health', side b", "'98' is not one of the 97")),
    (lambda d: _pair(d, "ict_x_health")["a"].update(divisions=[]),
     ("pair 'ict_x_health', side a", "divisions: empty")),
    (lambda d: _pair(d, "ai_x_automotive").update(fused_into="flying_cars"),
     ("pair 'ai_x_automotive'", "fused_into: 'flying_cars' is not a chain code")),
    (lambda d: _pair(d, "ict_x_finance")["b"].update(divisions=["65", "66"]),
     ("pair 'ict_x_finance'", "a and b share division(s) 65")),
    (lambda d: _pair(d, "ict_x_finance").pop("rationale"), ("pair 'ict_x_finance'", "rationale: missing")),
    (lambda d: _pair(d, "ict_x_finance")["a"].pop("label"),
     ("pair 'ict_x_finance', side a", "label: missing")),
    (lambda d: _pair(d, "ict_x_finance").update(name=""), ("pair 'ict_x_finance'", "name: missing")),
]


@pytest.mark.parametrize(("mutate", "expected"), BAD_FUSION, ids=[e[1] for _, e in BAD_FUSION])
def test_bad_fusion_data_is_rejected_naming_the_place(fusion_raw: dict, mutate: Callable,
                                                      expected: tuple) -> None:
    mutate(fusion_raw)
    text = "\n".join(ch.check_fusion(fusion_raw))
    for part in expected:
        assert part in text


def test_fusion_chain_codes_can_be_given(fusion_raw: dict) -> None:
    problems = ch.check_fusion(fusion_raw, chain_codes=["nev"])
    assert problems == ["fusion.json: pair 'ai_x_automotive': fused_into: 'icv' is not a chain code "
                        "in chains.json (use null when none matches)"]


# --- queries -----------------------------------------------------------------------------------------

def test_upstream_and_downstream_of_a_segment() -> None:
    nev = ch.load_chains()["nev"]
    direct = [s.code for s in nev.upstream_of("vehicle_assembly")]
    assert direct == ["power_battery", "electric_drive", "auto_parts"]
    assert {s.code for s in nev.upstream_of("vehicle_assembly", transitive=True)} == {
        "battery_minerals", "battery_materials", "power_battery", "electric_drive", "auto_parts"}
    battery = nev.segment("power_battery")
    assert {s.code for s in nev.downstream_of(battery)} == {"vehicle_assembly", "charging_swapping",
                                                           "battery_recycling"}
    assert nev.upstream_of("battery_minerals") == ()
    assert "36" in nev.divisions() and "38" in nev.divisions()
    with pytest.raises(NotFound, match="chain 'nev' has no segment 'rockets'"):
        nev.upstream_of("rockets")


def test_division_links_has_the_columns_and_the_battery_to_vehicle_link() -> None:
    links = ch.division_links()
    assert links.columns == ["chain", "from_segment", "to_segment", "from_division", "to_division"]
    assert links.is_duplicated().sum() == 0
    nev = links.filter(chain="nev", from_division="38", to_division="36")
    pairs = set(zip(nev["from_segment"], nev["to_segment"], strict=True))
    assert ("power_battery", "vehicle_assembly") in pairs
    icv = links.filter(chain="icv", from_segment="driving_software", to_segment="icv_assembly")
    assert icv.select("from_division", "to_division").rows() == [("65", "36")]  # 智能+: AI software × vehicles
    n_expected = sum(len(c.segment(a).divisions) * len(c.segment(b).divisions)
                     for c in ch.load_chains().values() for a, b in c.edges)
    assert links.height == n_expected


def test_chains_for_division_36_includes_nev_and_icv() -> None:
    found = ch.chains_for_division("36")
    assert {"nev", "icv"} <= {chain.code for chain, _ in found}
    assert all("36" in seg.divisions for _, seg in found)
    assert ("nev", "vehicle_assembly") in {(c.code, s.code) for c, s in found}
    with pytest.raises(InvalidArgument, match="code: '3612' is not a GB/T 4754-2017 division"):
        ch.chains_for_division("3612")


def test_fusion_matrix_has_the_articles_examples() -> None:
    pairs = {p.code: p for p in ch.load_fusion()}
    assert len(pairs) >= 12
    icv = pairs["ai_x_automotive"]
    assert (icv.a.divisions, icv.b.divisions, icv.fused_into) == (("64", "65"), ("36",), "icv")
    assert icv.kind is ch.FusionKind.INTELLIGENT_PLUS
    kinds = {p.kind for p in pairs.values()}
    assert {ch.FusionKind.INTELLIGENT_PLUS, ch.FusionKind.CULTURE_PLUS, ch.FusionKind.THREE_SECTOR} <= kinds
    chains = ch.load_chains()
    assert all(p.fused_into is None or p.fused_into in chains for p in pairs.values())


def test_docs_describe_every_chain_and_fusion_pair() -> None:
    text = (ROOT / "docs" / "chains.md").read_text(encoding="utf-8")
    chains, pairs = ch.load_chains(), ch.load_fusion()
    n_segments = sum(len(c.segments) for c in chains.values())
    n_edges = sum(len(c.edges) for c in chains.values())
    assert f"{len(chains)} industry chains, {n_segments} segments (环节), {n_edges} supply edges" in text
    assert f"{len(pairs)} fusable industry pairs" in text
    for chain in chains.values():
        assert f"## {chain.name} — {chain.name_en} (`{chain.code}`)" in text
        for a, b in chain.edges:
            assert f"`{a}` → `{b}`" in text
    for pair in pairs:
        assert f"| `{pair.code}` |" in text
