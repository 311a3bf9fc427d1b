"""A real browser (Debian's chromium through Playwright) searches the catalogue as the steward,
opens an item and sees its lineage graph drawn by ECharts, on a phone-sized screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from campusbrain.accounts.services import DEMO_PASSWORD

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
ITEM = "dwd.student.SFZJH"

pytestmark = pytest.mark.browser


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CAMPUSBRAIN_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (CAMPUSBRAIN_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


@pytest.fixture
def browser_page(monkeypatch):
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
            yield browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        finally:
            browser.close()


def test_steward_searches_the_catalog_and_sees_the_lineage_graph(
    hub_home, live_server, cast, browser_page, tmp_path
):
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/governance/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "steward")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/governance/")
    assert "汇聚数据项" in page.locator("#catalog-heading + p").inner_text()

    page.fill("#catalog-q", "sfzjh")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/governance/?q=sfzjh*")
    page.screenshot(path=str(tmp_path / "governance-catalog-phone.png"))
    item_href = reverse("governance-item", kwargs={"item_id": ITEM})
    page.click(f'a.item-link[href="{item_href}"]')
    page.wait_for_url(f"**{item_href}")

    assert "SFZJH" in page.locator("#item-heading").inner_text()
    graph = page.locator("#lineage-chart canvas, #lineage-chart svg")
    graph.first.wait_for(state="visible")
    assert page.evaluate("echarts.getInstanceByDom(document.getElementById('lineage-chart')) !== undefined")
    nodes = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('lineage-chart')).getOption().series[0].data.length"
    )
    assert nodes >= 2
    page.screenshot(path=str(tmp_path / "governance-item-lineage-phone.png"), full_page=True)
    assert (tmp_path / "governance-item-lineage-phone.png").stat().st_size > 0
    assert problems == []


def test_quality_dashboard_draws_every_chart(hub_home, live_server, cast, browser_page, tmp_path):
    page = browser_page
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(f"{live_server.url}/accounts/login/?next=/governance/quality/")
    page.fill("#id_username", "quality")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/governance/quality/")

    charts = page.locator("[data-chart]")
    assert charts.count() == 6
    for index in range(charts.count()):
        charts.nth(index).locator("canvas").first.wait_for(state="attached")
    page.screenshot(path=str(tmp_path / "governance-quality-phone.png"), full_page=True)
    page.locator(".charts").screenshot(path=str(tmp_path / "governance-quality-charts.png"))
    assert problems == []
