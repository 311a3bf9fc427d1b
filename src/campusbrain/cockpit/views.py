"""Thin views of the cockpit: check the right, ask the selectors, render (page, partial, big screen, Excel)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from campusbrain.accounts.selectors import viewer_for_user
from campusbrain.cockpit import exports, selectors, services
from campusbrain.cockpit.selectors import Board, CockpitBadRequest, CockpitDenied, Theme
from campusbrain.hub import api
from campusbrain.hub.contracts import Viewer

SCREEN_REFRESH_DEFAULT = 60
SCREEN_REFRESH_BOUNDS = (10, 3600)
# A rendered board is kept this long at most: its key changes with every build, but its
# freshness verdicts change with the clock, so a stale source shows within a minute.
BOARD_CACHE_SECONDS = 60

View = Callable[..., HttpResponse]


def _denied(request: HttpRequest, reason: str, viewer: Viewer | None) -> HttpResponse:
    context = {"reason": reason, "themes": selectors.themes_for(viewer)}
    return render(request, "cockpit/denied.html", context, status=403)


def _bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "cockpit/bad_request.html", {"reason": reason}, status=400)


def cockpit_view(view: View) -> View:
    """Resolve the signed-in user's hub viewer and turn the cockpit's refusals into 403/400/404 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        viewer = viewer_for_user(request.user)
        if viewer is None or not selectors.themes_for(viewer):
            return _denied(request, selectors.denial_reason(viewer), viewer)
        try:
            return view(request, viewer, *args, **kwargs)
        except CockpitDenied as denial:
            return _denied(request, str(denial), viewer)
        except CockpitBadRequest as error:
            return _bad_request(request, str(error))
        except api.MetricNotFound:
            raise Http404(_("No such metric.")) from None

    return wrapper


def _theme(viewer: Viewer, slug: str) -> Theme:
    try:
        return selectors.theme_check(viewer, slug)
    except KeyError:
        raise Http404(_("No such theme.")) from None


def _chart_payloads(board: Board, path: str) -> list[dict[str, Any]]:
    """What cockpit.js draws: one spec per chart, with the drill-down link of each bar."""
    payloads = []
    for index, chart in enumerate(board.charts):
        links: list[str | None] = []
        for bar in chart.bars:
            if chart.drill_param and not bar.suppressed:
                links.append(f"{path}?{board.drill.query(**{chart.drill_param: bar.label})}")
            else:
                links.append(None)
        payloads.append(
            {
                "id": f"chart-{index}",
                "data_id": f"chart-{index}-data",
                "kind": chart.kind,
                "title": chart.label,
                "name": chart.metric.id,
                "unit": chart.unit,
                "labels": [bar.label for bar in chart.bars],
                "values": [bar.value for bar in chart.bars],
                "links": links if any(links) else None,
            }
        )
    return payloads


def _tile_payloads(board: Board) -> list[dict[str, Any]]:
    return [
        {
            "id": f"spark-{index}",
            "data_id": f"spark-{index}-data",
            "kind": "spark",
            "title": tile.label,
            "name": tile.metric.id,
            "unit": tile.metric.unit,
            "labels": [period for period, _v in tile.trend],
            "values": [value for _p, value in tile.trend],
            "links": None,
        }
        for index, tile in enumerate(board.tiles)
    ]


def _board_context(request: HttpRequest, viewer: Viewer, theme: Theme, base: str) -> dict[str, Any]:
    board = selectors.board(selectors.hub_home(), viewer, theme, request.GET)
    return {
        "board": board,
        "viewer": viewer,
        "themes": selectors.themes_for(viewer),
        "charts": list(zip(board.charts, _chart_payloads(board, base), strict=True)),
        "tiles": list(zip(board.tiles, _tile_payloads(board), strict=True)),
        "query": board.drill.query(),
        "current_slug": theme.slug,
    }


def _board_html(
    request: HttpRequest, viewer: Viewer, theme: Theme, base: str, *, screen: bool
) -> tuple[str, str]:
    """The rendered board and its drill query string, from the page cache when the same build has
    drawn it for the same scope (a warm theme page then costs its frame only)."""
    home = selectors.hub_home()
    key = selectors.board_cache_key(home, viewer, theme, request.GET, base=base, screen=screen)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            html, query = cached
            # Our own template's output (escaped when it was rendered), kept as plain text.
            return mark_safe(html), query
    context = _board_context(request, viewer, theme, base)
    context["screen"] = screen
    html = render_to_string("cockpit/_board.html", context, request=request)
    if key is not None:
        cache.set(key, (str(html), context["query"]), BOARD_CACHE_SECONDS)
    return html, context["query"]


def _page_context(viewer: Viewer, theme: Theme, board_html: str, query: str) -> dict[str, Any]:
    return {
        "theme": theme,
        "board_html": board_html,
        "query": query,
        "viewer": viewer,
        "themes": selectors.themes_for(viewer),
        "current_slug": theme.slug,
    }


@require_GET
@cockpit_view
def theme_page(request: HttpRequest, viewer: Viewer, slug: str = "overview") -> HttpResponse:
    """A theme page (综合态势 at /cockpit/): KPI tiles, breakdown charts, drill-down by query parameters."""
    if slug == "overview" and viewer.role in selectors.THEME_ONLY_ROLES:
        return redirect("cockpit-theme", slug=selectors.THEME_ONLY_ROLES[viewer.role])
    theme = _theme(viewer, slug)
    board_html, query = _board_html(request, viewer, theme, request.path, screen=False)
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(board_html)
    return render(request, "cockpit/theme.html", _page_context(viewer, theme, board_html, query))


@require_GET
@cockpit_view
def screen_page(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    """The big-screen (大屏) layout of a theme: dark, full-screen, refreshing every ``refresh`` seconds."""
    theme = _theme(viewer, slug)
    raw = request.GET.get("refresh", str(SCREEN_REFRESH_DEFAULT))
    low, high = SCREEN_REFRESH_BOUNDS
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise CockpitBadRequest(
            _("refresh must be a whole number of seconds from %(low)s to %(high)s, not %(raw)s.")
            % {"low": low, "high": high, "raw": raw[:20]}
        )
    params = request.GET.copy()
    params.pop("refresh", None)
    request.GET = params
    board_url = reverse("cockpit-theme", kwargs={"slug": slug})
    board_html, query = _board_html(request, viewer, theme, board_url, screen=True)
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(board_html)
    context = _page_context(viewer, theme, board_html, query)
    context.update({"refresh": int(raw), "board_url": board_url, "screen": True, "now": timezone.now()})
    return render(request, "cockpit/screen.html", context)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_GET
@cockpit_view
def theme_export(request: HttpRequest, viewer: Viewer, slug: str) -> HttpResponse:
    """The theme page as it stands (scope, drill) as an Excel workbook with its provenance."""
    theme = _theme(viewer, slug)
    board = selectors.board(selectors.hub_home(), viewer, theme, request.GET)
    return _xlsx(exports.board_workbook(board, who=viewer.username), f"cockpit-{slug}")


def _metric_page(
    request: HttpRequest, viewer: Viewer, metric_id: str, *, rows: bool = True
) -> selectors.MetricPage:
    metric = selectors.metric_check(viewer, metric_id)
    params = request.GET.copy()
    unmask = params.pop("unmask", None) is not None and rows
    if unmask and not viewer.may_unmask:
        raise CockpitDenied(_("Your role may not see personal data in clear; the rows stay masked."))
    page = selectors.metric_page(selectors.hub_home(), viewer, metric, params, unmask=unmask, rows=rows)
    if page.unmasked and page.source_rows is not None:
        # Recorded before the response is made, so no unmasked page leaves without its audit row.
        services.source_rows_unmask_record(
            user=request.user,  # type: ignore[arg-type]
            metric_id=metric.id,
            filters=dict(page.tile.applied),
            fields=list(page.source_rows.masked_columns),
        )
    return page


@require_GET
@cockpit_view
def metric_page(request: HttpRequest, viewer: Viewer, metric_id: str) -> HttpResponse:
    """Drill-through: a metric's definition, lineage, freshness, quality, values and (role allowing) rows."""
    page = _metric_page(request, viewer, metric_id)
    context = {
        "page": page,
        "viewer": viewer,
        "themes": selectors.themes_for(viewer),
        "theme": selectors.THEMES_BY_SLUG.get(page.metric.theme),
        "current_slug": page.metric.theme,
        "lineage": selectors.lineage_links(page.metric, page.tile.provenance),
        "query": page.drill.query(),
    }
    return render(request, "cockpit/metric.html", context)


@require_GET
@cockpit_view
def metric_export(request: HttpRequest, viewer: Viewer, metric_id: str) -> HttpResponse:
    """One metric's values and provenance as an Excel workbook."""
    page = _metric_page(request, viewer, metric_id, rows=False)
    return _xlsx(exports.metric_workbook(page, who=viewer.username), f"metric-{page.metric.id}")
