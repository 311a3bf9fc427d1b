"""config.load_settings: typed values, and start-up refused on a bad one."""

from __future__ import annotations

import pytest

from campusbrain.config import ConfigError, load_settings

GOOD_SECRET = "k" * 20 + "3Jx9-qLw_Zr7vB2nT8mYc4pHs6dFa1Ue"  # 52 characters, not the development key


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    for name in [
        "CAMPUSBRAIN_PRODUCTION",
        "CAMPUSBRAIN_DEBUG",
        "CAMPUSBRAIN_SECRET_KEY",
        "CAMPUSBRAIN_SECRET_KEY_FILE",
        "CAMPUSBRAIN_DATABASE_URL",
        "CAMPUSBRAIN_HSTS_SECONDS",
        "CAMPUSBRAIN_SSL_REDIRECT",
        "CAMPUSBRAIN_SESSION_IDLE_MINUTES",
        "CAMPUSBRAIN_CSRF_TRUSTED_ORIGINS",
        "CAMPUSBRAIN_LANGUAGE",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CAMPUSBRAIN_HOME", str(tmp_path))


def test_development_defaults(tmp_path):
    settings = load_settings()

    assert settings.home == tmp_path
    assert not settings.production and settings.debug
    assert settings.database_url == f"sqlite:///{tmp_path / 'campusbrain.sqlite3'}"
    assert settings.language == "zh-hans"
    assert (settings.ssl_redirect, settings.hsts_seconds) == (False, 0)
    assert settings.session_idle_minutes == 30


def test_production_turns_https_hardening_on(monkeypatch):
    monkeypatch.setenv("CAMPUSBRAIN_PRODUCTION", "1")
    monkeypatch.setenv("CAMPUSBRAIN_SECRET_KEY", GOOD_SECRET)

    settings = load_settings()

    assert settings.production and not settings.debug
    assert settings.ssl_redirect
    assert settings.hsts_seconds == 31_536_000
    assert settings.allowed_hosts == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CAMPUSBRAIN_DEBUG", "maybe", "CAMPUSBRAIN_DEBUG='maybe'"),
        ("CAMPUSBRAIN_PRODUCTION", "2", "CAMPUSBRAIN_PRODUCTION='2'"),
        ("CAMPUSBRAIN_HSTS_SECONDS", "a year", "expected an integer"),
        ("CAMPUSBRAIN_HSTS_SECONDS", "-1", "must be at least 0"),
        ("CAMPUSBRAIN_SESSION_IDLE_MINUTES", "0", "must be at least 1"),
        ("CAMPUSBRAIN_DATABASE_URL", "mysql://root@db/campus", "CAMPUSBRAIN_DATABASE_URL"),
        ("CAMPUSBRAIN_LANGUAGE", "fr", "expected zh-hans or en"),
        ("CAMPUSBRAIN_CSRF_TRUSTED_ORIGINS", "campus.example.edu.cn", "must start with http"),
    ],
)
def test_bad_values_stop_start_up_naming_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError, match=message):
        load_settings()


@pytest.mark.parametrize(
    "secret", [None, "short", "campusbrain-insecure-development-key-do-not-use-in-production"]
)
def test_production_without_a_real_secret_is_refused(monkeypatch, secret):
    monkeypatch.setenv("CAMPUSBRAIN_PRODUCTION", "1")
    if secret is not None:
        monkeypatch.setenv("CAMPUSBRAIN_SECRET_KEY", secret)

    with pytest.raises(ConfigError, match="CAMPUSBRAIN_SECRET_KEY"):
        load_settings()


def test_production_with_debug_is_refused(monkeypatch):
    monkeypatch.setenv("CAMPUSBRAIN_PRODUCTION", "1")
    monkeypatch.setenv("CAMPUSBRAIN_SECRET_KEY", GOOD_SECRET)
    monkeypatch.setenv("CAMPUSBRAIN_DEBUG", "1")

    with pytest.raises(ConfigError, match="CAMPUSBRAIN_DEBUG"):
        load_settings()


def test_secret_from_a_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(GOOD_SECRET + "\n", encoding="utf-8")
    monkeypatch.setenv("CAMPUSBRAIN_PRODUCTION", "1")
    monkeypatch.setenv("CAMPUSBRAIN_SECRET_KEY_FILE", str(secret_file))

    assert load_settings().secret_key == GOOD_SECRET


def test_unreadable_secret_file_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMPUSBRAIN_SECRET_KEY_FILE", str(tmp_path / "absent"))

    with pytest.raises(ConfigError, match="CAMPUSBRAIN_SECRET_KEY_FILE"):
        load_settings()


def test_hub_memory_limit_is_a_size(monkeypatch: pytest.MonkeyPatch) -> None:
    from campusbrain.config import ConfigError, load_settings

    monkeypatch.setenv("CAMPUSBRAIN_HUB_MEMORY_LIMIT", "8gb")
    assert load_settings().hub_memory_limit == "8GB"
    monkeypatch.setenv("CAMPUSBRAIN_HUB_MEMORY_LIMIT", "lots")
    with pytest.raises(ConfigError, match="CAMPUSBRAIN_HUB_MEMORY_LIMIT"):
        load_settings()
