from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The project package is an app too, so its templates, static files and locale are found."""

    name = "campusbrain.web"
    label = "web"
    verbose_name = _("CampusBrain web")
