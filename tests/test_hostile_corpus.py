"""The hostile corpus (tests/hostile_corpus.py, generated into tmp) through every door: `inspect`,
`export`, `import` (a temp SQLite database) and an upload on 数据导入. Every hostile file gets a
Chinese message and no traceback; every good format reads with the right figures; files that make
calamine abort are stopped by the guarded worker while this process (the "server") carries on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao import cli
from jixiao.ingest.workbook import load_sheets
from jixiao.report import inspect_bytes
from tests import hostile_corpus as hc
from tests.conftest import APP

HOSTILE_DIR = Path(__file__).resolve().parent / "data" / "hostile"
# calamine aborts the process on these (an 8 GB allocation, a panic): only the worker stands between.
CRASH = {"xls_asks_8gb.xls": "已停止读取", "xls_panics.xls": "已损坏"}
REFUSED = {name: words for name, (_, words) in hc.HOSTILE.items() if words}
TRIMMED = [name for name, (_, words) in hc.HOSTILE.items() if not words]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    hc.write(folder)
    for name in CRASH:
        (folder / name).write_bytes((HOSTILE_DIR / name).read_bytes())
    return folder


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("name", [*REFUSED, *CRASH])
def test_refused_through_inspect_export_and_import(name, corpus, tmp_path, capsys):
    words = REFUSED.get(name) or CRASH[name]
    path = str(corpus / name)
    db = f"sqlite:///{tmp_path / 'store.db'}"
    for args in (
        ("inspect", path, "--json"),
        ("export", path, "--out", str(tmp_path / "out")),
        ("import", path, "--db", db, "--unit", "测试单位", "--year", "2023"),
    ):
        code, out, err = _cli(capsys, *args)
        assert code == 2, (args, out, err)
        assert words in err and _chinese(err) and "Traceback" not in err, (args, err)
    assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


@pytest.mark.parametrize("name", TRIMMED)
def test_read_with_what_was_cut_said(name, corpus, tmp_path, capsys):
    code, out, err = _cli(capsys, "inspect", str(corpus / name), "--json")
    assert code == 0, err
    doc = json.loads(out)
    notes = [f["message"] for f in doc["findings"] if f["code"] == "INPUT_TRUNCATED"]
    assert notes and ("只使用了前" in notes[0] or "只读取了前" in notes[0])
    assert doc["projects"] >= 3
    code, _, err = _cli(capsys, "export", str(corpus / name), "--out", str(tmp_path / "out"))
    assert code == 0, err


@pytest.mark.parametrize("name", list(hc.GOOD))
def test_good_formats_read_with_the_right_figures(name, corpus, tmp_path, capsys):
    path = str(corpus / name)
    code, out, err = _cli(capsys, "inspect", path, "--json")
    assert code == 0, err
    doc = json.loads(out)
    projects, budget, executed = hc.FIGURES
    assert (doc["projects"], doc["totals"]["budget"], doc["totals"]["executed"]) == (
        projects,
        budget,
        executed,
    )
    assert [r["project"] for r in doc["rows"]] == [p[0] for p in hc.PROJECTS]
    code, _, err = _cli(capsys, "export", path, "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out" / "report.xlsx").stat().st_size > 0
    db = f"sqlite:///{tmp_path / 'store.db'}"
    code, out, err = _cli(
        capsys, "import", path, "--db", db, "--unit", "测试单位", "--year", "2023", "--json"
    )
    assert code == 0, err
    code, out, err = _cli(capsys, "datasets", "--db", db, "--json")
    assert code == 0 and "测试单位" in out


@pytest.mark.parametrize("name", list(hc.DOCX))
def test_statement_checker_docx_goes_through_the_zip_checks_and_the_worker(name, corpus, capsys):
    code, out, err = _cli(capsys, "check-text", str(corpus / name))
    assert code == 2
    assert hc.DOCX[name][1] in err and "Traceback" not in err


def test_sheet_facts_for_the_readers(corpus):
    sheet = load_sheets(hc.facts_workbook(), "facts.xlsx")[0]
    assert sheet.hidden_rows == {2} and sheet.hidden_cols == {2}
    assert sheet.errors == {(4, 1): "#DIV/0!"} and sheet.rows[4][1] == "#DIV/0!"
    assert sheet.uncached_formulas == {(4, 2)} and sheet.rows[4][2] == ""
    # The summary reader still counts the error cell as an unreadable amount, with a finding quoting it.
    doc = inspect_bytes(hc.facts_workbook(), "facts.xlsx")
    assert doc["projects"] == 4
    assert any("#DIV/0!" in f["message"] for f in doc["findings"])


def test_facts_survive_prefixes_and_attribute_order():
    body = (
        '<x:cols><x:col width="0" max="2" min="2"/></x:cols><x:sheetData>'
        '<x:row r="1"><x:c t="inlineStr" r="A1"><x:is><x:t>项目名称</x:t></x:is></x:c></x:row>'
        '<x:row ht="0" customHeight="1" r="2"><x:c t="e" r="B2"><x:v>#N/A</x:v></x:c>'
        '<x:c r="C2"><x:f>A1</x:f></x:c></x:row></x:sheetData>'
    )
    sheet = load_sheets(hc.xlsx([("S", body)]), "p.xlsx")[0]
    assert sheet.hidden_rows == {1} and sheet.hidden_cols == {1}
    assert sheet.errors == {(1, 1): "#N/A"} and sheet.uncached_formulas == {(1, 2)}


def test_csv_and_xls_have_empty_facts():
    sheet = load_sheets("项目名称,预算数\n甲,1\n".encode(), "a.csv")[0]
    assert not (sheet.hidden_rows or sheet.hidden_cols or sheet.uncached_formulas or sheet.errors)


def test_cli_process_survives_calamine_aborts(corpus):
    """The real `python -m jixiao` process: the abort happens in its worker, never in it."""
    for name in CRASH:
        r = subprocess.run(
            [sys.executable, "-m", "jixiao", "inspect", str(corpus / name)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 2 and CRASH[name] in r.stderr and "Traceback" not in r.stderr


def test_upload_page_gives_a_message_for_each_and_keeps_serving(corpus, apptest_navigation):
    """One app session uploads every hostile file, the crash files among them, then a good one: each
    hostile one is a Chinese error, and the same process then reads the good file's figures."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("pages/import_data.py").run()
    # .ods is not among the uploader's types: the widget itself refuses it before any reading.
    for name in [n for n in [*REFUSED, *CRASH] if not n.endswith(".ods")]:
        at.file_uploader(key="upload_file").set_value((name, (corpus / name).read_bytes(), XLSX_MIME)).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        errors = [e.value for e in at.main.error]
        assert len(errors) == 1 and _chinese(errors[0]) and "Traceback" not in errors[0], (name, errors)
    for name in hc.GOOD:
        at.file_uploader(key="upload_file").set_value((name, (corpus / name).read_bytes(), XLSX_MIME)).run()
        assert not at.exception and not at.main.error, name
        at.switch_page("pages/overview.py").run()
        rate = {m.label: m.value for m in at.main.metric}["总体执行率"]
        assert rate == f"{hc.FIGURES[2] / hc.FIGURES[1] * 100:.2f}%", name
        at.switch_page("pages/import_data.py").run()


def test_users_see_no_tracebacks_by_default():
    import tomllib

    config = tomllib.loads((APP.parent / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_cell_count_cap_holds_whatever_the_references(monkeypatch):
    from jixiao.ingest import xlsxscan
    from jixiao.ingest.caps import ReadError

    monkeypatch.setattr(xlsxscan, "MAX_CELLS", 10)
    xlsxscan.check_extent("S", b"<c/>" * 10)  # at the cap: read
    with pytest.raises(ReadError, match="单元格超过 10 个"):
        xlsxscan.check_extent("S", b"<x:c/>" * 11)


def test_a_line_break_typed_in_a_quoted_cell_is_not_a_quote_error():
    data = '项目名称,预算数,执行数\n"甲项目\n（续）",10,9\n乙项目,5,5\n'.encode()
    doc = inspect_bytes(data, "multiline.csv")
    assert doc["projects"] == 2 and doc["totals"]["budget"] == 15.0


def test_a_quoted_cell_with_a_comma_on_its_second_line_is_not_a_quote_error():
    data = '项目名称,预算数,执行数\n"甲项目\n二期,续建",10,9\n乙项目,5,5\n'.encode()
    doc = inspect_bytes(data, "multiline.csv")
    assert doc["projects"] == 2
