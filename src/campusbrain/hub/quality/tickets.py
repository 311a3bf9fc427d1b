"""Quality tickets: one per rule, opened for the owning department when the rule fails.

Each build re-checks every rule: a failing rule opens its ticket (or reopens a closed one) with a
deadline by severity (:data:`SLA`), a rule still failing updates it, a rule that passes closes it.
The state lives in the snapshot (``quality.ticket``) and is carried from the previous snapshot,
with every change appended to ``quality.ticket_event``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# Days the owning department has to fix a failing rule, from the build that (re)opened it.
SLA: Mapping[str, timedelta] = {"error": timedelta(days=3), "warn": timedelta(days=14)}


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    rule_id: str
    model: str
    column_name: str | None
    dimension: str
    severity: str
    owner_department: str
    owner_name: str
    status: str
    opened_build: str
    opened_at: datetime
    due_at: datetime
    last_seen_build: str
    failing_rows: int
    closed_build: str | None
    closed_at: datetime | None


@dataclass(frozen=True)
class Event:
    ticket_id: str
    build_id: str
    at: datetime
    event: str
    failing_rows: int


@dataclass(frozen=True)
class Finding:
    """What the build found for one rule (only rules that ran: an ``error`` status changes nothing)."""

    rule_id: str
    model: str
    column_name: str | None
    dimension: str
    severity: str
    owner_department: str
    owner_name: str
    failing_rows: int


def ticket_id(rule_id: str) -> str:
    return f"QT-{rule_id}"


def advance(
    previous: Iterable[Ticket], findings: Iterable[Finding], *, build_id: str, now: datetime
) -> tuple[list[Ticket], list[Event]]:
    """The tickets after this build, and the events it caused."""
    tickets = {t.rule_id: t for t in previous}
    events: list[Event] = []
    for found in findings:
        current = tickets.get(found.rule_id)
        due = now + SLA[found.severity]
        owner = {
            "model": found.model,
            "column_name": found.column_name,
            "dimension": found.dimension,
            "severity": found.severity,
            "owner_department": found.owner_department,
            "owner_name": found.owner_name,
        }
        if found.failing_rows > 0:
            if current is None:
                current = Ticket(
                    ticket_id=ticket_id(found.rule_id),
                    rule_id=found.rule_id,
                    status="open",
                    opened_build=build_id,
                    opened_at=now,
                    due_at=due,
                    last_seen_build=build_id,
                    failing_rows=found.failing_rows,
                    closed_build=None,
                    closed_at=None,
                    **owner,  # type: ignore[arg-type]
                )
                events.append(Event(current.ticket_id, build_id, now, "opened", found.failing_rows))
            elif current.status == "closed":
                current = replace(
                    current,
                    status="open",
                    opened_build=build_id,
                    opened_at=now,
                    due_at=due,
                    last_seen_build=build_id,
                    failing_rows=found.failing_rows,
                    closed_build=None,
                    closed_at=None,
                    **owner,  # type: ignore[arg-type]
                )
                events.append(Event(current.ticket_id, build_id, now, "reopened", found.failing_rows))
            else:
                changed = current.failing_rows != found.failing_rows
                current = replace(
                    current,
                    last_seen_build=build_id,
                    failing_rows=found.failing_rows,
                    **owner,  # type: ignore[arg-type]
                )
                if changed:
                    events.append(Event(current.ticket_id, build_id, now, "updated", found.failing_rows))
            tickets[found.rule_id] = current
        elif current is not None and current.status == "open":
            current = replace(
                current,
                status="closed",
                last_seen_build=build_id,
                failing_rows=0,
                closed_build=build_id,
                closed_at=now,
            )
            events.append(Event(current.ticket_id, build_id, now, "closed", 0))
            tickets[found.rule_id] = current
    return sorted(tickets.values(), key=lambda t: t.ticket_id), events
