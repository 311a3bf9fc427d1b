"""Column comments from a model header, and pinyin initials for search.

Model headers list their columns in prose: ``XH 学号, XM 姓名, SFZJH 身份证件号 (cb_id_normalize:
…), id_problem (cb_id_problem: NULL when valid …)``. A column's comment is the text right after
its name when that text starts with a Chinese character (up to the next top-level comma or
semicolon) or with a parenthesis (its balanced content). Anything else (``DWH + DWMC``, a name
in a list ``XH, XM``) is no comment, so nothing is invented.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u3400-\u9fff]")
_STOP = ",;，；。"


def _is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


def _balanced(text: str, start: int) -> str:
    """The content of the parenthesis opened at ``text[start]`` (to the end if it never closes)."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] in "(（":
            depth += 1
        elif text[index] in ")）":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index].strip()
    return text[start + 1 :].strip()


def _phrase(text: str, start: int) -> str:
    """Text from ``start`` to the next comma or semicolon outside parentheses."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        elif char in _STOP and depth == 0:
            return text[start:index].strip()
    return text[start:].strip().rstrip(".")


def column_comments(description: str, columns: list[str]) -> dict[str, str]:
    """Comment of each column the header describes (see the module docstring)."""
    comments: dict[str, str] = {}
    for column in columns:
        pattern = re.compile(r"(?<![A-Za-z0-9_./])" + re.escape(column) + r"(?![A-Za-z0-9_])\s+")
        for match in pattern.finditer(description):
            position = match.end()
            if position >= len(description):
                continue
            first = description[position]
            if _is_cjk(first):
                comments[column] = _phrase(description, position)
            elif first in "(（":
                comments[column] = _balanced(description, position)
            else:
                continue
            break
    return comments


def short_label(comment: str) -> str:
    """The leading Chinese words of a comment (``身份证件号`` of ``身份证件号 (cb_id_normalize …)``)."""
    match = re.match(r"[\u3400-\u9fff0-9A-Za-z/·（）()]*[\u3400-\u9fff][\u3400-\u9fff0-9/·]*", comment)
    return match.group(0) if match and _CJK.search(match.group(0)) else ""


@lru_cache(maxsize=65536)
def pinyin_initials(text: str) -> str:
    """First letters of the pinyin of the Chinese characters in ``text`` (学生基本信息 → xsjbxx)."""
    chinese = "".join(char for char in text if _is_cjk(char))
    if not chinese:
        return ""
    return "".join(syllable[:1] for syllable in lazy_pinyin(chinese, style=Style.FIRST_LETTER)).lower()
