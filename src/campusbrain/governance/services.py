"""Writes of data governance: a crosswalk mapping, and the audit of failing rows seen in clear.

The app keeps no tables of its own: a mapping goes into the college's crosswalk YAML through
``hub.api`` (the next build applies it), an unmasked view into the accounts audit trail.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User

from campusbrain.accounts.services import personal_data_view_record
from campusbrain.hub import api
from campusbrain.hub.contracts import FailingRows, UnmappedValue


def crosswalk_mapping_create(*, home: Path, value: UnmappedValue, code: str) -> Path:
    """Map one unmapped source value to a standard code; returns the crosswalk file written.

    The caller (the view, through ``selectors.unmapped_lookup``) has checked that the value is in
    the viewer's own queue. ``CrosswalkError`` (a code outside the set, a value mapped meanwhile)
    and ``HubBusy`` pass through for the page to show.
    """
    return api.crosswalk_mapping_add(
        home,
        source=value.source,
        table=value.table,
        field=value.field,
        source_value=value.source_value,
        code=code.strip(),
    )


def failing_rows_unmask_record(*, user: User, ticket_id: str, rows: FailingRows) -> None:
    """Audit that ``user`` saw a ticket's failing rows in clear; called before the page is rendered."""
    fields = sorted({row.column_name or rows.rule.column_name or "row_key" for row in rows.rows})
    personal_data_view_record(
        user=user,
        purpose="governance failing rows",
        object_ref=f"ticket:{ticket_id}?rule={rows.rule.rule_id}",
        fields=fields or [rows.rule.column_name or "row_key"],
    )
