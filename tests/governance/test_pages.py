"""What each governance page shows: every figure is the one hub.api gives for the published build."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from campusbrain.hub import api


def _json_script(page: str, element_id: str):
    start = page.index(f'id="{element_id}"')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    return json.loads(body)


def test_catalog_shows_the_catalogued_item_count(hub_home, login):
    count = api.catalog_count(hub_home)

    page = login("leader").get(reverse("platform-governance")).content.decode()

    assert f'id="catalog-total">{count.total}<' in page
    assert count.build_id in page


def test_catalog_owner_menu_names_each_department(hub_home, login):
    facets = api.catalog_search(hub_home, "").facets
    names = dict(api.catalog_owners(hub_home))

    page = login("leader").get(reverse("platform-governance")).content.decode()

    for facet in (f for f in facets if f.name == "owner"):
        assert (
            f'<option value="{facet.value}">{facet.value} {names[facet.value]} ({facet.count})</option>'
            in page
        )


def test_catalog_search_filters_and_pages(hub_home, login):
    client = login("steward")
    expected = api.catalog_search(hub_home, "身份证件号", filters={"layer": "dwd"}, per_page=20)

    page = client.get(reverse("platform-governance"), {"q": "身份证件号", "layer": "dwd"}).content.decode()

    assert f"{expected.total} " in page
    for entry in expected.items:
        assert reverse("governance-item", kwargs={"item_id": entry.item_id}) in page
    second = api.catalog_search(hub_home, "", page=2, per_page=20)
    page2 = client.get(reverse("platform-governance"), {"page": "2"}).content.decode()
    assert reverse("governance-item", kwargs={"item_id": second.items[0].item_id}) in page2
    assert 'rel="prev"' in page2 and 'rel="next"' in page2


@pytest.mark.parametrize("params", [{"page": "0"}, {"page": "x"}, {"page": "100000"}, {"layer": "nosuch"}])
def test_catalog_bad_parameters_are_400(hub_home, login, params):
    assert login("leader").get(reverse("platform-governance"), params).status_code == 400


def test_item_page_shows_owner_classification_and_linked_lineage(hub_home, login):
    item = api.catalog_item(hub_home, "dwd.student.SFZJH")
    graph = api.lineage_graph(hub_home, "dwd.student.SFZJH")

    page = (
        login("dean")
        .get(reverse("governance-item", kwargs={"item_id": "dwd.student.SFZJH"}))
        .content.decode()
    )

    assert item.entry.owner_name in page
    assert item.entry.classification.masking in page
    assert item.entry.classification.grade in page
    chart = _json_script(page, "lineage-data")
    assert {n["id"] for n in chart["nodes"]} == {n.item_id for n in graph.nodes}
    assert len(chart["edges"]) == len(graph.edges)
    upstream = next(n for n in chart["nodes"] if n["id"] != "dwd.student.SFZJH")
    assert upstream["link"] == reverse("governance-item", kwargs={"item_id": upstream["id"]})
    assert "vendor/echarts.min.js" in page


def test_item_lineage_depth_is_chosen_and_checked(hub_home, login):
    client = login("leader")
    url = reverse("governance-item", kwargs={"item_id": "dwd.student.SFZJH"})
    one = api.lineage_graph(hub_home, "dwd.student.SFZJH", depth=1)

    page = client.get(url, {"depth": "1"}).content.decode()

    assert {n["id"] for n in _json_script(page, "lineage-data")["nodes"]} == {n.item_id for n in one.nodes}
    assert client.get(url, {"depth": "7"}).status_code == 400
    assert client.get(url, {"depth": "x"}).status_code == 400


def test_item_ids_with_spaces_and_chinese_open(hub_home, login):
    entry = api.catalog_search(hub_home, "SFZJH", filters={"layer": "ods", "system": "renshi"}).items[0]
    assert " " in entry.item_id

    response = login("leader").get(reverse("governance-item", kwargs={"item_id": entry.item_id}))

    assert response.status_code == 200


def test_unknown_item_is_404(hub_home, login):
    assert (
        login("leader").get(reverse("governance-item", kwargs={"item_id": "dwd.nosuch.X"})).status_code == 404
    )


def test_quality_dashboard_charts_and_rules_come_from_the_report(hub_home, login):
    report = api.quality_report(hub_home)

    page = login("quality").get(reverse("governance-quality")).content.decode()

    departments = _json_script(page, "chart-department-data")
    expected = sorted(
        (s for s in report.scores if s.level == "department" and s.dimension == "overall"),
        key=lambda s: s.subject,
    )
    assert departments["values"] == [s.score for s in expected]
    sources = _json_script(page, "chart-source-data")
    assert len(sources["values"]) == len(
        [s for s in report.scores if s.level == "source" and s.dimension == "overall"]
    )
    trend = _json_script(page, "chart-trend-dimension-data")
    assert trend["labels"] == sorted({s.build_id for s in api.quality_scores(hub_home, level="college")})
    for result in report.results:
        assert result.rule_id in page


def test_quality_rule_filter_and_excel_export(hub_home, login):
    report = api.quality_report(hub_home)
    failing = [r for r in report.results if r.status == "fail"]
    client = login("auditor")

    page = client.get(reverse("governance-quality"), {"status": "fail"}).content.decode()
    passing = [r for r in report.results if r.status == "pass"]
    assert passing and f">{passing[0].rule_id}<" not in page

    response = client.get(reverse("governance-quality-export"), {"status": "fail"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    rules = book.worksheets[0]
    assert sorted(row[0] for row in rules.iter_rows(min_row=2, values_only=True)) == sorted(
        r.rule_id for r in failing
    )
    about = {row[0]: row[1] for row in book.worksheets[2].iter_rows(values_only=True)}
    assert report.build_id in about.values()


def test_quality_export_is_refused_to_a_teacher(hub_home, login):
    assert login("teacher").get(reverse("governance-quality-export")).status_code == 403


def test_freshness_board_lists_every_source(hub_home, login):
    sources = api.source_freshness(hub_home)

    page = login("sysadmin").get(reverse("governance-freshness")).content.decode()

    for source in sources:
        assert f'<code class="muted">{source.source}</code>' in page
        assert source.title in page


def test_ticket_page_shows_history_query_and_item_link(hub_home, login, tickets, steward_department):
    ticket = next(t for t in tickets if t.owner_department == steward_department and t.column_name)
    events = api.quality_ticket_events(hub_home, ticket.ticket_id)
    rule = api.quality_failing_rows(hub_home, ticket.rule_id, limit=0).rule

    page = login("steward").get(reverse("governance-ticket", args=[ticket.ticket_id])).content.decode()

    assert ticket.rule_id in page
    for event in events:
        assert event.build_id in page
    item_url = reverse("governance-item", kwargs={"item_id": f"{ticket.model}.{ticket.column_name}"})
    assert item_url in page
    if rule.failing_query:
        assert "列出全部问题行的查询" in page


def _key(value):
    return {"source": value.source, "table": value.table, "field": value.field, "value": value.source_value}


def test_steward_maps_a_value_and_the_page_says_the_next_build_applies_it(writable_hub_home, login):
    home = writable_hub_home
    value = next(v for v in api.unmapped_values(home) if v.owner_code == "010" and v.code_system)
    code = api.code_choices(value.code_system)[0].code
    client = login("steward010")
    url = reverse("governance-crosswalk-map")

    form = client.get(url, _key(value)).content.decode()
    assert "csrfmiddlewaretoken" in form
    assert "下一次构建时生效" in form
    response = client.post(url, {**_key(value), "code": code})

    assert response.status_code == 302
    saved = client.get(response["Location"]).content.decode()
    assert "下一次构建时生效" in saved
    written = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (home / "crosswalks").glob("*.yaml")]
    mapped = [
        doc["fields"][f"{value.table}.{value.field}"].get("values", {})
        for doc in written
        if doc.get("source") == value.source and f"{value.table}.{value.field}" in doc.get("fields", {})
    ]
    assert any(str(values.get(value.source_value)) == code for values in mapped)


def test_mapping_to_a_code_outside_the_set_is_refused(writable_hub_home, login):
    value = next(v for v in api.unmapped_values(writable_hub_home) if v.owner_code == "010" and v.code_system)

    response = login("steward010").post(
        reverse("governance-crosswalk-map"), {**_key(value), "code": "NOT-A-CODE"}
    )

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_mapping_needs_csrf(writable_hub_home, cast):
    value = next(v for v in api.unmapped_values(writable_hub_home) if v.owner_code == "010" and v.code_system)
    before = {p.name: p.read_bytes() for p in (writable_hub_home / "crosswalks").iterdir()}
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["steward010"])

    response = client.post(reverse("governance-crosswalk-map"), {**_key(value), "code": "10"})

    assert response.status_code == 403
    assert {p.name: p.read_bytes() for p in (writable_hub_home / "crosswalks").iterdir()} == before


def test_a_value_not_in_the_queue_is_a_bad_request(hub_home, login):
    params = {"source": "jiuye", "table": "JY_BYS", "field": "毕业去向代码", "value": "invented"}

    assert login("sysadmin").get(reverse("governance-crosswalk-map"), params).status_code == 400


def test_nothing_published_is_503(settings, login, tmp_path, cast):
    import dataclasses

    settings.CAMPUSBRAIN = dataclasses.replace(settings.CAMPUSBRAIN, home=tmp_path)

    response = login("leader").get(reverse("platform-governance"))

    assert response.status_code == 503
