from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Data governance: catalogue, lineage, quality dashboard, steward's and crosswalk workbenches."""

    name = "campusbrain.governance"
    label = "governance"
    verbose_name = _("Data governance")
    default_auto_field = "django.db.models.BigAutoField"
