"""Writes of the cockpit. It keeps no tables of its own; the one thing it records is an unmasked view."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User

from campusbrain.accounts.services import personal_data_view_record


def source_rows_unmask_record(
    *, user: User, metric_id: str, filters: Mapping[str, str], fields: list[str]
) -> None:
    """Audit that ``user`` saw the rows behind ``metric_id`` (cut by ``filters``) with ``fields`` in clear.

    Called by the drill-through view before it renders unmasked rows, after the right was checked.
    """
    cut = ",".join(f"{k}={v}" for k, v in sorted(filters.items()))
    personal_data_view_record(
        user=user,
        purpose="cockpit drill-through",
        object_ref=f"metric:{metric_id}" + (f"?{cut}" if cut else ""),
        fields=list(fields),
    )
