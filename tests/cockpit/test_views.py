"""The cockpit's pages for a cast (leader, dean, teacher, student, steward), on the built demo college.

Every figure a page shows is compared with the hub's own answer for the same viewer, so the
tests fail if a page shows another scope's numbers, not only if it fails to render.
"""

from __future__ import annotations

import dataclasses
import html
import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campusbrain.accounts.models import PersonalDataView
from campusbrain.accounts.selectors import viewer_for_user
from campusbrain.hub import api
from campusbrain.hub.metrics import service as metrics_service

THEME_SLUGS = [slug for slug, _zh, _en in api.THEMES]
ENROLLED = "students.enrolled"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _tile_classes(page: str, metric_id: str) -> str:
    match = re.search(rf'<article class="([^"]*)" data-metric="{re.escape(metric_id)}">', page)
    assert match, f"no tile of {metric_id} on the page"
    return match.group(1)


def _chart_data(page: str, metric_id: str) -> dict[str, float | None]:
    """label -> value of the first chart drawn for ``metric_id`` (the JSON cockpit.js draws)."""
    import json

    for spec in re.findall(r'<script id="chart-\d+-data" type="application/json">(.*?)</script>', page):
        data = json.loads(spec)
        if data["name"] == metric_id:
            return dict(zip(data["labels"], data["values"], strict=True))
    raise AssertionError(f"no chart of {metric_id} on the page")


# --- who opens what ------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", THEME_SLUGS)
def test_a_leader_opens_every_theme_with_whole_college_figures(hub_home, login, cast, slug):
    response = login("leader").get(reverse("cockpit-theme", kwargs={"slug": slug}))

    assert response.status_code == 200
    page = _text(response)
    viewer = viewer_for_user(cast["leader"])
    metrics = api.metric_catalog(theme=slug)
    assert metrics, f"theme {slug} has no metrics"
    for metric in metrics:
        assert f'data-metric="{metric.id}"' in page
    # Each tile's figure is the hub's college value of the latest period that has one.
    for metric in metrics:
        answer = api.metric_query(hub_home, metric.id, viewer=viewer)
        assert answer.scope == "college"
        tile = re.search(
            rf'data-metric="{re.escape(metric.id)}">.*?<span class="number" data-value="([^"]*)"', page, re.S
        )
        with_figure = [r for r in answer.rows if r.value is not None]
        if with_figure:
            assert tile is not None, metric.id
            assert float(tile.group(1)) == with_figure[-1].value, metric.id


def test_the_cockpit_home_is_the_overview_theme(hub_home, login):
    response = login("leader").get(reverse("platform-cockpit"))

    assert response.status_code == 200
    page = _text(response)
    for metric in api.metric_catalog(theme="overview"):
        assert f'data-metric="{metric.id}"' in page


@pytest.mark.parametrize("username", ["teacher", "student", "counsellor", "sysadmin"])
def test_others_get_the_denied_page(hub_home, login, username):
    for url in (
        reverse("platform-cockpit"),
        reverse("cockpit-theme", kwargs={"slug": "students"}),
        reverse("cockpit-metric", kwargs={"metric_id": ENROLLED}),
        reverse("cockpit-export", kwargs={"slug": "students"}),
        reverse("cockpit-screen", kwargs={"slug": "students"}),
    ):
        response = login(username).get(url)
        assert response.status_code == 403, url
        assert "403" in _text(response)
        assert 'data-metric="' not in _text(response), "a refused page shows no figures"


def test_anonymous_is_sent_to_login(hub_home, client):
    response = client.get(reverse("cockpit-theme", kwargs={"slug": "students"}))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_steward_sees_only_data_governance(hub_home, login):
    client = login("steward")

    home = client.get(reverse("platform-cockpit"))
    assert home.status_code == 302
    assert home["Location"] == reverse("cockpit-theme", kwargs={"slug": "governance"})
    assert client.get(reverse("cockpit-theme", kwargs={"slug": "governance"})).status_code == 200
    for slug in ("overview", "students", "hr", "finance"):
        if slug == "overview":
            continue  # redirected above
        response = client.get(reverse("cockpit-theme", kwargs={"slug": slug}))
        assert response.status_code == 403, slug
        assert "403" in _text(response)
    assert client.get(reverse("cockpit-metric", kwargs={"metric_id": ENROLLED})).status_code == 403


def test_an_unknown_theme_or_metric_is_404(hub_home, login):
    client = login("leader")

    assert client.get("/cockpit/no-such-theme/").status_code == 404
    assert client.get(reverse("cockpit-metric", kwargs={"metric_id": "no.such"})).status_code == 404


# --- a dean: own department only -----------------------------------------------------------------


def test_a_dean_sees_only_their_department(hub_home, login, cast):
    dean = viewer_for_user(cast["dean"])
    response = login("dean").get(reverse("cockpit-theme", kwargs={"slug": "students"}))

    assert response.status_code == 200
    page = _text(response)
    assert f"department:{dean.department_code}" == api.metric_query(hub_home, ENROLLED, viewer=dean).scope
    # The dean starts inside their 二级学院: the chart is by 专业, and holds only their majors.
    expected = api.metric_query(hub_home, ENROLLED, viewer=dean, dimensions=("专业",))
    assert _chart_data(page, ENROLLED) == {r.dims[0][1]: r.value for r in expected.rows}
    leader = api.metric_query(
        hub_home, ENROLLED, viewer=viewer_for_user(cast["leader"]), dimensions=("专业",)
    )
    assert len(expected.rows) < len(leader.rows), "the college has majors outside the dean's department"


def test_a_dean_asking_for_another_department_is_refused(hub_home, login, cast):
    leader = viewer_for_user(cast["leader"])
    departments = {
        r.dims[0][1]
        for r in api.metric_query(hub_home, ENROLLED, viewer=leader, dimensions=("二级学院",)).rows
    }
    own = cast["dean"].profile.department_name
    assert own in departments
    other = sorted(departments - {own})[0]
    client = login("dean")

    for url in (
        reverse("cockpit-theme", kwargs={"slug": "students"}),
        reverse("cockpit-metric", kwargs={"metric_id": ENROLLED}),
        reverse("cockpit-export", kwargs={"slug": "students"}),
    ):
        response = client.get(url, {"college": other})
        assert response.status_code == 403, url
        assert other in _text(response)
        assert client.get(url, {"college": own}).status_code == 200


def test_drill_down_college_major_class_as_a_leader(hub_home, login, cast):
    leader = viewer_for_user(cast["leader"])
    client = login("leader")
    url = reverse("cockpit-theme", kwargs={"slug": "students"})

    top = _chart_data(_text(client.get(url)), ENROLLED)
    by_college = api.metric_query(hub_home, ENROLLED, viewer=leader, dimensions=("二级学院",))
    assert top == {r.dims[0][1]: r.value for r in by_college.rows}

    college = by_college.rows[0].dims[0][1]
    majors = _chart_data(_text(client.get(url, {"college": college})), ENROLLED)
    expected = api.metric_query(
        hub_home, ENROLLED, viewer=leader, dimensions=("专业",), filters={"二级学院": college}
    )
    assert majors == {r.dims[0][1]: r.value for r in expected.rows}

    major = expected.rows[0].dims[0][1]
    page = _text(client.get(url, {"college": college, "major": major}))
    classes = _chart_data(page, ENROLLED)
    expected = api.metric_query(
        hub_home, ENROLLED, viewer=leader, dimensions=("班级",), filters={"二级学院": college, "专业": major}
    )
    assert classes == {r.dims[0][1]: r.value for r in expected.rows}
    assert college in page and major in page  # the breadcrumbs


def test_a_dean_sees_small_classes_as_the_hub_scopes_them(hub_home, login, cast):
    """Small-cell rule for a department head: the page shows exactly the hub's cells for the dean.

    The hub suppresses cells under ``min_cell`` people for viewers outside the line
    responsibility (teacher, steward, finance); a dean is that line, so the hub shows them the
    counts. The page must follow the hub either way: same values, same suppressed cells.
    """
    dean = viewer_for_user(cast["dean"])
    client = login("dean")
    page = _text(client.get(reverse("cockpit-theme", kwargs={"slug": "students"}), {"by": "班级"}))

    expected = api.metric_query(hub_home, ENROLLED, viewer=dean, dimensions=("班级",))
    assert _chart_data(page, ENROLLED) == {r.dims[0][1]: r.value for r in expected.rows}
    teacher = viewer_for_user(cast["teacher"])
    hidden = api.metric_query(hub_home, ENROLLED, viewer=teacher, dimensions=("班级",))
    assert any(r.suppressed for r in hidden.rows), "the demo dean's department has classes under 5 students"


def test_suppressed_cells_are_marked_not_drawn(hub_home, login, cast, monkeypatch):
    """When the hub suppresses cells for the viewer, the page draws no value and says so.

    The demo roles that open the cockpit are not suppressed for student counts, so this test
    applies the hub's suppression to the dean (as DESIGN.md §5 reads for aggregate views).
    """
    monkeypatch.setattr(metrics_service, "SUPPRESSED_ROLES", metrics_service.SUPPRESSED_ROLES | {"dean"})
    metrics_service.clear_cache()
    try:
        response = login("dean").get(reverse("cockpit-theme", kwargs={"slug": "students"}), {"by": "班级"})
        expected = api.metric_query(
            hub_home, ENROLLED, viewer=viewer_for_user(cast["dean"]), dimensions=("班级",)
        )
    finally:
        metrics_service.clear_cache()
    page = _text(response)
    small = {r.dims[0][1] for r in expected.rows if r.suppressed}
    assert small, "the demo dean's department has classes under 5 students"
    chart = _chart_data(page, ENROLLED)
    for label in small:
        assert chart[label] is None
        row = re.search(rf'<th scope="row">{re.escape(label)}</th><td>([^<]*)</td>', page)
        assert row is not None and row.group(1).strip() in ("suppressed", "已抑制", "已隐藏"), row


# --- drill-through: definition, provenance, source rows -------------------------------------------


def test_the_metric_page_shows_definition_lineage_freshness_and_quality(hub_home, login, cast):
    response = login("leader").get(reverse("cockpit-metric", kwargs={"metric_id": ENROLLED}))

    assert response.status_code == 200
    page = _text(response)
    metric = api.metric_definition(ENROLLED)
    answer = api.metric_query(hub_home, ENROLLED, viewer=viewer_for_user(cast["leader"]))
    for text in (metric.caliber, metric.owner, metric.version, answer.provenance.build_id, *metric.inputs):
        assert text in page, text
    for source in answer.provenance.sources:
        assert source.source_table in page
    assert f"{answer.provenance.quality_score:.1f}" in page


def _source_rows_table(page: str) -> tuple[list[str], list[list[str]]]:
    table = re.search(r'<table[^>]*class="rows".*?</table>', page, re.S)
    assert table, "no rows table on the page"
    head = [
        re.sub(r"<[^>]+>|\s*\*$", "", h).strip()
        for h in re.findall(r"<th scope=\"col\">(.*?)</th>", table.group(0))
    ]
    body = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    ]
    return head, [r for r in body if r]


def test_source_rows_are_masked_for_a_role_that_may_not_unmask(hub_home, login, cast):
    client = login("leader")
    url = reverse("cockpit-metric", kwargs={"metric_id": ENROLLED})

    page = _text(client.get(url))
    masked = api.metric_source_rows(hub_home, ENROLLED, viewer=viewer_for_user(cast["leader"]))
    assert masked.masked_columns, "student rows carry personal columns"
    columns, rows = _source_rows_table(page)
    assert columns == list(masked.columns)
    first_masked = masked.columns.index(masked.masked_columns[0])
    assert [r[first_masked] for r in rows] == [
        "" if r[first_masked] is None else str(r[first_masked]) for r in masked.rows
    ]
    assert "*" in rows[0][first_masked]
    # Asking for clear text without the right is refused, and nothing is recorded.
    assert client.get(url, {"unmask": "1"}).status_code == 403
    assert not PersonalDataView.objects.exists()


def test_source_rows_unmasked_for_a_role_that_may_and_the_view_is_audited(hub_home, login, cast, monkeypatch):
    # No demo role both sees source rows (leader, dean) and may unmask (steward, secadmin):
    # the leader is given the unmask right here through the one place the cockpit reads it.
    leader = dataclasses.replace(viewer_for_user(cast["leader"]), may_unmask=True)
    monkeypatch.setattr("campusbrain.cockpit.views.viewer_for_user", lambda user: leader)
    client = login("leader")
    url = reverse("cockpit-metric", kwargs={"metric_id": ENROLLED})

    masked_page = _text(client.get(url))
    assert not PersonalDataView.objects.exists(), "the masked page is not an unmasked view"
    assert "unmask=1" in masked_page
    page = _text(client.get(url, {"unmask": "1"}))

    clear = api.metric_source_rows(hub_home, ENROLLED, viewer=leader)
    masked = api.metric_source_rows(hub_home, ENROLLED, viewer=dataclasses.replace(leader, may_unmask=False))
    columns, rows = _source_rows_table(page)
    column = masked.masked_columns[0]
    index = list(clear.columns).index(column)
    assert [r[index] for r in rows] == ["" if r[index] is None else str(r[index]) for r in clear.rows]
    assert rows[0][index] != str(masked.rows[0][index])
    audit = PersonalDataView.objects.get()
    assert audit.username == "leader"
    assert audit.object_ref == f"metric:{ENROLLED}"
    assert set(audit.fields) == set(masked.masked_columns)


def test_a_dean_drills_through_to_own_department_rows_only(hub_home, login, cast):
    dean = viewer_for_user(cast["dean"])
    page = _text(login("dean").get(reverse("cockpit-metric", kwargs={"metric_id": ENROLLED})))

    expected = api.metric_source_rows(hub_home, ENROLLED, viewer=dean)
    columns, rows = _source_rows_table(page)
    assert expected.scope == f"department:{dean.department_code}"
    assert len(rows) == len(expected.rows) > 0
    # Every row shown is one of the dean's department (its 二级学院 column says so).
    department = columns.index("DWMC")
    assert {r[department] for r in rows} == {dean.department_name}


# --- export, big screen, stale and low-quality markers --------------------------------------------


def test_the_excel_export_holds_the_page_numbers(hub_home, login, cast):
    client = login("dean")
    response = client.get(reverse("cockpit-export", kwargs={"slug": "students"}))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    # The sheet holds two tables, each under a header row starting "Metric id": tiles, then charts.
    headers = [i for i, row in enumerate(rows) if row and row[0] in ("Metric id", "指标编号")]
    assert len(headers) == 2, rows[:8]
    tiles = {row[0]: row for row in rows[headers[0] + 1 : headers[1]] if row and row[0]}
    bars = [row for row in rows[headers[1] + 1 :] if row and row[0]]
    dean = viewer_for_user(cast["dean"])
    for metric in api.metric_catalog(theme="students"):
        assert metric.id in tiles
        with_figure = [
            r for r in api.metric_query(hub_home, metric.id, viewer=dean).rows if r.value is not None
        ]
        if with_figure:
            assert tiles[metric.id][3] == with_figure[-1].value, metric.id
    page = _text(client.get(reverse("cockpit-theme", kwargs={"slug": "students"})))
    assert {row[3]: row[5] for row in bars if row[0] == ENROLLED} == _chart_data(page, ENROLLED)
    provenance = [row for row in book.worksheets[1].iter_rows(values_only=True)]
    build_id = api.metric_query(hub_home, ENROLLED, viewer=dean).provenance.build_id
    assert any(build_id in row for row in provenance)


def test_the_metric_export_opens_and_holds_its_values(hub_home, login, cast):
    response = login("leader").get(reverse("cockpit-metric-export", kwargs={"metric_id": ENROLLED}))

    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    values = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]
    answer = api.metric_query(hub_home, ENROLLED, viewer=viewer_for_user(cast["leader"]))
    assert answer.rows[-1].value in values


def test_the_big_screen_renders_and_refreshes(hub_home, login):
    client = login("leader")
    url = reverse("cockpit-screen", kwargs={"slug": "overview"})

    page = _text(client.get(url, {"refresh": "30"}))
    assert 'hx-trigger="every 30s"' in page
    assert f'hx-get="{url}?refresh=30"' in page
    assert "vendor/echarts.min.js" in page and "vendor/htmx.min.js" in page
    for metric in api.metric_catalog(theme="overview"):
        assert f'data-metric="{metric.id}"' in page
    default = _text(client.get(url))
    assert 'hx-trigger="every 60s"' in default
    # The refresh fetch gets the board partial only.
    partial = _text(client.get(url, {"refresh": "30"}, HTTP_HX_REQUEST="true"))
    assert partial.lstrip().startswith('<div id="board"') and "<html" not in partial
    assert client.get(url, {"refresh": "2"}).status_code == 400
    assert client.get(url, {"refresh": "soon"}).status_code == 400


def test_a_tile_over_stale_sources_says_so(hub_home, login, monkeypatch, fresh_metric_cache):
    client = login("leader")
    url = reverse("cockpit-theme", kwargs={"slug": "students"})
    before = _tile_classes(_text(client.get(url)), ENROLLED)
    assert "flagged" not in before

    # A source is stale once its last load is older than STALE_AFTER sync intervals; at zero,
    # every scheduled source of the (seconds-old) test build is past due.
    monkeypatch.setattr(metrics_service, "STALE_AFTER", 0)
    metrics_service.clear_cache()
    page = _text(client.get(url))

    assert "flagged" in _tile_classes(page, ENROLLED)
    tile = page[page.index(f'data-metric="{ENROLLED}"') :]
    tile = tile[: tile.index("</article>")]
    assert "⚠" in tile
    assert "ods." in tile  # the stale source tables are named


def test_a_tile_under_the_quality_threshold_says_so(hub_home, login, cast, monkeypatch, fresh_metric_cache):
    leader = viewer_for_user(cast["leader"])
    score = api.metric_query(hub_home, ENROLLED, viewer=leader).provenance.quality_score
    assert score is not None
    monkeypatch.setattr(metrics_service, "LOW_QUALITY_BELOW", score + 0.1)
    metrics_service.clear_cache()

    page = _text(login("leader").get(reverse("cockpit-theme", kwargs={"slug": "students"})))

    assert "flagged" in _tile_classes(page, ENROLLED)
    tile = page[page.index(f'data-metric="{ENROLLED}"') :]
    tile = tile[: tile.index("</article>")]
    assert f"{score:.1f}" in tile and "⚠" in tile


# --- the page cache ------------------------------------------------------------------------------


def test_a_warm_theme_page_is_served_from_the_page_cache(hub_home, login, monkeypatch):
    client = login("leader")
    url = reverse("cockpit-theme", kwargs={"slug": "students"})
    first = _text(client.get(url))

    def no_second_board(*_args, **_kwargs):
        raise AssertionError("the board was computed again on a warm cache")

    monkeypatch.setattr("campusbrain.cockpit.selectors.board", no_second_board)
    again = client.get(url)

    assert again.status_code == 200
    assert _tile_classes(_text(again), ENROLLED) == _tile_classes(first, ENROLLED)
    assert 'class="tile' in _text(again) and "&lt;article" not in again.content.decode()


def test_the_page_cache_never_hands_one_scope_to_another(hub_home, login, cast):
    url = reverse("cockpit-theme", kwargs={"slug": "students"})
    leader_page = _text(login("leader").get(url, {"by": "二级学院"}))
    dean_page = _text(login("dean").get(url, {"by": "二级学院"}))

    dean = viewer_for_user(cast["dean"])
    expected = api.metric_query(hub_home, ENROLLED, viewer=dean, dimensions=("二级学院",))
    assert _chart_data(dean_page, ENROLLED) == {r.dims[0][1]: r.value for r in expected.rows}
    assert _chart_data(dean_page, ENROLLED) != _chart_data(leader_page, ENROLLED)


def test_clearing_the_hub_answers_clears_the_page_cache(hub_home, login, monkeypatch, fresh_metric_cache):
    client = login("leader")
    url = reverse("cockpit-theme", kwargs={"slug": "students"})
    client.get(url)
    computed: list[str] = []
    real_board = __import__("campusbrain.cockpit.selectors", fromlist=["board"]).board

    def counting_board(*args, **kwargs):
        computed.append("board")
        return real_board(*args, **kwargs)

    monkeypatch.setattr("campusbrain.cockpit.selectors.board", counting_board)
    metrics_service.clear_cache()  # what a new build id does too: the token of the answers changes
    assert client.get(url).status_code == 200
    assert computed == ["board"]
