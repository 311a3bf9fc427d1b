"""Cleaning functions for source values: half-width text, ID numbers, dates and phone numbers.

Each function is plain Python, callable from Python code, and is also listed in ``SQL_FUNCTIONS``
so the build registers it on its DuckDB connection and SQL models can call it by its ``cb_`` name
(``cb_id_problem(s.SFZJH)``). Every function answers ``None`` (SQL NULL) for NULL or blank input.

The rule for all of them: normalize the spelling, never guess the content. A full-width digit
becomes a half-width one and a legacy 15-digit ID number gains its century and check digit, but
an ID number with a wrong check digit is returned as it is and flagged by ``id_number_problem``;
nobody "repairs" it into some other person's number.

ID numbers are validated with ``stdnum.cn.ric`` (GB 11643: check digit, birth date, and the
address code against stdnum's table of historical GB/T 2260 codes valid in the birth year).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

# The cleaning functions run once per distinct value through DuckDB Python UDFs; real columns
# repeat values a lot (dates, codes), so a bounded cache saves most of the Python work.
_CACHE_SIZE = 1 << 17

# Full-width forms U+FF01..U+FF5E are ASCII U+0021..U+007E shifted by 0xFEE0; U+3000 is the
# ideographic space. Other CJK punctuation (、。「」) has no ASCII twin and stays.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

_ID_CHARACTERS = re.compile(r"^[0-9X]+$")
_WHITESPACE = re.compile(r"\s+")

ID_PROBLEMS = {
    "empty": "为空",
    "characters": "含非法字符",
    "length": "位数不对",
    "checksum": "校验位错误",
    "birth_date": "出生日期无效",
    "address_code": "地址码无效",
}
"""Reason codes of ``id_number_problem`` with their Chinese labels, for reports."""


@dataclass(frozen=True)
class SqlFunction:
    """A Python function the build registers as a DuckDB scalar function.

    ``parameters`` and ``returns`` are DuckDB type names ('VARCHAR', 'DATE', 'BOOLEAN').
    """

    name: str
    function: Callable[..., object]
    parameters: tuple[str, ...]
    returns: str
    description: str = ""


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


@lru_cache(maxsize=_CACHE_SIZE)
def halfwidth(value: str | None) -> str | None:
    """Full-width digits, letters, space and ASCII punctuation → half-width, then trimmed.

    ``'３３０１０６'`` → ``'330106'``; ``'  ＡＢＣ　'`` → ``'ABC'``; blank → ``None``.
    """
    if value is None:
        return None
    text = value.translate(_HALFWIDTH).strip()
    return text or None


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_id_number(value: str | None) -> str | None:
    """The canonical spelling of an ID number (公民身份号码), valid or not.

    Half-width, whitespace removed, upper-case ``X``; a legacy 15-digit number (GB 11643-1989)
    that is valid becomes its 18-digit form ('19' inserted before the year, check digit computed
    by stdnum). An invalid value comes back normalized but otherwise unchanged.
    """
    text = halfwidth(value)
    if text is None:
        return None
    text = _WHITESPACE.sub("", text).upper()
    if len(text) == 15 and text.isdigit():
        upgraded = _upgrade_15(text)
        if ric.is_valid(upgraded):
            return upgraded
    return text


def _upgrade_15(number: str) -> str:
    body = number[:6] + "19" + number[6:]
    # calc_check_digit expects the full 18 characters and ignores the last one.
    return body + ric.calc_check_digit(body + "0")


@lru_cache(maxsize=_CACHE_SIZE)
def id_number_problem(value: str | None) -> str | None:
    """Why a value is not a valid 18-digit ID number, or ``None`` when it is one.

    Reasons (see ``ID_PROBLEMS``): ``empty``, ``characters`` (anything but digits and a final X),
    ``length`` (not 18, or 15 for a legacy number), ``checksum``, ``birth_date``, ``address_code``.
    A legacy 15-digit number that cannot be upgraded reports why (its date or address code).
    """
    number = normalize_id_number(value)
    if number is None:
        return "empty"
    if not _ID_CHARACTERS.match(number) or "X" in number[:-1]:
        return "characters"
    if len(number) not in (15, 18):
        return "length"
    if len(number) == 15:
        if not number.isdigit():
            return "characters"
        return _component_problem(_upgrade_15(number)) or "length"
    if number[-1] != ric.calc_check_digit(number):
        return "checksum"
    return _component_problem(number)


def _component_problem(number: str) -> str | None:
    try:
        ric.get_birth_date(number)
    except (ValidationError, ValueError):
        return "birth_date"
    try:
        ric.get_birth_place(number)
    except (ValidationError, ValueError):
        return "address_code"
    return None


def is_valid_id_number(value: str | None) -> bool:
    """Whether the normalized value is a valid 18-digit ID number (stdnum.cn.ric)."""
    return id_number_problem(value) is None


@lru_cache(maxsize=_CACHE_SIZE)
def id_number_birth_date(value: str | None) -> date | None:
    """The birth date encoded in a valid ID number; ``None`` for an invalid one."""
    if id_number_problem(value) is not None:
        return None
    number = normalize_id_number(value)
    assert number is not None
    return ric.get_birth_date(number)


@lru_cache(maxsize=_CACHE_SIZE)
def id_number_sex(value: str | None) -> str | None:
    """GB/T 2261.1 sex code from a valid ID number: '1' 男 (odd 17th digit), '2' 女 (even)."""
    if id_number_problem(value) is not None:
        return None
    number = normalize_id_number(value)
    assert number is not None
    return "1" if int(number[16]) % 2 else "2"


# An optional time after the date: 08:00, 08:00:00.123, 8时30分; the day is all we keep.
_TIME = r"(?:[ T]+\d{1,2}(?::\d{1,2}){1,2}(?:\.\d+)?|[ T]*\d{1,2}时(?:\d{1,2}分(?:\d{1,2}秒)?)?)?"
_DATE_PATTERNS = (
    # 2003-05-01, 2003/5/1, 2003.5.1: the same separator twice.
    re.compile(r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})" + _TIME + "$"),
    # 2003年5月1日
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日" + _TIME + "$"),
    # 20030501, optionally with a time as 083000, 0830 or 08:30:00.
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[ T]*\d{2}:?\d{2}(?::?\d{2})?)?$"),
)


@lru_cache(maxsize=_CACHE_SIZE)
def parse_date(value: str | None) -> date | None:
    """A date from the spellings the demo college's exports mix, or ``None`` when unparseable.

    Accepted: ``2003-05-01``, ``2003/5/1``, ``20030501``, ``2003年5月1日``, ``2003.5.1``, each
    optionally followed by a time (``2003-05-01 08:00:00``, ``2003-05-01T08:00``,
    ``20030501083000``), with full-width digits allowed. An impossible date (``2003-02-30``)
    is ``None``, not the nearest real day.
    """
    text = halfwidth(value)
    if text is None:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_NOISE = re.compile(r"[\s\-()（）]+")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86(?=1[3-9]\d{9}$))")


@lru_cache(maxsize=_CACHE_SIZE)
def normalize_phone(value: str | None) -> str | None:
    """A phone number without spaces, dashes, brackets or the +86 / 0086 country prefix.

    An 11-digit mainland mobile number comes back as its 11 digits (``'+86 138-0000-1234'`` →
    ``'13800001234'``); anything else comes back cleaned the same way but is not otherwise
    changed (a landline keeps its area code: ``'0571-8888 6666'`` → ``'057188886666'``).
    """
    text = halfwidth(value)
    if text is None:
        return None
    cleaned = _PHONE_NOISE.sub("", text)
    cleaned = _COUNTRY_PREFIX.sub("", cleaned)
    return cleaned or None


def is_mobile_phone(value: str | None) -> bool:
    """Whether the normalized value is an 11-digit mainland mobile number."""
    phone = normalize_phone(value)
    return phone is not None and bool(_MOBILE.match(phone))


SQL_FUNCTIONS: tuple[SqlFunction, ...] = (
    SqlFunction("cb_halfwidth", halfwidth, ("VARCHAR",), "VARCHAR", "全角转半角并去首尾空白"),
    SqlFunction(
        "cb_id_normalize", normalize_id_number, ("VARCHAR",), "VARCHAR", "身份证号规范化（15位升18位）"
    ),
    SqlFunction("cb_id_problem", id_number_problem, ("VARCHAR",), "VARCHAR", "身份证号问题代码，有效为NULL"),
    SqlFunction("cb_id_birth_date", id_number_birth_date, ("VARCHAR",), "DATE", "身份证号中的出生日期"),
    SqlFunction("cb_id_sex", id_number_sex, ("VARCHAR",), "VARCHAR", "身份证号推出的性别码（GB/T 2261.1）"),
    SqlFunction("cb_parse_date", parse_date, ("VARCHAR",), "DATE", "多种日期写法解析为日期"),
    SqlFunction("cb_phone_normalize", normalize_phone, ("VARCHAR",), "VARCHAR", "电话号码规范化"),
)
"""Every cleaning function the build registers on its connection, by SQL name."""
