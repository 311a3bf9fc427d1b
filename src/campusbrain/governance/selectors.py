"""Reads of the data governance platform: who may open which page, and the pages built from ``hub.api``.

Every figure (catalogue counts, scores, tickets, failing rows, unmapped values, freshness) comes
from ``campusbrain.hub.api``; this module decides who may ask which question and shapes the
answers for templates, charts and the Excel export. The rights live here, not in the views, so
one test cast (a user who may, one who may not) covers every page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from campusbrain.hub import api
from campusbrain.hub.contracts import (
    CatalogCount,
    CatalogItem,
    CatalogPage,
    CodeChoice,
    FailingRows,
    LineageGraph,
    QualityReport,
    QualityRuleResult,
    QualityScore,
    QualityTicket,
    SourceStatus,
    TicketEvent,
    UnmappedValue,
    Viewer,
)

# Who reads the catalogue, item pages, quality dashboard and freshness board: the people who own,
# govern, audit or steer the data. Teachers, counsellors, students and finance staff have their
# own platforms and are refused (their questions go through the cockpit or the portal).
READ_ROLES = frozenset({"steward", "leader", "quality", "sysadmin", "auditor", "dean"})
# Who works tickets and crosswalks: a steward for the department they belong to (一数一源: the
# owning department fixes its data), the system administrator for every department.
WORKBENCH_ALL_ROLES = frozenset({"sysadmin"})
WORKBENCH_OWN_ROLES = frozenset({"steward"})

PER_PAGE = 20
FAILING_ROWS_SHOWN = 100
DIMENSIONS = ("completeness", "uniqueness", "validity", "consistency", "timeliness", "accuracy")
FILTER_NAMES = ("layer", "classification", "owner")


class GovernanceDenied(Exception):
    """The viewer may not open this page or object (rendered as a 403 page)."""


class GovernanceBadRequest(ValueError):
    """A parameter the page cannot use (rendered as a 400 page naming it)."""


def hub_home() -> Path:
    """The college folder whose published warehouse snapshot the governance pages read."""
    return Path(settings.CAMPUSBRAIN.home)


# --- rights ----------------------------------------------------------------------------------------


def may_read(viewer: Viewer | None) -> bool:
    """Catalogue, item pages, quality dashboard and freshness board."""
    return viewer is not None and viewer.role in READ_ROLES


def may_work(viewer: Viewer | None) -> bool:
    """The steward's workbench and the crosswalk workbench (each scoped by :func:`work_scope`)."""
    if viewer is None:
        return False
    if viewer.role in WORKBENCH_ALL_ROLES:
        return True
    # A steward without a department would own nothing: refuse rather than show an empty bench.
    return viewer.role in WORKBENCH_OWN_ROLES and bool(viewer.department_code)


def work_scope(viewer: Viewer) -> str | None:
    """The 单位号 whose tickets and values this viewer works; ``None`` for every department."""
    if not may_work(viewer):
        raise GovernanceDenied(denial_reason(viewer, workbench=True))
    return None if viewer.role in WORKBENCH_ALL_ROLES else viewer.department_code


def read_check(viewer: Viewer | None) -> Viewer:
    if viewer is None or not may_read(viewer):
        raise GovernanceDenied(denial_reason(viewer))
    return viewer


def denial_reason(viewer: Viewer | None, *, workbench: bool = False) -> str:
    """Why a governance page is closed to this viewer, in the interface language."""
    if viewer is None:
        return _(
            "Your account has no college profile (role and department), so data governance shows it nothing."
        )
    if workbench and viewer.role in WORKBENCH_OWN_ROLES:
        return _("A data steward without a department owns no tickets or code values.")
    if workbench:
        return _("The workbenches are for data stewards (their own department) and the system administrator.")
    return _(
        "Data governance is for data stewards, leaders, department heads, the quality and audit offices "
        "and the system administrator. Your role does not open it."
    )


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str


def nav_for(viewer: Viewer | None) -> tuple[NavLink, ...]:
    """The governance pages this viewer may open, in menu order."""
    links: list[NavLink] = []
    if may_read(viewer):
        links += [
            NavLink("platform-governance", _("Data catalog")),
            NavLink("governance-quality", _("Quality dashboard")),
            NavLink("governance-freshness", _("Source freshness")),
        ]
    if may_work(viewer):
        links += [
            NavLink("governance-workbench", _("Steward's workbench")),
            NavLink("governance-crosswalks", _("Crosswalk workbench")),
        ]
    return tuple(links)


# --- catalogue --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogView:
    page: CatalogPage
    count: CatalogCount
    text: str
    filters: tuple[tuple[str, str], ...]
    facets: Mapping[str, tuple[tuple[str, int], ...]]
    owner_menu: tuple[tuple[str, str, int], ...]  # (单位号, department name, matches)
    pages: int
    previous_query: str | None
    next_query: str | None


def _page_number(raw: str | None) -> int:
    if raw in (None, ""):
        return 1
    if not raw.isdigit() or int(raw) < 1:
        raise GovernanceBadRequest(_("page must be a whole number from 1, not %(raw)s.") % {"raw": raw[:20]})
    return int(raw)


def catalog_view(home: Path, viewer: Viewer | None, params: Mapping[str, str]) -> CatalogView:
    """One page of catalogue search results with the total count and the filter menus."""
    read_check(viewer)
    text = (params.get("q") or "").strip()
    filters = {name: params[name] for name in FILTER_NAMES if params.get(name)}
    page_number = _page_number(params.get("page"))
    try:
        page = api.catalog_search(home, text, filters=filters, page=page_number, per_page=PER_PAGE)
    except api.CatalogQueryError as error:
        raise GovernanceBadRequest(str(error)) from None
    facets: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for facet in page.facets:
        facets[facet.name].append((facet.value, facet.count))
    pages = max(1, -(-page.total // page.per_page))
    if page_number > pages:
        raise GovernanceBadRequest(
            _("There are %(pages)s pages of results, not %(page)s.") % {"pages": pages, "page": page_number}
        )
    owner_names = dict(api.catalog_owners(home))
    kept = {**({"q": text} if text else {}), **filters}

    def query(number: int) -> str:
        return urlencode({**kept, "page": number})

    return CatalogView(
        page=page,
        count=api.catalog_count(home),
        text=text,
        filters=tuple(sorted(filters.items())),
        facets={name: tuple(values) for name, values in facets.items()},
        owner_menu=tuple((code, owner_names.get(code, ""), n) for code, n in facets.get("owner", [])),
        pages=pages,
        previous_query=query(page.page - 1) if page.page > 1 else None,
        next_query=query(page.page + 1) if page.page < pages else None,
    )


@dataclass(frozen=True)
class ItemView:
    item: CatalogItem
    graph: LineageGraph
    chart: dict[str, Any]  # what governance.js draws (ECharts graph series), links included


# Node colours by layer, so the flow ODS → DWD → DWS → ADS reads at a glance.
LAYER_CATEGORIES = ("ods", "dwd", "dws", "ads", "element", "other")


LINEAGE_DEPTHS = (1, 2, 3, 4, 5, 6)  # what hub.api.lineage_graph accepts
LINEAGE_DEPTH_DEFAULT = 3


def item_view(home: Path, viewer: Viewer | None, item_id: str, params: Mapping[str, str]) -> ItemView:
    """One data item with its lineage graph ``depth`` hops each way; ``CatalogItemNotFound`` if unknown."""
    read_check(viewer)
    raw = params.get("depth") or str(LINEAGE_DEPTH_DEFAULT)
    if not raw.isdigit() or int(raw) not in LINEAGE_DEPTHS:
        raise GovernanceBadRequest(
            _("depth must be a whole number from 1 to 6, not %(raw)s.") % {"raw": raw[:20]}
        )
    item = api.catalog_item(home, item_id)
    graph = api.lineage_graph(home, item_id, depth=int(raw))
    return ItemView(item=item, graph=graph, chart=lineage_chart(graph))


def lineage_chart(graph: LineageGraph) -> dict[str, Any]:
    """The lineage graph as an ECharts graph spec: columns by depth (upstream left), one row per node.

    Nodes outside the catalogue (``std.crosswalk.code``, which a crosswalk join reads) are real
    lineage but have no item page, so they get no link.
    """
    by_depth: dict[int, int] = defaultdict(int)
    nodes = []
    for node in sorted(graph.nodes, key=lambda n: (n.depth, n.item_id)):
        row = by_depth[node.depth]
        by_depth[node.depth] += 1
        category = node.layer if node.layer in LAYER_CATEGORIES[:-1] else "other"
        linked = category != "other"
        nodes.append(
            {
                "id": node.item_id,
                "name": f"{node.label or node.column}\n{node.table}.{node.column}",
                "x": node.depth * 320,
                "y": row * 70,
                "category": LAYER_CATEGORIES.index(category),
                "symbolSize": 26 if node.item_id == graph.item_id else 16,
                "link": reverse("governance-item", kwargs={"item_id": node.item_id}) if linked else None,
            }
        )
    return {
        "item": graph.item_id,
        "categories": [
            {"name": name.upper() if name != "other" else _("other")} for name in LAYER_CATEGORIES
        ],
        "nodes": nodes,
        "edges": [{"source": e.source, "target": e.target, "transform": e.transform} for e in graph.edges],
        "truncated": graph.truncated,
    }


# --- quality dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    subject: str
    name: str
    score: float
    checked_rows: int
    failing_rows: int


@dataclass(frozen=True)
class QualityView:
    report: QualityReport
    college: QualityScore | None
    by_dimension: tuple[ScoreRow, ...]
    by_source: tuple[ScoreRow, ...]
    by_department: tuple[ScoreRow, ...]
    results: tuple[QualityRuleResult, ...]
    charts: tuple[dict[str, Any], ...]


def _rows(scores: tuple[QualityScore, ...], level: str, dimension: str = "overall") -> tuple[ScoreRow, ...]:
    return tuple(
        ScoreRow(s.subject, s.subject_name, s.score, s.checked_rows, s.failing_rows)
        for s in sorted(scores, key=lambda s: s.subject)
        if s.level == level and s.dimension == dimension
    )


def _trend(history: tuple[QualityScore, ...], key: str) -> dict[str, Any]:
    """Scores over builds, one line per ``key`` value (subject or dimension), oldest build first."""
    builds: list[str] = []
    series: dict[str, dict[str, float]] = defaultdict(dict)
    for score in history:
        if score.build_id not in builds:
            builds.append(score.build_id)
        name = score.subject_name if key == "subject" else dimension_label(score.dimension)
        series[name][score.build_id] = score.score
    return {
        "labels": builds,
        "series": [
            {"name": name, "values": [by.get(b) for b in builds]} for name, by in sorted(series.items())
        ],
    }


def dimension_label(dimension: str) -> str:
    return {
        "completeness": _("Completeness"),
        "uniqueness": _("Uniqueness"),
        "validity": _("Validity"),
        "consistency": _("Consistency"),
        "timeliness": _("Timeliness"),
        "accuracy": _("Accuracy"),
        "overall": _("Overall"),
    }.get(dimension, dimension)


def quality_view(home: Path, viewer: Viewer | None, params: Mapping[str, str]) -> QualityView:
    """This build's scores by dimension, source and department, their trends and the rule results."""
    read_check(viewer)
    report = api.quality_report(home)
    college = next(
        (s for s in report.scores if s.level == "college" and s.dimension == "overall"),
        None,
    )
    by_dimension = tuple(
        ScoreRow(s.dimension, dimension_label(s.dimension), s.score, s.checked_rows, s.failing_rows)
        for s in report.scores
        if s.level == "college" and s.dimension != "overall"
    )
    results = filter_results(report.results, params)
    college_history = api.quality_scores(home, level="college")
    charts = (
        {
            "id": "chart-dimension",
            "kind": "bar",
            "title": _("Score by dimension"),
            "labels": [r.name for r in by_dimension],
            "values": [r.score for r in by_dimension],
        },
        {
            "id": "chart-source",
            "kind": "bar",
            "title": _("Score by source system"),
            "labels": [r.name for r in _rows(report.scores, "source")],
            "values": [r.score for r in _rows(report.scores, "source")],
        },
        {
            "id": "chart-department",
            "kind": "bar",
            "title": _("Score by owning department"),
            "labels": [r.name for r in _rows(report.scores, "department")],
            "values": [r.score for r in _rows(report.scores, "department")],
        },
        {
            "id": "chart-trend-dimension",
            "kind": "line",
            "title": _("College score by dimension over builds"),
            **_trend(college_history, "dimension"),
        },
        {
            "id": "chart-trend-source",
            "kind": "line",
            "title": _("Source system scores over builds"),
            **_trend(api.quality_scores(home, level="source", dimension="overall"), "subject"),
        },
        {
            "id": "chart-trend-department",
            "kind": "line",
            "title": _("Department scores over builds"),
            **_trend(api.quality_scores(home, level="department", dimension="overall"), "subject"),
        },
    )
    charts = tuple({**chart, "data_id": f"{chart['id']}-data"} for chart in charts)
    return QualityView(
        report=report,
        college=college,
        by_dimension=by_dimension,
        by_source=_rows(report.scores, "source"),
        by_department=_rows(report.scores, "department"),
        results=results,
        charts=charts,
    )


def filter_results(
    results: tuple[QualityRuleResult, ...], params: Mapping[str, str]
) -> tuple[QualityRuleResult, ...]:
    """Rule results narrowed by ``status`` (pass/fail), ``dimension`` and ``department``; failures first."""
    status = params.get("status") or ""
    dimension = params.get("dimension") or ""
    department = params.get("department") or ""
    if dimension and dimension not in DIMENSIONS:
        raise GovernanceBadRequest(_("Unknown quality dimension %(value)s.") % {"value": dimension[:40]})
    kept = [
        r
        for r in results
        if (not status or r.status == status)
        and (not dimension or r.dimension == dimension)
        and (not department or r.owner_department == department)
    ]
    return tuple(sorted(kept, key=lambda r: (r.status == "pass", -r.failing_rows, r.rule_id)))


# --- steward's workbench ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Workbench:
    tickets: tuple[QualityTicket, ...]
    scope: str | None  # the steward's 单位号; None: every department (sysadmin)
    department: str  # the department chosen with ``?department=`` ("" for all in scope)
    departments: tuple[tuple[str, str], ...]  # (单位号, name) owning a ticket, for the sysadmin's menu


def workbench(home: Path, viewer: Viewer, params: Mapping[str, str]) -> Workbench:
    """The tickets this viewer works (a steward: own department; sysadmin: all, or one chosen).

    ``status`` is ``open`` (default), ``closed`` or ``all``. A steward naming another department
    is refused rather than quietly shown their own, so a shared link never misleads.
    """
    scope = work_scope(viewer)
    status = params.get("status") or "open"
    if status not in ("open", "closed", "all"):
        raise GovernanceBadRequest(_("status must be open, closed or all."))
    chosen = params.get("department") or ""
    if scope is not None and chosen and chosen != scope:
        raise GovernanceDenied(_("You work the tickets of your own department only."))
    everyone = api.quality_tickets(home, department=scope)
    departments = tuple(sorted({(t.owner_department, t.owner_name) for t in everyone}))
    department = chosen or (scope or "")
    kept = [
        t
        for t in everyone
        if (status == "all" or t.status == status) and (not department or t.owner_department == department)
    ]
    return Workbench(
        tickets=tuple(sorted(kept, key=lambda t: (t.status != "open", t.due_at, t.ticket_id))),
        scope=scope,
        department=chosen,
        departments=departments if scope is None else (),
    )


@dataclass(frozen=True)
class TicketView:
    ticket: QualityTicket
    events: tuple[TicketEvent, ...]
    rows: FailingRows
    unmasked: bool
    item_id: str | None  # the catalogue item of the rule's column, when the catalogue has it


class TicketNotFound(LookupError):
    pass


def ticket_view(home: Path, viewer: Viewer, ticket_id: str, *, unmask: bool) -> TicketView:
    """One ticket with its history and failing rows; 403 for another department's ticket.

    Rows are masked unless ``unmask`` and the viewer's role may unmask; the view that shows
    them unmasked records the view (``services.failing_rows_unmask_record``).
    """
    department = work_scope(viewer)
    ticket = next((t for t in api.quality_tickets(home) if t.ticket_id == ticket_id), None)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if department is not None and ticket.owner_department != department:
        raise GovernanceDenied(
            _("This ticket belongs to %(owner)s; you work the tickets of your own department only.")
            % {"owner": ticket.owner_name}
        )
    if unmask and not viewer.may_unmask:
        raise GovernanceDenied(_("Your role may not see personal data in clear; the rows stay masked."))
    rows = api.quality_failing_rows(home, ticket.rule_id, limit=FAILING_ROWS_SHOWN, masked=not unmask)
    return TicketView(
        ticket=ticket,
        events=api.quality_ticket_events(home, ticket.ticket_id),
        rows=rows,
        unmasked=unmask,
        item_id=_catalogued(home, f"{ticket.model}.{ticket.column_name}") if ticket.column_name else None,
    )


def _catalogued(home: Path, item_id: str) -> str | None:
    # A link only where the item page exists: a rule may check a column the catalogue does not list.
    try:
        return api.catalog_item(home, item_id).entry.item_id
    except api.CatalogItemNotFound:
        return None


# --- crosswalk workbench ---------------------------------------------------------------------------


def unmapped_for(home: Path, viewer: Viewer) -> tuple[UnmappedValue, ...]:
    """The unmapped values of the fields this viewer's department owns (sysadmin: all)."""
    department = work_scope(viewer)
    values = api.unmapped_values(home)
    return tuple(v for v in values if department is None or v.owner_code == department)


def unmapped_key(value: UnmappedValue) -> dict[str, str]:
    """The query parameters that name one unmapped value (for the mapping form)."""
    return {"source": value.source, "table": value.table, "field": value.field, "value": value.source_value}


def unmapped_lookup(home: Path, viewer: Viewer, params: Mapping[str, str]) -> UnmappedValue:
    """The unmapped value named by ``params``, if it is in this viewer's queue.

    A value of another department's field is refused (403), so nobody maps another owner's data;
    a value no longer in the queue (mapped meanwhile, or invented) is a bad request.
    """
    key = tuple(params.get(name) or "" for name in ("source", "table", "field", "value"))
    if not all(key):
        raise GovernanceBadRequest(_("Choose an unmapped value from the list."))
    everyone = api.unmapped_values(home)
    found = next(
        (v for v in everyone if (v.source, v.table, v.field, v.source_value) == key),
        None,
    )
    if found is None:
        raise GovernanceBadRequest(_("That value is not in the published build's unmapped queue."))
    department = work_scope(viewer)
    if department is not None and found.owner_code != department:
        raise GovernanceDenied(
            _("This field belongs to %(owner)s; you map the values of your own department only.")
            % {"owner": found.owner_name}
        )
    return found


def code_choices_for(value: UnmappedValue) -> tuple[CodeChoice, ...]:
    """The codes a value may be mapped to: its field's code system (empty when unknown)."""
    if not value.code_system:
        return ()
    try:
        return api.code_choices(value.code_system)
    except LookupError:
        return ()


# --- freshness board --------------------------------------------------------------------------------


def freshness_for(home: Path, viewer: Viewer | None) -> tuple[SourceStatus, ...]:
    """Every source system's last sync, rows and freshness, stalest first."""
    read_check(viewer)
    order = {"never": 0, "stale": 1, "unscheduled": 2, "fresh": 3}
    return tuple(sorted(api.source_freshness(home), key=lambda s: (order.get(s.freshness, 2), s.source)))
