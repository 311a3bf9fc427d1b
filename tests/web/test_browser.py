"""A real browser (Debian's chromium through Playwright) signs in as the leader and opens the portal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from campusbrain.accounts.services import DEMO_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(monkeypatch):
    if not CHROMIUM.exists():
        if os.environ.get("CAMPUSBRAIN_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} is required (CAMPUSBRAIN_REQUIRE_SERVICES=1): run `make system-deps`")
        pytest.skip(f"{CHROMIUM} is absent: run `make system-deps` to install chromium and fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would refuse
    # the test's own database access afterwards. monkeypatch restores it for the tests that follow.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            # An English browser on purpose: the site must still open in Chinese.
            yield browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
        finally:
            browser.close()


def test_leader_signs_in_and_sees_the_portal_without_console_errors(live_server, demo_users, browser_page):
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "leader")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("h1").inner_text() == "欢迎，林海峰"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # On a phone-sized screen the navigation starts collapsed and opens from the menu button.
    nav = page.locator("#site-nav")
    assert not nav.is_visible()
    page.click(".nav-toggle")
    assert nav.is_visible()
    assert page.evaluate("typeof htmx") == "object"

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "portal-leader-phone.png"), full_page=True)
    page.click("button[value=en]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Welcome, 林海峰"
    assert problems == []
