"""一卡通 (campus card, 正元/新开普 style): one transaction CSV per day, named ``yyyymmdd.csv``.

Quirks: amounts in 分 (integer cents); a 主钱包 (1) and a 补助钱包 (2); transaction-type codes
(110 充值, 120 补助发放, 210 消费, 211 冲正) with 冲正 rows that point at the row they reverse;
merchants in a two-level hierarchy (SHOPID/FSHOPID); times as ``yyyymmddHHMMSS`` numbers; the
card account (CARDNO) is the key, not the person — a student who changed major still swipes under
the old 学号, and re-issued cards get a new physical card id (WLKH) under the same account.
Planted: one daily file missing, one delivered four days late (file mtime), duplicate and orphan rows.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF, HISTORY_START, days, term_of
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.world import py_rng, rng_for
from campusbrain.demo.writers import write_arrow_csv

NAME = "yikatong"
TZ = ZoneInfo("Asia/Shanghai")
# The two delivery defects are fixed days so that tests and docs can name them.
MISSING_DAY = date(2025, 3, 12)
LATE_DAY = date(2025, 11, 5)
LATE_BY_DAYS = 4

TX_RECHARGE, TX_SUBSIDY, TX_PURCHASE, TX_REVERSAL = 110, 120, 210, 211

# (slot, category, centre minute of day, spread minutes, probability on a term weekday, mean yuan)
STUDENT_SLOTS = (
    ("breakfast", "canteen", 7 * 60 + 25, 22, 0.52, 5.5),
    ("lunch", "canteen", 11 * 60 + 50, 20, 0.84, 12.5),
    ("dinner", "canteen", 17 * 60 + 35, 25, 0.72, 11.5),
    ("shop", "shop", 15 * 60, 200, 0.30, 16.0),
    ("bath", "bath", 20 * 60 + 30, 50, 0.11, 4.0),
    ("other", "other", 13 * 60, 240, 0.08, 2.5),
)
STAFF_SLOTS = (
    ("lunch", "staff_canteen", 11 * 60 + 55, 15, 0.45, 15.0),
    ("shop", "shop", 12 * 60 + 30, 120, 0.05, 20.0),
)


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="校园一卡通系统",
        vendor_style="正元/新开普 (Hzsun/Newcapec)",
        owner_department="012 后勤管理处",
        kind="files",
        fmt="csv (one file per day)",
        encoding="utf-8",
        quirks=[
            "amounts in 分",
            "主钱包/补助钱包",
            "冲正 rows reference the reversed row",
            "card account ≠ person (old 学号 after a major change, re-issued cards)",
            "one file per day yyyymmdd.csv",
            "a missing day and a late day",
        ],
    )
    out = ctx.out / NAME
    accounts = _accounts(ctx, result, out)
    _merchants(ctx, result, out)
    _transactions(ctx, result, out, accounts)
    return result


class _Holders:
    """Card holders as parallel numpy arrays (index = holder)."""

    def __init__(self) -> None:
        self.cardno: list[int] = []
        self.start: list[int] = []  # first day (ordinal) the card is used
        self.end: list[int] = []  # first day it is no longer used
        self.is_student: list[bool] = []
        self.female: list[bool] = []
        self.subsidy: list[int] = []  # monthly 补助 in 分 for students with family difficulty

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "cardno": np.array(self.cardno, dtype=np.int64),
            "start": np.array(self.start, dtype=np.int64),
            "end": np.array(self.end, dtype=np.int64),
            "is_student": np.array(self.is_student, dtype=bool),
            "female": np.array(self.female, dtype=bool),
            "subsidy": np.array(self.subsidy, dtype=np.int64),
        }


def _accounts(ctx: GenContext, result: SystemResult, out: Path) -> dict[str, np.ndarray]:
    rng = py_rng(ctx.seed, NAME, "accounts")
    holders = _Holders()
    rows, issues = [], []
    cardno = 100000
    table = "card_account"
    for staff in ctx.world.staff:
        cardno += 1
        issued = max(staff.hire_date, date(2015, 9, 1))
        wlkh = f"{rng.getrandbits(32):08X}"
        rows.append([cardno, staff.gh, staff.person.name, "教工", f"{issued:%Y%m%d}", "正常", wlkh])
        ctx.link(NAME, table, str(cardno), staff.person.person_id)
        holders.cardno.append(cardno)
        holders.start.append(max(issued, HISTORY_START).toordinal())
        holders.end.append((AS_OF + timedelta(days=1)).toordinal())
        holders.is_student.append(False)
        holders.female.append(staff.person.sex == "2")
        holders.subsidy.append(0)
    for student in ctx.world.students:
        cardno += 1
        issued = date(student.cohort, 9, 1)
        last = student.status_date if student.status in ("休学", "退学", "毕业") else None
        state = "注销" if last and last <= AS_OF else "正常"
        # The card system registered the student before a change of major and was never told.
        xgh = student.old_xh or student.xh
        if student.old_xh:
            ctx.defects.add(
                NAME,
                table,
                str(cardno),
                "same_person_different_ids",
                f"XGH {student.old_xh} is 学号 {student.xh} after 转专业",
            )
        wlkh = f"{rng.getrandbits(32):08X}"
        rows.append([cardno, xgh, student.person.name, "学生", f"{issued:%Y%m%d}", state, wlkh])
        ctx.link(NAME, table, str(cardno), student.person.person_id)
        if rng.random() < 0.04:  # lost and re-issued: a new physical card under the same account
            reissued = issued + timedelta(days=rng.randrange(30, 700))
            if reissued < AS_OF:
                issues.append([cardno, f"{rng.getrandbits(32):08X}", f"{reissued:%Y%m%d}", "挂失补卡"])
        holders.cardno.append(cardno)
        holders.start.append(max(issued, HISTORY_START).toordinal())
        end = (
            student.graduation_date + timedelta(days=1)
            if student.status == "毕业"
            else AS_OF + timedelta(days=1)
        )
        if student.status in ("休学", "退学") and student.status_date:
            end = student.status_date
        holders.end.append(end.toordinal())
        holders.is_student.append(True)
        holders.female.append(student.person.sex == "2")
        holders.subsidy.append({"1": 30000, "2": 20000, "3": 10000}.get(student.difficulty, 0))
    header = ["CARDNO", "XGH", "XM", "SFLB", "KKRQ", "KZT", "WLKH"]
    result.add_csv(ctx, out / f"{table}.csv", "卡账户", header, rows, primary_key=["CARDNO"])
    header = ["CARDNO", "WLKH", "BKRQ", "YY"]
    result.add_csv(ctx, out / "card_reissue.csv", "补卡记录", header, issues, primary_key=["CARDNO", "WLKH"])
    return holders.arrays()


def _merchants(ctx: GenContext, result: SystemResult, out: Path) -> None:
    labels = {"canteen": "餐饮", "shop": "商超", "bath": "洗浴", "other": "其他"}
    rows = [[shop, parent, name, labels[cat]] for shop, parent, name, cat, _ in ref.MERCHANTS]
    header = ["SHOPID", "FSHOPID", "SHOPNAME", "LEVEL1"]
    result.add_csv(ctx, out / "merchant.csv", "商户", header, rows, primary_key=["SHOPID"])
    codes = [[TX_RECHARGE, "充值"], [TX_SUBSIDY, "补助发放"], [TX_PURCHASE, "消费"], [TX_REVERSAL, "冲正"]]
    result.add_csv(ctx, out / "tx_type.csv", "交易类型代码", ["JYLX", "JYLXMC"], codes, primary_key=["JYLX"])


def _merchant_pool(category: str) -> tuple[np.ndarray, np.ndarray]:
    if category == "staff_canteen":
        chosen = [m for m in ref.MERCHANTS if m[2] == "教工餐厅"]
    else:
        chosen = [m for m in ref.MERCHANTS if m[3] == category and m[2] != "教工餐厅"]
    return np.array([int(m[0]) for m in chosen]), np.array([m[4] for m in chosen])


def _transactions(ctx: GenContext, result: SystemResult, out: Path, h: dict[str, np.ndarray]) -> None:
    tx_dir = out / "transactions"
    total = 0
    n_files = 0
    missing_rows = 0
    pools = {cat: _merchant_pool(cat) for cat in ("canteen", "shop", "bath", "other", "staff_canteen")}
    for day in days(HISTORY_START, AS_OF):
        table = _one_day(ctx, day, h, pools)
        if day == MISSING_DAY:
            missing_rows = table.num_rows
            ctx.defects.add(
                NAME,
                "transactions",
                f"{day:%Y%m%d}",
                "missing_daily_file",
                f"{table.num_rows} transactions of {day} never delivered",
            )
            continue
        path = tx_dir / f"{day:%Y%m%d}.csv"
        total += write_arrow_csv(path, table)
        n_files += 1
        delivered = datetime.combine(
            day + timedelta(days=LATE_BY_DAYS if day == LATE_DAY else 1), datetime.min.time(), tzinfo=TZ
        ) + timedelta(hours=2, minutes=30)
        os.utime(path, (delivered.timestamp(), delivered.timestamp()))
        if day == LATE_DAY:
            ctx.defects.add(
                NAME,
                "transactions",
                f"{day:%Y%m%d}",
                "late_daily_file",
                f"delivered {LATE_BY_DAYS} days late ({delivered:%Y-%m-%d %H:%M})",
            )
        ctx.progress(table.num_rows)
    result.add(
        "transactions",
        "消费流水（日文件）",
        total,
        path=ctx.rel(tx_dir) + "/*.csv",
        format="csv",
        encoding="utf-8",
        primary_key=["JYLSH"],
        daily_file_pattern="%Y%m%d.csv",
    )
    result.notes.update(
        {
            "daily_files": n_files,
            "missing_day": MISSING_DAY.isoformat(),
            "missing_day_rows": missing_rows,
            "late_day": LATE_DAY.isoformat(),
            "late_by_days": LATE_BY_DAYS,
        }
    )


def _one_day(
    ctx: GenContext, day: date, h: dict[str, np.ndarray], pools: dict[str, tuple[np.ndarray, np.ndarray]]
) -> pa.Table:
    rng = rng_for(ctx.seed, NAME, day.toordinal())
    ordinal = day.toordinal()
    term = term_of(day)
    weekend = day.weekday() >= 5
    active = (h["start"] <= ordinal) & (ordinal < h["end"])
    students = active & h["is_student"]
    if term is None:
        # Holidays: about one student in twenty stays on campus.
        students &= rng.random(len(students)) < 0.05
    staff = active & ~h["is_student"] & (not weekend)
    # Spending is heaviest in the first two weeks of a term (people stock up) and lighter at weekends.
    factor = 0.75 if weekend else 1.0
    if term is not None and (day - term.start).days < 14:
        factor *= 1.15

    parts_card, parts_time, parts_shop, parts_type, parts_wallet, parts_amount = [], [], [], [], [], []
    reps = int(np.ceil(ctx.scale))
    for holders, slots in ((students, STUDENT_SLOTS), (staff, STAFF_SLOTS)):
        idx = np.flatnonzero(holders)
        if idx.size == 0:
            continue
        for rep in range(reps):
            weight = min(1.0, ctx.scale - rep)
            for slot, category, centre, spread, p, _mean_yuan in slots:
                prob = p * factor * weight
                if slot == "bath":
                    prob = np.where(h["female"][idx], prob * 1.3, prob)
                chosen = idx[rng.random(idx.size) < prob]
                if chosen.size == 0:
                    continue
                minutes = np.clip(rng.normal(centre, spread, chosen.size), 6 * 60, 23 * 60 - 1)
                seconds = (minutes * 60).astype(np.int64) + rng.integers(0, 60, chosen.size)
                shops, means = pools[category]
                pick = rng.integers(0, shops.size, chosen.size)
                amount = np.maximum(50, rng.gamma(4.0, means[pick] * 100 / 4.0)).astype(np.int64)
                wallet = np.ones(chosen.size, dtype=np.int64)
                if category == "canteen":
                    subsidised = (h["subsidy"][chosen] > 0) & (rng.random(chosen.size) < 0.5)
                    wallet[subsidised] = 2
                parts_card.append(h["cardno"][chosen])
                parts_time.append(seconds)
                parts_shop.append(shops[pick])
                parts_type.append(np.full(chosen.size, TX_PURCHASE))
                parts_wallet.append(wallet)
                parts_amount.append(amount)
    # Top-ups (主钱包) at the self-service machines.
    active_idx = np.flatnonzero(students | staff)
    topup = active_idx[rng.random(active_idx.size) < 0.10 * min(ctx.scale, 3.0)]
    if topup.size:
        parts_card.append(h["cardno"][topup])
        parts_time.append(rng.integers(8 * 3600, 22 * 3600, topup.size))
        parts_shop.append(np.zeros(topup.size, dtype=np.int64))
        parts_type.append(np.full(topup.size, TX_RECHARGE))
        parts_wallet.append(np.ones(topup.size, dtype=np.int64))
        parts_amount.append(rng.choice(np.array([5000, 10000, 20000, 30000]), topup.size))
    # Monthly subsidy (补助钱包) on the 10th of each teaching month.
    if term is not None and day.day == 10:
        receivers = np.flatnonzero(students & (h["subsidy"] > 0))
        parts_card.append(h["cardno"][receivers])
        parts_time.append(np.full(receivers.size, 3 * 3600, dtype=np.int64))
        parts_shop.append(np.zeros(receivers.size, dtype=np.int64))
        parts_type.append(np.full(receivers.size, TX_SUBSIDY))
        parts_wallet.append(np.full(receivers.size, 2, dtype=np.int64))
        parts_amount.append(h["subsidy"][receivers] // 5)

    if parts_card:
        card = np.concatenate(parts_card)
        secs = np.concatenate(parts_time)
        shop = np.concatenate(parts_shop)
        tx_type = np.concatenate(parts_type)
        wallet = np.concatenate(parts_wallet)
        amount = np.concatenate(parts_amount)
    else:
        card = secs = shop = tx_type = wallet = amount = np.zeros(0, dtype=np.int64)
    order = np.lexsort((card, secs))
    card, secs, shop, tx_type, wallet, amount = (
        a[order] for a in (card, secs, shop, tx_type, wallet, amount)
    )
    base = int(f"{day:%Y%m%d}") * 10_000_000
    serial = base + np.arange(1, card.size + 1, dtype=np.int64)
    original = np.full(card.size, -1, dtype=np.int64)

    # 冲正: about 0.3% of purchases are reversed a few minutes later.
    purchases = np.flatnonzero(tx_type == TX_PURCHASE)
    reversed_ = purchases[rng.random(purchases.size) < 0.003]
    if reversed_.size:
        card = np.concatenate([card, card[reversed_]])
        secs = np.concatenate(
            [secs, np.minimum(secs[reversed_] + rng.integers(30, 600, reversed_.size), 86399)]
        )
        shop = np.concatenate([shop, shop[reversed_]])
        tx_type = np.concatenate([tx_type, np.full(reversed_.size, TX_REVERSAL)])
        wallet = np.concatenate([wallet, wallet[reversed_]])
        amount = np.concatenate([amount, amount[reversed_]])
        original = np.concatenate([original, serial[reversed_]])
        serial = np.concatenate([serial, base + 9_000_000 + np.arange(1, reversed_.size + 1)])

    # Planted: on some days a temporary card with no account (orphan) and an exported-twice row.
    day_key = f"{day:%Y%m%d}"
    if card.size and rng.random() < 0.15:
        k = int(rng.integers(0, card.size))
        card = np.append(card, 990000 + int(rng.integers(0, 9999)))
        secs = np.append(secs, secs[k])
        shop = np.append(shop, shop[k])
        tx_type = np.append(tx_type, TX_PURCHASE)
        wallet = np.append(wallet, 1)
        amount = np.append(amount, amount[k])
        original = np.append(original, -1)
        serial = np.append(serial, base + 8_000_000 + k)
        ctx.defects.add(
            NAME, "transactions", str(serial[-1]), "orphan_reference", f"CARDNO {card[-1]} has no account"
        )
    if card.size and rng.random() < 0.15:
        k = int(rng.integers(0, card.size))
        card, secs, shop, tx_type, wallet, amount, original, serial = (
            np.append(a, a[k]) for a in (card, secs, shop, tx_type, wallet, amount, original, serial)
        )
        ctx.defects.add(
            NAME, "transactions", str(serial[k]), "duplicate_row", f"row exported twice on {day_key}"
        )

    hh, rem = np.divmod(secs, 3600)
    mm, ss = np.divmod(rem, 60)
    when = int(f"{day:%Y%m%d}") * 1_000_000 + hh * 10_000 + mm * 100 + ss
    terminal = np.where(shop > 0, shop * 100 + (card % 7) + 1, 9001)
    return pa.table(
        {
            "JYLSH": pa.array(serial, pa.int64()),
            "CARDNO": pa.array(card, pa.int64()),
            "JYSJ": pa.array(when, pa.int64()),
            "SHOPID": pa.array(np.where(shop > 0, shop, 0), pa.int64()),
            "ZDH": pa.array(terminal, pa.int64()),
            "JYLX": pa.array(tx_type, pa.int64()),
            "QBLX": pa.array(wallet, pa.int64()),
            "JE": pa.array(amount, pa.int64()),
            "YJYLSH": pa.array(original, pa.int64(), mask=original < 0),
        }
    )


def append_day(home: Path, *, students: int, seed: int, scale: float) -> tuple[Path, int]:
    """Write the next day's transaction file after ``AS_OF`` (for the incremental benchmark).

    The day is generated exactly as the generator would have, for the same college; returns the
    file and its row count.
    """
    import tempfile

    from campusbrain.demo.defects import DefectLog
    from campusbrain.demo.world import build_world

    world = build_world(students=students, seed=seed)
    with tempfile.TemporaryDirectory() as scratch:
        ctx = GenContext(world=world, home=Path(scratch), seed=seed, scale=scale, defects=DefectLog())
        holders = _accounts(ctx, SystemResult(NAME, "", "", "", "files", "csv", "utf-8", []), ctx.out / NAME)
    pools = {cat: _merchant_pool(cat) for cat in ("canteen", "shop", "bath", "other", "staff_canteen")}
    tx_dir = home / "demo-sources" / NAME / "transactions"
    day = AS_OF + timedelta(days=1)
    while (tx_dir / f"{day:%Y%m%d}.csv").exists():
        day += timedelta(days=1)
    # Holders still on the books at AS_OF stay on the books for the appended day.
    still_active = holders["end"] == (AS_OF + timedelta(days=1)).toordinal()
    holders["end"][still_active] = (day + timedelta(days=1)).toordinal()
    table = _one_day(ctx, day, holders, pools)
    path = tx_dir / f"{day:%Y%m%d}.csv"
    write_arrow_csv(path, table)
    return path, table.num_rows
