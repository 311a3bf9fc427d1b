"""Quality rule files: ``<layer>/<table>.quality.yaml`` beside the models, parsed and checked.

One file per model, built-in (``hub/models/<layer>/``) or a college's own
(``$CAMPUSBRAIN_HOME/models/<layer>/``); a college file replaces the built-in file of the same
model, exactly as a college model replaces a built-in model. Everything is checked before the
build writes anything, and every mistake names the file and the rule (docs/quality.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot import exp
from sqlglot.errors import ParseError

from campusbrain.hub.models.project import BUILTIN_MODELS, DIALECT, LAYERS, ModelError, Project

DIMENSIONS = ("completeness", "uniqueness", "validity", "consistency", "timeliness", "accuracy")
SEVERITIES = ("error", "warn")
SUFFIX = ".quality.yaml"
FILE_FIELDS = frozenset({"model", "key", "owner", "rules"})
COMMON_FIELDS = frozenset(
    {"id", "dimension", "kind", "severity", "description", "owner", "key", "detects", "where", "scope"}
)
# Per kind: the fields it requires and the ones it may take (beyond COMMON_FIELDS).
KINDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "not_null": (frozenset({"column"}), frozenset()),
    "unique": (frozenset({"columns"}), frozenset()),
    "pattern": (frozenset({"column"}), frozenset({"pattern", "forbid"})),
    "in_code_set": (frozenset({"column", "code_system"}), frozenset({"source_column"})),
    "id_number": (frozenset({"column"}), frozenset({"problem_column"})),
    "range": (frozenset({"column"}), frozenset({"min", "max"})),
    "reference": (frozenset({"column", "references"}), frozenset()),
    "expression": (frozenset({"condition"}), frozenset({"column"})),
    "agreement": (frozenset({"column", "conflict"}), frozenset()),
    "cross_system": (frozenset({"other", "on"}), frozenset({"compare", "column"})),
    "identity": (frozenset({"id_columns"}), frozenset({"system_of_record"})),
    "duplicate": (frozenset(), frozenset({"reason"})),
    "freshness": (frozenset(), frozenset()),
    "missing_periods": (frozenset(), frozenset()),
    "late_files": (frozenset(), frozenset({"max_delay_days"})),
    "reconciliation": (frozenset(), frozenset()),
}
# Kinds whose rows are those of the ODS table(s) the model reconciles, not of the model's table.
SOURCE_KINDS = frozenset({"duplicate", "freshness", "missing_periods", "late_files", "reconciliation"})
# The manifest defect kind each rule kind looks for unless the rule says otherwise (``detects``).
DEFAULT_DETECTS = {
    "id_number": ("invalid_id_checksum",),
    "identity": ("same_person_different_ids",),
    "duplicate": ("duplicate_row",),
    "unique": ("duplicate_row",),
    "in_code_set": ("code_outside_standard",),
    "reference": ("orphan_reference",),
    "not_null": ("missing_mandatory",),
    "missing_periods": ("missing_daily_file",),
    "late_files": ("late_daily_file",),
}
_RULE_ID = re.compile(r"^[a-z][a-z0-9_.]*$")
_QUALIFIED = re.compile(r"^(ods|dwd|dws|ads|std)\.[A-Za-z0-9_]+$")


class QualityRuleError(ModelError):
    """A quality rule file that cannot be used as written; the message names the file and rule."""


@dataclass(frozen=True)
class Rule:
    """One rule of a ``.quality.yaml`` file, checked and ready to compile."""

    id: str
    model: str
    dimension: str
    kind: str
    severity: str
    description: str
    owner: str
    key: tuple[str, ...]
    path: Path
    options: Mapping[str, Any] = field(repr=False, compare=False)
    detects: tuple[str, ...] = ()
    where: exp.Expr | None = field(default=None, repr=False, compare=False)
    on_source: bool = False

    @property
    def column(self) -> str | None:
        """The column the rule is about (scores roll up by it), if it is about one."""
        for name in ("column", "source_column"):
            value = self.options.get(name)
            if isinstance(value, str):
                return value
        columns = self.options.get("columns")
        if isinstance(columns, list) and len(columns) == 1:
            return str(columns[0])
        return None

    def text(self, name: str) -> str:
        return str(self.options[name])

    def names(self, name: str) -> tuple[str, ...]:
        value = self.options.get(name)
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def _fail(path: Path, rule: str | None, message: str) -> QualityRuleError:
    where = f"{path}: rule {rule}" if rule else str(path)
    return QualityRuleError(f"{where}: {message}")


def parse_condition(text: object, path: Path, rule: str, field_name: str) -> exp.Expr:
    """A boolean SQL condition written in a rule (``where``, ``condition``), parsed with SQLGlot.

    Only an expression is accepted: a statement (``DROP …``) or a query is refused.
    """
    if not isinstance(text, str) or not text.strip():
        raise _fail(path, rule, f"{field_name} must be a SQL condition (text)")
    try:
        parsed = sqlglot.parse_one(text, dialect=DIALECT)
    except (ParseError, ValueError) as error:
        raise _fail(path, rule, f"{field_name} is not valid SQL: {error}") from None
    if isinstance(parsed, exp.Query) or not isinstance(parsed, exp.Condition):
        raise _fail(path, rule, f"{field_name} must be a condition, not a statement or query")
    return parsed


def _names(value: object, path: Path, rule: str, field_name: str) -> tuple[str, ...]:
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    raise _fail(path, rule, f"{field_name} must be a column name or a list of them")


def _check_kind_options(raw: Mapping[str, Any], kind: str, path: Path, rule: str) -> None:
    required, optional = KINDS[kind]
    missing = sorted(required - set(raw))
    if missing:
        raise _fail(path, rule, f"kind {kind} needs {', '.join(missing)}")
    unknown = sorted(set(raw) - COMMON_FIELDS - required - optional)
    if unknown:
        raise _fail(path, rule, f"unknown field(s) {', '.join(unknown)} for kind {kind}")
    if kind == "pattern":
        given = [name for name in ("pattern", "forbid") if name in raw]
        if len(given) != 1:
            raise _fail(path, rule, "kind pattern needs exactly one of pattern (must match) or forbid")
        try:
            re.compile(str(raw[given[0]]))
        except re.error as error:
            raise _fail(path, rule, f"{given[0]} is not a regular expression: {error}") from None
    if kind == "range" and "min" not in raw and "max" not in raw:
        raise _fail(path, rule, "kind range needs min, max or both")
    if kind == "range":
        for bound in ("min", "max"):
            if bound in raw and not isinstance(raw[bound], int | float):
                raise _fail(path, rule, f"{bound} must be a number")
    if kind == "reference":
        for target in _names(raw["references"], path, rule, "references"):
            if target.count(".") != 2 or not _QUALIFIED.match(target.rsplit(".", 1)[0]):
                raise _fail(path, rule, f"references {target!r} must be <schema>.<table>.<column>")
    if kind == "cross_system":
        if not isinstance(raw["other"], str) or not _QUALIFIED.match(raw["other"]):
            raise _fail(path, rule, "other must be <schema>.<table>")
        on = raw["on"]
        if not isinstance(on, dict) or not on or not all(isinstance(v, str) for v in on.values()):
            raise _fail(path, rule, "on must map this table's columns to the other table's columns")
        compare = raw.get("compare", {})
        if not isinstance(compare, dict) or not all(isinstance(v, str) for v in compare.values()):
            raise _fail(path, rule, "compare must map this table's columns to the other table's columns")
    if kind == "identity":
        _names(raw["id_columns"], path, rule, "id_columns")
        sor = raw.get("system_of_record", {})
        if not isinstance(sor, dict):
            raise _fail(path, rule, "system_of_record must map an id column to a system name")
    for name in ("column", "source_column", "code_system", "conflict", "problem_column", "reason"):
        if name in raw and (not isinstance(raw[name], str) or not raw[name]):
            raise _fail(path, rule, f"{name} must be text")
    if "columns" in raw:
        _names(raw["columns"], path, rule, "columns")
    if "max_delay_days" in raw and not isinstance(raw["max_delay_days"], int | float):
        raise _fail(path, rule, "max_delay_days must be a number")


def parse_rule_file(path: Path, *, folder_layer: str, model_owner: str | None = None) -> list[Rule]:
    """Parse one ``<table>.quality.yaml``; raise :class:`QualityRuleError` on any mistake."""
    stem = path.name[: -len(SUFFIX)]
    model = f"{folder_layer}.{stem}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as error:
        raise _fail(path, None, f"not valid YAML ({error})") from None
    except UnicodeDecodeError:
        raise _fail(path, None, "not UTF-8 text") from None
    if not isinstance(data, dict):
        raise _fail(path, None, "must be a mapping with a rules list")
    unknown = sorted(set(data) - FILE_FIELDS)
    if unknown:
        raise _fail(
            path, None, f"unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(FILE_FIELDS))})"
        )
    if data.get("model", model) != model:
        raise _fail(path, None, f"model {data.get('model')!r} must be {model!r} (the folder and file name)")
    file_key = _names(data["key"], path, "(file)", "key") if "key" in data else ()
    file_owner = data.get("owner")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise _fail(path, None, "rules must be a non-empty list")
    rules: list[Rule] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_rules, start=1):
        if not isinstance(raw, dict):
            raise _fail(path, f"#{position}", "must be a mapping")
        if True in raw:
            # YAML 1.1 reads a bare ``on:`` key as the boolean true.
            raw = {("on" if k is True else k): v for k, v in raw.items()}
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
            raise _fail(path, f"#{position}", "id must be lower-case text (a-z, 0-9, _ and .)")
        if rule_id in seen:
            raise _fail(path, rule_id, "id is used twice in this file")
        seen.add(rule_id)
        for name, allowed in (("dimension", DIMENSIONS), ("severity", SEVERITIES), ("kind", tuple(KINDS))):
            if raw.get(name) not in allowed:
                raise _fail(
                    path, rule_id, f"{name} must be one of {', '.join(allowed)} (got {raw.get(name)!r})"
                )
        description = raw.get("description")
        if not isinstance(description, str) or not description.strip():
            raise _fail(path, rule_id, "description is required (in Chinese: what is checked and why)")
        kind = str(raw["kind"])
        _check_kind_options(raw, kind, path, rule_id)
        owner = raw.get("owner") or file_owner or model_owner
        if not isinstance(owner, str) or not owner.strip():
            raise _fail(path, rule_id, "owner is required when the model has none (e.g. '002 教务处')")
        on = raw.get("scope", "source" if kind in SOURCE_KINDS else "model")
        # The file's key names the model's columns; rows read from the ODS are keyed by the
        # source table's primary key (its YAML) unless the rule names ODS columns itself.
        key = (
            _names(raw["key"], path, rule_id, "key") if "key" in raw else (() if on == "source" else file_key)
        )
        if on not in ("model", "source"):
            raise _fail(path, rule_id, "scope must be model or source")
        if kind in SOURCE_KINDS and on != "source":
            raise _fail(path, rule_id, f"kind {kind} checks the source tables; scope must be source")
        if kind == "identity" and model != "dwd.person_record":
            raise _fail(path, rule_id, "kind identity belongs in dwd/person_record.quality.yaml")
        detects = raw.get("detects", DEFAULT_DETECTS.get(kind, ()))
        rules.append(
            Rule(
                id=rule_id,
                model=model,
                dimension=str(raw["dimension"]),
                kind=kind,
                severity=str(raw["severity"]),
                description=description.strip(),
                owner=owner.strip(),
                key=key,
                path=path,
                options=dict(raw),
                detects=(detects,) if isinstance(detects, str) else tuple(detects),
                where=parse_condition(raw["where"], path, rule_id, "where") if "where" in raw else None,
                on_source=on == "source",
            )
        )
        if kind == "expression":
            parse_condition(raw["condition"], path, rule_id, "condition")
    return rules


def rule_files(college_models: Path | None, *, builtin: Path = BUILTIN_MODELS) -> dict[str, Path]:
    """``{model: file}``: the built-in rule files, each replaced by a college file of the same model."""
    files: dict[str, Path] = {}
    for root in (builtin, college_models):
        if root is None or not root.is_dir():
            continue
        for layer in LAYERS:
            for path in sorted((root / layer).glob(f"*{SUFFIX}")):
                files[f"{layer}.{path.name[: -len(SUFFIX)]}"] = path
    return files


def load_rules(
    project: Project, college_models: Path | None, *, builtin: Path = BUILTIN_MODELS
) -> tuple[list[Rule], dict[str, str]]:
    """Every rule of the models this build has, and ``{rule_id: why}`` for rules left out.

    A rule file of a model that does not exist is an error (a typo in the file name); a built-in
    model left out of this college's build (no such source system) leaves its rules out too.
    An ``error`` rule may read only its own model's upstream: it blocks the models downstream of
    its model as soon as that model is built, so whatever it reads must exist by then.
    """
    rules: list[Rule] = []
    left_out: dict[str, str] = {}
    ids: dict[str, Path] = {}
    for model_name, path in sorted(rule_files(college_models, builtin=builtin).items()):
        model = project.models.get(model_name)
        if model is None:
            if model_name in project.unavailable:
                for rule in parse_rule_file(path, folder_layer=model_name.split(".")[0], model_owner="-"):
                    left_out[rule.id] = project.unavailable[model_name]
                continue
            raise _fail(path, None, f"there is no model {model_name} for these rules")
        for rule in parse_rule_file(path, folder_layer=model.layer, model_owner=model.owner):
            if rule.id in ids:
                raise _fail(path, rule.id, f"id is already used in {ids[rule.id]}")
            ids[rule.id] = path
            if rule.on_source and not model.reconciles and rule.kind != "freshness":
                raise _fail(
                    path,
                    rule.id,
                    f"scope: source needs a model that reconciles ODS tables; {model_name} does not",
                )
            if rule.severity == "error":
                allowed = {model_name, *project.upstream[model_name]}
                for table in sorted(reads(rule) - allowed):
                    if table.split(".")[0] in ("dwd", "dws", "ads") and table in project.models:
                        raise _fail(
                            path,
                            rule.id,
                            f"severity error but reads {table}, which {model_name} does not read: it may "
                            "not be built yet when the rule must decide (make it warn, or read an upstream table)",
                        )
            rules.append(rule)
    return rules, left_out


def reads(rule: Rule) -> set[str]:
    """The warehouse tables (``dwd.x``) a rule reads besides the model's own table."""
    tables: set[str] = set()
    if rule.kind == "reference":
        tables.update(target.rsplit(".", 1)[0] for target in rule.names("references"))
    if rule.kind == "cross_system":
        tables.add(rule.text("other"))
    if rule.kind == "identity":
        tables.update({"dwd.person_link", "dwd.person"})
    if rule.kind in ("duplicate", "reconciliation"):
        tables.add(f"{rule.model}_rejected")
    conditions = [rule.where] if rule.where is not None else []
    if rule.kind == "expression":
        conditions.append(sqlglot.parse_one(rule.text("condition"), dialect=DIALECT))
    for condition in conditions:
        for table in condition.find_all(exp.Table):
            if table.db:
                tables.add(f"{table.db}.{table.name}")
    return tables
