"""Turn ``CAMPUSBRAIN_DATABASE_URL`` into Django's ``DATABASES`` entry.

Two schemes are enough for us (SQLite by default, PostgreSQL in production), so a
dozen lines of ``urllib.parse`` replace a dependency on dj-database-url.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from campusbrain.config import ConfigError


def database_from_url(url: str) -> dict[str, Any]:
    """Return a ``DATABASES["default"]`` dict for a ``sqlite:///PATH`` or ``postgresql://`` URL."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path == ":memory:":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        # sqlite:////abs/path and sqlite:///rel/path both work: the first keeps its leading slash.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(unquote(path)))}
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ConfigError(f"CAMPUSBRAIN_DATABASE_URL: unsupported scheme {parts.scheme!r}")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError("CAMPUSBRAIN_DATABASE_URL: a PostgreSQL URL must name the database (…/DBNAME)")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError("CAMPUSBRAIN_DATABASE_URL: the port is not a number") from None
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        # Query parameters (sslmode=require, connect_timeout=5, …) go straight to libpq.
        "OPTIONS": options,
        # Reuse connections for a minute: gunicorn workers serve many requests each.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
