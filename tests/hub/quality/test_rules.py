"""Rule files: discovery beside the models, a college's files, and clear errors for bad ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from campusbrain.hub.models.project import BUILTIN_MODELS, discover
from campusbrain.hub.models.runner import load_project
from campusbrain.hub.quality.rules import KINDS, QualityRuleError, load_rules, parse_rule_file, rule_files

GOOD = """key: [XH]
rules:
  - id: student.t
    dimension: completeness
    kind: not_null
    column: XH
    severity: warn
    description: 学号不得为空
"""


def _write(root: Path, name: str, text: str) -> Path:
    path = root / "dwd" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_rule_files_parse_and_cover_every_kind() -> None:
    files = rule_files(None)
    assert "dwd.student" in files and "dwd.card_transaction" in files
    kinds = set()
    for model, path in files.items():
        for rule in parse_rule_file(path, folder_layer=model.split(".")[0], model_owner="002 教务处"):
            kinds.add(rule.kind)
            assert rule.description and rule.owner
    assert kinds == set(KINDS)


def test_model_discovery_ignores_rule_files() -> None:
    models = discover(None)
    assert all(not str(m.path).endswith(".quality.yaml") for m in models.values())
    assert any((BUILTIN_MODELS / "dwd").glob("*.quality.yaml"))


def test_owner_defaults_to_the_models_header(tmp_path: Path) -> None:
    (rule,) = parse_rule_file(
        _write(tmp_path, "student.quality.yaml", GOOD), folder_layer="dwd", model_owner="002 教务处"
    )
    assert (rule.owner, rule.model, rule.key, rule.severity) == ("002 教务处", "dwd.student", ("XH",), "warn")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: not_null", "kind: not_nul"), "kind must be one of"),
        (("dimension: completeness", "dimension: beauty"), "dimension must be one of"),
        (("severity: warn", "severity: fatal"), "severity must be one of"),
        (("    column: XH\n", ""), "kind not_null needs column"),
        (("    description: 学号不得为空\n", ""), "description is required"),
        (("column: XH", "column: XH\n    colour: red"), "unknown field(s) colour"),
        (
            ("kind: not_null\n    column: XH", "kind: pattern\n    column: XH\n    pattern: '[0-9'"),
            "not a regular expression",
        ),
        (
            ("kind: not_null\n    column: XH", "kind: expression\n    condition: 'XH ='"),
            "condition is not valid SQL",
        ),
        (("id: student.t", "id: Student T"), "id must be lower-case"),
        (("rules:", "rulez:"), "unknown field(s) rulez"),
        (
            ("kind: not_null\n    column: XH", "kind: reference\n    column: XH\n    references: student"),
            "references 'student'",
        ),
        (("kind: not_null\n    column: XH", "kind: duplicate\n    scope: model"), "scope must be source"),
    ],
)
def test_bad_rule_files_name_the_file_and_the_rule(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = _write(tmp_path, "student.quality.yaml", GOOD.replace(*change))
    with pytest.raises(QualityRuleError) as error:
        parse_rule_file(path, folder_layer="dwd", model_owner="002 教务处")
    assert str(path) in str(error.value) and message in str(error.value)
    if "rulez" not in change[1] and "Student" not in change[1]:
        assert "rule student.t" in str(error.value)


def test_not_yaml_and_a_twice_used_id(tmp_path: Path) -> None:
    path = _write(tmp_path, "student.quality.yaml", "rules: [\n")
    with pytest.raises(QualityRuleError, match="not valid YAML"):
        parse_rule_file(path, folder_layer="dwd")
    twice = GOOD + GOOD.split("rules:\n", 1)[1]
    path = _write(tmp_path, "student.quality.yaml", twice)
    with pytest.raises(QualityRuleError, match="id is used twice"):
        parse_rule_file(path, folder_layer="dwd", model_owner="x")


def test_a_college_file_replaces_the_builtin_and_must_name_a_model(
    built_demo_college: Path, tmp_path: Path
) -> None:
    project = load_project(built_demo_college)
    college = tmp_path / "models"
    _write(college, "student.quality.yaml", GOOD)
    rules, _ = load_rules(project, college)
    assert [r.id for r in rules if r.model == "dwd.student"] == ["student.t"]
    _write(college, "no_such_model.quality.yaml", GOOD)
    with pytest.raises(QualityRuleError, match="there is no model dwd.no_such_model"):
        load_rules(project, college)


def test_an_error_rule_may_read_only_what_its_model_reads(built_demo_college: Path, tmp_path: Path) -> None:
    project = load_project(built_demo_college)
    college = tmp_path / "models"
    # dwd.card_transaction reads dwd.card_account: an error rule may use it ...
    text = """rules:
  - id: card_transaction.t
    dimension: consistency
    kind: reference
    column: CARDNO
    references: dwd.card_account.CARDNO
    severity: error
    description: 卡号须存在
"""
    _write(college, "card_transaction.quality.yaml", text)
    assert load_rules(project, college)[0]
    # ... but not dwd.student, which may not be built yet when the rule must decide.
    _write(
        college, "card_transaction.quality.yaml", text.replace("dwd.card_account.CARDNO", "dwd.student.XH")
    )
    with pytest.raises(QualityRuleError, match="severity error but reads dwd.student"):
        load_rules(project, college)


def test_a_bad_rule_file_stops_the_build_before_any_snapshot(
    built_demo_college: Path, tmp_path: Path
) -> None:
    import shutil

    from campusbrain.hub.models.runner import build
    from campusbrain.hub.paths import HubPaths
    from campusbrain.hub.warehouse import read_published

    home = tmp_path / "college"
    shutil.copytree(built_demo_college, home)
    before = read_published(HubPaths(home))
    _write(home / "models", "student.quality.yaml", GOOD.replace("kind: not_null", "kind: nonsense"))
    with pytest.raises(QualityRuleError, match="student.quality.yaml: rule student.t"):
        build(home, progress=False)
    after = read_published(HubPaths(home))
    assert before == after
