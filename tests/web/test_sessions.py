"""The session idle timeout: kept alive while used, with at most one database write a minute."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from campusbrain.web import middleware


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_in_use_is_written_at_most_once_a_minute(leader_client, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    leader_client.get("/")
    first = _expiry(leader_client)

    clock[0] += middleware.SESSION_REFRESH_SECONDS - 1
    Session.objects.filter(session_key=leader_client.session.session_key).update(expire_date=first)
    leader_client.get("/")
    assert _expiry(leader_client) == first  # not saved again within the minute


def test_a_session_used_after_a_minute_gets_a_new_expiry(leader_client, monkeypatch, settings):
    clock = [1_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: clock[0])
    leader_client.get("/")
    # Pretend the stored expiry is almost over: a refresh must push it a full idle period ahead.
    nearly_over = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(session_key=leader_client.session.session_key).update(expire_date=nearly_over)

    clock[0] += middleware.SESSION_REFRESH_SECONDS
    response = leader_client.get("/")

    assert response.status_code == 200
    assert _expiry(leader_client) > nearly_over + timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_anonymous_visit_creates_no_session(client, db):
    client.get("/healthz")
    assert Session.objects.count() == 0
