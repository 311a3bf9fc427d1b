"""A real browser (Debian's chromium through Playwright) opens all 16 theme pages as a school
leader: every chart is drawn by ECharts, nothing is logged to the console as an error, and a
screenshot of each page is saved for review (the folder is printed)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from campusbrain.accounts.services import DEMO_PASSWORD
from campusbrain.hub import api

CHROMIUM = Path("/usr/bin/chromium")
# DESIGN.md §8: the flags Debian's chromium needs headless on these machines.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CAMPUSBRAIN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (CAMPUSBRAIN_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def desktop_page(monkeypatch):
    """One browser, one context, one desktop-sized page for the whole test."""
    _require(
        CHROMIUM.exists(),
        f"{CHROMIUM} is absent: run `make system-deps` to install chromium and fonts-noto-cjk",
    )
    assets = django_settings.CAMPUSBRAIN.assets_dir / "vendor" / "echarts.min.js"
    _require(assets.exists(), f"{assets} is absent: run `make assets` to copy ECharts into the static files")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM guard would refuse
    # the test's own database access afterwards. monkeypatch restores it for the tests that follow.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            yield context.new_page()
        finally:
            browser.close()


def test_a_leader_opens_all_16_themes_and_every_chart_is_drawn(
    hub_home, live_server, cast, desktop_page, tmp_path_factory
):
    page = desktop_page
    shots = tmp_path_factory.mktemp("cockpit-screenshots")
    problems: list[str] = []
    page.on(
        "console", lambda msg: problems.append(f"{page.url}: {msg.text}") if msg.type == "error" else None
    )
    page.on("pageerror", lambda exc: problems.append(f"{page.url}: {exc}"))

    page.goto(f"{live_server.url}/accounts/login/?next=/cockpit/")
    page.fill("#id_username", "leader")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/cockpit/")

    drawn: dict[str, int] = {}
    for slug, name, _en in api.THEMES:
        url = reverse("cockpit-theme", kwargs={"slug": slug})
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, slug
        assert name in page.title(), slug
        charts = page.locator(".chart-card [data-chart]")
        assert charts.count() > 0, f"{slug}: no breakdown chart on the page"
        for index in range(charts.count()):
            charts.nth(index).locator("canvas").first.wait_for(state="attached", timeout=10_000)
        # Each chart element holds an ECharts instance whose series carries the page's figures.
        series = page.evaluate(
            """() => Array.from(document.querySelectorAll('.chart-card [data-chart]')).map(el => {
                   const chart = echarts.getInstanceByDom(el);
                   return chart ? chart.getOption().series[0].data.length : -1;
               })"""
        )
        assert all(n > 0 for n in series), f"{slug}: a chart without data {series}"
        sparks = page.locator(".tile [data-chart]")
        for index in range(sparks.count()):
            sparks.nth(index).locator("canvas").first.wait_for(state="attached", timeout=10_000)
        page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
        drawn[slug] = len(series)

    print(f"\ncockpit screenshots of {len(drawn)} themes in {shots}")
    assert len(drawn) == 16
    assert all((shots / f"{slug}.png").stat().st_size > 10_000 for slug in drawn)

    # A chart downloads as PNG from its button.
    page.goto(f"{live_server.url}{reverse('cockpit-theme', kwargs={'slug': 'students'})}")
    page.locator(".chart-card canvas").first.wait_for(state="attached")
    with page.expect_download() as download:
        page.locator("button.png").first.click()
    target = shots / "students-chart.png"
    download.value.save_as(target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The big screen draws its charts too.
    page.goto(f"{live_server.url}{reverse('cockpit-screen', kwargs={'slug': 'overview'})}?refresh=600")
    page.locator(".chart-card canvas").first.wait_for(state="attached")
    page.screenshot(path=str(shots / "overview-screen.png"), full_page=True)
    assert problems == []
