"""``dwd.person_record``: the person-bearing records of every source system a college has, normalized.

Each system's raw person fields come from its own SQL model ``dwd.person_source_<system>``; this
Python model unions the ones present in the snapshot (a college without a library system simply
has no ``person_source_tushu``) and normalizes them in one statement with the ``cb_*`` cleaning
functions, so the rules for names, ID numbers, dates, sex and phones exist once.
"""

from __future__ import annotations

from functools import reduce

import sqlglot
from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine
from campusbrain.hub.models.python import PythonModel, PythonModelContext, register_python_model

SYSTEMS = ("jiaowu", "xuegong", "renshi", "yikatong", "tushu", "zhaosheng", "jiuye", "caiwu", "xuexi")
PARTS = tuple(f"dwd.person_source_{system}" for system in SYSTEMS)

# The normalization, written once as SQL and parsed; ``raw`` stands for the union of the parts.
_NORMALIZE = """
SELECT
    system,
    record_key,
    source_table,
    role,
    -- Names are compared as typed minus blanks: 「张 伟」 and 「张伟」 are one spelling.
    NULLIF(REPLACE(cb_halfwidth(raw_name), ' ', ''), '') AS name,
    cb_id_normalize(raw_id) AS id_number,
    CASE WHEN cb_halfwidth(raw_id) IS NOT NULL THEN cb_id_problem(raw_id) END AS id_problem,
    COALESCE(cb_parse_date(raw_birth), cb_id_birth_date(raw_id)) AS birth_date,
    COALESCE(
        CASE cb_halfwidth(raw_sex) WHEN '1' THEN '1' WHEN '男' THEN '1' WHEN '2' THEN '2' WHEN '女' THEN '2' END,
        cb_id_sex(raw_id)
    ) AS sex,
    cb_phone_normalize(raw_phone) AS phone,
    department,
    class_name,
    major,
    student_no,
    staff_no,
    exam_no,
    _batch_id,
    _source,
    _source_row
FROM raw
"""


def _union_by_name(left: exp.Query, right: exp.Query) -> exp.Query:
    return exp.Union(this=left, expression=right, distinct=False, by_name=True)


def build_person_record(ctx: PythonModelContext) -> None:
    """Create ``dwd.person_record`` from the ``person_source_*`` models this snapshot has."""
    parts: list[exp.Query] = [exp.select("*").from_(ctx.table(name)) for name in PARTS if ctx.has_table(name)]
    # UNION ALL BY NAME: a part may leave out a column another has (it then reads NULL).
    union = reduce(_union_by_name, parts)
    query = sqlglot.parse_one(_NORMALIZE, dialect="duckdb")
    assert isinstance(query, exp.Select)
    query.set(
        "from_", exp.From(this=exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("raw"))))
    )
    query = query.order_by("system", "record_key")
    create = exp.Create(this=ctx.table("dwd.person_record"), kind="TABLE", expression=query)
    engine.run(ctx.con, create.sql(dialect="duckdb"))


PERSON_RECORD = register_python_model(
    PythonModel(
        name="dwd.person_record",
        grain="one row per person-bearing source record: (system, record_key)",
        owner="009 信息与数据中心",
        description=(
            "人员记录: the person fields of every source record that stands for a human, side by side and"
            " normalized for identity resolution (dwd.person_link): ID numbers through cb_id_normalize and"
            " flagged by cb_id_problem, never fixed; birth_date recorded or else from a valid ID; sex as"
            " GB/T 2261.1; phones cb_phone_normalize'd. Built from the dwd.person_source_<system> models"
            " the college has."
        ),
        reads=(),
        optional_reads=PARTS,
        run=build_person_record,
    )
)
