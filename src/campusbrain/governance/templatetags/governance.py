"""Labels for the hub's code words (freshness, status, severity, dimension …) in the interface language.

The hub speaks in stable English codes (``stale``, ``warn``, ``completeness``); pages show the
Chinese (or English) word, and keep the code where a reader needs it for the CLI or the docs.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campusbrain.governance.selectors import dimension_label

register = template.Library()

_WORDS = {
    # freshness of a source against its schedule
    "fresh": gettext_lazy("fresh"),
    "stale": gettext_lazy("stale"),
    "never": gettext_lazy("never synced"),
    "unscheduled": gettext_lazy("no schedule"),
    # tickets and their events
    "open": gettext_lazy("open"),
    "closed": gettext_lazy("closed"),
    "opened": gettext_lazy("opened"),
    "updated": gettext_lazy("updated"),
    "reopened": gettext_lazy("reopened"),
    # rule results
    "pass": gettext_lazy("pass"),
    "fail": gettext_lazy("fail"),
    "error": gettext_lazy("error"),
    "warn": gettext_lazy("warning"),
    # score levels
    "column": gettext_lazy("column"),
    "table": gettext_lazy("table"),
    "source": gettext_lazy("source system"),
    "department": gettext_lazy("department"),
    "college": gettext_lazy("college"),
    # classification filter values
    "general": gettext_lazy("general data"),
    "important": gettext_lazy("important data"),
    "core": gettext_lazy("core data"),
    "personal": gettext_lazy("personal information"),
    "sensitive": gettext_lazy("sensitive personal information"),
    "unclassified": gettext_lazy("unclassified"),
}


@register.filter
def word(code: str | None) -> str:
    """The label of a hub code word; an unknown word is shown as it is rather than guessed."""
    if code is None:
        return "—"
    label = _WORDS.get(code)
    return str(label) if label is not None else code


@register.filter
def dimension(code: str) -> str:
    return dimension_label(code)


@register.filter
def schedule(code: str | None) -> str:
    if not code:
        return _("no schedule")
    return {"daily": _("daily"), "weekly": _("weekly"), "monthly": _("monthly"), "hourly": _("hourly")}.get(
        code, code
    )
