"""Crosswalks: per source system, table and field, source value → national standard code.

A crosswalk is data, one YAML file per source system (schema in docs/crosswalks.md)::

    source: xuegong
    fields:
      T_XG_XSJBXX.XBDM:
        code_system: GB/T 2261.1
      T_XG_XSJBXX.XJZTDM:
        code_system: JY/T 1001 XJZT
        identity: false          # the school's own codes: only the values below map
        values:
          "10": "01"

Built-in defaults ship under ``hub/standards/data/crosswalks/`` and apply to a source of that
name when the college has one; a college's own files under ``$CAMPUSBRAIN_HOME/crosswalks/``
win on conflict. Every bound field also gets the automatic identity rows of its code system:
each code maps to itself, each official name that names one code maps to it, and the unpadded
spelling of a zero-padded code ('1' for '01') maps to it when that is not ambiguous.

``crosswalk_rows(home)`` is what the build loads as ``std.crosswalk``; ``unmapped_values`` and
``mapping_coverage`` build the SQLGlot queries the build runs over the ODS to fill
``std.unmapped_value`` (the queue of source values with no code) and ``std.mapping_coverage``.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol

import yaml
from sqlglot import exp

CROSSWALK_DIR = "crosswalks"
"""The folder of a college's own crosswalk files, under ``CAMPUSBRAIN_HOME``."""

_SOURCE_NAME = re.compile(r"^[a-z0-9_]+$")
_FILE_KEYS = {"source", "title", "description", "fields"}
_FIELD_KEYS = {"code_system", "values", "identity", "description"}
_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


class CrosswalkError(ValueError):
    """A crosswalk file that cannot be used; the message names the file, the field and the fault."""


class CodeValueLike(Protocol):
    """What crosswalks need of a code value (``campusbrain.hub.standards.codesets.CodeValue``)."""

    @property
    def code_system(self) -> str: ...

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class CrosswalkRow:
    """One row of ``std.crosswalk``: this source value of this field means this standard code."""

    source: str
    table: str
    field: str
    source_value: str
    code_system: str
    code: str


@dataclass(frozen=True)
class FieldBinding:
    """A source field bound to a code system, with its explicit value mappings.

    ``values`` maps source spellings to codes; ``identity`` says whether the automatic identity
    rows (codes, names, unpadded codes) are added; ``origin`` is the file it came from.
    """

    source: str
    table: str
    field: str
    code_system: str
    values: tuple[tuple[str, str], ...] = ()
    identity: bool = True
    origin: str = ""

    @property
    def ods_table_name(self) -> str:
        """The ODS table holding this field: ``<source>__<table>`` in schema ``ods``."""
        return f"{self.source}__{self.table}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.table, self.field)


# --- reading the YAML files ------------------------------------------------------------------


def builtin_dir() -> Traversable:
    """The package folder of built-in (vendor-generic) crosswalk files."""
    return resources.files("campusbrain.hub.standards").joinpath("data", "crosswalks")


def _yaml_files(folder: Traversable | Path) -> list[Traversable | Path]:
    if not folder.is_dir():
        return []
    return sorted(
        (f for f in folder.iterdir() if f.is_file() and f.name.endswith((".yaml", ".yml"))),
        key=lambda f: f.name,
    )


def parse_crosswalk(text: str, origin: str) -> list[FieldBinding]:
    """The field bindings of one crosswalk file's text; ``origin`` names it in error messages.

    Every scalar is read as text (YAML's BaseLoader), so ``01`` stays ``'01'`` rather than
    becoming the number 1: code values are strings with meaningful leading zeros.
    """
    try:
        document = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    except yaml.YAMLError as error:
        raise CrosswalkError(f"{origin}: not valid YAML: {error}") from error
    if not isinstance(document, dict):
        raise CrosswalkError(f"{origin}: expected a mapping with 'source' and 'fields' at the top")
    unknown = set(document) - _FILE_KEYS
    if unknown:
        raise CrosswalkError(
            f"{origin}: unknown top-level key(s) {sorted(unknown)}; allowed: {sorted(_FILE_KEYS)}"
        )
    source = document.get("source")
    if not isinstance(source, str) or not _SOURCE_NAME.match(source):
        raise CrosswalkError(
            f"{origin}: 'source' must be a source name like 'xuegong' ([a-z0-9_]+), got {source!r}"
        )
    fields = document.get("fields")
    if fields in (None, ""):
        return []
    if not isinstance(fields, dict):
        raise CrosswalkError(f"{origin}: 'fields' must map '<table>.<field>' to a binding")
    return [_parse_field(origin, source, name, spec) for name, spec in fields.items()]


def _parse_field(origin: str, source: str, name: str, spec: Any) -> FieldBinding:
    where = f"{origin}: fields.{name}"
    table, dot, field = name.partition(".")
    if not dot or not table.strip() or not field.strip():
        raise CrosswalkError(f"{where}: the key must be '<table>.<field>', e.g. 'T_XG_XSJBXX.XBDM'")
    if not isinstance(spec, dict):
        raise CrosswalkError(f"{where}: expected a mapping with 'code_system' (and optional 'values')")
    unknown = set(spec) - _FIELD_KEYS
    if unknown:
        raise CrosswalkError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_FIELD_KEYS)}")
    code_system = spec.get("code_system")
    if not isinstance(code_system, str) or not code_system.strip():
        raise CrosswalkError(f"{where}: 'code_system' is missing (e.g. 'GB/T 2261.1')")
    raw_values = spec.get("values", {})
    if raw_values == "":
        raw_values = {}
    if not isinstance(raw_values, dict):
        raise CrosswalkError(f"{where}: 'values' must map source values to codes")
    values: dict[str, str] = {}
    for source_value, code in raw_values.items():
        if not isinstance(code, str) or not code.strip():
            raise CrosswalkError(f"{where}: value {source_value!r} must map to one code, got {code!r}")
        key = source_value.strip()
        if not key:
            raise CrosswalkError(f"{where}: a blank source value cannot be mapped (blank means missing)")
        if key in values and values[key] != code.strip():
            raise CrosswalkError(
                f"{where}: value {key!r} is mapped twice ({values[key]!r} and {code.strip()!r})"
            )
        values[key] = code.strip()
    identity_text = str(spec.get("identity", "true")).strip().lower()
    if identity_text not in _TRUE | _FALSE:
        raise CrosswalkError(f"{where}: 'identity' must be true or false, got {spec.get('identity')!r}")
    return FieldBinding(
        source=source,
        table=table.strip(),
        field=field.strip(),
        code_system=code_system.strip(),
        values=tuple(sorted(values.items())),
        identity=identity_text in _TRUE,
        origin=origin,
    )


def _read_layer(files: Iterable[Traversable | Path], label: str) -> dict[tuple[str, str, str], FieldBinding]:
    layer: dict[tuple[str, str, str], FieldBinding] = {}
    for file in files:
        origin = f"{label}/{file.name}"
        for binding in parse_crosswalk(file.read_text(encoding="utf-8"), origin):
            if binding.key in layer:
                other = layer[binding.key].origin
                raise CrosswalkError(
                    f"{origin}: {binding.source} {binding.table}.{binding.field} is already defined in {other}"
                )
            layer[binding.key] = binding
    return layer


def _configured_sources(home: Path) -> set[str] | None:
    """Names of the college's configured sources, or None when it has no sources folder."""
    folder = home / "sources"
    if not folder.is_dir():
        return None
    names = set()
    for path in folder.glob("*.y*ml"):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            # A broken source file is sync's to report; its stem is still the intended name.
            document = None
        name = document.get("name") if isinstance(document, dict) else None
        names.add(str(name) if name else path.stem)
    return names


def _merge(base: FieldBinding, own: FieldBinding) -> FieldBinding:
    if own.code_system != base.code_system:
        return own
    values = dict(base.values) | dict(own.values)
    return FieldBinding(
        own.source,
        own.table,
        own.field,
        own.code_system,
        tuple(sorted(values.items())),
        own.identity,
        own.origin,
    )


def _load_code_values(code_values: Iterable[CodeValueLike] | None) -> dict[str, list[CodeValueLike]]:
    if code_values is None:
        from campusbrain.hub.standards.codesets import code_values as shipped

        code_values = shipped()
    by_system: dict[str, list[CodeValueLike]] = {}
    for value in code_values:
        by_system.setdefault(value.code_system, []).append(value)
    return by_system


def field_bindings(
    home: Path,
    *,
    code_values: Iterable[CodeValueLike] | None = None,
    builtin: Traversable | Path | None = None,
) -> list[FieldBinding]:
    """Every bound field of the college: built-in defaults merged with its own files, validated.

    A built-in file applies only when the college has a source of that name (or no ``sources``
    folder at all). For the same field, the college's binding wins: a different code system
    replaces the default, the same one merges values with the college's spelling winning.
    ``code_values`` defaults to every shipped code set; tests pass a small fake one.
    Raises ``CrosswalkError`` for a malformed file, an unknown code system, or a value mapped to
    a code that is not in its code set.
    """
    configured = _configured_sources(home)
    defaults = _read_layer(_yaml_files(builtin if builtin is not None else builtin_dir()), "built-in")
    own = _read_layer(_yaml_files(home / CROSSWALK_DIR), CROSSWALK_DIR)
    merged = {k: b for k, b in defaults.items() if configured is None or b.source in configured}
    for key, binding in own.items():
        merged[key] = _merge(merged[key], binding) if key in merged else binding
    systems = _load_code_values(code_values)
    for binding in merged.values():
        _validate(binding, systems)
    return [merged[key] for key in sorted(merged)]


def _validate(binding: FieldBinding, systems: Mapping[str, Sequence[CodeValueLike]]) -> None:
    where = f"{binding.origin}: {binding.table}.{binding.field}"
    if binding.code_system not in systems:
        known = ", ".join(sorted(systems)) or "none loaded"
        raise CrosswalkError(f"{where}: unknown code system {binding.code_system!r} (known: {known})")
    codes = {v.code for v in systems[binding.code_system]}
    for source_value, code in binding.values:
        if code not in codes:
            raise CrosswalkError(
                f"{where}: value {source_value!r} maps to {code!r}, which is not a code of {binding.code_system}"
            )


def identity_values(values: Sequence[CodeValueLike]) -> dict[str, str]:
    """The automatic spellings of one code system: source value → code.

    Each code maps to itself; then the unpadded form of a zero-padded numeric code ('1' → '01',
    '11' → '011'); then each official name that names exactly one code. A spelling that could mean
    two codes, or that is itself another code, is left out rather than guessed.
    """
    codes = sorted({v.code for v in values})
    out = {code: code for code in codes}
    unpadded: dict[str, set[str]] = {}
    for code in codes:
        if len(code) > 1 and code.isdigit() and code.startswith("0"):
            unpadded.setdefault(code.lstrip("0") or "0", set()).add(code)
    for spelling, targets in sorted(unpadded.items()):
        if len(targets) == 1 and spelling not in out:
            out[spelling] = next(iter(targets))
    named: dict[str, set[str]] = {}
    for v in values:
        name = (v.name or "").strip()
        if name:
            named.setdefault(name, set()).add(v.code)
    for name, targets in sorted(named.items()):
        if len(targets) == 1 and name not in out:
            out[name] = next(iter(targets))
    return out


def crosswalk_rows(
    home: Path,
    *,
    code_values: Iterable[CodeValueLike] | None = None,
    builtin: Traversable | Path | None = None,
) -> list[CrosswalkRow]:
    """Every row of ``std.crosswalk`` for the college at ``home``, sorted.

    One row per (source, table, field, source value), so a DWD join on them never multiplies
    rows. Explicit values win over the automatic identity rows of the field's code system.
    """
    systems = _load_code_values(code_values)
    identities: dict[str, dict[str, str]] = {}
    rows: list[CrosswalkRow] = []
    for binding in field_bindings(
        home, code_values=[v for vs in systems.values() for v in vs], builtin=builtin
    ):
        mapping: dict[str, str] = {}
        if binding.identity:
            if binding.code_system not in identities:
                identities[binding.code_system] = identity_values(systems[binding.code_system])
            mapping.update(identities[binding.code_system])
        mapping.update(binding.values)
        rows.extend(
            CrosswalkRow(binding.source, binding.table, binding.field, value, binding.code_system, code)
            for value, code in sorted(mapping.items())
        )
    return rows


# --- unmapped values and coverage --------------------------------------------------------------


def ods_table(binding: FieldBinding) -> exp.Table:
    """``ods."<source>__<table>"``, the ODS table a binding's field lives in."""
    return exp.table_(
        exp.to_identifier(binding.ods_table_name, quoted=True), db=exp.to_identifier("ods", quoted=False)
    )


def _aliased(table: exp.Table, alias: str) -> exp.Table:
    copy = table.copy()
    copy.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return copy


def _value(binding: FieldBinding) -> exp.Expression:
    return exp.Trim(this=exp.column(binding.field, table="s", quoted=True))


def _joined(binding: FieldBinding, crosswalk_table: exp.Table, ods: exp.Table) -> exp.Select:
    """FROM the ODS table LEFT JOIN its crosswalk rows, keeping only non-blank values."""
    x = "x"
    on = exp.and_(
        exp.column("source", table=x).eq(exp.Literal.string(binding.source)),
        exp.column("table", table=x, quoted=True).eq(exp.Literal.string(binding.table)),
        exp.column("field", table=x).eq(exp.Literal.string(binding.field)),
        exp.column("source_value", table=x).eq(_value(binding)),
    )
    value = _value(binding)
    return (
        exp.select()
        .from_(_aliased(ods, "s"))
        .join(_aliased(crosswalk_table, x), on=on, join_type="left")
        # TRIM(NULL) <> '' is NULL, so this drops NULL and blank values alike.
        .where(value.neq(""))
    )


def _out(expression: exp.Expression, name: str) -> exp.Expr:
    return exp.alias_(expression, exp.to_identifier(name, quoted=True))


def _literals(binding: FieldBinding) -> list[exp.Expr]:
    return [
        _out(exp.Literal.string(binding.source), "source"),
        _out(exp.Literal.string(binding.table), "table"),
        _out(exp.Literal.string(binding.field), "field"),
    ]


def unmapped_query(binding: FieldBinding, crosswalk_table: exp.Table, ods: exp.Table) -> exp.Select:
    """The distinct non-blank values of one field that the crosswalk does not map, with row counts.

    Columns: ``source, "table", field, source_value, rows`` (values are compared trimmed, as
    the DWD join does).
    """
    value = _value(binding)
    matched = exp.column("source_value", table="x")
    return (
        _joined(binding, crosswalk_table, ods)
        .select(*_literals(binding), _out(value, "source_value"), _out(exp.Count(this=exp.Star()), "rows"))
        .where(exp.Is(this=matched, expression=exp.Null()))
        .group_by(value.copy())
    )


def coverage_query(binding: FieldBinding, crosswalk_table: exp.Table, ods: exp.Table) -> exp.Select:
    """One row for one field: non-blank rows, rows whose value maps, and their ratio.

    Columns: ``source, "table", field, code_system, rows, mapped_rows, coverage`` (coverage is
    NULL when the field has no non-blank value: nothing to measure).
    """
    rows = exp.Count(this=exp.Star())
    mapped = exp.Count(this=exp.column("source_value", table="x"))
    coverage = exp.Div(
        this=exp.cast(mapped.copy(), exp.DataType.build("DOUBLE")),
        expression=exp.Nullif(this=rows.copy(), expression=exp.Literal.number(0)),
    )
    return _joined(binding, crosswalk_table, ods).select(
        *_literals(binding),
        _out(exp.Literal.string(binding.code_system), "code_system"),
        _out(rows, "rows"),
        _out(mapped, "mapped_rows"),
        _out(coverage, "coverage"),
    )


def _empty(columns: Sequence[tuple[str, str]]) -> exp.Select:
    return exp.select(
        *[_out(exp.cast(exp.Null(), exp.DataType.build(kind)), name) for name, kind in columns]
    ).where(exp.false())


UNMAPPED_COLUMNS = (
    ("source", "VARCHAR"),
    ("table", "VARCHAR"),
    ("field", "VARCHAR"),
    ("source_value", "VARCHAR"),
    ("rows", "BIGINT"),
)
COVERAGE_COLUMNS = (
    ("source", "VARCHAR"),
    ("table", "VARCHAR"),
    ("field", "VARCHAR"),
    ("code_system", "VARCHAR"),
    ("rows", "BIGINT"),
    ("mapped_rows", "BIGINT"),
    ("coverage", "DOUBLE"),
)


def _union(queries: list[exp.Select], columns: Sequence[tuple[str, str]]) -> exp.Query:
    if not queries:
        return _empty(columns)
    combined: exp.Query = queries[0]
    for query in queries[1:]:
        combined = exp.union(combined, query, distinct=False)
    return exp.select(*[exp.column(name, quoted=True) for name, _ in columns]).from_(
        exp.Subquery(this=combined, alias=exp.TableAlias(this=exp.to_identifier("u")))
    )


def unmapped_values(
    bindings: Sequence[FieldBinding],
    crosswalk_table: exp.Table,
    ods_table_of: Callable[[FieldBinding], exp.Table] = ods_table,
) -> exp.Query:
    """``std.unmapped_value`` for every binding: one query, UNION ALL of ``unmapped_query``.

    Pass only bindings whose ODS table exists (a configured source may not be synced yet).
    Ordered by source, table, field and most rows first; zero rows (typed) when nothing is bound.
    """
    query = _union([unmapped_query(b, crosswalk_table, ods_table_of(b)) for b in bindings], UNMAPPED_COLUMNS)
    if isinstance(query, exp.Select) and bindings:
        query = query.order_by(
            exp.column("source", quoted=True),
            exp.column("table", quoted=True),
            exp.column("field", quoted=True),
            exp.Ordered(this=exp.column("rows", quoted=True), desc=True),
            exp.column("source_value", quoted=True),
        )
    return query


def mapping_coverage(
    bindings: Sequence[FieldBinding],
    crosswalk_table: exp.Table,
    ods_table_of: Callable[[FieldBinding], exp.Table] = ods_table,
) -> exp.Query:
    """``std.mapping_coverage`` for every binding: one row per field, UNION ALL of ``coverage_query``."""
    query = _union([coverage_query(b, crosswalk_table, ods_table_of(b)) for b in bindings], COVERAGE_COLUMNS)
    if isinstance(query, exp.Select) and bindings:
        query = query.order_by(
            exp.column("source", quoted=True),
            exp.column("table", quoted=True),
            exp.column("field", quoted=True),
        )
    return query


# --- writing a mapping (the crosswalk workbench) -------------------------------------------------

_WORKBENCH_LOCK = ".workbench.lock"


def _file_defining(folder: Path, key: tuple[str, str, str]) -> Path | None:
    for file in _yaml_files(folder):
        if not isinstance(file, Path):
            continue
        bindings = parse_crosswalk(file.read_text(encoding="utf-8"), f"{CROSSWALK_DIR}/{file.name}")
        if any(b.key == key for b in bindings):
            return file
    return None


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + "\n" if lines else ""


def crosswalk_value_add(
    home: Path,
    *,
    source: str,
    table: str,
    field: str,
    source_value: str,
    code: str,
    code_values: Iterable[CodeValueLike] | None = None,
) -> Path:
    """Map one source value of a bound field to a code in the college's own crosswalk file.

    The value is written under ``$CAMPUSBRAIN_HOME/crosswalks/`` into the file that already binds
    the field, or ``<source>.yaml`` (created when absent), so the next ``hub build`` applies it.
    Refused with ``CrosswalkError``: a field no crosswalk binds, a blank value, a code that is
    not in the field's code set, a value the crosswalk already maps (to another code: change it
    in the file by hand, where the reason can be written down). Mapping a value to the code it
    already has returns the file unchanged. The file is rewritten as a whole (its leading
    comment lines kept) under a lock, and replaced atomically so a build never reads half of it.
    """
    systems = _load_code_values(code_values)
    all_values = [v for vs in systems.values() for v in vs]
    key = (source, table, field)
    bindings = {b.key: b for b in field_bindings(home, code_values=all_values)}
    binding = bindings.get(key)
    if binding is None:
        raise CrosswalkError(f"no crosswalk binds {source} {table}.{field} to a code system")
    value, code = source_value.strip(), code.strip()
    if not value:
        raise CrosswalkError(f"{source} {table}.{field}: a blank source value cannot be mapped")
    codes = {v.code for v in systems[binding.code_system]}
    if code not in codes:
        raise CrosswalkError(f"{code!r} is not a code of {binding.code_system} ({source} {table}.{field})")
    mapped = dict(binding.values)
    if binding.identity:
        mapped = identity_values(systems[binding.code_system]) | mapped
    if value in mapped:
        if mapped[value] == code:
            return _file_defining(home / CROSSWALK_DIR, key) or home / CROSSWALK_DIR / f"{source}.yaml"
        raise CrosswalkError(
            f"{source} {table}.{field}: {value!r} already maps to {mapped[value]!r}; change it in the file"
        )
    folder = home / CROSSWALK_DIR
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / _WORKBENCH_LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = _file_defining(folder, key) or folder / f"{source}.yaml"
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        document = yaml.load(text, Loader=yaml.BaseLoader) if text.strip() else None  # noqa: S506 - text only
        if not isinstance(document, dict):
            document = {"source": source}
        if document.get("source") != source:
            path = folder / f"{source}-workbench.yaml"
            document = {"source": source}
        fields = document.get("fields")
        if not isinstance(fields, dict):
            fields = {}
            document["fields"] = fields
        spec = fields.setdefault(f"{table}.{field}", {"code_system": binding.code_system})
        values = spec.get("values") if isinstance(spec.get("values"), dict) else {}
        values[value] = code
        spec["values"] = dict(sorted(values.items()))
        new_text = _leading_comments(text) + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        # Refuse to write what the build could not read back.
        parse_crosswalk(new_text, f"{CROSSWALK_DIR}/{path.name}")
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(new_text, encoding="utf-8")
        os.replace(temporary, path)
    return path
