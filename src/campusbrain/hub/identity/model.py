"""Registers the identity resolution as the Python model ``dwd.person_link`` (see ``resolve``)."""

from __future__ import annotations

from campusbrain.hub.identity import records as _records  # noqa: F401  (registers dwd.person_record)
from campusbrain.hub.identity.resolve import resolve
from campusbrain.hub.models.python import PythonModel, PythonModelContext, register_python_model


def _run(ctx: PythonModelContext) -> None:
    resolve(ctx)


PERSON_LINK = register_python_model(
    PythonModel(
        name="dwd.person_link",
        grain="one row per person-bearing source record (system, record_key)",
        owner="009 信息与数据中心",
        description=(
            "人员身份关联: the golden person_id of every source record. Deterministic on a valid ID"
            " number, 学号 or 工号; probabilistic (Splink) on name, pinyin, birth date, sex, phone,"
            " department and ID prefix for the rest; ids stable across builds. Also creates"
            " dwd.person (golden record), dwd.person_review (uncertain pairs) and"
            " dwd.person_id_registry (every id ever issued). See docs/identity.md."
        ),
        reads=("dwd.person_record",),
        run=_run,
        also_creates=("dwd.person", "dwd.person_review", "dwd.person_id_registry"),
    )
)
