"""Models computed in Python rather than SQL (identity resolution, anything SQL cannot say).

A Python model takes part in the build like a SQL model: it has a name in a layer, the models and
source tables it ``reads`` put it in the DAG, and other models read the tables it makes. Its
``run`` function gets a :class:`PythonModelContext` holding the open snapshot and creates the
model's table (and any ``also_creates`` tables) there with SQL built as SQLGlot expressions.

Modules that register Python models are listed in :data:`PYTHON_MODEL_MODULES` and imported when
the project is discovered, so registration cannot depend on import order elsewhere.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlglot import exp

from campusbrain.hub.engine import duckdb as engine

# Imported on discovery; each registers its models with :func:`register_python_model`.
PYTHON_MODEL_MODULES: tuple[str, ...] = ("campusbrain.hub.identity.model",)

# Catalog of the previous published snapshot inside the build connection (see runner.py).
PREVIOUS_CATALOG = "previous_snapshot"
ODS_CATALOG = "ods_source"


@dataclass
class PythonModelContext:
    """What a Python model's ``run`` sees: the open snapshot of the build in progress."""

    con: engine.Connection
    build_id: str
    home: Path
    target: str
    has_previous: bool
    previous_tables: frozenset[str] = frozenset()
    # Tables of this snapshot, as ``schema.table`` in lower case, when the model started.
    present_tables: frozenset[str] = frozenset()

    def has_table(self, name: str) -> bool:
        """Whether this snapshot holds ``name`` (an optional input a college may not have)."""
        return name.lower() in self.present_tables

    def table(self, name: str) -> exp.Table:
        """A model, ``std`` or output table of this snapshot, by ``schema.table`` name."""
        schema, _, table = name.partition(".")
        return exp.table_(exp.to_identifier(table, quoted=True), db=exp.to_identifier(schema, quoted=True))

    def ods_table(self, name: str) -> exp.Table:
        """An ODS table (``ods.source__table``) as attached read-only for this build."""
        schema, _, table = name.partition(".")
        return exp.table_(
            exp.to_identifier(table, quoted=True),
            db=exp.to_identifier(schema, quoted=True),
            catalog=exp.to_identifier(ODS_CATALOG, quoted=True),
        )

    def previous_table(self, name: str) -> exp.Table | None:
        """The same table in the previously published snapshot, or None when it has none.

        This is how a model keeps ids stable or history (SCD2) across builds.
        """
        if not self.has_previous or name.lower() not in self.previous_tables:
            return None
        schema, _, table = name.partition(".")
        return exp.table_(
            exp.to_identifier(table, quoted=True),
            db=exp.to_identifier(schema, quoted=True),
            catalog=exp.to_identifier(PREVIOUS_CATALOG, quoted=True),
        )


PythonRun = Callable[[PythonModelContext], None]


@dataclass(frozen=True)
class PythonModel:
    """A model whose table is made by ``run``; ``reads`` are ``schema.table`` names it reads.

    ``optional_reads`` are inputs it uses when the college has them (one per source system, say):
    the model is built from whichever exist, and left out only when none does.
    """

    name: str
    grain: str
    owner: str
    description: str
    reads: tuple[str, ...]
    run: PythonRun = field(compare=False, repr=False)
    also_creates: tuple[str, ...] = ()
    optional_reads: tuple[str, ...] = ()

    @property
    def layer(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def code_hash(self) -> str:
        """Hash of the module that defines ``run``: a code change recomputes the model."""
        module = inspect.getmodule(self.run)
        try:
            source = inspect.getsource(module) if module is not None else ""
        except OSError:
            source = ""
        return hashlib.sha256((self.name + "\n" + source).encode()).hexdigest()


_REGISTRY: dict[str, PythonModel] = {}


def register_python_model(model: PythonModel) -> PythonModel:
    """Add a Python model to the project (a second registration of a name replaces the first)."""
    _REGISTRY[model.name] = model
    return model


def python_models() -> dict[str, PythonModel]:
    """Every registered Python model, after importing the modules that declare them."""
    for module in PYTHON_MODEL_MODULES:
        importlib.import_module(module)
    return dict(_REGISTRY)
