"""JSON API views: the metric catalogue, one metric's answer with provenance, the OpenAPI document.

Authentication is the browser session or ``Authorization: Bearer <token>`` (tokens from
``accounts.services.api_token_create``). Every error is JSON ``{"error": {"status", "code",
"message"}}`` with a message that names what is wrong. Only GET is served, so CSRF does not arise.
Scope follows the hub's rule for the viewer's role (``hub.api.metric_query``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from campusbrain.accounts.selectors import user_for_api_token, viewer_for_user
from campusbrain.cockpit.selectors import hub_home
from campusbrain.hub import api
from campusbrain.web.api import openapi, serialize

QUERY_PARAMETERS = frozenset({"by", "grain", "filter"})
LIST_PARAMETERS = frozenset({"theme"})


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, message: str) -> JsonResponse:
    response = _json({"error": {"status": status, "code": code, "message": message}}, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="campusbrain"'
    return response


def _user(request: HttpRequest) -> AbstractBaseUser:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _sep, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "bad_authorization", "the Authorization header must be 'Bearer <token>'")
        user = user_for_api_token(token.strip())
        if user is None:
            raise ApiError(
                401, "invalid_token", "the bearer token is unknown, revoked or its user is inactive"
            )
        return user
    if request.user.is_authenticated:
        return request.user  # type: ignore[return-value]
    raise ApiError(401, "not_authenticated", "sign in, or send 'Authorization: Bearer <token>'")


def _unknown_parameters(request: HttpRequest, allowed: frozenset[str]) -> None:
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        raise ApiError(
            400,
            "unknown_parameter",
            f"unknown query parameter {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}",
        )


Handler = Callable[..., JsonResponse]


def api_view(handler: Handler) -> Callable[..., HttpResponse]:
    """GET only, authenticated by session or bearer token, errors as JSON."""

    @wraps(handler)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(
                405, "method_not_allowed", f"{request.method} is not allowed; this API is read-only (GET)"
            )
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return handler(request, _user(request), *args, **kwargs)
        except ApiError as error:
            return _error(error.status, error.code, error.message)
        except api.MetricNotFound as error:
            return _error(404, "unknown_metric", str(error).strip("'\""))
        except api.MetricAccessDenied as error:
            return _error(403, "scope", str(error))
        except api.MetricInputMissing as error:
            return _error(503, "input_missing", str(error))
        except api.MetricQueryError as error:
            return _error(400, "bad_query", str(error))

    # The API answers 401 in JSON itself instead of the site's login redirect.
    return never_cache(login_not_required(wrapper))


@api_view
def metric_list(request: HttpRequest, user: AbstractBaseUser) -> JsonResponse:
    """GET /api/v1/metrics[?theme=SLUG] — the governed metric catalogue (definitions only, no figures)."""
    _unknown_parameters(request, LIST_PARAMETERS)
    theme = request.GET.get("theme") or None
    metrics = api.metric_catalog(theme=theme)
    return _json(
        {
            "themes": [{"slug": slug, "name": zh, "name_en": en} for slug, zh, en in api.THEMES],
            "count": len(metrics),
            "metrics": [serialize.definition(m) for m in metrics],
        }
    )


def _filters(values: list[str]) -> dict[str, str]:
    filters: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise ApiError(
                400, "bad_filter", f"filter {item!r} must be DIMENSION:VALUE, e.g. 二级学院:信息技术学院"
            )
        if name.strip() in filters:
            raise ApiError(400, "bad_filter", f"filter on {name.strip()!r} is given twice")
        filters[name.strip()] = value.strip()
    return filters


@api_view
def metric_detail(request: HttpRequest, user: AbstractBaseUser, metric_id: str) -> JsonResponse:
    """GET /api/v1/metrics/{id}?by=DIM&grain=G&filter=DIM:VALUE — the answer for the caller's scope."""
    _unknown_parameters(request, QUERY_PARAMETERS)
    api.metric_definition(metric_id)  # 404 before 403: an unknown id is unknown to everyone
    viewer = viewer_for_user(user)
    if viewer is None:
        raise ApiError(
            403, "no_profile", "this account has no college profile (role, department), so it sees no metrics"
        )
    dimensions = tuple(
        d.strip() for value in request.GET.getlist("by") for d in value.split(",") if d.strip()
    )
    grain = request.GET.get("grain") or None
    filters = _filters(request.GET.getlist("filter"))
    answer = api.metric_query(
        hub_home(), metric_id, viewer=viewer, dimensions=dimensions, filters=filters, grain=grain
    )
    return _json(serialize.result(answer))


@require_safe
@never_cache
@login_not_required
def openapi_document(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/openapi.json — the OpenAPI 3.1 description of this API (public, it holds no data)."""
    return _json(openapi.document())
