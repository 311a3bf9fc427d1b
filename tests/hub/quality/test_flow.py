"""Between builds: a ticket closes once its defect is fixed at the source; an error rule blocks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from stdnum.cn import ric

from campusbrain.hub import api
from campusbrain.hub.contracts import BuildReport
from campusbrain.hub.models.runner import build
from campusbrain.hub.sync import sync

# A college rule that fails on the demo (cancelled cards exist): error severity, so everything
# reading dwd.card_account must keep its previous rows.
BLOCKING_RULE = """rules:
  - id: card_account.only_active_cards
    dimension: validity
    kind: expression
    condition: card_status = '正常'
    column: card_status
    severity: error
    description: 测试：卡账户须全部为正常状态（演示数据中有注销卡，故必然失败）
"""


@pytest.fixture(scope="module")
def rebuilt(
    built_demo_college: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, BuildReport]:
    """The demo college after fixing the 学工 ID numbers at the source, re-syncing and rebuilding."""
    home = tmp_path_factory.mktemp("quality-flow") / "college"
    shutil.copytree(built_demo_college, home)
    first = api.quality_report(home)
    ticket = next(t for t in first.open_tickets if t.rule_id == "student_affairs.sfzjh_valid")
    rows = api.quality_failing_rows(home, ticket.rule_id, limit=1000)
    # Every failing row must be fixed for the ticket to close: all of them are captured here.
    assert len(rows.rows) == ticket.failing_rows > 0
    path = home / "demo-sources/xuegong/T_XG_XSJBXX.csv"
    raw = path.read_bytes().decode("gbk")
    newline = "\r\n" if "\r\n" in raw else "\n"
    lines = raw.split(newline)
    for row in rows.rows:
        assert row.source == "xuegong:demo-sources/xuegong/T_XG_XSJBXX.csv" and row.source_row is not None
        wrong = str(row.value)
        right = wrong[:17] + ric.calc_check_digit(wrong)  # it reads the 18 characters, ignores the last
        # The registrar corrects the check digit in 学工 — every copy of that row, in the file itself.
        lines = [line.replace(wrong, right) for line in lines]
    path.write_bytes(newline.join(lines).encode("gbk"))
    college_rules = home / "models" / "dwd" / "card_account.quality.yaml"
    college_rules.parent.mkdir(parents=True, exist_ok=True)
    # The college's file replaces the built-in one for this model.
    college_rules.write_text(BLOCKING_RULE, encoding="utf-8")
    synced = sync(home, source="xuegong", progress=False)
    assert synced.ok
    report = build(home, progress=False)
    assert report.ok, report.error
    return home, first.build_id, report


def test_fixed_at_the_source_the_ticket_closes(rebuilt: tuple[Path, str, BuildReport]) -> None:
    home, first_build, report = rebuilt
    (ticket,) = [t for t in api.quality_tickets(home) if t.rule_id == "student_affairs.sfzjh_valid"]
    assert (ticket.status, ticket.closed_build, ticket.opened_build) == (
        "closed",
        report.build_id,
        first_build,
    )
    events = api.quality_ticket_events(home, ticket.ticket_id)
    assert [(e.event, e.build_id) for e in events] == [("opened", first_build), ("closed", report.build_id)]
    result = next(r for r in api.quality_report(home).results if r.rule_id == "student_affairs.sfzjh_valid")
    assert (result.status, result.failing_rows) == ("pass", 0)
    # Unfixed defects keep their tickets open, seen again by the new build.
    still = next(
        t for t in api.quality_tickets(home, status="open") if t.rule_id == "card_transaction.card_known"
    )
    assert (still.opened_build, still.last_seen_build) == (first_build, report.build_id)


def test_scores_keep_the_history_of_earlier_builds(rebuilt: tuple[Path, str, BuildReport]) -> None:
    home, first_build, report = rebuilt
    history = api.quality_scores(home, level="table", subject="dwd.student_affairs", dimension="validity")
    assert [s.build_id for s in history] == [first_build, report.build_id]
    assert history[1].score > history[0].score


def test_an_error_rule_keeps_everything_downstream(rebuilt: tuple[Path, str, BuildReport]) -> None:
    home, _first, report = rebuilt
    assert report.quality is not None
    assert report.quality.failed_error == ("card_account.only_active_cards",)
    actions = {m.name: m.action for m in report.models}
    assert actions["dwd.card_account"] == "built"
    for downstream in (
        "dwd.card_transaction",
        "dwd.card_reissue",
        "dws.card_spend_person_month",
        "ads.card_canteen_month",
    ):
        assert actions[downstream] == "kept", downstream
        assert downstream in report.quality.blocked_models
    assert actions["dwd.student_affairs"] == "built"  # unrelated models are rebuilt as usual
    result = next(
        r for r in api.quality_report(home).results if r.rule_id == "card_account.only_active_cards"
    )
    assert (result.status, result.blocked, result.severity) == ("fail", True, "error")
    (ticket,) = [t for t in api.quality_tickets(home, status="open") if t.rule_id == result.rule_id]
    assert (ticket.due_at - ticket.opened_at).days == 3
    # The college file replaced the built-in rules of dwd.card_account.
    assert not any(
        r.rule_id == "card_account.holder_known" and r.build_id == report.build_id
        for r in api.quality_report(home).results
    )


def test_build_json_carries_the_quality_summary(rebuilt: tuple[Path, str, BuildReport]) -> None:
    from campusbrain.cli import _jsonable

    _home, _first, report = rebuilt
    data = json.loads(json.dumps(_jsonable(report)))
    assert data["quality"]["failed_error"] == ["card_account.only_active_cards"]
    assert (
        data["quality"]["rules"] > 50 and "student_affairs.sfzjh_valid" not in data["quality"]["failed_warn"]
    )
