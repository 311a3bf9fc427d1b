"""Derived code sets: the shipped GB/T 2260 file is what loc.dat says, and the parsing rules."""

from __future__ import annotations

from datetime import date

from campusbrain.hub.standards import builders
from campusbrain.hub.standards.codesets import DIVISION, code_values


def test_shipped_gbt2260_equals_what_the_installed_stdnum_gives() -> None:
    shipped = [v for v in code_values() if v.code_system == DIVISION]
    assert shipped == builders.gbt2260_values(builders.stdnum_loc_dat()), (
        "re-run scripts/build_gbt2260.py after a python-stdnum upgrade"
    )


LOC = """# sample in loc.dat's layout
33 province="浙江省"
  0000 county="浙江省"
  0100 county="杭州市"
  0103 county="[1983-2021]下城区"
  0108 county="[1996-]滨江区"
  0122 county="桐庐县"
  0206 county="[1985-1986]滨海区,[1987-]北仑区"
  9001 county="[-1990]某县级市"
81 province="香港特別行政區"
"""


def test_gbt2260_rows_from_loc_dat_layout() -> None:
    rows = {v.code: v for v in builders.gbt2260_values(LOC)}
    assert rows["330103"].valid_from == date(1983, 1, 1) and rows["330103"].valid_to == date(2021, 12, 31)
    assert rows["330108"].valid_to is None
    assert rows["330122"].valid_from is None and rows["330122"].valid_to is None
    # A renamed code keeps one row, named by its latest name, valid over both periods.
    assert rows["330206"].name == "北仑区" and rows["330206"].valid_from == date(1985, 1, 1)
    assert rows["330206"].parent == "330000"  # no 330200 in the sample: the province
    assert rows["330103"].parent == "330100"
    assert rows["339001"].valid_to == date(1990, 12, 31)
    # A province without a "0000" line still gets its row, in simplified characters.
    assert rows["810000"].name == "香港特别行政区"
    assert {v.version for v in rows.values()} == {"2021"}


def test_gbt2659_rows_use_numeric_and_alpha3_with_overrides() -> None:
    countries = [
        {"numeric": "410", "alpha_3": "KOR", "name": "Korea, Republic of"},
        {"numeric": "156", "alpha_3": "CHN", "name": "China"},
    ]
    names = {"China": "中国", "Korea, Republic of": "大韩民国"}
    rows = builders.gbt2659_values(countries, names.__getitem__)
    assert [(v.code_system, v.code, v.name) for v in rows] == [
        ("GB/T 2659", "156", "中国"),
        ("GB/T 2659", "410", "韩国"),
        ("GB/T 2659 alpha-3", "CHN", "中国"),
        ("GB/T 2659 alpha-3", "KOR", "韩国"),
    ]
