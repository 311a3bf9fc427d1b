"""Template context every page needs."""

from __future__ import annotations

from django.http import HttpRequest

from campusbrain import __version__
from campusbrain.web.platforms import PLATFORMS


def platform_navigation(request: HttpRequest) -> dict[str, object]:
    """The platform list for the header navigation, and the version for the footer."""
    return {"platforms": PLATFORMS, "campusbrain_version": __version__}
