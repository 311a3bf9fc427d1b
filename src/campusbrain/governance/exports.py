"""The quality rule results as an Excel workbook (openpyxl): what the dashboard's table shows,
with the build it comes from, so a printed copy still says which data it describes."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from campusbrain.governance.selectors import QualityView, dimension_label

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rule_results_workbook(view: QualityView, *, who: str) -> bytes:
    """Sheet 1: every rule result shown; sheet 2: scores by dimension, source and department."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Rule results")
    sheet.append(
        [
            _("Rule"),
            _("Description"),
            _("Table"),
            _("Column"),
            _("Dimension"),
            _("Severity"),
            _("Owning department"),
            _("Source system"),
            _("Checked rows"),
            _("Failing rows"),
            _("Score"),
            _("Status"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in view.results:
        sheet.append(
            [
                r.rule_id,
                r.description,
                r.model,
                r.column_name or "",
                dimension_label(r.dimension),
                r.severity,
                f"{r.owner_department} {r.owner_name}",
                r.source_system or "",
                r.checked_rows,
                r.failing_rows,
                r.score,
                r.status,
            ]
        )
    scores = book.create_sheet(_("Scores"))
    scores.append([_("Level"), _("Subject"), _("Name"), _("Score"), _("Checked rows"), _("Failing rows")])
    for cell in scores[1]:
        cell.font = Font(bold=True)
    for level, rows in (
        (_("Dimension"), view.by_dimension),
        (_("Source system"), view.by_source),
        (_("Owning department"), view.by_department),
    ):
        for row in rows:
            scores.append([level, row.subject, row.name, row.score, row.checked_rows, row.failing_rows])
    about = book.create_sheet(_("About"))
    about.append([_("Build"), view.report.build_id])
    about.append([_("Built at"), timezone.localtime(view.report.built_at).replace(tzinfo=None)])
    about.append([_("Exported by"), who])
    about.append([_("Exported at"), timezone.localtime().replace(tzinfo=None)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
