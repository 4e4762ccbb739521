"""The README must tell the truth: every flag, finding code, weight preset, setting and CLI command the
engine has is documented, and every command it documents exists."""

from __future__ import annotations

import re
from pathlib import Path

from jixiao import auth
from jixiao.cli import build_parser
from jixiao.store import db as store
from jixiao.summary import flags
from jixiao.summary.schemes import PRESETS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _codes_in(path: Path) -> set[str]:
    """Finding codes a module emits: the quoted UPPER_SNAKE string handed to Finding(...)."""
    text = path.read_text("utf-8")
    return set(re.findall(r'"([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)"', text))


def test_every_flag_is_documented():
    for code in flags.FLAG_LABELS:
        assert f"`{code}`" in README, code


def test_every_project_table_finding_is_documented():
    codes = set()
    for module in (
        "jixiao/summary/audit.py",
        "jixiao/summary/read.py",
        "jixiao/summary/layout.py",
        "jixiao/summary/blocks.py",
        "jixiao/summary/cells.py",
        "jixiao/summary/columns.py",
        "jixiao/summary/sheets.py",
        "jixiao/summary/units.py",
        "jixiao/summary/edges.py",
        "jixiao/summary/sum_rows.py",
        "jixiao/summary/year_rows.py",
        "jixiao/summary/derived.py",
        "jixiao/summary/merged_rows.py",
    ):
        codes |= _codes_in(ROOT / module)
    missing = sorted(c for c in codes if f"`{c}`" not in README)
    assert not missing, missing


def test_the_required_form_findings_are_documented():
    required = {
        "FORM_TOTAL_MISMATCH",
        "WEIGHTS_NOT_100",
        "DUPLICATE_INDICATOR",
        "SCORE_OVER_WEIGHT",
        "DEDUCTION_WITHOUT_REASON",
        "TARGET_MET_BUT_DEDUCTED",
        "TARGET_MISSED_FULL_MARKS",
        "LOW_EXECUTION_UNEXPLAINED",
        "DUPLICATE_PROJECT_CODE",
    }
    emitted = _codes_in(ROOT / "jixiao" / "forms" / "audit.py")
    assert required <= emitted
    assert all(f"`{c}`" in README for c in required)


def test_presets_and_settings_are_documented():
    for key, scheme in PRESETS.items():
        assert f"`{key}`" in README and scheme.label in README, key
    assert auth.ENV_HASH in README and store.ENV_URL in README
    for words in ("执行率预警线", "红灯线", "截至日期", "指标完成值偏离容差", "maxUploadSize"):
        assert words in README, words


def test_cli_commands_in_readme_exist_and_are_all_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    commands = set(sub.choices)
    documented = set(re.findall(r"python -m jixiao ([a-z][a-z-]+)", README))
    assert documented <= commands, documented - commands
    assert commands <= documented, commands - documented


def test_screenshot_in_readme_exists():
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):
        assert (ROOT / path).is_file(), path
