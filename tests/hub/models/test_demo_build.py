"""The built-in models on a real sync of the demo college's 一卡通 export agree with what the generator planted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from campusbrain.demo.generate import generate
from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.runner import build
from campusbrain.hub.sync import sync
from campusbrain.hub.warehouse import open_published

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo-college")
    generate(home, show_progress=False, students=600, seed=7, scale=0.5)
    assert sync(home, source="yikatong", progress=False).ok
    report = build(home, progress=False)
    assert report.ok, report.error
    return home


@pytest.fixture(scope="module")
def manifest(demo_home: Path) -> dict[str, Any]:
    return json.loads((demo_home / "demo-sources" / "manifest.json").read_text(encoding="utf-8"))


def _one(con: engine.Connection, sql: str) -> object:
    return engine.fetch_all(con, sql)[0][0]


def _planted(manifest: dict[str, Any], kind: str) -> int:
    return sum(
        1
        for d in manifest["defects"]
        if d["system"] == "yikatong" and d["table"] == "transactions" and d["kind"] == kind
    )


def test_transactions_are_deduplicated_typed_and_complete(demo_home: Path, manifest: dict[str, Any]) -> None:
    con = open_published(demo_home)
    exported = manifest["row_counts"]["yikatong.transactions"]
    assert _one(con, "SELECT count(*) FROM dwd.card_transaction") == exported - _planted(
        manifest, "duplicate_row"
    )
    assert _one(con, "SELECT count(DISTINCT JYLSH) FROM dwd.card_transaction") == _one(
        con, "SELECT count(*) FROM dwd.card_transaction"
    )
    # Everything the generator writes parses: a NULL here would be a typing bug, not dirty data.
    assert (
        _one(
            con,
            "SELECT count(*) FROM dwd.card_transaction "
            "WHERE transacted_at IS NULL OR amount_yuan IS NULL OR transaction_type IS NULL OR wallet IS NULL",
        )
        == 0
    )
    # Every 冲正 points at a purchase that is present and flagged reversed.
    assert _one(con, "SELECT count(*) FROM dwd.card_transaction WHERE is_reversal") == _one(
        con, "SELECT count(*) FROM dwd.card_transaction WHERE is_reversed"
    )
    con.close()


def test_orphan_cards_surface_as_unknown_holders(demo_home: Path, manifest: dict[str, Any]) -> None:
    con = open_published(demo_home)
    orphans = _one(
        con,
        "SELECT count(*) FROM dwd.card_transaction t "
        "WHERE NOT EXISTS (SELECT 1 FROM dwd.card_account a WHERE a.CARDNO = t.CARDNO)",
    )
    assert orphans == _planted(manifest, "orphan_reference")
    assert (
        _one(con, "SELECT sum(canteen_cards) FROM ads.card_canteen_month WHERE holder_type = '未知'")
        <= orphans
    )
    con.close()


def test_monthly_spend_adds_up_to_the_transactions(demo_home: Path) -> None:
    con = open_published(demo_home)
    purchases = _one(
        con,
        "SELECT sum(amount_yuan) FROM dwd.card_transaction "
        "WHERE JYLX = '210' AND NOT is_reversed AND NOT is_reversal",
    )
    assert _one(con, "SELECT sum(total_spend_yuan) FROM dws.card_spend_person_month") == purchases
    assert (
        _one(
            con,
            "SELECT count(*) FROM dws.card_spend_person_month "
            "WHERE canteen_spend_yuan + other_spend_yuan <> total_spend_yuan",
        )
        == 0
    )
    # No one eats more than three canteen meals a day.
    assert _one(con, "SELECT max(canteen_meals) FROM dws.card_spend_person_month") <= 3 * 31
    con.close()
