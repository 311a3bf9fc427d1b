"""Django settings, built from :func:`campusbrain.config.load_settings`.

Nothing here reads ``os.environ`` directly: every knob is a typed field of ``Settings`` so a bad
value stops start-up with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from campusbrain import __version__
from campusbrain.config import load_settings
from campusbrain.web.database import database_from_url

CAMPUSBRAIN = load_settings()
CAMPUSBRAIN_VERSION = __version__

WEB_DIR = Path(__file__).resolve().parent

SECRET_KEY = CAMPUSBRAIN.secret_key
DEBUG = CAMPUSBRAIN.debug
ALLOWED_HOSTS = list(CAMPUSBRAIN.allowed_hosts)
CSRF_TRUSTED_ORIGINS = list(CAMPUSBRAIN.csrf_trusted_origins)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so `runserver` also serves through whitenoise, as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "campusbrain.web",
    "campusbrain.accounts",
    "campusbrain.cockpit",
    "campusbrain.governance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campusbrain.web.middleware.SessionIdleRefreshMiddleware",
    "campusbrain.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Everything needs a login unless its view is marked @login_not_required (healthz, login,
    # set_language); static files never reach it because whitenoise answers first.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "campusbrain.web.urls"
WSGI_APPLICATION = "campusbrain.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "campusbrain.web.context_processors.platform_navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(CAMPUSBRAIN.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English is the second language a user can switch to.
LANGUAGE_CODE = CAMPUSBRAIN.language
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
TIME_ZONE = CAMPUSBRAIN.time_zone
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CAMPUSBRAIN.home / "static"
# ECharts and HTMX copied from npm by `make assets`; absent until then (serving refuses, see launch.py).
STATICFILES_DIRS = [CAMPUSBRAIN.assets_dir] if CAMPUSBRAIN.assets_dir.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production (long cache lifetimes); plain files in development and
    # tests so a missing `collectstatic` never breaks a page.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if CAMPUSBRAIN.production
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production whitenoise reads the app folders directly, so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not CAMPUSBRAIN.production
WHITENOISE_AUTOREFRESH = CAMPUSBRAIN.debug

# Sessions: idle timeout instead of Django's two weeks. SessionIdleRefreshMiddleware pushes the
# expiry forward at most once a minute while the session is used (not a write per request).
SESSION_COOKIE_AGE = CAMPUSBRAIN.session_idle_minutes * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CAMPUSBRAIN.production
CSRF_COOKIE_SECURE = CAMPUSBRAIN.production
LANGUAGE_COOKIE_SECURE = CAMPUSBRAIN.production
LANGUAGE_COOKIE_SAMESITE = "Lax"

SECURE_SSL_REDIRECT = CAMPUSBRAIN.ssl_redirect
# /healthz is probed over plain HTTP by load balancers and container runtimes.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = CAMPUSBRAIN.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = CAMPUSBRAIN.hsts_seconds > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if CAMPUSBRAIN.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment for the whole domain; the college's network office decides it.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if CAMPUSBRAIN.production else "WARNING"},
}
