"""The demo college's academic calendar: 学年 9/1–8/31, two teaching terms a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# The demo data ends the day before "today" of the fictional college; a fixed date keeps
# output byte-identical whatever the wall clock says.
AS_OF = date(2026, 11, 30)
# Transactions (card, library, learning platform) start with the 2023-2024 学年, which gives
# three full academic years of history plus the current term.
HISTORY_START = date(2023, 9, 1)
FIRST_COHORT = 2021  # graduated June 2024; the oldest class that still appears in the history window
LAST_COHORT = 2026


@dataclass(frozen=True)
class Term:
    """One teaching term. ``year`` is the 学年 start year (正方 ``xnm``), ``number`` 1 or 2."""

    year: int
    number: int
    start: date
    end: date

    @property
    def xqm(self) -> str:
        """正方's term code: "3" for the first term, "12" for the second."""
        return "3" if self.number == 1 else "12"

    @property
    def label(self) -> str:
        return f"{self.year}-{self.year + 1}-{self.number}"


def terms_of_year(year: int) -> tuple[Term, Term]:
    """Both terms of 学年 ``year``–``year+1``: classes start on the first Monday on/after 9/8 and 2/24."""
    first_start = _monday_on_or_after(date(year, 9, 8))
    first_end = first_start + timedelta(weeks=19) - timedelta(days=1)
    second_start = _monday_on_or_after(date(year + 1, 2, 24))
    second_end = second_start + timedelta(weeks=19) - timedelta(days=1)
    return Term(year, 1, first_start, first_end), Term(year, 2, second_start, second_end)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def all_terms(first_year: int = FIRST_COHORT, as_of: date = AS_OF) -> list[Term]:
    """Every term that has started by ``as_of``, oldest first."""
    terms: list[Term] = []
    for year in range(first_year, as_of.year + 1):
        terms.extend(t for t in terms_of_year(year) if t.start <= as_of)
    return terms


def term_of(day: date) -> Term | None:
    """The teaching term that contains ``day``, or None in a holiday."""
    year = day.year if day.month >= 9 else day.year - 1
    for term in terms_of_year(year):
        if term.start <= day <= term.end:
            return term
    return None


def days(start: date = HISTORY_START, end: date = AS_OF) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]
