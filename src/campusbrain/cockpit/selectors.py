"""Reads of the cockpit: who may open which theme, and the boards built from governed metrics.

Every figure comes from ``hub.api.metric_query`` (scoped, suppressed and cached by the hub per
build); this module only decides which questions to ask for a page and shapes the answers for
templates, exports and the big screen. Nothing here computes a number of its own except the
status of a value against its metric's target and warning line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campusbrain.hub import api
from campusbrain.hub.contracts import MetricDefinition, MetricProvenance, MetricSourceRows, Viewer

# Who opens the cockpit at all, and with which themes (the hub's scope rule then cuts the rows):
# school leaders and the quality/audit offices see the school; a department head their
# department; a steward only 数据治理 and finance staff only 财务专题. Everyone else is refused.
COLLEGE_ROLES = frozenset({"leader", "quality", "auditor"})
DEPARTMENT_ROLES = frozenset({"dean"})
THEME_ONLY_ROLES: Mapping[str, str] = {"steward": "governance", "finance": "finance"}

# Drill-down path: query parameter -> the dimensions that stand for that level, first match wins.
# Staff, asset and finance metrics are cut by 部门 (any unit) where student metrics say 二级学院:
# both name the same units, so one 二级学院 click drills both kinds of metric.
DRILL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("college", ("二级学院", "部门")),
    ("major", ("专业",)),
    ("class", ("班级",)),
)
DRILL_LABELS = {"college": "二级学院", "major": "专业", "class": "班级"}
TREND_PERIODS = 12
MAX_BREAKDOWN_BARS = 60


class CockpitDenied(Exception):
    """The viewer may not open this theme, metric or department (rendered as a 403 page)."""


class CockpitBadRequest(ValueError):
    """A query parameter the cockpit cannot use (rendered as a 400 page naming it)."""


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str  # Chinese, as the seed names it
    name_en: str

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name


THEMES: tuple[Theme, ...] = tuple(Theme(slug, zh, en) for slug, zh, en in api.THEMES)
THEMES_BY_SLUG = {t.slug: t for t in THEMES}


def hub_home() -> Path:
    """The college folder whose published warehouse snapshot the cockpit reads."""
    return Path(settings.CAMPUSBRAIN.home)


def metric_label(metric: MetricDefinition) -> str:
    """The metric's name in the interface language (Chinese first)."""
    return metric.name_en if (get_language() or "").startswith("en") else metric.name


# --- rights ---------------------------------------------------------------------------------------


def themes_for(viewer: Viewer | None) -> tuple[Theme, ...]:
    """The themes this viewer may open, in the seed's order (empty: the cockpit is closed to them)."""
    if viewer is None:
        return ()
    if viewer.role in COLLEGE_ROLES:
        return THEMES
    if viewer.role in DEPARTMENT_ROLES:
        return THEMES if viewer.department_code else ()
    only = THEME_ONLY_ROLES.get(viewer.role)
    return (THEMES_BY_SLUG[only],) if only else ()


def theme_check(viewer: Viewer | None, slug: str) -> Theme:
    """The theme if the viewer may open it; :class:`CockpitDenied` otherwise; KeyError if unknown."""
    theme = THEMES_BY_SLUG[slug]
    if theme not in themes_for(viewer):
        raise CockpitDenied(denial_reason(viewer, theme))
    return theme


def denial_reason(viewer: Viewer | None, theme: Theme | None = None) -> str:
    """Why the cockpit (or one theme of it) is closed to this viewer, in the interface language."""
    if viewer is None:
        return _(
            "Your account has no college profile (role and department), so the cockpit shows it nothing."
        )
    if theme is not None and themes_for(viewer):
        return _("Your role may open only the theme %(themes)s, not %(theme)s.") % {
            "themes": "、".join(t.label for t in themes_for(viewer)),
            "theme": theme.label,
        }
    if viewer.role in DEPARTMENT_ROLES:
        return _("A department head without a department sees no figures.")
    return _(
        "The leadership cockpit is for school leaders, the quality and audit offices and department heads. "
        "Your role does not open it."
    )


def metric_check(viewer: Viewer | None, metric_id: str) -> MetricDefinition:
    """The metric if the viewer may open a theme that shows it (MetricNotFound, CockpitDenied)."""
    metric = api.metric_definition(metric_id)
    allowed = {t.slug for t in themes_for(viewer)}
    overview_ids = {m.id for m in api.metric_catalog(theme="overview")} if "overview" in allowed else set()
    if metric.theme not in allowed and metric.id not in overview_ids:
        theme = THEMES_BY_SLUG.get(metric.theme)
        raise CockpitDenied(denial_reason(viewer, theme))
    return metric


# --- drill-down -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    label: str
    query: str  # the query string that goes back to this level ("" for the top)


@dataclass(frozen=True)
class Drill:
    """Where in the college → 二级学院 → 专业 → 班级 path a page stands, and what it breaks down by."""

    levels: tuple[
        tuple[str, str], ...
    ]  # (drill parameter, value) in drill order, the dean's own unit included
    depth: int  # index into DRILL of the level the charts break down by (len(DRILL): below 班级)
    by: str | None  # a dimension chosen with ``by=`` instead of the drill path
    crumbs: tuple[Crumb, ...]
    params: tuple[tuple[str, str], ...]  # the query parameters that reproduce this drill

    def query(self, **extra: str) -> str:
        """The query string of this drill plus ``extra`` (drill parameters go deeper)."""
        return urlencode([*self.params, *extra.items()])

    @property
    def path_params(self) -> tuple[tuple[str, str], ...]:
        """The drill parameters without ``by`` (what a breakdown menu keeps)."""
        return tuple((p, v) for p, v in self.params if p != "by")

    @property
    def breakdown_label(self) -> str | None:
        if self.by:
            return self.by
        return DRILL_LABELS[DRILL[self.depth][0]] if self.depth < len(DRILL) else None

    def applied(self, metric: MetricDefinition) -> tuple[tuple[str, str], ...]:
        """The (dimension, value) filters of this drill that ``metric`` can take."""
        candidates = dict(DRILL)
        out = []
        for param, value in self.levels:
            dimension = next((d for d in candidates[param] if d in metric.dimensions), None)
            if dimension is not None:
                out.append((dimension, value))
        return tuple(out)

    def ignored(self, metric: MetricDefinition) -> tuple[str, ...]:
        """Drill levels ``metric`` cannot be cut by (its figure is for the wider scope)."""
        candidates = dict(DRILL)
        return tuple(
            DRILL_LABELS[param]
            for param, _v in self.levels
            if not any(d in metric.dimensions for d in candidates[param])
        )

    def breakdown(self, metric: MetricDefinition) -> tuple[str | None, str | None]:
        """The dimension to chart ``metric`` by and the drill parameter a click on a bar sets."""
        if self.by:
            return (self.by, None) if self.by in metric.dimensions else (None, None)
        if self.depth < len(DRILL):
            param, candidates = DRILL[self.depth]
            dimension = next((d for d in candidates if d in metric.dimensions), None)
            if dimension is not None:
                return dimension, param
        return None, None


def drill_from_query(viewer: Viewer, params: Mapping[str, str], *, by_choices: tuple[str, ...] = ()) -> Drill:
    """Read ``college``/``major``/``class``/``by`` from a request's query.

    A department head stands in their own 二级学院: asking for another one is refused
    (:class:`CockpitDenied`), and their charts start one level down, by 专业.
    """
    department_scope = viewer.role in DEPARTMENT_ROLES
    levels: list[tuple[str, str]] = []
    used: list[tuple[str, str]] = []
    for param, _candidates in DRILL:
        value = (params.get(param) or "").strip()
        if not value:
            continue
        if len(value) > 100:
            raise CockpitBadRequest(_("The value of %(param)s is too long.") % {"param": param})
        if department_scope and param == "college" and value != viewer.department_name:
            raise CockpitDenied(
                _("You may see only your own department, %(department)s, not %(asked)s.")
                % {"department": viewer.department_name, "asked": value}
            )
        levels.append((param, value))
        used.append((param, value))
    if department_scope and not any(p == "college" for p, _v in levels):
        levels.insert(0, ("college", viewer.department_name))
    order = [p for p, _c in DRILL]
    depth = max((order.index(p) + 1 for p, _v in levels), default=0)
    by = (params.get("by") or "").strip() or None
    if by is not None:
        if by not in by_choices:
            raise CockpitBadRequest(
                _("Cannot break down by %(by)s; choose one of %(choices)s.")
                % {"by": by, "choices": "、".join(by_choices) or "—"}
            )
        used.append(("by", by))
    crumbs = [Crumb(viewer.department_name if department_scope else _("Whole college"), "")]
    sofar: list[tuple[str, str]] = []
    for param, value in levels:
        if department_scope and param == "college":
            continue  # the department is the root crumb already
        sofar.append((param, value))
        crumbs.append(Crumb(value, urlencode(sofar)))
    return Drill(levels=tuple(levels), depth=depth, by=by, crumbs=tuple(crumbs), params=tuple(used))


# --- boards -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One KPI tile: the latest value of a metric for the viewer's scope and drill, with its trend."""

    metric: MetricDefinition
    label: str
    value: float | None
    period: str | None
    previous: float | None
    trend: tuple[tuple[str, float | None], ...]
    status: str  # ok | watch | alert | none
    suppressed: bool
    scope: str
    applied: tuple[tuple[str, str], ...]  # drill filters this metric could take
    ignored: tuple[str, ...]  # drill dimensions this metric cannot be cut by (its figure ignores them)
    provenance: MetricProvenance | None
    problem: str | None  # why there is no figure (input missing, not cut to this scope …)

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 6)

    @property
    def stale(self) -> bool:
        return bool(self.provenance and self.provenance.stale)

    @property
    def low_quality(self) -> bool:
        return bool(self.provenance and self.provenance.low_quality)

    @property
    def stale_sources(self) -> tuple[str, ...]:
        if self.provenance is None:
            return ()
        return tuple(s.source_table for s in self.provenance.sources if s.freshness == "stale")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    suppressed: bool


@dataclass(frozen=True)
class Breakdown:
    """A chart of one metric: cut by the drill's dimension (bars) or, failing that, over time (line)."""

    metric: MetricDefinition
    label: str
    kind: str  # bar | line
    dimension: str | None
    period: str | None
    bars: tuple[Bar, ...]
    drill_param: str | None
    unit: str


@dataclass(frozen=True)
class Board:
    theme: Theme
    scope: str
    drill: Drill
    tiles: tuple[Tile, ...]
    charts: tuple[Breakdown, ...]
    build_id: str | None
    built_at: datetime | None
    by_choices: tuple[str, ...]
    problem: str | None  # a page-wide reason for no figures (nothing published yet)


def status_of(metric: MetricDefinition, value: float | None) -> str:
    """``ok`` (meets target), ``watch`` (between target and warning), ``alert`` (past the warning
    line) or ``none`` (no value, no target, or a neutral metric)."""
    if value is None or metric.direction == "neutral" or (metric.target is None and metric.warning is None):
        return "none"
    sign = 1 if metric.direction == "higher_better" else -1
    if metric.target is not None and sign * (value - metric.target) >= 0:
        return "ok"
    if metric.warning is not None and sign * (value - metric.warning) < 0:
        return "alert"
    if metric.target is None:
        return "ok"  # only a warning line, and the value is on the right side of it
    return "watch"


def theme_metrics(slug: str) -> tuple[MetricDefinition, ...]:
    return api.metric_catalog(theme=slug)


def by_choices_for(metrics: tuple[MetricDefinition, ...]) -> tuple[str, ...]:
    """Dimensions at least one metric of the theme allows, for the ``by=`` menu (drill ones first)."""
    seen: list[str] = []
    for metric in metrics:
        seen += [d for d in metric.dimensions if d not in seen]
    return tuple(seen)


def _period_filter(metric: MetricDefinition, grain: str | None, period: str | None) -> dict[str, str]:
    # 时点 is the build's own census; every other grain can be pinned to the tile's latest period.
    if grain is None or grain == "时点" or period is None:
        return {}
    return {grain: period}


def tile_for(home: Path, viewer: Viewer, metric: MetricDefinition, drill: Drill) -> Tile:
    """The tile of one metric (the hub's answer without dimensions, cut by the drill filters it allows)."""
    applied = drill.applied(metric)
    ignored = drill.ignored(metric)
    if viewer.role in DEPARTMENT_ROLES:
        # The hub scopes a dean to the department already; the implicit 二级学院 level is not "ignored".
        ignored = tuple(d for d in ignored if d != DRILL_LABELS["college"])
    label = metric_label(metric)
    try:
        result = api.metric_query(home, metric.id, viewer=viewer, filters=dict(applied) or None)
    except (api.MetricAccessDenied, api.MetricQueryError) as error:
        return Tile(
            metric, label, None, None, None, (), "none", False, "", applied, ignored, None, str(error)
        )
    rows = [r for r in result.rows if r.period is not None or len(result.rows) == 1]
    trend = tuple((r.period or "", r.value) for r in rows[-TREND_PERIODS:])
    # The tile shows the latest period that has a figure: a term that has begun but has no grades
    # yet answers None, and "—" over a chart of empty bars would hide last term's real figure.
    # A suppressed cell counts as a figure (the tile says it is suppressed).
    shown = [r for r in rows if r.value is not None or r.suppressed] or rows
    last = shown[-1] if shown else None
    previous = shown[-2].value if len(shown) > 1 else None
    value = last.value if last else None
    return Tile(
        metric=metric,
        label=label,
        value=value,
        period=last.period if last else None,
        previous=previous,
        trend=trend,
        status=status_of(metric, value),
        suppressed=bool(last and last.suppressed),
        scope=result.scope,
        applied=applied,
        ignored=ignored,
        provenance=result.provenance,
        problem=None if last else _("No rows for this scope and period."),
    )


def chart_for(home: Path, viewer: Viewer, tile: Tile, drill: Drill) -> Breakdown | None:
    """A chart for a tile: bars by the drill's dimension when the metric allows it, else its trend,
    else bars by the metric's first own dimension (not a drill level, so bars do not click through)."""
    metric = tile.metric
    if tile.provenance is None:
        return None
    dimension, param = drill.breakdown(metric)
    if dimension is None and len(tile.trend) < 2 and metric.dimensions and not drill.by:
        dimension = metric.dimensions[0]
    if dimension is not None:
        filters = {**dict(tile.applied), **_period_filter(metric, metric.grains[0], tile.period)}
        try:
            result = api.metric_query(
                home, metric.id, viewer=viewer, dimensions=(dimension,), filters=filters
            )
        except (api.MetricAccessDenied, api.MetricQueryError):
            result = None
        if result is not None and result.rows:
            bars = tuple(
                Bar(r.dims[0][1] or _("(none)"), r.value, r.suppressed)
                for r in result.rows[:MAX_BREAKDOWN_BARS]
            )
            return Breakdown(metric, tile.label, "bar", dimension, tile.period, bars, param, metric.unit)
    if len(tile.trend) >= 2:
        bars = tuple(Bar(period, value, False) for period, value in tile.trend)
        return Breakdown(metric, tile.label, "line", None, None, bars, None, metric.unit)
    return None


def board(home: Path, viewer: Viewer, theme: Theme, params: Mapping[str, str]) -> Board:
    """Everything a theme page shows for this viewer and drill (raises CockpitDenied/CockpitBadRequest)."""
    metrics = theme_metrics(theme.slug)
    choices = by_choices_for(metrics)
    drill = drill_from_query(viewer, params, by_choices=choices)
    tiles = tuple(tile_for(home, viewer, m, drill) for m in metrics)
    charts = tuple(c for c in (chart_for(home, viewer, t, drill) for t in tiles) if c is not None)
    answered = [t for t in tiles if t.provenance is not None]
    first = answered[0].provenance if answered else None
    problem = None
    if metrics and not answered:
        problem = tiles[0].problem
    scope = answered[0].scope if answered else ""
    return Board(
        theme=theme,
        scope=scope,
        drill=drill,
        tiles=tiles,
        charts=charts,
        build_id=first.build_id if first else None,
        built_at=first.built_at if first else None,
        by_choices=choices,
        problem=problem,
    )


def board_cache_key(
    home: Path, viewer: Viewer, theme: Theme, params: Mapping[str, str], *, base: str, screen: bool
) -> str | None:
    """The key of a rendered board in the page cache, or ``None`` when nothing may be cached.

    A board is a function of the college folder, the hub's answers (:func:`api.metric_cache_token`:
    the build and the answer cache's generation), the viewer's scope (role, department, classes — never the
    person, except for a viewer without department or classes, whose refusal names them), the
    theme, the query, the link base, the big-screen flag and the interface language.
    """
    token = api.metric_cache_token(home)
    if token is None:
        return None
    lists = getattr(params, "lists", None)
    query = sorted((k, v) for k, values in lists() for v in values) if lists else sorted(params.items())
    person = "" if viewer.department_code or viewer.class_codes else viewer.username
    parts = [
        str(Path(home).resolve()),
        token,
        [viewer.role, viewer.department_code, viewer.department_name, sorted(viewer.class_codes), person],
        theme.slug,
        query,
        base,
        screen,
        get_language() or "",
    ]
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"cockpit-board:{digest}"


def scope_label(scope: str) -> str:
    """``college`` → 全校; ``department:107`` → 部门 107; ``classes:…`` → 所带班级."""
    if scope == "college":
        return _("Whole college")
    if scope.startswith("department:"):
        return _("Department %(code)s") % {"code": scope.split(":", 1)[1]}
    if scope.startswith("classes:"):
        return _("Own classes")
    return scope


# --- drill-through: one metric ------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricPage:
    """A metric's definition, provenance and values for the viewer, and its rows when the role allows."""

    metric: MetricDefinition
    label: str
    drill: Drill
    tile: Tile
    table_dimension: str | None
    table: tuple[
        tuple[str, str | None, float | None, bool], ...
    ]  # (dimension value, period, value, suppressed)
    source_rows: MetricSourceRows | None
    rows_problem: str | None
    may_unmask: bool
    unmasked: bool


def metric_page(
    home: Path,
    viewer: Viewer,
    metric: MetricDefinition,
    params: Mapping[str, str],
    *,
    unmask: bool = False,
    rows: bool = True,
) -> MetricPage:
    """The drill-through page of one metric. Its source rows (when ``rows``) come masked; ``unmask``
    asks for them in clear, which only a role with the unmask right gets (the view audits it)."""
    drill = drill_from_query(viewer, params, by_choices=metric.dimensions)
    tile = tile_for(home, viewer, metric, drill)
    dimension, _param = drill.breakdown(metric)
    table: list[tuple[str, str | None, float | None, bool]] = []
    if tile.provenance is not None:
        try:
            result = api.metric_query(
                home,
                metric.id,
                viewer=viewer,
                dimensions=(dimension,) if dimension else (),
                filters=dict(tile.applied) or None,
            )
            table = [
                (r.dims[0][1] or _("(none)") if r.dims else _("Total"), r.period, r.value, r.suppressed)
                for r in result.rows
            ]
        except (api.MetricAccessDenied, api.MetricQueryError):
            table = []
    source: MetricSourceRows | None = None
    rows_problem: str | None = None
    unmasked = False
    if rows and tile.provenance is not None:
        # Masked first, whatever the role: clear text is a deliberate, audited second step.
        masked_viewer = dataclasses.replace(viewer, may_unmask=False)
        filters = dict(tile.applied) or None
        try:
            source = api.metric_source_rows(home, metric.id, viewer=masked_viewer, filters=filters)
            if unmask and viewer.may_unmask and source.masked_columns:
                clear = api.metric_source_rows(home, metric.id, viewer=viewer, filters=filters)
                source = dataclasses.replace(clear, masked_columns=source.masked_columns)
                unmasked = True
        except api.MetricAccessDenied:
            rows_problem = _("Your role may not see the rows behind this figure.")
        except api.MetricQueryError as error:
            rows_problem = str(error)
    return MetricPage(
        metric=metric,
        label=metric_label(metric),
        drill=drill,
        tile=tile,
        table_dimension=dimension,
        table=tuple(table),
        source_rows=source,
        rows_problem=rows_problem,
        may_unmask=viewer.may_unmask,
        unmasked=unmasked,
    )


def lineage_links(
    metric: MetricDefinition, provenance: MetricProvenance | None
) -> tuple[tuple[str, str], ...]:
    """(table, catalog URL) for the metric's inputs and the ODS tables they come from.

    The data catalog (数据治理 platform) owns those pages; the cockpit links to them by URL only.
    """
    tables = list(metric.inputs)
    if provenance is not None:
        tables += [s.source_table for s in provenance.sources if s.source_table not in tables]
    return tuple((t, f"/governance/catalog/?{urlencode({'q': t})}") for t in tables)
