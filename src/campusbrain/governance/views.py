"""Thin views of data governance: resolve the viewer, ask the selectors, write through services, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote, urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from campusbrain.accounts.selectors import viewer_for_user
from campusbrain.governance import exports, selectors, services
from campusbrain.governance.selectors import GovernanceBadRequest, GovernanceDenied
from campusbrain.hub import api
from campusbrain.hub.contracts import Viewer

View = Callable[..., HttpResponse]


def _render(
    request: HttpRequest, template: str, viewer: Viewer | None, context: dict[str, Any], **kw: Any
) -> HttpResponse:
    return render(request, template, {"viewer": viewer, "nav": selectors.nav_for(viewer), **context}, **kw)


def governance_view(view: View) -> View:
    """Resolve the signed-in user's hub viewer; turn refusals and hub states into 403/400/404/503 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        viewer = viewer_for_user(request.user)
        try:
            return view(request, viewer, *args, **kwargs)
        except GovernanceDenied as denial:
            return _render(request, "governance/denied.html", viewer, {"reason": str(denial)}, status=403)
        except GovernanceBadRequest as error:
            return _render(request, "governance/bad_request.html", viewer, {"reason": str(error)}, status=400)
        except (api.CatalogItemNotFound, selectors.TicketNotFound):
            raise Http404(_("No such item.")) from None
        except api.NothingPublished:
            reason = _("The data hub has published no build yet: run `campusbrain hub build`.")
            return _render(request, "governance/unavailable.html", viewer, {"reason": reason}, status=503)
        except api.NoQuality:
            reason = _("The published build ran no quality rules, so there are no scores or tickets.")
            return _render(request, "governance/unavailable.html", viewer, {"reason": reason}, status=503)
        except api.HubBusy:
            reason = _("A sync is loading the source systems right now; try again in a minute.")
            return _render(request, "governance/unavailable.html", viewer, {"reason": reason}, status=503)

    return wrapper


@require_GET
@governance_view
def catalog_page(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """数据资源目录: search every data item with filters and paging."""
    view = selectors.catalog_view(selectors.hub_home(), viewer, request.GET)
    return _render(
        request,
        "governance/catalog.html",
        viewer,
        {"view": view, "filters": dict(view.filters), "current": "platform-governance"},
    )


@require_GET
@governance_view
def item_page(request: HttpRequest, viewer: Viewer | None, item_id: str) -> HttpResponse:
    """One data item: owner, classification, masking, freshness, quality and its lineage graph."""
    view = selectors.item_view(selectors.hub_home(), viewer, item_id, request.GET)
    return _render(
        request,
        "governance/item.html",
        viewer,
        {
            "view": view,
            "linkable": selectors.LAYER_CATEGORIES[:-1],
            "depths": selectors.LINEAGE_DEPTHS,
            "current": "platform-governance",
        },
    )


@require_GET
@governance_view
def quality_page(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """The quality dashboard: scores by dimension, source and department, trends, rule results."""
    view = selectors.quality_view(selectors.hub_home(), viewer, request.GET)
    kept = {k: request.GET[k] for k in ("status", "dimension", "department") if request.GET.get(k)}
    return _render(
        request,
        "governance/quality.html",
        viewer,
        {
            "view": view,
            "kept": kept,
            "export_query": urlencode(kept),
            "dimensions": [(d, selectors.dimension_label(d)) for d in selectors.DIMENSIONS],
            "score_tables": [
                (_("By dimension"), view.by_dimension),
                (_("By source system"), view.by_source),
                (_("By owning department"), view.by_department),
            ],
            "current": "governance-quality",
        },
    )


@require_GET
@governance_view
def quality_export(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """The rule results as filtered on the dashboard, as an Excel workbook."""
    view = selectors.quality_view(selectors.hub_home(), viewer, request.GET)
    content = exports.rule_results_workbook(view, who=viewer.username if viewer else "")
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    filename = f"quality-rules-{timezone.localtime().strftime('%Y%m%d-%H%M')}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _worker(viewer: Viewer | None) -> Viewer:
    if viewer is None or not selectors.may_work(viewer):
        raise GovernanceDenied(selectors.denial_reason(viewer, workbench=True))
    return viewer


@require_GET
@governance_view
def workbench_page(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """The steward's workbench: the quality tickets of their own department (sysadmin: all)."""
    worker = _worker(viewer)
    bench = selectors.workbench(selectors.hub_home(), worker, request.GET)
    return _render(
        request,
        "governance/workbench.html",
        viewer,
        {
            "bench": bench,
            "status": request.GET.get("status") or "open",
            "status_tabs": [("open", _("Open")), ("closed", _("Closed")), ("all", _("All"))],
            "current": "governance-workbench",
        },
    )


@require_GET
@governance_view
def ticket_page(request: HttpRequest, viewer: Viewer | None, ticket_id: str) -> HttpResponse:
    """One ticket: its history and failing rows, masked unless ``?unmask=1`` and the role may."""
    worker = _worker(viewer)
    unmask = request.GET.get("unmask") == "1"
    view = selectors.ticket_view(selectors.hub_home(), worker, ticket_id, unmask=unmask)
    if view.unmasked:
        # Recorded before the response is made, so no unmasked page leaves without its audit row.
        services.failing_rows_unmask_record(
            user=request.user,  # type: ignore[arg-type]
            ticket_id=view.ticket.ticket_id,
            rows=view.rows,
        )
    return _render(
        request, "governance/ticket.html", viewer, {"view": view, "current": "governance-workbench"}
    )


@require_GET
@governance_view
def crosswalks_page(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """The crosswalk workbench: unmapped code values of the viewer's department's fields."""
    worker = _worker(viewer)
    values = selectors.unmapped_for(selectors.hub_home(), worker)
    rows = [(v, urlencode(selectors.unmapped_key(v))) for v in values]
    return _render(
        request,
        "governance/crosswalks.html",
        viewer,
        {
            "rows": rows,
            "scope": selectors.work_scope(worker),
            "saved": request.GET.get("saved") == "1",
            "current": "governance-crosswalks",
        },
    )


@require_http_methods(["GET", "POST"])
@governance_view
def crosswalk_map_page(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """Choose the standard code for one unmapped value (GET) and save it to the crosswalk (POST)."""
    worker = _worker(viewer)
    home = selectors.hub_home()
    params = request.POST if request.method == "POST" else request.GET
    value = selectors.unmapped_lookup(home, worker, params)
    choices = selectors.code_choices_for(value)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            written = services.crosswalk_mapping_create(home=home, value=value, code=code)
        except api.CrosswalkError as failure:
            error = str(failure)
        else:
            query = urlencode({"saved": "1", "file": written.name})
            return redirect(f"{reverse('governance-crosswalks')}?{query}")
    return _render(
        request,
        "governance/crosswalk_map.html",
        viewer,
        {
            "value": value,
            "choices": choices,
            "error": error,
            "current": "governance-crosswalks",
        },
        status=400 if error else 200,
    )


@require_GET
@governance_view
def freshness_page(request: HttpRequest, viewer: Viewer | None) -> HttpResponse:
    """Source freshness board: every source system's last sync against its schedule."""
    sources = selectors.freshness_for(selectors.hub_home(), viewer)
    return _render(
        request, "governance/freshness.html", viewer, {"sources": sources, "current": "governance-freshness"}
    )
