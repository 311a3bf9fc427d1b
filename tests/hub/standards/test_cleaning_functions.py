"""The cleaning functions: half-width text, ID numbers, dates and phones, in Python and in SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.standards.cleaning import (
    ID_PROBLEMS,
    SQL_FUNCTIONS,
    halfwidth,
    id_number_birth_date,
    id_number_problem,
    id_number_sex,
    is_mobile_phone,
    is_valid_id_number,
    normalize_id_number,
    normalize_phone,
    parse_date,
)

FULLWIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-/:. ",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－／：．　",
)
# stdnum records 110105 北京市朝阳区 with no year range, so any birth date below is valid with it
# (330106 西湖区, by contrast, is valid only for people born from 1983 on).
ADDRESS = "110105"


def make_id(birth: date, sequence: int) -> str:
    body = f"{ADDRESS}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


births = st.dates(min_value=date(1950, 1, 1), max_value=date(2010, 12, 31))
sequences = st.integers(min_value=0, max_value=999)


# --- half-width ---------------------------------------------------------------------------------


def test_halfwidth_converts_full_width_ascii_and_trims() -> None:
    assert halfwidth("３３０１０６") == "330106"
    assert halfwidth("　ＡＢＣ－１２３，ｘ ") == "ABC-123,x"
    assert halfwidth("张伟、李娜。") == "张伟、李娜。"  # CJK punctuation has no ASCII twin


@pytest.mark.parametrize("blank", [None, "", "   ", "　", "\t\n"])
def test_every_function_is_null_for_blank_input(blank: str | None) -> None:
    assert halfwidth(blank) is None
    assert normalize_id_number(blank) is None
    assert id_number_birth_date(blank) is None
    assert id_number_sex(blank) is None
    assert parse_date(blank) is None
    assert normalize_phone(blank) is None
    # The one exception: a missing ID number is a problem worth a reason.
    assert id_number_problem(blank) == "empty"


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-/:. ", min_size=1))
def test_halfwidth_undoes_full_width(text: str) -> None:
    assert halfwidth(text.translate(FULLWIDTH)) == (text.strip() or None)


# --- ID numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("110105491231002", "11010519491231002X"),  # legacy 15 digits: '19' + computed check digit
    ],
)
def test_valid_spellings_normalize_to_one_valid_number(raw: str, normalized: str) -> None:
    assert normalize_id_number(raw) == normalized
    assert id_number_problem(raw) is None
    assert is_valid_id_number(raw)
    assert id_number_birth_date(raw) == date(1949, 12, 31)
    assert id_number_sex(raw) == "2"  # 17th digit 2 is even


@pytest.mark.parametrize(
    ("raw", "problem", "normalized"),
    [
        ("11010519491231002Y", "characters", "11010519491231002Y"),
        ("1101051949123100X2", "characters", "1101051949123100X2"),
        ("身份证11010519491231002X", "characters", "身份证11010519491231002X"),
        ("1101051949123100", "length", "1101051949123100"),
        ("1101051949123100211", "length", "1101051949123100211"),
        ("110105194912310021", "checksum", "110105194912310021"),
        ("110105491331002", "birth_date", "110105491331002"),  # 15 digits, month 13: kept as is
        ("999999491231002", "address_code", "999999491231002"),
        ("", "empty", None),
    ],
)
def test_invalid_numbers_are_kept_and_explained(raw: str, problem: str, normalized: str | None) -> None:
    assert id_number_problem(raw) == problem
    assert problem in ID_PROBLEMS
    assert normalize_id_number(raw) == normalized
    assert id_number_birth_date(raw) is None
    assert id_number_sex(raw) is None


def test_impossible_birth_date_and_unknown_address_with_a_correct_check_digit() -> None:
    bad_date = f"{ADDRESS}19900230123"
    assert id_number_problem(bad_date + ric.calc_check_digit(bad_date + "0")) == "birth_date"
    bad_place = "99999919900101123"
    assert id_number_problem(bad_place + ric.calc_check_digit(bad_place + "0")) == "address_code"


@given(births, sequences)
def test_generated_numbers_round_trip(birth: date, sequence: int) -> None:
    number = make_id(birth, sequence)
    assert id_number_problem(number) is None
    assert id_number_birth_date(number) == birth
    assert id_number_sex(number) == ("1" if sequence % 2 else "2")
    assert normalize_id_number(number.translate(FULLWIDTH).lower()) == number


@given(births, sequences, st.integers(min_value=1, max_value=10))
def test_a_wrong_check_digit_is_never_fixed(birth: date, sequence: int, shift: int) -> None:
    number = make_id(birth, sequence)
    digits = "0123456789X"
    wrong = number[:17] + digits[(digits.index(number[17]) + shift) % 11]
    assert id_number_problem(wrong) == "checksum"
    assert normalize_id_number(wrong) == wrong


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)), sequences)
def test_valid_15_digit_numbers_upgrade_to_the_18_digit_form(birth: date, sequence: int) -> None:
    legacy = f"{ADDRESS}{birth:%y%m%d}{sequence:03d}"
    upgraded = normalize_id_number(legacy)
    assert upgraded is not None and len(upgraded) == 18
    assert upgraded[:17] == f"{ADDRESS}{birth:%Y%m%d}{sequence:03d}"
    assert ric.is_valid(upgraded)


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2003-05-01",
        "2003-5-1",
        "2003/5/1",
        "2003/05/01",
        "20030501",
        "2003年5月1日",
        "2003年05月01日",
        "2003.5.1",
        "2003-05-01 08:00:00",
        "2003-05-01T08:00",
        "2003/5/1 8:30",
        "2003-05-01 08:00:00.000",
        "20030501 083000",
        "20030501083000",
        "2003年5月1日 8时30分",
        "２００３－０５－０１",
        " 2003-05-01 ",
    ],
)
def test_demo_date_spellings_parse(text: str) -> None:
    assert parse_date(text) == date(2003, 5, 1)


@pytest.mark.parametrize(
    "text", ["2003-02-30", "2003-13-01", "2003-5/1", "20-9-1", "202109", "2003", "五月一日", "2003-05-01x"]
)
def test_unparseable_or_impossible_dates_are_null(text: str) -> None:
    assert parse_date(text) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_every_demo_format_round_trips(day: date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y%m%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}.{day.month}.{day.day}",
        f"{day:%Y-%m-%d} 23:59:59",
    ):
        assert parse_date(text) == day, text


# --- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized", "mobile"),
    [
        ("13800001234", "13800001234", True),
        ("138 0000 1234", "13800001234", True),
        ("138-0000-1234", "13800001234", True),
        ("+86 138-0000-1234", "13800001234", True),
        ("+8613800001234", "13800001234", True),
        ("008613800001234", "13800001234", True),
        ("8613800001234", "13800001234", True),
        ("１３８００００１２３４", "13800001234", True),
        ("0571-8888 6666", "057188886666", False),
        ("(0571)88886666", "057188886666", False),
        ("12345", "12345", False),
        ("86", "86", False),
    ],
)
def test_phone_normalization(raw: str, normalized: str, mobile: bool) -> None:
    assert normalize_phone(raw) == normalized
    assert is_mobile_phone(raw) is mobile


# --- as SQL functions ---------------------------------------------------------------------------


def test_sql_functions_run_in_duckdb(tmp_path: Path) -> None:
    con = engine.connect(tmp_path / "cleaning.duckdb")
    for function in SQL_FUNCTIONS:
        engine.create_function(con, function.name, function.function, function.parameters, function.returns)
    assert {f.name for f in SQL_FUNCTIONS} == {
        "cb_halfwidth",
        "cb_id_normalize",
        "cb_id_problem",
        "cb_id_birth_date",
        "cb_id_sex",
        "cb_parse_date",
        "cb_phone_normalize",
    }
    engine.run(
        con,
        "CREATE TABLE t AS SELECT * FROM (VALUES ('１１０１０５４９１２３１００２'), ('110105194912310021'), "
        "(NULL), ('  ')) AS v(s)",
    )
    rows = engine.fetch_all(
        con,
        "SELECT cb_halfwidth(s), cb_id_normalize(s), cb_id_problem(s), cb_id_birth_date(s), cb_id_sex(s) "
        "FROM t ORDER BY s NULLS LAST",
    )
    assert rows == [
        (None, None, "empty", None, None),
        ("110105194912310021", "110105194912310021", "checksum", None, None),
        ("110105491231002", "11010519491231002X", None, date(1949, 12, 31), "2"),
        (None, None, "empty", None, None),
    ]
    assert engine.fetch_all(
        con,
        "SELECT cb_parse_date('2003年5月1日'), cb_parse_date('nope'), cb_phone_normalize('+86 138-0000-1234')",
    ) == [(date(2003, 5, 1), None, "13800001234")]
    con.close()


def test_address_codes_are_checked_against_the_birth_year() -> None:
    # 330103 下城区 existed from 1983 to 2021: a number issued to someone born in 1990 stays
    # valid after the district merged away, but no one born in 2022 can have it.
    for year, problem in ((1990, None), (2022, "address_code")):
        body = f"330103{year}0101123"
        assert id_number_problem(body + ric.calc_check_digit(body + "0")) == problem
