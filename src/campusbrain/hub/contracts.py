"""Frozen dataclasses that cross the hub's boundary (the CLI, ``hub.api`` and the apps read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path


@dataclass(frozen=True)
class ModelRun:
    """What one build did with one model.

    ``action``: ``built`` (query run over all its input), ``incremental`` (the previous snapshot's
    rows plus the new slice), ``copied`` (taken unchanged from the previous snapshot because the
    build was limited with ``select``), ``kept`` (taken from the previous snapshot because a
    model it depends on failed a check), ``skipped`` (left out for that reason with nothing to keep).
    """

    name: str
    layer: str
    materialized: str
    action: str
    rows: int
    seconds: float


@dataclass(frozen=True)
class BuildReport:
    """The outcome of ``hub build``.

    ``status`` is ``published`` (the new snapshot is what readers now open) or ``failed`` (nothing
    was published; ``failed_model`` and ``error`` say why, and the previous snapshot stays).
    """

    build_id: str
    status: str
    started_at: datetime
    finished_at: datetime
    snapshot: Path | None
    models: tuple[ModelRun, ...]
    failed_model: str | None = None
    error: str | None = None
    # The quality rules' verdict on this build (None when built with quality=False).
    quality: QualitySummary | None = None

    @property
    def ok(self) -> bool:
        return self.status == "published"

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class TableSync:
    """What one ``hub sync`` run did with one source table (one batch).

    ``status``: ``loaded`` (new rows or files committed), ``unchanged`` (nothing new: every file's
    hash was known, the SQL watermark had not moved or the full result hashed the same),
    ``partial`` (some files loaded, some failed) or ``failed`` (nothing loaded; ``error`` says why).
    ``missing_periods`` lists the days (``2025-03-12``) or months absent inside a dated glob.
    """

    source: str
    table: str
    ods_table: str
    batch_id: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    files_loaded: int
    files_skipped: int
    seconds: float
    error: str | None = None
    missing_periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyncReport:
    """The outcome of ``hub sync``: one :class:`TableSync` per table, plus unusable source files."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    tables: tuple[TableSync, ...]
    config_errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.config_errors and all(t.status in ("loaded", "unchanged") for t in self.tables)

    @property
    def rows_loaded(self) -> int:
        return sum(t.rows_loaded for t in self.tables)

    @property
    def rows_rejected(self) -> int:
        return sum(t.rows_rejected for t in self.tables)

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class TableStatus:
    """One source table as ODS holds it now."""

    table: str
    title: str
    ods_table: str
    rows: int
    rejects: int
    last_loaded_at: datetime | None
    last_status: str | None
    last_error: str | None
    missing_periods: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceStatus:
    """One source system: when it last synced, how fresh that is against its schedule, what failed.

    ``last_sync`` is the oldest of its tables' last successful syncs (``loaded`` or ``unchanged``).
    ``freshness``: ``fresh`` (within 1.5x the schedule's interval), ``stale`` (older, or one of its
    tables never synced successfully), ``never`` (no table ever synced) or ``unscheduled`` (no
    ``schedule`` in its YAML). Times are UTC.
    """

    source: str
    title: str
    kind: str
    schedule: str | None
    last_sync: datetime | None
    freshness: str
    rows: int
    last_error: str | None
    tables: tuple[TableStatus, ...]


@dataclass(frozen=True)
class QueryResult:
    """Rows of a read-only ``hub query``: which database answered (``snapshot``, ``build_id``)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    database: Path
    build_id: str | None
    truncated: bool = False


@dataclass(frozen=True)
class FieldCoverage:
    """How much of one coded source field the crosswalks map to its national code system."""

    source: str
    table: str
    field: str
    code_system: str
    rows: int
    mapped_rows: int
    coverage: float | None
    unmapped_values: int


@dataclass(frozen=True)
class TableReconciliation:
    """ODS rows of one source table (or a model's group of them) against what the DWD layer holds."""

    ods_table: str
    model: str | None
    ods_rows: int
    model_rows: int | None
    rejected_rows: int | None
    unaccounted_rows: int | None


# --- viewer: who asks the hub (every app passes one; scoping and masking follow from it) ---------


@dataclass(frozen=True)
class Viewer:
    """The person a hub answer is for: decides its scope and whether personal data is unmasked.

    ``role`` is one of the accounts roles (``leader``, ``dean``, ``teacher``, ``counsellor``,
    ``student``, ``steward``, ``finance``, ``quality``, ``sysadmin``, ``secadmin``, ``auditor``).
    ``department_code`` is the 单位号 (DWH) of the viewer's department, ``class_codes`` the 班号
    (BH) a counsellor looks after or a student belongs to. ``may_unmask`` is the role right to see
    personal data in clear; the app that sets it must audit each unmasked view.
    """

    username: str
    role: str
    department_code: str = ""
    department_name: str = ""
    class_codes: tuple[str, ...] = ()
    person_number: str = ""
    may_unmask: bool = False


# --- quality (hub/quality) ------------------------------------------------------------------------


@dataclass(frozen=True)
class QualityRuleResult:
    """One quality rule as one build measured it (a row of ``quality.rule_result``).

    ``score`` is ``100 × (checked − failing) / checked`` (100 when nothing was checked);
    ``status`` is ``pass``, ``fail`` or ``error`` (the rule could not run: ``error_message``).
    ``blocked`` is True for a failed ``error`` rule: the models downstream of ``model`` kept
    their previous snapshot's rows instead of being rebuilt.
    """

    build_id: str
    rule_id: str
    model: str
    column_name: str | None
    dimension: str
    severity: str
    kind: str
    description: str
    owner_department: str
    owner_name: str
    source_system: str | None
    checked_rows: int
    failing_rows: int
    score: float
    status: str
    blocked: bool
    error_message: str | None = None
    # Lists every failing row on the published snapshot (``hub query``); None for checks on the ODS.
    failing_query: str | None = None


@dataclass(frozen=True)
class QualityScore:
    """A score of one subject in one dimension for one build (a row of ``quality.score``).

    ``level`` is ``column`` (``dwd.student.SFZJH``), ``table`` (``dwd.student``), ``source``
    (``jiaowu``), ``department`` (``002``) or ``college``; ``dimension`` is one of the six
    dimensions or ``overall`` (the weighted mean, docs/quality.md).
    """

    build_id: str
    built_at: datetime
    level: str
    subject: str
    subject_name: str
    dimension: str
    score: float
    checked_rows: int
    failing_rows: int


@dataclass(frozen=True)
class QualityTicket:
    """A data-quality ticket: one per rule, opened for the owning department when it fails.

    ``status`` is ``open`` or ``closed``; ``due_at`` is the SLA deadline of the current opening
    (``error`` 3 days, ``warn`` 14 days); ``failing_rows`` as of ``last_seen_build``.
    """

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

    @property
    def overdue(self) -> bool:
        return self.status == "open" and datetime.now(self.due_at.tzinfo) > self.due_at


@dataclass(frozen=True)
class TicketEvent:
    """One change of a ticket (``opened``, ``updated``, ``closed``, ``reopened``) in one build."""

    ticket_id: str
    build_id: str
    at: datetime
    event: str
    failing_rows: int


@dataclass(frozen=True)
class FailingRow:
    """One captured failing row: its key (JSON text), the raw value and the file line it came from."""

    rule_id: str
    model: str
    row_key: str
    column_name: str | None
    value: str | None
    source: str | None
    source_row: int | None
    source_table: str | None = None  # the ODS table of the row (``ods.xuegong__T_XG_XSJBXX``)


@dataclass(frozen=True)
class FailingRows:
    """Captured failing rows of one rule (raw, unmasked: the caller masks per viewer).

    ``failing_rows`` is the rule's full count; at most 1,000 rows per rule are captured.
    """

    rule: QualityRuleResult
    rows: tuple[FailingRow, ...]
    failing_rows: int
    captured_rows: int


@dataclass(frozen=True)
class QualitySummary:
    """The short quality summary a build returns: how many rules ran and which failed, by severity."""

    rules: int
    passed: int
    failed_error: tuple[str, ...]
    failed_warn: tuple[str, ...]
    errors: tuple[str, ...]
    college_score: float | None
    blocked_models: tuple[str, ...] = ()

    @property
    def failed(self) -> int:
        return len(self.failed_error) + len(self.failed_warn)


@dataclass(frozen=True)
class QualityReport:
    """Quality of the published build: every rule result, the college's scores, the open tickets."""

    build_id: str
    built_at: datetime
    results: tuple[QualityRuleResult, ...]
    scores: tuple[QualityScore, ...]
    open_tickets: tuple[QualityTicket, ...]

    @property
    def college_score(self) -> float | None:
        for score in self.scores:
            if score.level == "college" and score.dimension == "overall":
                return score.score
        return None


@dataclass(frozen=True)
class DefectDetection:
    """Detection of one planted defect kind of the demo manifest by the quality rules.

    ``recall`` is detected / planted; ``false_alarm_rate`` is false alarms over the clean rows of
    the tables the kind's rules checked.
    """

    kind: str
    planted: int
    detected: int
    recall: float | None
    false_alarms: int
    clean_rows: int
    false_alarm_rate: float | None
    rules: tuple[str, ...]


# --- catalog (hub/catalog) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Classification:
    """JY/T 0661-2025 分类分级 of one data item and how it is masked for viewers without the right.

    ``rule`` says where it came from: ``element`` (the column carries this data element: its name is
    the element id in the model's entity, or it is the element itself), ``lineage`` (inherited from
    the columns it is computed from or feeds, see docs/catalog.md) or ``none`` (no data element
    applies: ``grade`` is None and the item is shown as unclassified).
    """

    grade: str | None  # 一般数据 / 重要数据 / 核心数据
    level: str | None  # general / important / core
    personal: bool  # 个人信息
    sensitive: bool  # 敏感个人信息
    masking: str  # none / name / id_number / phone / full
    element: str | None  # ENTITY.ELEMENT key of the data element it follows
    element_name: str | None
    rule: str  # element / lineage / none


@dataclass(frozen=True)
class CatalogFreshness:
    """One ODS table an item is computed from, as the published build saw it, against its schedule.

    ``freshness``: ``fresh`` (last load within 1.5x the source's schedule interval of now),
    ``stale`` (older), ``unscheduled`` (the source YAML has no schedule) or ``unknown`` (no load
    time recorded).
    """

    source_table: str
    source_system: str
    schedule: str | None
    rows: int
    last_loaded_at: datetime | None
    freshness: str


@dataclass(frozen=True)
class CatalogEntry:
    """One data item of the catalog: a column of a warehouse table or a data element (数据元).

    ``item_id`` is ``<layer>.<table>.<column>`` for a column (``dwd.student.SFZJH``,
    ``ods.jiaowu__jw_xjgl_xsjbxxb.zjhm``) and ``element.<ENTITY>.<ELEMENT>`` for a data element.
    ``owner_code``/``owner_name`` are the owning department's 单位号 and name (一数一源).
    """

    item_id: str
    kind: str  # column / element
    layer: str  # ods / dwd / dws / ads / element
    table: str | None  # ods.jiaowu__x, dwd.student …; the entity id for an element
    column: str | None  # the column or element id
    label: str  # Chinese name: column comment of the model header or the data element's name
    description: str
    data_type: str
    owner_code: str
    owner_name: str
    systems: tuple[str, ...]  # source systems the item comes from
    classification: Classification
    quality_score: float | None  # overall score 0..100 of the column (else its table), None if unmeasured


@dataclass(frozen=True)
class CatalogFacet:
    """How many items of a search have one value of a filter (for the filter menus)."""

    name: str  # layer / system / owner / classification
    value: str
    count: int


@dataclass(frozen=True)
class CatalogPage:
    """One page of catalog search results, best match first."""

    build_id: str
    text: str
    filters: tuple[tuple[str, str], ...]
    page: int
    per_page: int
    total: int
    items: tuple[CatalogEntry, ...]
    facets: tuple[CatalogFacet, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True)
class LineageRef:
    """An item upstream or downstream of another: ``distance`` hops away, by ``transform``."""

    item_id: str
    layer: str
    table: str
    column: str
    transform: str  # identity / expression (of the hop that reaches this item); element for carriers
    distance: int


@dataclass(frozen=True)
class QualityFigure:
    """A quality score (0..100) of the item's column or table for one dimension, latest build."""

    level: str  # column / table
    subject: str
    dimension: str
    score: float
    checked_rows: int
    failing_rows: int


@dataclass(frozen=True)
class CatalogItem:
    """Everything the catalog knows about one item: entry, table, lineage, freshness and quality.

    ``upstream`` reaches down to ODS columns, ``downstream`` up to the last ADS column, both
    transitively. ``carried_by`` lists, for a data element, the columns that carry it.
    """

    entry: CatalogEntry
    build_id: str
    table_grain: str | None
    table_description: str | None
    code_system: str | None
    upstream: tuple[LineageRef, ...]
    downstream: tuple[LineageRef, ...]
    carried_by: tuple[str, ...]
    freshness: tuple[CatalogFreshness, ...]
    quality: tuple[QualityFigure, ...]
    quality_measured: bool  # False when the snapshot has no quality tables at all


@dataclass(frozen=True)
class LineageNode:
    """A column in a lineage graph; ``depth`` < 0 upstream, 0 the item itself, > 0 downstream."""

    item_id: str
    layer: str
    table: str
    column: str
    label: str
    depth: int


@dataclass(frozen=True)
class LineageEdge:
    """``source`` feeds ``target`` (item ids)."""

    source: str
    target: str
    transform: str


@dataclass(frozen=True)
class LineageGraph:
    """The columns within ``depth`` hops of an item, both ways, and the edges between them.

    Nodes outside the catalog (``std.crosswalk.code``, a reference table a column is looked up in)
    are real lineage and are kept; their ``label`` is empty.
    """

    item_id: str
    depth: int
    nodes: tuple[LineageNode, ...]
    edges: tuple[LineageEdge, ...]
    truncated: bool  # True when nodes were left out to keep the graph readable


@dataclass(frozen=True)
class CatalogCount:
    """How many data items the published build catalogues (汇聚数据项), by layer."""

    build_id: str
    total: int
    columns: int
    elements: int
    tables: int
    by_layer: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class UnmappedValue:
    """A source value of a bound field that no crosswalk maps (``std.unmapped_value``), with its owner.

    ``owner_code`` is the department owning the field's ODS table (its source's
    ``owner_department``, else the DWD model that reconciles it): its steward may map the value.
    """

    source: str
    table: str
    field: str
    source_value: str
    rows: int
    code_system: str | None
    owner_code: str
    owner_name: str


@dataclass(frozen=True)
class CodeChoice:
    """One code of a code set, offered when mapping a value."""

    code: str
    name: str


# --- metrics (hub/metrics) ------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricDefinition:
    """One governed metric (指标) as its YAML definition states it.

    ``caliber`` is the 口径 text (what is counted, from which table, as of when); ``owner`` the
    单位号 of the department answerable for it; ``kind`` one of count, sum, distinct, ratio,
    derived, cumulative; ``time_base`` 学年, 学期, 自然年 or 时点; ``grains`` the time cuts a query
    may ask for; ``dimensions`` the cuts it allows. Cells counting fewer than ``min_cell`` people
    are suppressed for viewers who see suppressed answers.
    """

    id: str
    name: str
    name_en: str
    theme: str
    caliber: str  # 口径
    owner: str
    kind: str  # count|sum|distinct|ratio|derived|cumulative
    unit: str
    time_base: str  # 学年|学期|自然年|时点
    grains: tuple[str, ...]  # of: 学年 学期 教学周 月 自然年 时点
    dimensions: tuple[str, ...]
    direction: str  # higher_better|lower_better|neutral
    target: float | None
    warning: float | None
    version: str
    effective_from: date
    effective_to: date | None
    inputs: tuple[str, ...]  # warehouse tables it reads, e.g. ("dws.student_profile",)
    min_cell: int  # cells counting fewer people are suppressed (5)
    counts_people: bool


@dataclass(frozen=True)
class SourceFreshness:
    """How current one warehouse table a metric reads is (``fresh``, ``stale`` or ``unknown``)."""

    source_table: str
    rows: int
    last_loaded_at: datetime | None
    freshness: str  # fresh|stale|unknown


@dataclass(frozen=True)
class MetricProvenance:
    """Where a metric answer came from: definition version, build, input freshness and quality."""

    definition_version: str
    build_id: str
    built_at: datetime
    sources: tuple[SourceFreshness, ...]
    quality_score: float | None  # 0..100 over its inputs, None if unmeasured
    quality_inputs: tuple[tuple[str, float | None], ...]
    stale: bool
    low_quality: bool


@dataclass(frozen=True)
class MetricRow:
    """One cell of a metric answer: its dimension values, time period and value (None if suppressed)."""

    dims: tuple[tuple[str, str | None], ...]
    period: str | None
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class MetricResult:
    """A metric answer for one viewer: the cells, the scope they were cut to, and their provenance.

    ``scope`` is ``college``, ``department:<单位号>`` or ``classes:<班号>,<班号>``.
    """

    metric: MetricDefinition
    grain: str | None
    dimensions: tuple[str, ...]
    filters: tuple[tuple[str, str], ...]
    scope: str  # "college" | "department:107" | "classes:ZZ2301,..."
    rows: tuple[MetricRow, ...]
    provenance: MetricProvenance


@dataclass(frozen=True)
class MetricSourceRows:
    """The warehouse rows behind a metric (drill-through), limited and masked for the viewer.

    ``masked_columns`` names the columns whose values were masked; ``truncated`` says more rows
    matched than ``limit``.
    """

    metric_id: str
    table: str
    scope: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    masked_columns: tuple[str, ...]
    truncated: bool
    provenance: MetricProvenance


class MetricError(Exception):
    """Base of the metrics errors ``hub.api`` raises."""


class MetricNotFound(MetricError, LookupError):
    """No metric has this id."""


class MetricAccessDenied(MetricError, PermissionError):
    """The viewer's role may not see this metric (or its rows)."""


class MetricQueryError(MetricError, ValueError):
    """The query asks for something the metric does not allow (dimension, grain, filter) or cannot run."""
