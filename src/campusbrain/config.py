"""Typed settings read from environment variables.

Every value is parsed once, at start-up, and a bad value stops the process with a
message that names the variable (healthchecks' ``envbool``/``envint`` style). Nothing
else in the code base reads ``os.environ`` for configuration.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


class ConfigError(ValueError):
    """A configuration variable holds a value we cannot use."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected an integer") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value}: must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name}={value}: must be at most {maximum}")
    return value


def env_memory(name: str, default: str) -> str:
    """A memory size such as ``512MB`` or ``5GB`` (what DuckDB's ``memory_limit`` accepts)."""
    raw = os.environ.get(name, default).strip().upper().replace(" ", "")
    if not re.fullmatch(r"[1-9][0-9]*(MB|GB|TB)", raw):
        raise ConfigError(f"{name}={raw!r}: expected a size like 512MB or 5GB")
    return raw


def env_str(name: str, default: str) -> str:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip()


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str | None) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r}: cannot read ({exc.strerror})") from None
    return os.environ.get(name, default)


_REPO_ROOT = Path(__file__).resolve().parents[2]

_DEV_SECRET = "campusbrain-insecure-development-key-do-not-use-in-production"


@dataclass(frozen=True)
class Settings:
    """Everything the process needs to know about its environment."""

    home: Path
    production: bool
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    database_url: str
    language: str
    time_zone: str
    require_services: bool
    hub_memory_limit: str
    assets_dir: Path
    # HTTPS hardening. Production defaults to "on"; a deployment that terminates TLS at a proxy
    # sets CAMPUSBRAIN_BEHIND_PROXY so Django trusts X-Forwarded-Proto instead of redirecting forever.
    ssl_redirect: bool = False
    hsts_seconds: int = 0
    behind_proxy: bool = False
    csrf_trusted_origins: tuple[str, ...] = ()
    # ASVS L2 asks for an idle timeout far shorter than Django's two-week default.
    session_idle_minutes: int = 30

    @property
    def demo_sources_dir(self) -> Path:
        return self.home / "demo-sources"

    @property
    def sources_dir(self) -> Path:
        return self.home / "sources"


def load_settings() -> Settings:
    """Read and validate every setting; raises :class:`ConfigError` on a bad value."""
    production = env_bool("CAMPUSBRAIN_PRODUCTION", False)
    debug = env_bool("CAMPUSBRAIN_DEBUG", not production)
    secret = env_secret("CAMPUSBRAIN_SECRET_KEY", None)
    if production:
        if not secret or secret == _DEV_SECRET or len(secret) < 50:
            raise ConfigError(
                "CAMPUSBRAIN_SECRET_KEY: production needs a random secret of at least 50 characters"
            )
        if debug:
            raise ConfigError("CAMPUSBRAIN_DEBUG=1 is refused when CAMPUSBRAIN_PRODUCTION=1")
    language = env_str("CAMPUSBRAIN_LANGUAGE", "zh-hans")
    if language not in {"zh-hans", "en"}:
        raise ConfigError(f"CAMPUSBRAIN_LANGUAGE={language!r}: expected zh-hans or en")
    home = Path(env_str("CAMPUSBRAIN_HOME", "var")).expanduser().resolve()
    database_url = env_str("CAMPUSBRAIN_DATABASE_URL", f"sqlite:///{home / 'campusbrain.sqlite3'}")
    if not (
        database_url.startswith("sqlite:///") or database_url.startswith(("postgres://", "postgresql://"))
    ):
        raise ConfigError(
            f"CAMPUSBRAIN_DATABASE_URL={database_url!r}: expected sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
        )
    origins = env_list("CAMPUSBRAIN_CSRF_TRUSTED_ORIGINS", [])
    for origin in origins:
        if not origin.startswith(("http://", "https://")):
            raise ConfigError(
                f"CAMPUSBRAIN_CSRF_TRUSTED_ORIGINS: {origin!r} must start with http:// or https://"
            )
    return Settings(
        home=home,
        production=production,
        debug=debug,
        secret_key=secret or _DEV_SECRET,
        allowed_hosts=env_list(
            "CAMPUSBRAIN_ALLOWED_HOSTS", [] if production else ["127.0.0.1", "localhost", "testserver"]
        ),
        database_url=database_url,
        language=language,
        time_zone=env_str("CAMPUSBRAIN_TIME_ZONE", "Asia/Shanghai"),
        require_services=env_bool("CAMPUSBRAIN_REQUIRE_SERVICES", False),
        hub_memory_limit=env_memory("CAMPUSBRAIN_HUB_MEMORY_LIMIT", "5GB"),
        # Third-party front-end files (`make assets`) live outside the source tree: they are npm's
        # minified code, not ours, and are never committed.
        assets_dir=Path(env_str("CAMPUSBRAIN_ASSETS_DIR", str(_REPO_ROOT / "build" / "assets"))).resolve(),
        ssl_redirect=env_bool("CAMPUSBRAIN_SSL_REDIRECT", production),
        hsts_seconds=env_int("CAMPUSBRAIN_HSTS_SECONDS", 31_536_000 if production else 0, minimum=0),
        behind_proxy=env_bool("CAMPUSBRAIN_BEHIND_PROXY", False),
        csrf_trusted_origins=tuple(origins),
        session_idle_minutes=env_int("CAMPUSBRAIN_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60),
    )
