"""Routes of the JSON API, mounted at ``/api/v1/``; every one is described in :mod:`.openapi` (a test checks)."""

from django.urls import path

from campusbrain.web.api import views

urlpatterns = [
    path("metrics", views.metric_list, name="api-metrics"),
    path("metrics/<str:metric_id>", views.metric_detail, name="api-metric"),
    path("openapi.json", views.openapi_document, name="api-openapi"),
]
