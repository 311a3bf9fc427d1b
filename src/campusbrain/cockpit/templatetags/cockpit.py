"""Template filters of the cockpit: numbers as a leader reads them, status words, scope labels."""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone

from campusbrain.cockpit.exports import status_label
from campusbrain.cockpit.selectors import scope_label

register = template.Library()


@register.filter
def metric_number(value: float | None) -> str:
    """``12,345`` for whole numbers, ``98.76`` otherwise, ``—`` for no value."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@register.filter
def raw_number(value: float | None) -> str:
    """The value as machine-readable text for ``data-value`` (empty when there is none)."""
    return "" if value is None else repr(float(value))


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return ""
    text = metric_number(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "±0")


@register.filter
def status_text(status: str) -> str:
    return status_label(status)


@register.filter
def scope_text(scope: str) -> str:
    return scope_label(scope)


@register.filter
def utc(moment: datetime | None) -> datetime | None:
    """A naive hub time (DuckDB TIMESTAMP, UTC) made aware, so ``date`` shows it in local time
    like every other time on the page; an aware time passes unchanged."""
    if moment is None or not timezone.is_naive(moment):
        return moment
    return moment.replace(tzinfo=UTC)
