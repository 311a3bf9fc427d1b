"""Health, the login wall, the portal home and the honest pages of platforms not built yet."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import DatabaseError

from campusbrain import __version__
from campusbrain.web.platforms import PLATFORMS

pytestmark = pytest.mark.django_db

PENDING = [p for p in PLATFORMS if not p.built]


def test_healthz_reports_database_and_version(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "version": __version__}


def test_healthz_is_503_when_the_database_is_unreachable(client):
    with mock.patch("campusbrain.web.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] is False
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize("path", ["/", "/cockpit/", "/governance/", "/learning/"])
def test_anonymous_users_are_sent_to_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


def test_anonymous_users_are_sent_to_the_admin_login_from_admin(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_may_switch_language(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_static_files_are_served_without_login(client):
    response = client.get("/static/css/campusbrain.css")

    assert response.status_code == 200


def test_home_shows_who_you_are_and_every_platform(leader_client):
    page = leader_client.get("/").content.decode()

    assert "林海峰" in page
    assert "校领导" in page
    assert "校领导办公室" in page
    assert "GH19980001" in page
    for platform in PENDING:
        assert f'href="/{platform.slug}/"' in page


def test_home_without_profile_says_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="ops", password="x" * 12))

    page = client.get("/").content.decode()

    assert "还没有学校档案" in page


@pytest.mark.parametrize("platform", PENDING, ids=lambda p: p.slug)
def test_each_unbuilt_platform_says_so_plainly(leader_client, platform):
    response = leader_client.get(f"/{platform.slug}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "该平台尚未建成。" in page
    assert platform.app in page
    assert str(platform.seed_name) in page


@pytest.mark.parametrize("platform", PENDING, ids=lambda p: p.slug)
def test_each_unbuilt_platform_in_english(leader_client, platform):
    leader_client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    page = leader_client.get(f"/{platform.slug}/").content.decode()

    assert "This platform is not built yet." in page


def test_chinese_by_default_english_after_switching(leader_client):
    chinese = leader_client.get("/").content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "统一信息门户" in chinese
    assert "退出登录" in chinese

    response = leader_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    english = leader_client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Unified information portal" in english
    assert "Sign out" in english
    assert "College leader" in english


def test_an_english_browser_still_gets_chinese_until_the_user_chooses(client, demo_users):
    client.force_login(demo_users["student"])

    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert "学号" in page

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/", headers={"accept-language": "zh-CN"}).content.decode()
    assert "Student number" in page


def test_an_unknown_language_cookie_falls_back_to_chinese(client, demo_users):
    client.force_login(demo_users["student"])
    client.cookies["django_language"] = "xx"

    assert "学号" in client.get("/").content.decode()


def test_pages_include_htmx_and_our_stylesheet(leader_client):
    page = leader_client.get("/").content.decode()

    assert "/static/vendor/htmx.min.js" in page
    assert "/static/css/campusbrain.css" in page
    assert 'name="viewport"' in page


def test_unknown_address_is_a_404_in_the_site_layout(leader_client, settings):
    settings.DEBUG = False

    response = leader_client.get("/no-such-platform/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
