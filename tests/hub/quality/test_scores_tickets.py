"""Score arithmetic and its roll-up, and the ticket life cycle (pure functions, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from campusbrain.hub.quality.scores import WEIGHTS, Measured, overall, roll_up, score_of
from campusbrain.hub.quality.tickets import SLA, Finding, advance


def _m(
    dimension: str, checked: int, failing: int, table: str, column: str | None, source: str, dept: str
) -> Measured:
    return Measured(
        dimension=dimension,
        checked=checked,
        failing=failing,
        subjects={
            "column": (f"{table}.{column}", column) if column else None,
            "table": (table, table),
            "source": (source, source),
            "department": (dept, dept),
            "college": ("college", "全校"),
        },
    )


def test_score_is_share_of_passing_rows() -> None:
    assert score_of(200, 50) == 75.0
    assert score_of(0, 0) == 100.0
    assert score_of(10, 30) == 0.0  # never below zero


def test_overall_is_the_weighted_mean_of_present_dimensions() -> None:
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)
    # completeness 80 (w .20) and timeliness 50 (w .15): (0.2*80 + 0.15*50) / 0.35
    assert overall({"completeness": (10, 2), "timeliness": (2, 1)}) == pytest.approx(
        (0.2 * 80 + 0.15 * 50) / 0.35, abs=1e-3
    )
    assert overall({}) == 100.0


def test_roll_up_sums_rows_per_subject_and_dimension() -> None:
    measured = [
        _m("completeness", 100, 10, "dwd.student", "SFZJH", "jiaowu", "002"),
        _m("validity", 100, 20, "dwd.student", "SFZJH", "jiaowu", "002"),
        _m("completeness", 300, 0, "dwd.grade", "KCH", "jiaowu", "002"),
        _m("uniqueness", 50, 5, "dwd.affairs", None, "xuegong", "003"),
    ]
    scores = {(s.level, s.subject, s.dimension): s for s in roll_up(measured)}
    assert scores[("column", "dwd.student.SFZJH", "completeness")].score == 90.0
    assert scores[("table", "dwd.student", "validity")].score == 80.0
    # jiaowu completeness: (100 + 300) checked, 10 failing -> 97.5
    jiaowu = scores[("source", "jiaowu", "completeness")]
    assert (jiaowu.checked, jiaowu.failing, jiaowu.score) == (400, 10, 97.5)
    college = scores[("college", "college", "overall")]
    assert (college.checked, college.failing) == (550, 35)
    expected = (0.2 * 97.5 + 0.2 * 80.0 + 0.15 * 90.0) / 0.55
    assert college.score == pytest.approx(expected, abs=1e-3)
    assert ("column", "dwd.affairs", "uniqueness") not in scores  # a rule on no column has no column score
    assert scores[("department", "003", "overall")].score == 90.0


def _finding(failing: int, severity: str = "warn") -> Finding:
    return Finding("r.one", "dwd.x", "C", "validity", severity, "002", "教务处", failing)


def test_ticket_opens_updates_closes_and_reopens() -> None:
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    tickets, events = advance([], [_finding(3, "error")], build_id="b1", now=t0)
    (ticket,) = tickets
    assert (ticket.status, ticket.opened_build, ticket.failing_rows, ticket.owner_department) == (
        "open",
        "b1",
        3,
        "002",
    )
    assert ticket.due_at == t0 + SLA["error"] == t0 + timedelta(days=3)
    assert [e.event for e in events] == ["opened"]

    tickets, events = advance(tickets, [_finding(3, "error")], build_id="b2", now=t0 + timedelta(hours=1))
    assert tickets[0].last_seen_build == "b2" and events == []  # unchanged: no event
    tickets, events = advance(tickets, [_finding(1, "error")], build_id="b3", now=t0 + timedelta(hours=2))
    assert tickets[0].failing_rows == 1 and [e.event for e in events] == ["updated"]
    assert tickets[0].due_at == t0 + timedelta(days=3)  # an update keeps the deadline

    tickets, events = advance(tickets, [_finding(0, "error")], build_id="b4", now=t0 + timedelta(days=1))
    assert (tickets[0].status, tickets[0].closed_build) == ("closed", "b4") and [e.event for e in events] == [
        "closed"
    ]
    tickets, events = advance(tickets, [_finding(0)], build_id="b5", now=t0 + timedelta(days=2))
    assert events == [] and tickets[0].status == "closed"

    later = t0 + timedelta(days=5)
    tickets, events = advance(tickets, [_finding(2)], build_id="b6", now=later)
    assert (tickets[0].status, tickets[0].opened_build, tickets[0].closed_build) == ("open", "b6", None)
    assert tickets[0].due_at == later + timedelta(days=14) and [e.event for e in events] == ["reopened"]


def test_a_passing_rule_without_a_ticket_opens_none() -> None:
    assert advance([], [_finding(0)], build_id="b1", now=datetime(2026, 12, 1, tzinfo=UTC)) == ([], [])
