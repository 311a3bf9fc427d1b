"""The data hub's facade: the only module apps (Django, CLI, bench) call to read from the hub.

Apps never run ad-hoc SQL on warehouse tables and never import ``hub`` internals: they ask here,
pass a :class:`~campusbrain.hub.contracts.Viewer`, and get frozen dataclasses from
``hub/contracts.py`` back, scoped and masked for that viewer. Every function documents what it
reads and which errors it raises. Sections below are grouped by the part of the hub that answers.
"""

from __future__ import annotations

# --- quality: rule results, scores, tickets (hub/quality) ----------------------------------------


# --- catalog: data items, lineage, freshness (hub/catalog) ---------------------------------------


# --- metrics: governed metrics with provenance (hub/metrics) -------------------------------------
