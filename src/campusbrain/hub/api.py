"""The data hub's facade: the only module apps (Django, CLI, bench) call to read from the hub.

Apps never run ad-hoc SQL on warehouse tables and never import ``hub`` internals: they ask here,
pass a :class:`~campusbrain.hub.contracts.Viewer`, and get frozen dataclasses from
``hub/contracts.py`` back, scoped and masked for that viewer. Every function documents what it
reads and which errors it raises. Sections below are grouped by the part of the hub that answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from campusbrain.hub.catalog import index as _catalog_index
from campusbrain.hub.catalog import items as _catalog_items
from campusbrain.hub.catalog import queue as _catalog_queue
from campusbrain.hub.catalog import search as _catalog_search
from campusbrain.hub.catalog.items import CatalogItemNotFound
from campusbrain.hub.catalog.search import CLASSIFICATIONS as CATALOG_CLASSIFICATIONS
from campusbrain.hub.catalog.search import LAYERS as CATALOG_LAYERS
from campusbrain.hub.catalog.search import CatalogQueryError
from campusbrain.hub.contracts import (
    CatalogCount,
    CatalogItem,
    CatalogPage,
    Classification,
    CodeChoice,
    DefectDetection,
    FailingRows,
    LineageGraph,
    QualityReport,
    QualityScore,
    QualityTicket,
    SourceStatus,
    TicketEvent,
    UnmappedValue,
)
from campusbrain.hub.lock import HubBusy
from campusbrain.hub.quality import read as _quality
from campusbrain.hub.quality.manifest import NoManifest as NoManifest
from campusbrain.hub.quality.read import NoQuality as NoQuality
from campusbrain.hub.quality.read import UnknownRule as UnknownRule
from campusbrain.hub.standards import crosswalks as _crosswalks
from campusbrain.hub.standards.crosswalks import CrosswalkError
from campusbrain.hub.standards.elements import mask as _mask
from campusbrain.hub.sync import status as _sync_status
from campusbrain.hub.warehouse import NothingPublished

# --- quality: rule results, scores, tickets (hub/quality) ----------------------------------------
# Errors: NothingPublished (no build yet), NoQuality (the published build ran no quality rules),
# UnknownRule (no such rule id), NoManifest (not a demo college).

QUALITY_ERRORS = (NothingPublished, NoQuality, UnknownRule)


def quality_report(home: Path) -> QualityReport:
    """Quality of the published build: every rule's result, this build's scores at every level, open tickets.

    Reads ``quality.rule_result``, ``quality.score`` (this build's rows) and ``quality.ticket`` of
    the published snapshot. Raises ``NothingPublished`` before the first build and ``NoQuality``
    when the published build ran without quality rules.
    """
    return _quality.report(home)


def quality_scores(
    home: Path, *, level: str, subject: str | None = None, dimension: str | None = None
) -> tuple[QualityScore, ...]:
    """Scores of one level (``column``, ``table``, ``source``, ``department``, ``college``) over every build, oldest first.

    ``subject`` (``dwd.student``, ``jiaowu``, ``002``, ``college``) and ``dimension``
    (``completeness`` … ``accuracy`` or ``overall``) narrow it down; the history is carried from
    snapshot to snapshot, so trends need nothing but the published one. ``ValueError`` for an
    unknown level; ``NothingPublished``/``NoQuality`` as :func:`quality_report`.
    """
    return _quality.scores(home, level=level, subject=subject, dimension=dimension)


def quality_tickets(
    home: Path, *, department: str | None = None, status: str | None = None
) -> tuple[QualityTicket, ...]:
    """Quality tickets, one per rule that ever failed, of one owning department (单位号) and/or status.

    ``status`` is ``open`` or ``closed`` (``ValueError`` otherwise). A ticket's ``due_at`` follows
    the SLA of its severity (docs/quality.md); the next build closes it once its rule passes.
    """
    return _quality.tickets(home, department=department, status=status)


def quality_ticket_events(home: Path, ticket_id: str) -> tuple[TicketEvent, ...]:
    """The history of one ticket (opened, updated, closed, reopened), oldest first."""
    return _quality.ticket_events(home, ticket_id)


def quality_failing_rows(home: Path, rule_id: str, *, limit: int = 100, masked: bool = False) -> FailingRows:
    """The captured failing rows of one rule (at most 1,000 are kept per rule), ``limit`` of them.

    Each row has its key (JSON), the raw value, the ODS table and the file and line (``_source``,
    ``_source_row``) it came from. Values are raw unless ``masked``: then each value is masked by
    its column's data element policy (ID ``330106********123X``, phone ``138****5678``, name
    ``张*``). A caller that shows raw values must check the viewer's right and audit the view.
    Raises ``UnknownRule`` for a rule the published build does not have.
    """
    rows = _quality.failing_rows(home, rule_id, limit=limit)
    return _quality.masked(rows) if masked else rows


def quality_detection(home: Path) -> tuple[DefectDetection, ...]:
    """Per planted defect kind of the demo manifest: planted, detected, recall, false alarms.

    Only a demo college has a manifest (``NoManifest`` otherwise); see docs/quality.md.
    """
    return _quality.detection(home)


# --- catalog: data items, lineage, freshness (hub/catalog) ---------------------------------------

# Errors a caller of the catalog functions handles (re-exported so apps need no hub internals):
# NothingPublished (no build yet), CatalogItemNotFound, CatalogQueryError (bad filter or paging),
# CrosswalkError (a mapping the crosswalk refuses), HubBusy (a sync holds the ODS).
CATALOG_ERRORS = (NothingPublished, CatalogItemNotFound, CatalogQueryError, CrosswalkError, HubBusy)


def catalog_search(
    home: Path,
    text: str,
    *,
    filters: Mapping[str, str] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> CatalogPage:
    """Search the data items of the published build (columns of ODS/DWD/DWS/ADS, data elements).

    ``text`` matches Chinese or English words, pinyin initials (``sfzjh`` finds 身份证件号), table
    and column names and owners; every word must match. ``filters`` may set ``layer`` (ods, dwd,
    dws, ads, element), ``system`` (jiaowu …), ``owner`` (单位号 or part of the department name)
    and ``classification`` (general, important, core, personal, sensitive, unclassified). Raises
    NothingPublished before the first build and CatalogQueryError for an unknown filter or value
    or bad paging. The index is built once per published build id and kept in memory.
    """
    return _catalog_search.search(
        _catalog_index.catalog_for(home), text, filters=filters, page=page, per_page=per_page
    )


def catalog_item(home: Path, item_id: str) -> CatalogItem:
    """One data item with its owner, classification, lineage up (to ODS columns) and down (to ADS),
    freshness of the ODS tables it comes from and quality scores of its column and table.

    Quality figures come from ``quality.score`` of the snapshot; without those tables
    ``quality_measured`` is False and ``quality`` empty. Raises CatalogItemNotFound, NothingPublished.
    """
    return _catalog_items.lookup(_catalog_index.catalog_for(home), item_id)


def catalog_count(home: Path) -> CatalogCount:
    """How many data items (汇聚数据项) the published build catalogues: columns by layer + data elements."""
    return _catalog_items.count(_catalog_index.catalog_for(home))


def catalog_owners(home: Path) -> tuple[tuple[str, str], ...]:
    """Every owning department the published build's catalogue names, as ``(单位号, name)`` sorted by
    单位号, so a filter menu can show names beside the codes that ``catalog_search`` facets count.

    Items without an owner are left out. Reads the in-memory catalogue (no warehouse query);
    raises NothingPublished before the first build.
    """
    entries = _catalog_index.catalog_for(home).entries.values()
    return tuple(sorted({(e.owner_code, e.owner_name) for e in entries if e.owner_code}))


def lineage_graph(home: Path, item_id: str, depth: int = 3) -> LineageGraph:
    """The column lineage around one item, ``depth`` hops (1..6) upstream and downstream, as nodes
    and edges ready to draw. Raises CatalogItemNotFound, NothingPublished, ValueError for a bad depth.
    """
    return _catalog_items.graph(_catalog_index.catalog_for(home), item_id, depth)


def catalog_classification(home: Path, model: str, column: str) -> Classification:
    """The classification and masking policy of ``model.column`` (``dwd.student``, ``SFZJH``);
    unclassified (masking ``none``) when the catalog has no such column. Raises NothingPublished.
    """
    entry = _catalog_index.catalog_for(home).entries.get(f"{model}.{column}")
    return entry.classification if entry is not None else _catalog_index.classify.UNCLASSIFIED


def mask_value(value: str | None, policy: str) -> str | None:
    """A value masked by a data element's masking policy (``330106********123X``, ``张*`` …)."""
    return _mask(value, policy)


def source_freshness(home: Path) -> tuple[SourceStatus, ...]:
    """Per source system: last successful sync, rows, freshness against its schedule, last error
    (what ``campusbrain hub status`` shows). Reads the ODS read-only; raises HubBusy during a sync.
    """
    return tuple(_sync_status(home))


def unmapped_values(home: Path) -> tuple[UnmappedValue, ...]:
    """The published build's queue of source values no crosswalk maps, each with its code system
    and the department that owns the field. Raises NothingPublished.
    """
    return _catalog_queue.unmapped(home)


def code_choices(code_system: str) -> tuple[CodeChoice, ...]:
    """Every code of a shipped code system, for choosing a mapping. Raises LookupError if unknown."""
    return _catalog_queue.choices(code_system)


def crosswalk_mapping_add(
    home: Path, *, source: str, table: str, field: str, source_value: str, code: str
) -> Path:
    """Map one unmapped source value to a standard code in the college's crosswalk YAML under
    ``$CAMPUSBRAIN_HOME/crosswalks/``; the next ``hub build`` applies it. Returns the file written.
    Raises CrosswalkError for an unbound field, a blank value, a code outside the code set, or a
    value already mapped to another code. The caller checks who may map (the owner's steward).
    """
    return _crosswalks.crosswalk_value_add(
        home, source=source, table=table, field=field, source_value=source_value, code=code
    )


__all__ = [
    "CATALOG_CLASSIFICATIONS",
    "CATALOG_ERRORS",
    "CATALOG_LAYERS",
    "CatalogItemNotFound",
    "CatalogQueryError",
    "CrosswalkError",
    "HubBusy",
    "NothingPublished",
]


# --- metrics: governed metrics with provenance (hub/metrics) -------------------------------------

# Imports of this section stay here so each section can be read (and edited) on its own; the
# errors and THEMES are re-exported for the apps ("X as X").
from campusbrain.hub.contracts import MetricAccessDenied as MetricAccessDenied  # noqa: E402
from campusbrain.hub.contracts import MetricDefinition, MetricResult, MetricSourceRows, Viewer  # noqa: E402
from campusbrain.hub.contracts import MetricNotFound as MetricNotFound  # noqa: E402
from campusbrain.hub.contracts import MetricQueryError as MetricQueryError  # noqa: E402
from campusbrain.hub.metrics import service as _metrics  # noqa: E402
from campusbrain.hub.metrics.definitions import THEMES as THEMES  # noqa: E402
from campusbrain.hub.metrics.definitions import builtin_catalog  # noqa: E402
from campusbrain.hub.metrics.service import MetricInputMissing as MetricInputMissing  # noqa: E402


def metric_catalog(*, theme: str | None = None) -> tuple[MetricDefinition, ...]:
    """Every governed metric, or those of one cockpit theme (a slug of :data:`THEMES`), in file order.

    ``theme="overview"`` lists the key metrics of other themes that 综合态势 shows (their own
    ``theme`` stays the theme that owns them). An unknown theme raises :class:`MetricNotFound`.
    Reads only the shipped definitions, not the warehouse.
    """
    catalog = builtin_catalog()
    if theme is None:
        return tuple(m.definition for m in catalog.metrics.values())
    if theme not in catalog.themes:
        raise MetricNotFound(f"no theme {theme!r}; one of {[slug for slug, _zh, _en in THEMES]}")
    return tuple(m.definition for m in catalog.in_theme(theme))


def metric_definition(metric_id: str) -> MetricDefinition:
    """The definition of one metric (口径, owner, formula kind, dimensions, grains, version …).

    Raises :class:`MetricNotFound` for an unknown id.
    """
    return _metrics.get_metric(metric_id).definition


def metric_query(
    home: Path,
    metric_id: str,
    *,
    viewer: Viewer,
    dimensions: tuple[str, ...] = (),
    filters: dict[str, str] | None = None,
    grain: str | None = None,
) -> MetricResult:
    """Compute a metric on the published snapshot for ``viewer``, with its provenance.

    ``dimensions`` cut it (each one of the metric's ``dimensions``, e.g. ``("二级学院", "专业")``);
    ``filters`` keep one value of a dimension or of a period (``{"二级学院": "信息技术学院",
    "学年": "2024-2025"}``; values as the rows show them); ``grain`` is one of the metric's grains
    (default: its first). Rows come sorted by dimension values and period; ``period`` labels are
    ``2024-2025`` (学年), ``2024-2025-1`` (学期), ``2024-2025-1-W03`` (教学周), ``2024-09`` (月),
    ``2024`` (自然年) or the build date (时点).

    Scope follows the viewer's role (leader/quality/auditor: college; dean: own department;
    teacher: own department with cells under ``min_cell`` people suppressed; counsellor: own
    classes; finance: the finance theme; steward: the governance theme). Raises
    :class:`MetricNotFound`, :class:`MetricAccessDenied` (role, or a metric that cannot be cut
    to the viewer's scope) and :class:`MetricQueryError` (bad dimension, grain or filter; nothing
    published; :class:`MetricInputMissing` when an input table is absent from the build).
    Answers are cached per build id, metric, query and scope.
    """
    return _metrics.query_metric(
        home, metric_id, viewer=viewer, dimensions=tuple(dimensions), filters=filters, grain=grain
    )


def metric_cache_token(home: Path) -> str | None:
    """A token that changes whenever :func:`metric_query` answers may change (a new build is
    published, or the answer cache was cleared); ``None`` while nothing is published.

    A page cache keyed on it never serves figures of an older build. Freshness verdicts also
    change with the clock, so such a cache should keep entries for a short time only.
    """
    return _metrics.cache_token(home)


def metric_source_rows(
    home: Path,
    metric_id: str,
    *,
    viewer: Viewer,
    filters: dict[str, str] | None = None,
    limit: int = 50,
) -> MetricSourceRows:
    """The warehouse rows behind a metric (drill-through), at most ``limit`` (1–1000).

    Only a leader (college) or a dean (own department) may see rows; others get
    :class:`MetricAccessDenied`. Personal columns are masked by their data element's masking
    policy (``masked_columns`` names them) unless ``viewer.may_unmask``; the caller must audit
    an unmasked view. A derived metric has no rows of its own: :class:`MetricQueryError`.
    """
    return _metrics.source_rows(home, metric_id, viewer=viewer, filters=filters, limit=limit)
