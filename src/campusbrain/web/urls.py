"""URL map of the whole site."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from campusbrain.web import views
from campusbrain.web.platforms import PLATFORMS

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("accounts/", include("campusbrain.accounts.urls")),
    # The language switch must work on the login page, before anyone is signed in.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("cockpit/", include("campusbrain.cockpit.urls")),
    path("governance/", include("campusbrain.governance.urls")),
    path("api/v1/", include("campusbrain.web.api.urls")),
]

# A platform gets its own app's URLs once it is built; until then its slug shows the honest page.
urlpatterns += [
    path(f"{p.slug}/", views.platform_pending, {"slug": p.slug}, name=p.url_name)
    for p in PLATFORMS
    if not p.built
]
