"""学在望湖 learning platform: xAPI 1.0.3 statements as JSON lines, one file per month.

Quirks: the actor is an xAPI ``account`` whose ``name`` is the 学号 (the platform never saw ID
numbers); statements come in sessions (launched → experienced… → completed/answered);
timestamps carry +08:00; ids are UUID-shaped and stable for a seed.
"""

from __future__ import annotations

import functools
import io
from datetime import date
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from campusbrain.demo import reference as ref
from campusbrain.demo.calendar import AS_OF, HISTORY_START, days, term_of
from campusbrain.demo.context import GenContext, SystemResult
from campusbrain.demo.world import rng_for

NAME = "xuexi"
HOME = "https://learn.whvtc.edu.cn"
VERBS = (
    ("launched", "启动"),
    ("experienced", "学习"),
    ("completed", "完成"),
    ("answered", "作答"),
    ("passed", "通过"),
    ("failed", "未通过"),
)
VERB_P = (0.22, 0.42, 0.14, 0.12, 0.07, 0.03)


def generate(ctx: GenContext) -> SystemResult:
    result = SystemResult(
        name=NAME,
        title="学在望湖 智慧学习平台",
        vendor_style="xAPI 1.0.3 LRS export",
        owner_department="002 教务处",
        kind="xapi",
        fmt="jsonl",
        encoding="utf-8",
        quirks=[
            "actor.account.name = 学号",
            "one JSON-lines file per month",
            "timestamps with +08:00",
            "sessions of launched/experienced/completed statements",
        ],
    )
    students = [s for s in ctx.world.students]
    xh_pa = pa.array([s.old_xh or s.xh for s in students], pa.string())
    for s in students:
        ctx.link(NAME, "statements", s.old_xh or s.xh, s.person.person_id)
    major_idx = {m.code: i for i, m in enumerate(ref.MAJORS)}
    major = np.array([major_idx[s.major.code] for s in students])
    start = np.array([max(HISTORY_START, date(s.cohort, 9, 1)).toordinal() for s in students])
    end = np.array(
        [
            (s.graduation_date if s.status == "毕业" else (s.status_date or AS_OF)).toordinal()
            for s in students
        ]
    )
    # Arrow ``take`` gathers strings in C++; per-row Python objects would dominate the run time.
    major_pa = pa.array([m.code for m in ref.MAJORS], pa.string())
    verb_id_pa = pa.array([f"http://adlnet.gov/expapi/verbs/{v}" for v, _ in VERBS], pa.string())
    verb_name_pa = pa.array([name for _, name in VERBS], pa.string())
    verb_cum = np.cumsum(VERB_P)

    out = ctx.out / NAME
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    month = ""
    writer: BinaryIO = io.BytesIO()  # replaced by the first month's file
    total = 0
    for day in days(HISTORY_START, AS_OF):
        if term_of(day) is None:
            continue
        rng = rng_for(ctx.seed, NAME, day.toordinal())
        o = day.toordinal()
        active = np.flatnonzero((start <= o) & (o <= end))
        p_session = 0.12 * (0.7 if day.weekday() >= 5 else 1.0) * ctx.scale
        sessions = active[rng.random(active.size) < min(p_session, 0.9)]
        if sessions.size == 0:
            continue
        per = rng.integers(2, 6, sessions.size)
        who = np.repeat(sessions, per)
        n = who.size
        verb = np.minimum(
            np.searchsorted(verb_cum, rng.random(n) * verb_cum[-1], side="right"), len(VERBS) - 1
        )
        # The first statement of a session is always "launched".
        first = np.concatenate([[0], np.cumsum(per)[:-1]])
        verb[first] = 0
        course_k = rng.integers(1, 15, n)
        resource = rng.integers(1, 40, n)
        base_secs = np.repeat(rng.integers(8 * 3600, 23 * 3600, sessions.size), per)
        secs = np.minimum(base_secs + np.arange(n) % 5 * rng.integers(60, 900, n), 86399)
        hh, rem = np.divmod(secs, 3600)
        mm, ss = np.divmod(rem, 60)
        score = np.round(rng.beta(6, 2, n) * 100).astype(np.int64)
        duration = rng.integers(1, 60, n)
        seq = np.arange(total + 1, total + n + 1)
        total += n
        day_txt = f"{day:%Y-%m-%d}"
        line = _lines(
            pc.take(xh_pa, who),
            pc.take(major_pa, major[who]),
            pc.take(verb_id_pa, verb),
            pc.take(verb_name_pa, verb),
            course_k,
            resource,
            hh,
            mm,
            ss,
            score,
            duration,
            seq,
            verb,
            day_txt,
        )
        # Days come in order, so each month's file is written as the days arrive: memory stays at
        # one day's statements instead of the whole history (14M statements at --scale 3).
        if f"{day:%Y%m}" != month:
            writer.close()
            month = f"{day:%Y%m}"
            writer = open(out / f"statements-{month}.jsonl", "wb")
        writer.write(_raw_bytes(pc.binary_join_element_wise(line, "\n", "")))
        rows += n
        ctx.progress(n)
    writer.close()
    result.add(
        "statements",
        "xAPI 学习行为语句",
        rows,
        path=ctx.rel(out) + "/statements-*.jsonl",
        format="jsonl",
        encoding="utf-8",
        primary_key=["id"],
        monthly_file_pattern="statements-%Y%m.jsonl",
    )
    return result


@functools.lru_cache(maxsize=4096)
def _s(text: str) -> pa.Scalar:
    """A cached Arrow string scalar: converting Python strings on every compute call is slow."""
    return pa.scalar(text, pa.string())


def _raw_bytes(lines: pa.Array) -> bytes:
    """The concatenated UTF-8 bytes of a string array (each element already ends in a newline)."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def _pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values, pa.int64()), pa.string()), width=width, padding="0")


def _lines(
    actor: pa.Array,
    major: pa.Array,
    verb_id: pa.Array,
    verb_name: pa.Array,
    course_k: np.ndarray,
    resource: np.ndarray,
    hh: np.ndarray,
    mm: np.ndarray,
    ss: np.ndarray,
    score: np.ndarray,
    duration: np.ndarray,
    seq: np.ndarray,
    verb: np.ndarray,
    day_txt: str,
) -> pa.Array:
    """Build each statement's JSON text column-wise (no per-row Python)."""
    course = pc.binary_join_element_wise(major, _pad(course_k, 2), _s(""))
    has_score = pa.array(verb >= 3)
    result_json = pc.if_else(
        has_score,
        pc.binary_join_element_wise(
            _s(',"result":{"score":{"scaled":0.'),
            _pad(score % 100, 2),
            _s('},"success":'),
            pc.if_else(pa.array(verb == 5), _s("false"), _s("true")),
            _s(',"duration":"PT'),
            pc.cast(pa.array(duration, pa.int64()), pa.string()),
            _s('M"}'),
            _s(""),
        ),
        pc.binary_join_element_wise(
            _s(',"result":{"duration":"PT'),
            pc.cast(pa.array(duration, pa.int64()), pa.string()),
            _s('M"}'),
            _s(""),
        ),
    )
    return pc.binary_join_element_wise(
        _s('{"id":"c0ffee00-'),
        _s(day_txt[:4]),
        _s("-"),
        _s(day_txt[5:7] + day_txt[8:10]),
        _s("-8000-"),
        _pad(seq, 12),
        _s('","actor":{"objectType":"Agent","account":{"homePage":"'),
        _s(HOME),
        _s('","name":"'),
        actor,
        _s('"}},"verb":{"id":"'),
        verb_id,
        _s('","display":{"zh-CN":"'),
        verb_name,
        _s('"}},"object":{"objectType":"Activity","id":"'),
        _s(HOME),
        _s("/course/"),
        course,
        _s("/res/"),
        _pad(resource, 3),
        _s('","definition":{"type":"http://adlnet.gov/expapi/activities/lesson"}}'),
        result_json,
        _s(',"context":{"contextActivities":{"grouping":[{"id":"'),
        _s(HOME),
        _s("/course/"),
        course,
        _s('"}]}},"timestamp":"'),
        _s(day_txt),
        _s("T"),
        _pad(hh, 2),
        _s(":"),
        _pad(mm, 2),
        _s(":"),
        _pad(ss, 2),
        _s('+08:00"}'),
        _s(""),
    )
