"""Excel exports of cockpit views (openpyxl, made on the server): the numbers on the first sheet,
their provenance (definition, build, freshness of each source, quality) on the second."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from campusbrain.cockpit.selectors import Board, MetricPage, Tile, scope_label

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)


def status_label(status: str) -> str:
    return {"ok": _("Meets target"), "watch": _("Watch"), "alert": _("Warning"), "none": "—"}[status]


def _naive(moment: datetime | None) -> datetime | None:
    # Excel has no time zones: write local wall-clock time, as the page shows it. The hub gives
    # source load times as naive UTC (DuckDB TIMESTAMP), build times as aware: both are UTC.
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).replace(tzinfo=None)


def _header(sheet: Worksheet, columns: Iterable[str]) -> None:
    sheet.append(list(columns))
    for cell in sheet[sheet.max_row]:
        cell.font = _BOLD


def _tile_note(tile: Tile) -> str:
    notes = []
    if tile.problem:
        notes.append(tile.problem)
    if tile.suppressed:
        notes.append(_("Suppressed: fewer than %(n)s people") % {"n": tile.metric.min_cell})
    if tile.ignored:
        notes.append(_("Not cut by %(dims)s") % {"dims": "、".join(tile.ignored)})
    if tile.stale:
        notes.append(_("Stale sources: %(tables)s") % {"tables": ", ".join(tile.stale_sources)})
    if tile.low_quality:
        notes.append(_("Quality below threshold"))
    return "; ".join(notes)


def _tiles_sheet(sheet: Worksheet, tiles: Iterable[Tile]) -> None:
    _header(
        sheet,
        [
            _("Metric id"),
            _("Metric"),
            _("Period"),
            _("Value"),
            _("Unit"),
            _("Target"),
            _("Warning line"),
            _("Status"),
            _("Notes"),
        ],
    )
    for tile in tiles:
        sheet.append(
            [
                tile.metric.id,
                tile.label,
                tile.period,
                tile.value,
                tile.metric.unit,
                tile.metric.target,
                tile.metric.warning,
                status_label(tile.status),
                _tile_note(tile),
            ]
        )


def _provenance_sheet(sheet: Worksheet, tiles: Iterable[Tile]) -> None:
    _header(
        sheet,
        [
            _("Metric id"),
            _("Metric"),
            _("Definition (口径)"),
            _("Owner"),
            _("Version"),
            _("Formula kind"),
            _("Time base"),
            _("Scope"),
            _("Build"),
            _("Built at"),
            _("Quality score"),
            _("Source table"),
            _("Rows"),
            _("Last loaded"),
            _("Freshness"),
        ],
    )
    for tile in tiles:
        m, p = tile.metric, tile.provenance
        head = [m.id, tile.label, m.caliber, m.owner, m.version, m.kind, m.time_base, scope_label(tile.scope)]
        if p is None:
            sheet.append([*head, None, None, None, None, None, None, tile.problem])
            continue
        build = [p.build_id, _naive(p.built_at), p.quality_score]
        for source in p.sources or ():
            sheet.append(
                [
                    *head,
                    *build,
                    source.source_table,
                    source.rows,
                    _naive(source.last_loaded_at),
                    source.freshness,
                ]
            )
        if not p.sources:
            sheet.append([*head, *build, None, None, None, None])


def _meta(sheet: Worksheet, title: str, scope: str, crumbs: str, who: str) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Scope"), scope])
    sheet.append([_("Drill-down"), crumbs])
    sheet.append([_("Exported by"), who])
    sheet.append([_("Exported at"), _naive(timezone.now())])
    sheet.append([])


def _save(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def board_workbook(board: Board, *, who: str) -> bytes:
    """The theme page as a workbook: tiles and chart figures, then the provenance sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Figures")
    _meta(
        sheet,
        board.theme.label,
        scope_label(board.scope),
        " › ".join(c.label for c in board.drill.crumbs),
        who,
    )
    _tiles_sheet(sheet, board.tiles)
    sheet.append([])
    _header(
        sheet,
        [
            _("Metric id"),
            _("Metric"),
            _("Breakdown"),
            _("Breakdown item"),
            _("Period"),
            _("Value"),
            _("Unit"),
            _("Notes"),
        ],
    )
    for chart in board.charts:
        for bar in chart.bars:
            sheet.append(
                [
                    chart.metric.id,
                    chart.label,
                    chart.dimension or _("Period"),
                    bar.label,
                    chart.period,
                    bar.value,
                    chart.unit,
                    _("Suppressed") if bar.suppressed else "",
                ]
            )
    _provenance_sheet(book.create_sheet(_("Provenance")), board.tiles)
    return _save(book)


def metric_workbook(page: MetricPage, *, who: str) -> bytes:
    """One metric's drill-through page as a workbook: its values, then its provenance."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Figures")
    _meta(
        sheet, page.label, scope_label(page.tile.scope), " › ".join(c.label for c in page.drill.crumbs), who
    )
    _tiles_sheet(sheet, [page.tile])
    sheet.append([])
    _header(sheet, [page.table_dimension or _("Total"), _("Period"), _("Value"), _("Unit"), _("Notes")])
    for item, period, value, suppressed in page.table:
        sheet.append([item, period, value, page.metric.unit, _("Suppressed") if suppressed else ""])
    _provenance_sheet(book.create_sheet(_("Provenance")), [page.tile])
    return _save(book)
