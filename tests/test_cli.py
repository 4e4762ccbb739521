from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((ROOT / "tests" / "data" / "henan_2023_summary.expected.json").read_text("utf-8"))


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_inspect_json_fields_and_figures():
    r = _run("inspect", "sample_data/henan_2023_summary.xlsx", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    for key in ("kind", "source", "scheme", "projects", "totals", "scores", "units", "rows", "findings"):
        assert key in doc
    assert set(doc["source"]) >= {"file", "sheet", "header_rows", "amount_unit"}
    assert set(doc["scheme"]) >= {"name", "weights", "reproduced_rows"}
    row_keys = {
        "sheet_row",
        "unit",
        "project",
        "budget",
        "executed",
        "execution_rate",
        "reported_execution_rate",
    }
    row_keys |= {"reported_score", "computed_score", "grade", "flags"}
    assert all(row_keys <= set(row) for row in doc["rows"])
    assert all(set(f) == {"severity", "code", "where", "message"} for f in doc["findings"])
    assert doc["totals"]["execution_rate"] == EXPECTED["execution_rate_total_percent"]
    assert doc["scores"]["mean_budget_weighted"] == EXPECTED["score_mean_budget_weighted"]
    assert doc["scheme"]["reproduced_rows"] == 15
    assert doc["units"] == []


def test_inspect_with_a_named_scheme_reports_mismatches():
    r = _run("inspect", "sample_data/henan_2023_summary.xlsx", "--scheme", "mof", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["scheme"]["name"] == "mof" and doc["scheme"]["reproduced_rows"] < 15
    assert any(f["code"] == "SCORE_MISMATCH" for f in doc["findings"])


def test_inspect_plain_text_summary():
    r = _run("inspect", "sample_data/henan_2023_summary.xlsx")
    assert r.returncode == 0
    assert "86.23%" in r.stdout and "96.39" in r.stdout


def test_inspect_detects_forms_and_reports_each_form():
    r = _run("inspect", "sample_data/liangshan_2023_selfeval_forms.xlsx", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["kind"] == "selfeval_forms"
    expected = json.loads(
        (ROOT / "tests" / "data" / "liangshan_2023_selfeval_forms.expected.json").read_text("utf-8")
    )
    assert len(doc["forms"]) == len(expected) == doc["projects"]
    keys = {
        "sheet",
        "code",
        "project",
        "budget",
        "executed",
        "execution_rate",
        "reported_total",
        "parts_total",
    }
    keys |= {"formula_total", "weights_total", "indicators", "findings"}
    for form, exp in zip(doc["forms"], expected):
        assert keys <= set(form)
        assert f"{form['code']}-{form['project']}" == exp["sheet_project"]
        assert (form["budget"], form["reported_total"], form["parts_total"]) == (
            exp["adjusted_budget"],
            exp["reported_total_score"],
            exp["sum_of_part_scores"],
        )
        assert len(form["indicators"]) == exp["indicators"]
    mismatch = [f for f in doc["findings"] if f["code"] == "FORM_TOTAL_MISMATCH"]
    assert len(mismatch) == 1 and "科普宣传活动业务经费" in mismatch[0]["where"]
    assert doc["totals"]["budget"] == 293.59 and len(doc["rows"]) == 5
    # Forms are scored by their own weights, so no weight-scheme mismatch noise.
    assert doc["scheme"]["name"] == "own"
    assert not [f for f in doc["findings"] if f["code"] == "SCORE_MISMATCH"]


def test_inspect_detects_final_accounts():
    r = _run("inspect", "sample_data/liangshan_2023_final_accounts.xlsx", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["kind"] == "final_accounts"
    assert doc["figures"]["unit"] == "凉山州科学技术协会"
    assert doc["figures"]["fig1_total_income_expenditure"] == {"2022": 877.47, "2023": 874.05}


def _strict(text: str):
    def refuse(token: str):
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


def test_inspect_json_is_strict_json_when_some_rows_have_no_score_or_name(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "预算数", "执行数", "自评得分"])
    ws.append(["甲项目", 10, 9, "95分"])
    ws.append(["乙项目", 10, 5, None])  # no score: no grade
    ws.append([None, 3, 3, 80])  # no name
    path = tmp_path / "partly_scored.xlsx"
    wb.save(path)
    r = _run("inspect", str(path), "--json")
    assert r.returncode == 0, r.stderr
    doc = _strict(r.stdout)
    grades = [row["grade"] for row in doc["rows"]]
    assert grades == ["优", None, "良"]


def test_a_file_that_crashes_the_reader_gives_one_chinese_line_and_details_only_on_request():
    crash = "tests/data/hostile/xls_asks_8gb.xls"
    r = _run("inspect", crash)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：文件过大或结构异常"), r.stderr
    env_run = subprocess.run(
        [sys.executable, "-m", "jixiao", "inspect", crash],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "JIXIAO_LOG": "1"},
    )
    assert env_run.returncode == 2
    assert "memory allocation" in env_run.stderr and env_run.stderr.strip().endswith("再上传。")
