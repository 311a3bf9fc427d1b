"""The academic calendar metrics are cut by: 学年 (9/1–8/31), 学期, 教学周, 月 and 自然年.

A 学年 runs from 1 September to 31 August and is labelled ``2024-2025``. Each 学年 has two teaching
terms (学期) of :attr:`AcademicCalendar.term_weeks` weeks, labelled ``2024-2025-1`` and
``2024-2025-2``; the first starts on the first Monday on or after 8 September, the second on the
first Monday on or after 24 February (the demo college's rule, and a common one). A day outside
both terms (a holiday) has no 学期 and no 教学周. 教学周 are numbered from 1 in their term:
``2024-2025-1-W03``. Months are ``2024-09``, calendar years ``2024``.

The period labels sort as text in time order, which the compiler relies on for cumulative
metrics. The calendar is turned into SQLGlot expressions here so that every metric derives its
periods from a date column the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlglot import exp

GRAINS = ("学年", "学期", "教学周", "月", "自然年", "时点")
# Grains a DATE column can be cut into by the calendar (时点 is the build's census, not a date).
DATE_GRAINS = ("学年", "学期", "教学周", "月", "自然年")


@dataclass(frozen=True)
class Term:
    """One teaching term: ``label`` ``2024-2025-1``, first and last day (inclusive)."""

    label: str
    start: date
    end: date


@dataclass(frozen=True)
class AcademicCalendar:
    """Where terms start; the defaults are the demo college's (and many colleges') rule."""

    year_start_month: int = 9
    first_term_anchor: tuple[int, int] = (9, 8)  # first Monday on/after this (month, day)
    second_term_anchor: tuple[int, int] = (2, 24)  # in the following calendar year
    term_weeks: int = 19
    first_year: int = 2010
    last_year: int = 2040

    def school_year_of(self, day: date) -> str:
        """The 学年 label of a day (``2024-2025`` for 2025-03-01)."""
        start = day.year if day.month >= self.year_start_month else day.year - 1
        return f"{start}-{start + 1}"

    def terms(self) -> tuple[Term, ...]:
        """Every term between ``first_year`` and ``last_year``, oldest first."""
        result: list[Term] = []
        for year in range(self.first_year, self.last_year + 1):
            for number, anchor in (
                (1, date(year, *self.first_term_anchor)),
                (2, date(year + 1, *self.second_term_anchor)),
            ):
                start = anchor + timedelta(days=(7 - anchor.weekday()) % 7)
                end = start + timedelta(weeks=self.term_weeks) - timedelta(days=1)
                result.append(Term(f"{year}-{year + 1}-{number}", start, end))
        return tuple(result)

    def term_of(self, day: date) -> Term | None:
        """The term containing ``day``, or None in a holiday."""
        return next((t for t in self.terms() if t.start <= day <= t.end), None)

    def teaching_week_of(self, day: date) -> str | None:
        """The 教学周 label of ``day`` (``2024-2025-1-W03``), or None in a holiday."""
        term = self.term_of(day)
        if term is None:
            return None
        return f"{term.label}-W{(day - term.start).days // 7 + 1:02d}"

    # --- SQL --------------------------------------------------------------------------------

    def terms_table(self, alias: str) -> exp.Subquery:
        """The terms as a ``(VALUES …) AS alias(label, start_on, end_on)`` table to join a date on."""
        rows = [
            exp.Tuple(
                expressions=[
                    exp.Literal.string(t.label),
                    exp.cast(exp.Literal.string(t.start.isoformat()), exp.DataType.Type.DATE),
                    exp.cast(exp.Literal.string(t.end.isoformat()), exp.DataType.Type.DATE),
                ]
            )
            for t in self.terms()
        ]
        values = exp.Values(
            expressions=rows,
            alias=exp.TableAlias(
                this=exp.to_identifier(alias),
                columns=[exp.to_identifier(c) for c in ("label", "start_on", "end_on")],
            ),
        )
        return values  # type: ignore[return-value]  # a VALUES with an alias is a table source

    def period_of_date(self, grain: str, day: exp.Expr, term_alias: str) -> exp.Expr:
        """The period label of a DATE expression at ``grain`` (学期/教学周 read the joined terms)."""
        d = exp.cast(day, exp.DataType.Type.DATE)
        if grain == "月":
            return exp.func("strftime", d, exp.Literal.string("%Y-%m"))
        if grain == "自然年":
            return exp.cast(exp.func("year", d), exp.DataType.Type.VARCHAR)
        if grain == "学年":
            start = exp.If(
                this=exp.GTE(this=exp.func("month", d), expression=exp.Literal.number(self.year_start_month)),
                true=exp.func("year", d),
                false=exp.Sub(this=exp.func("year", d), expression=exp.Literal.number(1)),
            )
            return exp.func(
                "concat",
                exp.cast(start, exp.DataType.Type.VARCHAR),
                exp.Literal.string("-"),
                exp.cast(
                    exp.Add(this=start.copy(), expression=exp.Literal.number(1)), exp.DataType.Type.VARCHAR
                ),
            )
        label = exp.column("label", table=term_alias)
        if grain == "学期":
            return label
        if grain == "教学周":
            week = exp.Add(
                this=exp.IntDiv(
                    this=exp.DateDiff(
                        this=d.copy(),
                        expression=exp.column("start_on", table=term_alias),
                        unit=exp.var("DAY"),
                    ),
                    expression=exp.Literal.number(7),
                ),
                expression=exp.Literal.number(1),
            )
            return exp.func(
                "concat",
                label,
                exp.Literal.string("-W"),
                exp.func(
                    "lpad",
                    exp.cast(week, exp.DataType.Type.VARCHAR),
                    exp.Literal.number(2),
                    exp.Literal.string("0"),
                ),
            )
        raise ValueError(f"a date cannot be cut by {grain!r}; one of {DATE_GRAINS}")

    def term_join_condition(self, day: exp.Expr, term_alias: str) -> exp.Expr:
        """``day BETWEEN alias.start_on AND alias.end_on``: the join of a date to its term."""
        return exp.Between(
            this=exp.cast(day, exp.DataType.Type.DATE),
            low=exp.column("start_on", table=term_alias),
            high=exp.column("end_on", table=term_alias),
        )


CALENDAR = AcademicCalendar()
