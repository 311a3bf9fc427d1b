"""URLs of the cockpit, mounted at ``/cockpit/``.

Names are not namespaced: the site navigation reverses ``platform-cockpit`` for every platform alike.
Metric pages come first so that ``metric`` is never read as a theme slug.
"""

from django.urls import path

from campusbrain.cockpit import views

urlpatterns = [
    path("", views.theme_page, name="platform-cockpit"),
    path("metric/<str:metric_id>/", views.metric_page, name="cockpit-metric"),
    path("metric/<str:metric_id>/export.xlsx", views.metric_export, name="cockpit-metric-export"),
    path("<slug:slug>/", views.theme_page, name="cockpit-theme"),
    path("<slug:slug>/screen/", views.screen_page, name="cockpit-screen"),
    path("<slug:slug>/export.xlsx", views.theme_export, name="cockpit-export"),
]
