"""One test per bad-input class: each gives a clear Chinese message (IngestError or a finding),
never a traceback, and the CLI exits 2 with one Chinese line."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao import model as m
from jixiao.report import inspect_bytes

ROOT = Path(__file__).resolve().parent.parent
HENAN = (ROOT / "sample_data" / "henan_2023_summary.xlsx").read_bytes()


def _xlsx(rows, sheets=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for name, more in (sheets or {}).items():
        extra = wb.create_sheet(name)
        for r in more:
            extra.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _error(data: bytes, name: str) -> str:
    with pytest.raises(m.IngestError) as exc:
        inspect_bytes(data, name)
    assert _chinese(exc.value.message)
    return exc.value.message


HEADER = ("序号", "项目名称", "预算数（万元）", "执行数（万元）", "预算执行率", "自评得分")


def test_wrong_file_type_pdf():
    assert "PDF" in _error(b"%PDF-1.7\n...", "report.pdf")


def test_wrong_file_type_word_named_docx():
    assert ".docx" in _error(b"\x50\x4b\x05\x06" + b"\0" * 18, "说明.docx")


def test_random_bytes_named_xlsx():
    assert "不是有效的 Excel" in _error(bytes(range(256)) * 4, "data.xlsx")


def test_broken_zip_truncated_xlsx():
    assert "损坏" in _error(HENAN[: len(HENAN) // 2], "henan.xlsx")


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert "不是 Excel" in _error(buf.getvalue(), "a.xlsx")


def test_empty_file():
    assert "空的" in _error(b"", "a.xlsx")


def test_empty_sheet():
    assert "空" in _error(_xlsx([]), "empty.xlsx")


def test_empty_csv():
    assert "空" in _error(b"\n\n", "empty.csv")


def test_no_recognisable_header():
    message = _error(_xlsx([("姓名", "年龄"), ("张三", 30)]), "people.xlsx")
    assert "表头" in message and "项目名称" in message


def test_header_but_no_rows():
    assert "没有项目数据" in _error(_xlsx([HEADER]), "header_only.xlsx")


def test_text_in_number_cells():
    doc = inspect_bytes(
        _xlsx([HEADER, (1, "甲", "约100万", 90, "90%", 95), (2, "乙", 50, "待定", "", 98)]), "t.xlsx"
    )
    bad = [f for f in doc["findings"] if f["code"] == "UNPARSEABLE_VALUE"]
    assert len(bad) == 2
    assert "约100万" in bad[0]["message"] and "待定" in bad[1]["message"]
    assert doc["rows"][0]["budget"] is None and doc["rows"][0]["execution_rate"] is None
    assert doc["totals"]["budget"] == 50.0  # the readable budget still counts


def test_budget_zero_with_spending():
    doc = inspect_bytes(
        _xlsx([HEADER, (1, "甲", 0, 12.5, "", 90), (2, "乙", 100, 100, "100%", 100)]), "t.xlsx"
    )
    row = doc["rows"][0]
    assert row["execution_rate"] is None
    assert [f["code"] for f in row["flags"]] == ["NO_RATE"]
    zero = [f for f in doc["findings"] if f["code"] == "NONPOSITIVE_BUDGET"]
    assert len(zero) == 1 and zero[0]["severity"] == "error" and "12.50" in zero[0]["message"]
    assert doc["totals"]["execution_rate"] == 112.5  # 112.5 / 100: the total still tells the truth


def test_spending_over_budget():
    doc = inspect_bytes(_xlsx([HEADER, (1, "甲", 100, 120, "120%", 100)]), "t.xlsx")
    flags = doc["rows"][0]["flags"]
    assert [f["code"] for f in flags] == ["OVER_EXECUTION"]
    assert "120.00%" in flags[0]["reason"] and "20.00" in flags[0]["reason"]
    assert doc["rows"][0]["execution_rate"] == 120.0


def test_duplicate_names_same_money():
    doc = inspect_bytes(
        _xlsx([HEADER, (1, "甲", 100, 90, "90%", 95), (2, "甲", 100, 90, "90%", 95)]), "t.xlsx"
    )
    dup = [f for f in doc["findings"] if f["code"] == "DUPLICATE_PROJECT"]
    assert len(dup) == 1 and "重复录入" in dup[0]["message"]
    assert doc["projects"] == 2  # shown, not silently dropped


def test_table_on_second_sheet_is_found():
    data = _xlsx(
        [("填报说明",), ("请在第二个工作表填写",)], sheets={"数据": [HEADER, (1, "甲", 10, 10, "100%", 100)]}
    )
    doc = inspect_bytes(data, "t.xlsx")
    assert doc["source"]["sheet"] == "数据" and doc["projects"] == 1


def test_encrypted_workbook_is_named():
    # An encrypted OOXML file is an OLE container holding an 'EncryptedPackage' stream.
    fake = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 100
    )
    assert "加密" in _error(fake, "secret.xlsx")


def test_csv_in_gbk_with_text_rates():
    text = "序号,项目名称,全年预算数（万元）,全年执行数（万元）,预算执行率\n1,科普活动,100,86.23,86.23%\n2,学会服务,50,50,100%\n"
    doc = inspect_bytes(text.encode("gbk"), "t.csv")
    assert doc["projects"] == 2 and doc["rows"][0]["project"] == "科普活动"
    assert doc["totals"]["execution_rate"] == 90.82


CSV_HEADER = "序号,项目名称,全年预算数（万元）,全年执行数（万元）,预算执行率"
CSV_ROWS = ["1,科普活动,100,86.23,86.23%", "2,学会服务,50,50,100%"]


@pytest.mark.parametrize(
    "lines",
    [
        # a system that writes cells Excel must keep as typed: ="100.00"
        [CSV_HEADER, '1,科普活动,="100.00",="86.23",86.23%', '="2",="学会服务",="50",="50",="100%"'],
        # pipes between the cells
        [line.replace(",", "|") for line in [CSV_HEADER, *CSV_ROWS]],
        # Excel's hint line for the delimiter
        ["sep=,", CSV_HEADER, *CSV_ROWS],
    ],
    ids=["excel text cells", "pipes", "sep line"],
)
def test_csv_habits_of_exporting_systems(lines):
    doc = inspect_bytes("\r\n".join(lines).encode("utf-8-sig"), "t.csv")
    assert [r["project"] for r in doc["rows"]] == ["科普活动", "学会服务"]
    assert doc["totals"] == {"budget": 150.0, "executed": 136.23, "execution_rate": 90.82}
    assert not [f for f in doc["findings"] if f["severity"] != "info"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_bad_input_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"this is not a workbook")
    for target in (str(bad), str(tmp_path / "missing.xlsx")):
        r = _cli("inspect", target, "--json")
        assert r.returncode == 2
        assert r.stdout == ""
        assert "Traceback" not in r.stderr and _chinese(r.stderr) and len(r.stderr.strip().splitlines()) == 1


def test_cli_bad_scheme_exit_2(tmp_path):
    r = _cli(
        "inspect",
        str(ROOT / "sample_data" / "henan_2023_summary.xlsx"),
        "--scheme",
        "custom:产出=50",
        "--json",
    )
    assert r.returncode == 2 and "100" in r.stderr and "Traceback" not in r.stderr
