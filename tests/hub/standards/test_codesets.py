"""National code sets: sizes, uniqueness, hierarchy, validity by date, and the demo's codes."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from campusbrain.demo import reference as ref
from campusbrain.hub.standards import codesets as cs
from campusbrain.hub.standards.codesets import CodeSetError, code_set, code_values, major_code_2021


def test_every_code_system_of_the_shared_interface_ships() -> None:
    expected = {
        "GB/T 2261.1",
        "GB/T 3304",
        "GB/T 2260",
        "GB/T 4762",
        "GB/T 2659",
        "GB/T 2659 alpha-3",
        "JY/T 1001 SFZJLX",
        "JY/T 1001 XJZT",
        "JY/T 1001 XL",
        "JY/T 1001 ZYJSZW",
        "BYQX",
        "ZYML 2021",
        "ZYML 2015",
    }
    assert set(cs.code_systems()) == expected


def test_no_duplicate_code_within_a_version() -> None:
    counts = Counter((v.code_system, v.version, v.code) for v in code_values())
    assert [key for key, n in counts.items() if n > 1] == []


def test_parents_resolve_within_the_same_version() -> None:
    known = {(v.code_system, v.version, v.code) for v in code_values()}
    dangling = [v for v in code_values() if v.parent and (v.code_system, v.version, v.parent) not in known]
    assert dangling == []


def test_sizes() -> None:
    ethnicity = code_set("GB/T 3304")
    assert len(ethnicity.codes) == 58
    assert ethnicity.name_of("01") == "汉族" and ethnicity.name_of("56") == "基诺族"
    assert ethnicity.name_of("98") == "外国血统中国籍人士" and ethnicity.get("57") is None
    assert code_set("GB/T 2261.1").codes == ("0", "1", "2", "9")
    assert len(code_set("GB/T 4762").codes) == 13
    majors = code_set("ZYML 2021")
    by_length = Counter(len(c) for c in majors.codes)
    assert by_length[2] == 19 and by_length[4] == 97
    assert [c for c in majors.codes if len(c) == 2] == [str(n) for n in range(41, 60)]
    assert len(code_set("GB/T 2659").codes) == len(code_set("GB/T 2659 alpha-3").codes) >= 249
    assert code_set("GB/T 2659").name_of("156") == "中国"
    assert code_set("GB/T 2659 alpha-3").code_of_name("中国") == "CHN"
    assert len(code_set("GB/T 2260").codes) > 6000


def test_major_hierarchy_is_by_prefix() -> None:
    for system in ("ZYML 2021", "ZYML 2015"):
        for value in code_set(system).values:
            assert value.parent == (value.code[:-2] if len(value.code) > 2 else None), value


def test_division_validity_by_date() -> None:
    divisions = code_set("GB/T 2260")
    # 杭州市下城区 was merged into 拱墅区 in 2021: gone for a new ID, still real for an old one.
    assert divisions.name_of("330103") == "下城区"
    assert divisions.is_valid("330103", date(2000, 6, 1))
    assert not divisions.is_valid("330103", date(2023, 1, 1))
    assert divisions.is_valid("330106", date(2023, 1, 1))  # 西湖区, in force
    assert not divisions.is_valid("330108", date(1990, 1, 1))  # 滨江区 only from 1996
    assert divisions.is_valid("330103")  # without a date: the code exists
    assert divisions.get("330103").parent == "330100"
    assert divisions.get("330100").parent == "330000"
    assert divisions.get("330000").parent is None
    assert divisions.code_of_name("浙江省") == "330000"


def test_every_demo_id_birthplace_is_a_division_in_force_at_birth(small_ids: list[tuple[str, date]]) -> None:
    divisions = code_set("GB/T 2260")
    bad = [(code, born) for code, born in small_ids if not divisions.is_valid(code, born)]
    assert bad == []


@pytest.fixture(scope="module")
def small_ids() -> list[tuple[str, date]]:
    """Birthplace codes and birth dates of a few hundred demo people (no files written)."""
    from campusbrain.demo.world import PersonFactory

    factory = PersonFactory(seed=7)
    people = [
        factory.make(
            date(1970 + i % 38, 1 + i % 12, 1 + i % 28), political=ref.POLITICAL_STUDENT, home_bias=0.5
        )
        for i in range(400)
    ]
    return [(p.birthplace, p.birth_date) for p in people]


def test_every_demo_major_is_in_the_2021_catalog_and_crosswalked() -> None:
    majors_2021 = code_set("ZYML 2021")
    majors_2015 = code_set("ZYML 2015")
    for major in ref.MAJORS:
        assert majors_2021.name_of(major.code) == major.name, major
        assert majors_2015.get(major.code_2015) is not None, major
        assert major_code_2021(major.code_2015) == major.code, major


def test_crosswalk_names_match_the_code_sets() -> None:
    for row in cs.major_crosswalk():
        assert code_set("ZYML 2015").name_of(row.code_2015) == row.name_2015
        assert code_set("ZYML 2021").name_of(row.code_2021) == row.name_2021
    assert major_code_2021("999999") is None
    assert major_code_2021(" 610205 ") == "510203"


def test_demo_codes_of_other_sets_are_standard() -> None:
    assert set(ref.ETHNICITY_WEIGHTS) <= set(code_set("GB/T 3304").codes)
    assert set(ref.POLITICAL_STUDENT) | set(ref.POLITICAL_STAFF) <= set(code_set("GB/T 4762").codes)
    assert set(ref.STAFF_EDUCATION) <= set(code_set("JY/T 1001 XL").codes)
    assert code_set("JY/T 1001 XL").name_of("11") == "博士研究生毕业"
    destinations = code_set("BYQX")
    for code, (name, _share) in ref.GRADUATE_DESTINATIONS.items():
        assert destinations.name_of(code) == name
    assert code_set("JY/T 1001 XJZT").name_of("07") == "毕业"


def test_unknown_system_or_version_is_a_clear_error() -> None:
    with pytest.raises(CodeSetError, match="unknown code system"):
        code_set("GB/T 9999")
    with pytest.raises(CodeSetError, match="no version"):
        code_set("GB/T 3304", "2099")


def test_bad_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "code_system,version,code,name,parent,valid_from,valid_to\nX,1,01,甲,,2020/1/1,\n", encoding="utf-8"
    )
    with pytest.raises(CodeSetError, match=r"bad.csv:2: bad date"):
        cs.read_codeset_csv(path)


def test_written_file_reads_back(tmp_path: Path) -> None:
    values = [v for v in code_values() if v.code_system == "GB/T 2260"][:50]
    path = tmp_path / "round.csv"
    cs.write_codeset_csv(path, values)
    assert cs.read_codeset_csv(path) == values
