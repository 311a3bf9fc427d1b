"""Project-level views: health, the portal home and the pages of platforms not built yet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from campusbrain import __version__
from campusbrain.accounts.selectors import profile_summary_for_user
from campusbrain.web.platforms import PLATFORMS, platform_by_slug


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability for load balancers: 200 when healthy, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database_ok = True
    except DatabaseError:
        database_ok = False
    body = {"status": "ok" if database_ok else "unavailable", "database": database_ok, "version": __version__}
    return JsonResponse(body, status=200 if database_ok else 503)


def home(request: HttpRequest) -> HttpResponse:
    """The portal home: who the signed-in user is and the platforms they can open."""
    context = {
        "me": profile_summary_for_user(request.user),
        "other_platforms": [p for p in PLATFORMS if p.slug != "portal"],
    }
    return render(request, "web/home.html", context)


def platform_pending(request: HttpRequest, slug: str) -> HttpResponse:
    """The honest page of a platform that is not built yet."""
    try:
        platform = platform_by_slug(slug)
    except KeyError:
        raise Http404(slug) from None
    if platform.built:
        raise Http404(slug)
    return render(request, "web/platform_pending.html", {"platform": platform})
