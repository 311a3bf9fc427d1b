"""The hub's academic calendar agrees with the demo college's and labels periods so they sort."""

from __future__ import annotations

from datetime import date

from campusbrain.demo import calendar as demo
from campusbrain.hub.metrics.calendar import CALENDAR


def test_terms_match_the_demo_college() -> None:
    hub_terms = {t.label: (t.start, t.end) for t in CALENDAR.terms()}
    for term in demo.all_terms():
        assert hub_terms[term.label] == (term.start, term.end)


def test_school_year_runs_from_september_to_august() -> None:
    assert CALENDAR.school_year_of(date(2024, 9, 1)) == "2024-2025"
    assert CALENDAR.school_year_of(date(2025, 8, 31)) == "2024-2025"


def test_teaching_weeks_count_from_the_first_monday_of_term() -> None:
    first = demo.terms_of_year(2024)[0]
    assert CALENDAR.teaching_week_of(first.start) == "2024-2025-1-W01"
    assert CALENDAR.teaching_week_of(date.fromordinal(first.start.toordinal() + 13)) == "2024-2025-1-W02"
    assert CALENDAR.teaching_week_of(date(2025, 1, 31)) is None  # winter holiday
