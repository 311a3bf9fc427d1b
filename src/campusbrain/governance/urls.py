"""URLs of data governance, mounted at ``/governance/``.

Names are not namespaced: the site navigation reverses ``platform-governance`` for every platform
alike. Item ids hold dots, spaces and Chinese (``ods.renshi__jzgxx.身份证件号 SFZJH``): ``path``.
"""

from django.urls import path

from campusbrain.governance import views

urlpatterns = [
    path("", views.catalog_page, name="platform-governance"),
    path("item/<path:item_id>", views.item_page, name="governance-item"),
    path("quality/", views.quality_page, name="governance-quality"),
    path("quality/rules.xlsx", views.quality_export, name="governance-quality-export"),
    path("workbench/", views.workbench_page, name="governance-workbench"),
    path("workbench/<str:ticket_id>/", views.ticket_page, name="governance-ticket"),
    path("crosswalks/", views.crosswalks_page, name="governance-crosswalks"),
    path("crosswalks/map/", views.crosswalk_map_page, name="governance-crosswalk-map"),
    path("freshness/", views.freshness_page, name="governance-freshness"),
]
