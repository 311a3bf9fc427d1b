"""Metric answers on the built demo college: values, scoping, suppression, provenance, cache."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from campusbrain.hub import api
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.metrics import service

from .conftest import DEAN_107, LEADER, STUDENT, TEACHER_107, one


def test_enrolled_students_equal_a_direct_count(
    built_demo_college: Path, warehouse: engine.Connection
) -> None:
    result = api.metric_query(built_demo_college, "students.enrolled", viewer=LEADER)
    assert result.scope == "college" and result.grain == "时点"
    assert [r.value for r in result.rows] == [
        float(str(one(warehouse, "SELECT count(*) FROM dws.student_profile WHERE XJZTM = '01'")))
    ]
    by_school = api.metric_query(
        built_demo_college, "students.enrolled", viewer=LEADER, dimensions=("二级学院",)
    )
    direct = dict(
        engine.fetch(
            warehouse, "SELECT DWMC, count(*) FROM dws.student_profile WHERE XJZTM = '01' GROUP BY 1"
        )
    )
    assert {r.dims[0][1]: r.value for r in by_school.rows} == {k: float(str(v)) for k, v in direct.items()}


def test_a_dean_sees_only_their_department(built_demo_college: Path, warehouse: engine.Connection) -> None:
    result = api.metric_query(built_demo_college, "students.enrolled", viewer=DEAN_107, dimensions=("专业",))
    assert result.scope == "department:107"
    direct = one(warehouse, "SELECT count(*) FROM dws.student_profile WHERE XJZTM = '01' AND DWH = '107'")
    assert sum(r.value or 0 for r in result.rows) == float(str(direct))
    majors = {
        str(m)
        for (m,) in engine.fetch(warehouse, "SELECT DISTINCT ZYMC FROM dws.student_profile WHERE DWH = '107'")
    }
    assert {r.dims[0][1] for r in result.rows} <= majors


def test_a_teacher_gets_small_cells_suppressed(built_demo_college: Path) -> None:
    dean = api.metric_query(built_demo_college, "students.enrolled", viewer=DEAN_107, dimensions=("班级",))
    teacher = api.metric_query(
        built_demo_college, "students.enrolled", viewer=TEACHER_107, dimensions=("班级",)
    )
    small = {r.dims for r in dean.rows if r.value is not None and 0 < r.value < 5}
    assert small, "the demo college has classes of fewer than 5 students in 107"
    for row in teacher.rows:
        assert row.suppressed == (row.dims in small)
        assert (row.value is None) == row.suppressed
    assert not any(r.suppressed for r in dean.rows)


def test_a_student_is_refused(built_demo_college: Path) -> None:
    with pytest.raises(api.MetricAccessDenied):
        api.metric_query(built_demo_college, "students.enrolled", viewer=STUDENT)


def test_a_cached_answer_is_recomputed_once_its_sources_turn_stale(
    built_demo_college: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Freshness depends on the clock, not only on the build: a cached 'fresh' is not kept forever."""
    before = api.metric_query(built_demo_college, "students.enrolled", viewer=LEADER)
    assert not before.provenance.stale

    later = service._now() + timedelta(days=400)
    monkeypatch.setattr(service, "_now", lambda: later)
    after = api.metric_query(built_demo_college, "students.enrolled", viewer=LEADER)

    assert after.provenance.stale
    assert after.rows == before.rows
