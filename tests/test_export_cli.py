"""``python -m jixiao export FILE --out DIR``: the files and one JSON line; ``--only``; bad input exits 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from jixiao.export.bundle import build_zip

ROOT = Path(__file__).resolve().parent.parent
HENAN = ROOT / "sample_data" / "henan_2023_summary.xlsx"
FIGURES = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=cwd, timeout=180
    )


def test_export_writes_every_file_and_prints_their_paths(tmp_path):
    out = tmp_path / "new" / "dir"  # created if missing
    # run from another directory: components/ must still be found
    r = _run("export", str(HENAN), "--out", str(out), "--figures", str(FIGURES), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert set(doc) == {"pptx", "xlsx", "html", "docx", "final_docx"}
    assert [Path(doc[k]).name for k in ("pptx", "xlsx", "html", "docx", "final_docx")] == [
        "report.pptx",
        "report.xlsx",
        "report.html",
        "report.docx",
        "final_accounts.docx",
    ]
    assert all(Path(doc[k]).parent == out for k in doc)
    prs = Presentation(doc["pptx"])
    assert prs.slide_width == 12192000
    assert sum(1 for s in prs.slides for sh in s.shapes if sh.has_chart) >= 9  # with 图1–图7
    wb = load_workbook(doc["xlsx"])
    assert wb.sheetnames[0] == "项目明细"
    html = Path(doc["html"]).read_text("utf-8")
    assert "86.23%" in html and "图7：“三公”经费财政拨款支出结构" in html
    report = "\n".join(p.text for p in Document(doc["docx"]).paragraphs)
    assert "河南省科学技术协会2023年度项目支出绩效自评报告" in report and "86.23%" in report
    statement = "\n".join(p.text for p in Document(doc["final_docx"]).paragraphs)
    assert "凉山州科学技术协会2023年度部门决算说明" in statement


def test_only_docx_writes_the_word_documents_alone(tmp_path):
    r = _run("export", str(HENAN), "--out", str(tmp_path), "--only", "docx", "--figures", str(FIGURES))
    assert r.returncode == 0, r.stderr
    assert set(json.loads(r.stdout)) == {"docx", "final_docx"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["final_accounts.docx", "report.docx"]
    r = _run("export", str(HENAN), "--out", str(tmp_path / "two"), "--only", "pptx,xlsx")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == ["report.pptx", "report.xlsx"]


def test_a_final_accounts_file_gives_figures_1_to_7_and_the_statement(tmp_path):
    r = _run("export", str(FIGURES), "--out", str(tmp_path / "fa"), "--unit", "某部门")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"pptx", "xlsx", "html", "final_docx"}  # no 自评报告 without a project table
    paragraphs = [p.text for p in Document(doc["final_docx"]).paragraphs]
    assert paragraphs[0] == "某部门2023年度部门决算说明"
    assert "图7" in Path(doc["html"]).read_text("utf-8")
    r = _run("export", str(FIGURES), "--out", str(tmp_path / "deck"), "--only", "pptx")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "deck").iterdir()) == ["report.pptx"]
    charts = sum(
        1 for s in Presentation(tmp_path / "deck" / "report.pptx").slides for sh in s.shapes if sh.has_chart
    )
    assert charts >= 7


def test_a_bad_only_exits_2(tmp_path):
    r = _run("export", str(HENAN), "--out", str(tmp_path / "o"), "--only", "pdf")
    assert r.returncode == 2 and "--only" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()


def test_export_with_a_named_scheme(tmp_path):
    r = _run(
        "export", str(HENAN), "--out", str(tmp_path), "--scheme", "mof", "--unit", "某单位", "--year", "2030"
    )
    assert r.returncode == 0, r.stderr
    notes = {
        row[0]: row[1] for row in load_workbook(tmp_path / "report.xlsx")["说明"].iter_rows(values_only=True)
    }
    assert "财政部通用口径" in notes["方案"]
    html = (tmp_path / "report.html").read_text("utf-8")
    assert "某单位2030年度预算绩效分析报告" in html


def test_missing_file_exits_2_with_one_chinese_line(tmp_path):
    r = _run("export", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert r.stdout == ""
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("错误：") and "找不到文件" in err[0]
    assert not (tmp_path / "o").exists()


def test_unreadable_file_and_bad_scheme_exit_2(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    r = _run("export", str(junk), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = _run("export", str(HENAN), "--out", str(tmp_path / "o"), "--scheme", "nonsense")
    assert r.returncode == 2 and "权重方案" in r.stderr and "Traceback" not in r.stderr


def test_build_zip_holds_every_file(henan_analysis):
    with zipfile.ZipFile(io.BytesIO(build_zip(henan_analysis))) as z:
        assert sorted(z.namelist()) == ["report.docx", "report.html", "report.pptx", "report.xlsx"]
        assert z.read("report.html").decode("utf-8").startswith("<!DOCTYPE html>")
