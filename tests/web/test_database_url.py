"""CAMPUSBRAIN_DATABASE_URL → Django DATABASES."""

from __future__ import annotations

import pytest

from campusbrain.config import ConfigError
from campusbrain.web.database import database_from_url


def test_sqlite_absolute_path():
    assert database_from_url("sqlite:////srv/campusbrain/db.sqlite3") == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "/srv/campusbrain/db.sqlite3",
    }


def test_postgresql_with_credentials_port_and_options():
    db = database_from_url("postgresql://cb%40app:p%2Fss@db.internal:6543/campus?sslmode=require")

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "campus",
        "cb@app",
        "p/ss",
        "db.internal",
        "6543",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_postgres_scheme_alias_and_trust_auth():
    db = database_from_url("postgres://postgres@127.0.0.1/test")

    assert (db["USER"], db["PASSWORD"], db["PORT"]) == ("postgres", "", "")


@pytest.mark.parametrize(
    "url", ["postgresql://postgres@127.0.0.1:5432/", "postgresql://h:notaport/db", "mysql://x@y/z"]
)
def test_bad_urls_are_config_errors(url):
    with pytest.raises(ConfigError, match="CAMPUSBRAIN_DATABASE_URL"):
        database_from_url(url)


@pytest.mark.django_db
def test_the_running_database_is_the_configured_one(settings):
    from django.db import connection

    expected = "postgresql" if settings.CAMPUSBRAIN.database_url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected
