from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    """The leadership cockpit: 16 themes of governed metrics, drill-down, drill-through, exports."""

    name = "campusbrain.cockpit"
    label = "cockpit"
    verbose_name = _("Leadership cockpit")
    default_auto_field = "django.db.models.BigAutoField"
