"""Language selection (Chinese unless the user has chosen otherwise) and the session idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus the browser's Accept-Language.

    Many staff machines at a Chinese college run an English-language browser or OS; the site
    still opens in Chinese (``LANGUAGE_CODE``) and switches only when the user picks a language
    with the switcher, which stores the choice in the language cookie.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = (
                translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# How often an active session's expiry is pushed forward. Saving it on every request (Django's
# SESSION_SAVE_EVERY_REQUEST) made every page view a database write; this keeps the idle timeout
# (SESSION_COOKIE_AGE after the last refresh) with at most one write a minute per user, so a
# session may end up to this many seconds before a full idle period has passed, never after.
SESSION_REFRESH_SECONDS = 60


class SessionIdleRefreshMiddleware:
    """Keep a signed-in session alive while it is used: its expiry moves forward at most once a
    ``SESSION_REFRESH_SECONDS``, by marking it modified so SessionMiddleware saves it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if not session.is_empty():
            now = int(time.time())
            if now - int(session.get("_refreshed_at", 0)) >= SESSION_REFRESH_SECONDS:
                session["_refreshed_at"] = now
        return self.get_response(request)
