"""Signing in and out with Django's auth views and our templates."""

from __future__ import annotations

import pytest

from campusbrain.accounts.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_account_signs_in_and_lands_on_the_portal(client, demo_users):
    response = client.post("/accounts/login/", {"username": "leader", "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "林海峰" in home.content.decode()


def test_wrong_password_is_refused_with_a_message(client, demo_users):
    response = client.post("/accounts/login/", {"username": "leader", "password": "not-the-password"})

    assert response.status_code == 200
    assert "账号或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_renders_for_anonymous_users(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_login_redirects_back_to_next(client, demo_users):
    response = client.post(
        "/accounts/login/?next=/cockpit/",
        {"username": "dean", "password": DEMO_PASSWORD, "next": "/cockpit/"},
    )

    assert response["Location"] == "/cockpit/"


def test_login_refuses_an_offsite_next(client, demo_users):
    response = client.post(
        "/accounts/login/", {"username": "dean", "password": DEMO_PASSWORD, "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_logout_is_post_only_and_ends_the_session(client, demo_users):
    client.force_login(demo_users["teacher"])

    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
