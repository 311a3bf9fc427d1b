"""Plain functions the ``campusbrain`` CLI calls to prepare and run the web application."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

# The vendor files `make assets` copies in; pages reference them, so serving without them is refused.
_VENDOR_FILES = ("vendor/htmx.min.js", "vendor/echarts.min.js")


class AssetsMissing(RuntimeError):
    """Static vendor files are absent: run ``make assets`` first."""


def setup_django() -> None:
    """Configure Django with CampusBrain's settings (idempotent); raises ``ConfigError`` on bad env."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campusbrain.web.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def migrate(verbosity: int = 0) -> None:
    """Create or update the web database's tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def ensure_demo_accounts(manifest_path: Path) -> list[str]:
    """Create or update the demo users from the demo manifest and return their usernames.

    Raises ``DemoAccountsRefused`` in production and ``DemoManifestError`` on a bad manifest.
    """
    setup_django()
    from campusbrain.accounts.services import demo_accounts_create

    return [user.get_username() for user in demo_accounts_create(manifest_path=manifest_path)]


def collect_static(verbosity: int = 0) -> Path:
    """Copy static files into ``$CAMPUSBRAIN_HOME/static`` (whitenoise serves them from there)."""
    setup_django()
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.management import call_command

    missing = [name for name in _VENDOR_FILES if finders.find(name) is None]
    if missing:
        raise AssetsMissing(f"static files {', '.join(missing)} are missing: run `make assets` first")
    call_command("collectstatic", interactive=False, verbosity=verbosity)
    return Path(settings.STATIC_ROOT)


def serve(host: str, port: int, *, workers: int = 2, prepare: bool = True, access_log: bool = True) -> None:
    """Serve the site with gunicorn on ``host:port`` until interrupted.

    ``prepare`` migrates and collects static files first; ``campusbrain bench --pages`` turns it
    and the access log off to serve a college it must not write to.
    """
    if prepare:
        migrate()
        collect_static()
    else:
        setup_django()
    from django.db import connections

    # Workers are forked from this process: they must not share its database connections.
    connections.close_all()
    _GunicornApplication(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-" if access_log else None,
            "errorlog": "-",
            "timeout": 60,
            "control_socket_disable": True,
            "proc_name": "campusbrain",
        }
    ).run()


class _GunicornApplication(BaseApplication):
    """Gunicorn run in-process (no command line to parse) on Django's WSGI application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from campusbrain.web.wsgi import application

        return application
