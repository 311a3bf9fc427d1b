"""DWS summaries of 财务, 资产, 科研, 图书, 测评, 学习平台 and 一卡通 on the small demo college: each
figure checked against a computation straight from the raw ODS rows (in Python or plain SQL)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.paths import HubPaths
from campusbrain.hub.warehouse import open_published


@pytest.fixture(scope="module")
def warehouse(built_demo_college: Path) -> Iterator[engine.Connection]:
    con = open_published(built_demo_college)
    yield con
    con.close()


@pytest.fixture(scope="module")
def ods(built_demo_college: Path) -> Iterator[engine.Connection]:
    con = engine.connect(HubPaths(built_demo_college).ods, read_only=True)
    yield con
    con.close()


def rows(con: engine.Connection, sql: str, parameters: list[object] | None = None) -> list[tuple[Any, ...]]:
    """The rows of a read-only query on a test connection, with ``?`` parameters."""
    return list(con.execute(sql, parameters or []).fetchall())


def raw(ods: engine.Connection, table: str) -> list[dict[str, Any]]:
    """Every ODS row of a table as a dict (the ODS file's catalog and schema are both "ods")."""
    cursor = ods.execute(f'SELECT * FROM ods.ods."{table}"')
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def latest_per_key(records: list[dict[str, Any]], *key: str) -> list[dict[str, Any]]:
    """One record per key: the copies of a repeated export are identical in the demo."""
    kept: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        kept.setdefault(tuple(record[k] for k in key), record)
    return list(kept.values())


def test_project_budget_and_spend_match_the_raw_vouchers(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    budget: dict[str, int] = defaultdict(int)
    for line in raw(ods, "caiwu__CW_YSZB"):
        budget[line["项目编号"]] += int(line["预算金额(分)"])
    spend: dict[str, int] = defaultdict(int)
    for entry in latest_per_key(raw(ods, "caiwu__CW_PZ"), "凭证号", "分录号"):
        if entry["经济分类科目代码"] and entry["项目编号"]:
            spend[entry["项目编号"]] += int(entry["借方金额(分)"]) - int(entry["贷方金额(分)"])
    table = {
        r[0]: r[1:]
        for r in rows(
            warehouse,
            "SELECT project_code, budget_yuan, spend_yuan, has_budget_line FROM dws.finance_project",
        )
    }
    assert set(table) == set(budget) | set(spend)
    for project, (budget_yuan, spend_yuan, has_budget_line) in table.items():
        assert budget_yuan * 100 == budget.get(project, 0), project
        assert spend_yuan * 100 == spend.get(project, 0), project
        assert has_budget_line == (project in budget)
    assert any(not has for _, _, has in table.values())


def test_department_year_execution_rate_is_spend_over_budget(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    budget: dict[tuple[int, str], int] = defaultdict(int)
    for line in raw(ods, "caiwu__CW_YSZB"):
        budget[(int(line["年度"]), line["部门代码"])] += int(line["预算金额(分)"])
    spend: dict[tuple[int, str], int] = defaultdict(int)
    for entry in latest_per_key(raw(ods, "caiwu__CW_PZ"), "凭证号", "分录号"):
        if entry["经济分类科目代码"]:
            key = (int(entry["日期"][:4]), entry["部门代码"])
            spend[key] += int(entry["借方金额(分)"]) - int(entry["贷方金额(分)"])
    table = rows(
        warehouse,
        "SELECT year, department_code, sum(budget_yuan), sum(spend_yuan) FROM dws.finance_department_year "
        "GROUP BY 1, 2",
    )
    assert {(y, d): (b * 100, s * 100) for y, d, b, s in table} == {
        key: (budget.get(key, 0), spend.get(key, 0)) for key in set(budget) | set(spend)
    }
    for budget_yuan, spend_yuan, rate in rows(
        warehouse, "SELECT budget_yuan, spend_yuan, execution_rate FROM dws.finance_department_year"
    ):
        if budget_yuan:
            assert abs(rate - spend_yuan / budget_yuan) < Decimal("0.0001")
        else:
            assert rate is None


def test_asset_value_per_department_matches_the_register(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    value: dict[str | None, Decimal] = defaultdict(Decimal)
    scrapped: Counter[str | None] = Counter()
    for card in raw(ods, "zichan__ZC_GDZCTZ"):
        department = card["使用部门代码"] or None
        value[department] += Decimal(card["金额(元)"])
        scrapped[department] += card["使用状态"] == "已报废"
    table = rows(warehouse, "SELECT department_code, value_yuan, cards_scrapped FROM dws.asset_department")
    assert {d: (v, s) for d, v, s in table} == {d: (value[d], scrapped[d]) for d in value}


def test_research_papers_and_patents_per_year_match_the_dump(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    papers = Counter((int(p["发表年月"][:4]), p["部门"]) for p in raw(ods, "keyan__papers"))
    patents = Counter(
        (int(p["授权日期"][:4]), p["部门"]) for p in raw(ods, "keyan__patents") if p["授权日期"]
    )
    table = rows(warehouse, "SELECT year, department_code, papers, patents FROM dws.research_department_year")
    assert {(y, d): n for y, d, n, _ in table if n} == dict(papers)
    assert {(y, d): n for y, d, _, n in table if n} == dict(patents)


def test_library_loans_and_entries_per_reader_month(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    loans: Counter[tuple[str, date]] = Counter()
    for loan in raw(ods, "tushu__loan"):
        borrowed = date.fromisoformat(loan["JCSJ"][:10])
        loans[(loan["DZZH"], borrowed.replace(day=1))] += 1
    days: dict[tuple[str, date], set[date]] = defaultdict(set)
    for entry in raw(ods, "tushu__gate"):
        stamp = entry["RGSJ"]
        entered = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]))
        days[(entry["DZZH"], entered.replace(day=1))].add(entered)
    table = rows(warehouse, "SELECT DZZH, month, loans, gate_days FROM dws.library_person_month")
    assert {(r, m): n for r, m, n, _ in table if n} == dict(loans)
    assert {(r, m): n for r, m, _, n in table if n} == {key: len(v) for key, v in days.items()}
    # Readers in the reader list are linked to a golden person; an orphan reader is not.
    assert rows(
        warehouse, "SELECT count(*) FROM dws.library_person_month WHERE reader_known AND person_id IS NULL"
    ) == [(0,)]
    assert rows(warehouse, "SELECT count(*) FROM dws.library_person_month WHERE NOT reader_known") != [(0,)]


def test_teacher_term_scores_match_the_raw_evaluations(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for answer in latest_per_key(raw(ods, "ceping__CP_XSPJ"), "评价ID"):
        scores[(answer["教师工号"], answer["学年学期"])].append(int(answer["总分"]))
    table = rows(
        warehouse,
        "SELECT teacher_gh, term, evaluations, avg_score FROM dws.evaluation_teacher_term WHERE evaluations > 0",
    )
    assert len(table) == len(scores)
    for teacher, term, evaluations, avg_score in table:
        expected = scores[(teacher, term)]
        assert evaluations == len(expected)
        assert abs(float(avg_score) - sum(expected) / len(expected)) <= 0.005


def test_satisfaction_rates_match_the_raw_answers(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    answers: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for answer in raw(ods, "ceping__CP_MYD"):
        answers[(int(answer["调查年份"]), answer["学院代码"], answer["维度"])].append(int(answer["满意度"]))
    table = rows(
        warehouse,
        "SELECT survey_year, department_code, dimension, answers, satisfaction_rate FROM dws.satisfaction_year",
    )
    assert len(table) == len(answers)
    for year, department, dimension, count, rate in table:
        expected = answers[(year, department, dimension)]
        assert count == len(expected)
        assert abs(float(rate) - sum(s >= 4 for s in expected) / len(expected)) <= 0.00005


def test_learning_week_counts_match_the_statements(
    warehouse: engine.Connection, ods: engine.Connection
) -> None:
    actors = [
        r[0]
        for r in rows(warehouse, "SELECT DISTINCT actor_key FROM dws.learning_person_week ORDER BY 1 LIMIT 5")
    ]
    assert actors
    for actor in actors:
        statements = [
            json.loads(text)
            for (text,) in ods.execute(
                'SELECT statement FROM ods.ods."xuexi__statements" WHERE actor_name = ?', [actor]
            ).fetchall()
        ]
        weeks: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for statement in statements:
            day = datetime.fromisoformat(statement["timestamp"]).date()
            weeks[day - timedelta(days=day.weekday())].append(statement)
        table = rows(
            warehouse,
            "SELECT week_start, statements, active_days, completions, learning_minutes "
            "FROM dws.learning_person_week WHERE actor_key = ?",
            [actor],
        )
        assert {w for w, *_ in table} == set(weeks)
        for week, count, active_days, completions, minutes in table:
            expected = weeks[week]
            assert count == len(expected)
            assert active_days == len({datetime.fromisoformat(s["timestamp"]).date() for s in expected})
            assert completions == sum(s["verb"]["id"].endswith("/completed") for s in expected)
            assert float(minutes) == sum(int(s["result"]["duration"][2:-1]) for s in expected)
    assert rows(warehouse, "SELECT count(*) FROM dws.learning_person_week WHERE person_id IS NULL") == [(0,)]


def test_card_meals_per_person_sum_the_card_accounts(warehouse: engine.Connection) -> None:
    per_card = rows(
        warehouse,
        "SELECT person_id, month, sum(canteen_meals), sum(canteen_spend_yuan), sum(other_spend_yuan) "
        "FROM dws.card_spend_person_month WHERE person_id IS NOT NULL GROUP BY 1, 2",
    )
    per_person = rows(
        warehouse,
        "SELECT person_id, month, canteen_meals, canteen_spend_yuan, other_spend_yuan "
        "FROM dws.card_meal_person_month WHERE person_id IS NOT NULL",
    )
    assert per_card and sorted(per_card) == sorted(per_person)
    # Cards with an account are linked to a person; only the orphan cards are not.
    assert rows(
        warehouse,
        "SELECT count(*) FROM dws.card_spend_person_month AS s JOIN dwd.card_account USING (CARDNO) "
        "WHERE s.person_id IS NULL",
    ) == [(0,)]
    ((unlinked,),) = rows(
        warehouse, "SELECT count(*) FROM dws.card_meal_person_month WHERE person_id IS NULL"
    )
    assert unlinked > 0
