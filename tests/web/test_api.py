"""The JSON API /api/v1/ on the built demo college: catalogue, one metric, auth, provenance, scope.

Answers are compared with ``hub.api`` for the same viewer, and every 200 answer is checked
against the schema the OpenAPI document publishes for it (a small validator below: the subset of
JSON Schema that document uses), so the document and the answers cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from campusbrain.accounts.selectors import viewer_for_user
from campusbrain.accounts.services import api_token_create, api_token_revoke
from campusbrain.hub import api

ENROLLED = "students.enrolled"


@pytest.fixture
def hub_home(settings, built_demo_college: Path) -> Path:
    settings.CAMPUSBRAIN = dataclasses.replace(settings.CAMPUSBRAIN, home=built_demo_college)
    return built_demo_college


@pytest.fixture
def cast(db, built_demo_college: Path):
    """Demo users of the built college itself, so the dean's department is a real 二级学院 there."""
    from campusbrain.accounts.services import demo_accounts_create

    manifest = built_demo_college / "demo-sources" / "manifest.json"
    return {u.username: u for u in demo_accounts_create(manifest_path=manifest)}


@pytest.fixture
def document(client) -> dict[str, Any]:
    return json.loads(client.get(reverse("api-openapi")).content)


def _check(value: Any, schema: dict[str, Any], doc: dict[str, Any], where: str = "$") -> None:
    """Fail unless ``value`` fits ``schema`` ($ref, type, enum, properties, required, items)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        _check(value, doc["components"]["schemas"][name], doc, where)
        return
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        python = {
            "object": dict,
            "array": list,
            "string": str,
            "integer": int,
            "number": (int, float),
            "boolean": bool,
            "null": type(None),
        }
        ok = any(isinstance(value, python[k]) for k in kinds)
        if isinstance(value, bool) and "boolean" not in kinds:
            ok = False
        assert ok, f"{where}: {value!r} is not {kinds}"
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            assert name in value, f"{where}: missing {name}"
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in properties:
                _check(item, properties[name], doc, f"{where}.{name}")
            elif extra is False:
                raise AssertionError(f"{where}: unexpected {name}")
            elif isinstance(extra, dict):
                _check(item, extra, doc, f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            _check(item, schema["items"], doc, f"{where}[{index}]")


def _schema_of(doc: dict[str, Any], path: str, status: str) -> dict[str, Any]:
    return doc["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


def _get(client, url: str, data: dict[str, Any] | None = None, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, data or {}, headers=headers)


# --- catalogue and one metric --------------------------------------------------------------------


def test_the_catalogue_lists_every_metric_and_theme(hub_home, client, cast, document):
    client.force_login(cast["leader"])
    response = _get(client, reverse("api-metrics"))

    assert response.status_code == 200
    body = response.json()
    _check(body, _schema_of(document, "/api/v1/metrics", "200"), document)
    assert body["count"] == len(api.metric_catalog()) == len(body["metrics"])
    assert [t["slug"] for t in body["themes"]] == [slug for slug, _zh, _en in api.THEMES]
    students = _get(client, reverse("api-metrics"), {"theme": "students"}).json()
    assert [m["id"] for m in students["metrics"]] == [m.id for m in api.metric_catalog(theme="students")]
    unknown = _get(client, reverse("api-metrics"), {"theme": "nope"})
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_metric"
    assert _get(client, reverse("api-metrics"), {"themes": "x"}).status_code == 400


def test_one_metric_with_dimensions_filters_and_grain(hub_home, client, cast, document):
    leader = viewer_for_user(cast["leader"])
    client.force_login(cast["leader"])
    url = reverse("api-metric", kwargs={"metric_id": ENROLLED})

    body = _get(client, url, {"by": "二级学院"}).json()
    _check(body, _schema_of(document, "/api/v1/metrics/{metric_id}", "200"), document)
    expected = api.metric_query(hub_home, ENROLLED, viewer=leader, dimensions=("二级学院",))
    assert {r["dims"]["二级学院"]: r["value"] for r in body["rows"]} == {
        r.dims[0][1]: r.value for r in expected.rows
    }
    college = expected.rows[0].dims[0][1]
    cut = _get(client, url, {"by": "专业", "filter": f"二级学院:{college}"}).json()
    assert cut["filters"] == {"二级学院": college}
    direct = api.metric_query(
        hub_home, ENROLLED, viewer=leader, dimensions=("专业",), filters={"二级学院": college}
    )
    assert [r["value"] for r in cut["rows"]] == [r.value for r in direct.rows]

    # A metric with time grains: the grain chosen is the one answered, periods follow it.
    timed = next(m for m in api.metric_catalog() if len(m.grains) > 1 and m.grains[0] != "时点")
    grain = timed.grains[1]
    answer = _get(client, reverse("api-metric", kwargs={"metric_id": timed.id}), {"grain": grain}).json()
    assert answer["grain"] == grain
    assert answer["rows"] == [
        {"dims": dict(r.dims), "period": r.period, "value": r.value, "suppressed": r.suppressed}
        for r in api.metric_query(hub_home, timed.id, viewer=leader, grain=grain).rows
    ]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"by": "no-such-dimension"}, 400, "bad_query"),
        ({"grain": "世纪"}, 400, "bad_query"),
        ({"filter": "二级学院"}, 400, "bad_filter"),
        ({"filter": ["二级学院:a", "二级学院:b"]}, 400, "bad_filter"),
        ({"sort": "value"}, 400, "unknown_parameter"),
    ],
)
def test_a_bad_query_names_what_is_wrong(hub_home, client, cast, document, params, status, code):
    client.force_login(cast["leader"])
    response = _get(client, reverse("api-metric", kwargs={"metric_id": ENROLLED}), params)

    assert response.status_code == status
    body = response.json()
    _check(body, document["components"]["schemas"]["Error"], document)
    assert body["error"]["code"] == code and body["error"]["message"]


def test_an_unknown_metric_is_404(hub_home, client, cast):
    client.force_login(cast["leader"])
    response = _get(client, reverse("api-metric", kwargs={"metric_id": "no.such.metric"}))

    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_metric"


def test_provenance_is_in_every_answer(hub_home, client, cast, document):
    """Every metric of every theme, as the leader gets it: definition version, build id, the
    freshness of each source table and the quality of each input, as the hub computed them."""
    leader = viewer_for_user(cast["leader"])
    client.force_login(cast["leader"])
    schema = _schema_of(document, "/api/v1/metrics/{metric_id}", "200")
    answered = 0
    for metric in api.metric_catalog():
        response = _get(client, reverse("api-metric", kwargs={"metric_id": metric.id}))
        if response.status_code != 200:
            # Only a metric whose input the small build lacks may fail, and it says so.
            assert response.status_code == 503, (metric.id, response.content)
            continue
        answered += 1
        body = response.json()
        _check(body, schema, document)
        provenance = body["provenance"]
        hub = api.metric_query(hub_home, metric.id, viewer=leader).provenance
        assert provenance["definition_version"] == metric.version == hub.definition_version
        assert provenance["build_id"] == hub.build_id
        # Metrics over the build's own bookkeeping (quality., std., meta. tables) have no ODS
        # source to be fresh or stale; a metric over the warehouse models names its sources.
        if any(t.split(".")[0] in ("dwd", "dws", "ads") for t in metric.inputs):
            assert provenance["sources"], metric.id
        assert [s["source_table"] for s in provenance["sources"]] == [s.source_table for s in hub.sources]
        assert [s["freshness"] for s in provenance["sources"]] == [s.freshness for s in hub.sources]
        assert [q["table"] for q in provenance["quality_inputs"]] == [t for t, _s in hub.quality_inputs]
        assert provenance["quality_score"] == hub.quality_score
    assert answered >= len(api.metric_catalog()) * 0.9


# --- authentication ------------------------------------------------------------------------------


def test_a_bearer_token_authenticates_until_revoked(hub_home, client, cast):
    token, plaintext = api_token_create(user=cast["dean"], name="report script")
    url = reverse("api-metric", kwargs={"metric_id": ENROLLED})

    good = _get(client, url, token=plaintext)
    assert good.status_code == 200
    assert good.json()["scope"] == f"department:{cast['dean'].profile.department_code}"

    bad = _get(client, url, token=plaintext[:-2] + "xx")
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"
    assert bad["WWW-Authenticate"].startswith("Bearer")
    assert client.get(url, headers={"Authorization": f"Basic {plaintext}"}).status_code == 401

    api_token_revoke(token=token)
    revoked = _get(client, url, token=plaintext)
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "invalid_token"


def test_a_bad_token_is_refused_even_with_a_session(hub_home, client, cast):
    # A client that sends a token means it: a wrong one is not quietly replaced by the session.
    client.force_login(cast["leader"])

    response = _get(client, reverse("api-metrics"), token="cb_not-a-real-token")

    assert response.status_code == 401


def test_session_auth_works(hub_home, client, cast):
    client.force_login(cast["quality"])

    response = _get(client, reverse("api-metric", kwargs={"metric_id": ENROLLED}))

    assert response.status_code == 200 and response.json()["scope"] == "college"


@pytest.mark.parametrize("name", ["api-metrics", "api-metric"])
def test_anonymous_gets_401_in_json(hub_home, client, name):
    url = reverse(name, kwargs={"metric_id": ENROLLED} if name == "api-metric" else None)

    response = client.get(url)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "WWW-Authenticate" in response


def test_a_write_is_refused(hub_home, client, cast):
    client.force_login(cast["leader"])

    response = client.post(reverse("api-metrics"))

    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


# --- scope ---------------------------------------------------------------------------------------


def test_a_dean_gets_only_their_department(hub_home, client, cast):
    dean = viewer_for_user(cast["dean"])
    client.force_login(cast["dean"])

    body = _get(client, reverse("api-metric", kwargs={"metric_id": ENROLLED}), {"by": "二级学院"}).json()

    assert body["scope"] == f"department:{dean.department_code}"
    assert [r["dims"]["二级学院"] for r in body["rows"]] == [dean.department_name]
    leader = api.metric_query(
        hub_home, ENROLLED, viewer=viewer_for_user(cast["leader"]), dimensions=("二级学院",)
    )
    assert (
        body["rows"][0]["value"] == dict((r.dims[0][1], r.value) for r in leader.rows)[dean.department_name]
    )
    assert len(leader.rows) > 1
    # Filtering to another department gives nothing of it.
    other = next(r.dims[0][1] for r in leader.rows if r.dims[0][1] != dean.department_name)
    cut = _get(
        client,
        reverse("api-metric", kwargs={"metric_id": ENROLLED}),
        {"by": "二级学院", "filter": f"二级学院:{other}"},
    )
    assert cut.status_code == 200
    assert cut.json()["rows"] == [] and cut.json()["scope"] == body["scope"]


def test_a_teacher_gets_own_department_with_small_cells_suppressed(hub_home, client, cast):
    teacher = viewer_for_user(cast["teacher"])
    dean = dataclasses.replace(teacher, role="dean", username="dean-of-same-department")
    _token, plaintext = api_token_create(user=cast["teacher"], name="teacher's script")

    body = _get(
        client, reverse("api-metric", kwargs={"metric_id": ENROLLED}), {"by": "班级"}, token=plaintext
    ).json()

    assert body["scope"] == f"department:{teacher.department_code}"
    full = {
        r.dims[0][1]: r.value
        for r in api.metric_query(hub_home, ENROLLED, viewer=dean, dimensions=("班级",)).rows
    }
    rows = {r["dims"]["班级"]: r for r in body["rows"]}
    assert set(rows) == set(full)
    small = {label for label, value in full.items() if value is not None and 0 < value < 5}
    assert small, "the demo department has classes under 5 students"
    for label, row in rows.items():
        assert row["suppressed"] == (label in small), label
        assert row["value"] == (None if label in small else full[label])


@pytest.mark.parametrize("username", ["student", "sysadmin"])
def test_roles_without_metrics_get_403(hub_home, client, cast, username):
    client.force_login(cast[username])

    response = _get(client, reverse("api-metric", kwargs={"metric_id": ENROLLED}))

    assert response.status_code == 403 and response.json()["error"]["code"] == "scope"


def test_a_user_without_profile_gets_403(hub_home, client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="ops", password="x" * 12))

    response = _get(client, reverse("api-metric", kwargs={"metric_id": ENROLLED}))

    assert response.status_code == 403 and response.json()["error"]["code"] == "no_profile"


# --- the OpenAPI document ------------------------------------------------------------------------


def test_the_openapi_document_is_valid_json_listing_both_paths(client):
    response = client.get(reverse("api-openapi"))  # public: it holds no data

    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.1")
    assert {"/api/v1/metrics", "/api/v1/metrics/{metric_id}"} <= set(doc["paths"])
    # Every $ref resolves.
    text = json.dumps(doc)
    for name in {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}:
        assert name in doc["components"]["schemas"], name
    for path in ("/api/v1/metrics", "/api/v1/metrics/{metric_id}"):
        assert "200" in doc["paths"][path]["get"]["responses"]
        assert "401" in doc["paths"][path]["get"]["responses"]
