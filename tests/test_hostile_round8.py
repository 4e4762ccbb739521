"""Round 8 of the hostile files: what passes the caps and the worker but made the *main* process slow
or large afterwards (cells of 30,000 spaces, ten million labels asked again row by row, several sheets
each under the grid cap, 5,000 merged ranges over the same cells), a CSV of one giant cell, and the
command line meeting a reader's bug. Every file is built here, small on disk."""

from __future__ import annotations

import csv
import time

import pytest

from jixiao import cli
from jixiao import model as m
from jixiao.ingest import header, values, worker
from jixiao.ingest.workbook import load_sheets
from jixiao.report import inspect_bytes
from tests import hostile_corpus as hc


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- cell texts that made the value parsers backtrack ----------------------------------------------
LONG_CELLS = [
    "1" + " " * 20_000 + "x",  # the remark regex's leading \s* tried every space
    "(" + "中" * 20_000,  # an open bracket and Chinese with no close
    "(" + "中" * 20_000 + "))",
    "1" * 20_000 + "x",  # \d+\.?\d* split the digits every way
]


def test_long_cells_are_parsed_in_linear_time():
    t0 = time.perf_counter()
    for text in LONG_CELLS:
        assert values.parse_number(text) == (None, values.BAD)
        assert values.parse_rate(text)[1] == values.BAD
    # each took 1-2 seconds before (quadratic); now a few milliseconds
    assert time.perf_counter() - t0 < 0.5


def test_a_remark_after_the_number_is_still_left_aside():
    assert values.parse_number("76.99（含结转）") == (76.99, values.OK)
    assert values.parse_rate("100%(四舍五入)")[:3] == (100.0, values.OK, True)
    assert values.parse_number("20 （追加）") == (20.0, values.OK)
    assert values.parse_number("(100)") == (-100.0, values.OK)  # a negative, not a remark
    # brackets in brackets: not one remark
    assert values.parse_number("20（追加）（补）") == (None, values.BAD)
    assert values.parse_number("1e3") == (1000.0, values.OK)
    assert values.parse_number("12.") == (12.0, values.OK)


def test_a_sheet_of_long_amount_cells_reads_quickly():
    lines = [",".join(hc.HEADER)] + [f"项目{i},{text},1" for i, text in enumerate(LONG_CELLS * 5)]
    t0 = time.perf_counter()
    doc = inspect_bytes("\n".join(lines).encode(), "long.csv")
    assert time.perf_counter() - t0 < 3  # minutes before
    assert doc["projects"] == 20 and any(f["code"] == "UNPARSEABLE_VALUE" for f in doc["findings"])


# --- the main process asks every row whether it is a header again --------------------------------
def test_labels_are_matched_once_per_distinct_text(monkeypatch):
    calls = []
    real = header._match_one

    def counted(label):
        calls.append(label)
        return real(label)

    monkeypatch.setattr(header, "_match_one", counted)
    header.match_field.cache_clear()
    row = ["长"] * 200
    for _ in range(500):  # what a reader does on a 500-row sheet of 200 text columns
        header.assign_columns([header.normalize_label(x) for x in row])
    header.match_field.cache_clear()  # nothing counted stays cached for other tests
    assert len(calls) <= 2  # 100,000 before: ten million on a sheet at the grid cap, 80 seconds


# --- sheets each under the grid cap, together too many for the server ------------------------------
def test_cells_of_all_sheets_together_are_capped(monkeypatch):
    monkeypatch.setattr(worker, "MAX_TOTAL_CELLS", 40)
    sheet = f"<sheetData>{hc.table_rows(hc.good_rows())}</sheetData>"  # 12 cells
    data = hc.xlsx([(f"S{i}", sheet) for i in range(5)])
    got = worker.parse("xlsx", data, "many.xlsx")
    assert [s[0] for s in got] == ["S0", "S1", "S2"]  # 36 cells; the fourth would pass 40
    assert "只读取了前 3 个工作表（共 5 个）" in got[0][3][0]
    assert worker.parse("docx", _docx(), "d.docx").startswith("项目名称")  # Word text is no sheet list


def _docx() -> bytes:
    import io
    import zipfile

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    cells = "".join(f"<w:tc><w:p><w:r><w:t>{h}</w:t></w:r></w:p></w:tc>" for h in hc.HEADER)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{hc.PKG}"><Relationship Id="rId1" Type="{hc.REL}/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{w}"><w:body><w:tbl><w:tr>{cells}</w:tr></w:tbl></w:body></w:document>',
        )
    return buf.getvalue()


# --- merged ranges that overlap -------------------------------------------------------------------
def test_overlapping_merged_ranges_cover_at_most_the_grid():
    rows = hc.good_rows() + [[f"项目{i}", 1, 1] for i in range(96)]  # 100 rows × 3 columns
    refs = "".join(f'<mergeCell ref="A{1 + i % 3}:C{100 - i % 5}"/>' for i in range(3000))
    body = f'<sheetData>{hc.table_rows(rows)}</sheetData><mergeCells count="3000">{refs}</mergeCells>'
    sheet = load_sheets(hc.xlsx([("S", body)]), "merges.xlsx")[0]
    covered = sum((r1 - r0 + 1) * (c1 - c0 + 1) for r0, c0, r1, c1 in sheet.merged)
    assert sheet.merged and covered <= 300  # 3000 ranges of ~290 cells each were all filled before
    assert sheet.merged[0] == (0, 0, 99, 2)  # the first range is the one kept


def test_ranges_that_do_not_overlap_are_all_kept():
    rows = hc.good_rows() + [[f"项目{i}", 1, 1] for i in range(96)]
    refs = "".join(f'<mergeCell ref="B{r}:C{r}"/>' for r in range(5, 101))
    body = f"<sheetData>{hc.table_rows(rows)}</sheetData><mergeCells>{refs}</mergeCells>"
    assert len(load_sheets(hc.xlsx([("S", body)]), "merges.xlsx")[0].merged) == 96


# --- a CSV of one giant cell ----------------------------------------------------------------------
def test_a_giant_unquoted_cell_is_not_called_a_quote_error():
    data = "项目名称,说明\n甲,".encode() + b"a" * (csv.field_size_limit() + 10) + b"\n"
    with pytest.raises(m.IngestError) as exc:
        load_sheets(data, "one_cell.csv")
    assert "第 2 行有一个单元格超过" in exc.value.message and "引号" not in exc.value.message
    quoted = '项目名称,说明\n甲,"'.encode() + b"a" * (csv.field_size_limit() + 10) + b"\n"
    with pytest.raises(m.IngestError) as exc:
        load_sheets(quoted, "open_quote.csv")
    assert "引号" in exc.value.message


# --- the command line meets a reader's bug --------------------------------------------------------
def test_cli_turns_an_unforeseen_error_into_one_chinese_line(monkeypatch, tmp_path, capsys):
    import jixiao.report

    def broken(*args, **kwargs):
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(jixiao.report, "inspect_bytes", broken)
    path = tmp_path / "a.xlsx"
    path.write_bytes(hc.good_xlsx())
    code = cli.main(["inspect", str(path), "--json"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    assert err.startswith("错误：") and _chinese(err) and "Traceback" not in err and err.count("\n") == 1


def test_cli_on_400_digit_numbers_never_prints_a_traceback(tmp_path, capsys):
    # a 栏次-looking first row of 400-digit numbers: float(int(...)) overflowed in the project reader
    path = tmp_path / "digits.csv"
    path.write_text(f"项目名称,预算数,执行数\n甲,{'1' * 400},{'2' * 400}\n乙,1,1\n", encoding="utf-8")
    code = cli.main(["inspect", str(path), "--json"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 0 or (code == cli.EXIT_BAD_INPUT and _chinese(err))


def test_cli_keeps_numpy_warnings_off_stderr(tmp_path):
    """numpy's RuntimeWarning over inf and 300-digit amounts went to a real run's stderr (pytest's own
    warning capture hides it in-process: hence the subprocess)."""
    import os
    import subprocess
    import sys

    path = tmp_path / "odd.xlsx"
    path.write_bytes(_odd_numbers())
    env = {k: v for k, v in os.environ.items() if k not in (cli.ENV_LOG, "PYTHONWARNINGS")}
    r = subprocess.run(
        [sys.executable, "-m", "jixiao", "inspect", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert r.returncode == 0 and r.stderr == ""
    assert r.stdout.lstrip().startswith("{")


# --- the rest of the round's files, through `inspect`: a reading or a Chinese refusal -------------
def _odd_numbers() -> bytes:
    odd = ["1e308", "-0", "NaN", "inf", "-inf", "1e309", str(10**30), "9" * 300, "1/2", "2023-01-01"]
    odd += ["1e-320", "0x1F", "١٢٣", "1_000", "Infinity", "nan%", "∞"]
    rows = [["项目名称", "预算数", "执行数", "预算执行率", "自评得分"]]
    rows += [[f"项目{i}", v, v, v, v] for i, v in enumerate(odd)]
    n = len(rows)
    big = '<c r="{}{}"><v>{}</v></c>'
    body = hc.table_rows(rows) + (
        f'<row r="{n + 1}"><c r="A{n + 1}" t="inlineStr"><is><t>大数</t></is></c>'
        + "".join(
            big.format(c, n + 1, v)
            for c, v in zip("BCDE", ["1.7976931348623157e308"] * 2 + ["1e400", "-1e308"])
        )
        + f'</row><row r="{n + 2}"><c r="A{n + 2}" t="inlineStr"><is><t>大数2</t></is></c>'
        + "".join(big.format(c, n + 2, "1.7976931348623157e308") for c in "BC")
        + "</row>"
    )
    return hc.xlsx([("S", f"<sheetData>{body}</sheetData>")])


def _hostile_sheet_names() -> bytes:
    names = [
        "=HYPERLINK(&quot;http://x&quot;,&quot;x&quot;)",
        "a&#x202E;gnp.exe",
        "../../etc/passwd",
        "合计" * 2000,
    ]
    return hc.xlsx([(n, f"<sheetData>{hc.table_rows(hc.good_rows())}</sheetData>") for n in names])


def _dimension_lie() -> bytes:
    body = f'<dimension ref="A1:XFD1048576"/><sheetData>{hc.table_rows(hc.good_rows())}</sheetData>'
    return hc.xlsx([("S", body)])


def _nested_formula() -> bytes:
    deep = "(" * 240 + "B2" + ")" * 240
    extra = (
        f'<row r="5"><c r="A5" t="inlineStr"><is><t>丁项目</t></is></c><c r="B5"><f>{deep}</f></c>'
        f'<c r="C5"><f>{"-" * 480}1</f></c></row>'
    )
    return hc.xlsx([("S", f"<sheetData>{hc.table_rows(hc.good_rows())}{extra}</sheetData>")])


def _xml2003(replace: tuple[bytes, bytes]) -> bytes:
    return hc.spreadsheetml().replace(*replace)


def _nested_mime() -> bytes:
    text = "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b0\r\n\r\n"
    text += "".join(
        f"--b{i - 1}\r\nContent-Type: multipart/related; boundary=b{i}\r\n\r\n" for i in range(1, 3000)
    )
    return text.encode()


ROUND8 = {
    "odd_numbers.xlsx": _odd_numbers,
    "hostile_sheet_names.xlsx": _hostile_sheet_names,
    "dimension_lie.xlsx": _dimension_lie,
    "nested_formula.xlsx": _nested_formula,
    "utf16le_without_bom.csv": lambda: "\n".join(",".join(map(str, r)) for r in hc.good_rows()).encode(
        "utf-16-le"
    ),
    "cr_only.csv": lambda: "\r".join(",".join(map(str, r)) for r in hc.good_rows()).encode(),
    "superscript_digits.csv": lambda: "项目名称,预算数,执行数\n²,³,¹\n甲项目,1,1\n".encode(),
    "index_jump.xml": lambda: _xml2003((b"<Row><Cell><Data", b'<Row ss:Index="1000000"><Cell><Data')),
    "html_spans.xls": lambda: (
        "<table><tr><th>项目名称</th><th>预算数</th><th>执行数</th></tr>"
        + "<tr><td rowspan=65535 colspan=1000>甲</td><td>1</td><td>1</td></tr>" * 300
        + "</table>"
    ).encode(),
    "nested_multipart.mht": _nested_mime,
}


@pytest.mark.parametrize("name", list(ROUND8))
def test_round8_files_read_or_refused_in_chinese(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(ROUND8[name]())
    t0 = time.perf_counter()
    code = cli.main(["inspect", str(path), "--json"])
    out, err = capsys.readouterr()
    assert time.perf_counter() - t0 < 3
    assert "Traceback" not in err and "Warning" not in err
    assert code in (0, cli.EXIT_BAD_INPUT), (code, err)
    if code:
        assert err.startswith("错误：") and _chinese(err)
    else:
        assert out.lstrip().startswith("{")


# --- numbers no reader expects under a header, and cells too long to quote ---------------------------
@pytest.mark.parametrize(
    "row",
    [["甲", "1" * 400, "2" * 400], ["²", "³", "¹"], ["甲", "1" * 5000, "5"]],
    ids=["400-digit", "superscripts", "5000-digit"],
)
def test_huge_or_odd_digits_under_the_header_are_read_not_raised(row):
    text = "项目名称,预算数,执行数\n" + ",".join(row) + "\n乙,1,1\n丙,2,1\n"
    # before: OverflowError / ValueError in the column-number check, "无法读取输入（ValueError）"
    doc = inspect_bytes(text.encode(), "表.csv")
    assert doc["projects"] == 3
    quoted = [
        f["message"] for f in doc["findings"] if f["code"] in ("UNPARSEABLE_VALUE", "IMPLAUSIBLE_VALUE")
    ]
    assert quoted and all(len(q) < 120 for q in quoted)  # a 5,000-digit cell is quoted in 60 characters


def test_a_30000_character_name_is_clipped_where_it_is_named():
    name = "项目" + "甲" * 30_000
    text = f"项目名称,预算数,执行数\n{name},10,20\n{name},10,5\n乙,1,1\n"
    doc = inspect_bytes(text.encode(), "表.csv")
    assert doc["projects"] == 3
    # before: DUPLICATE_PROJECT and the over-budget flag quoted all 30,000 characters
    assert all(len(f["where"]) + len(f["message"]) < 400 for f in doc["findings"])


def test_a_project_name_of_spaces_splits_its_code_in_linear_time():
    from jixiao.forms.labels import split_code

    t0 = time.perf_counter()
    assert split_code("51340022T000000278908 中" + " " * 20_000 + "中")[0] == "51340022T000000278908"
    assert split_code("中" + " " * 20_000 + "中（51340021R000000033292）")[0] == "51340021R000000033292"
    assert split_code("项目" + " " * 20_000) == (None, "项目" + " " * 20_000)
    assert time.perf_counter() - t0 < 0.2  # 0.8 s and 1.4 s before (a lazy name before \s*$)


# --- text files in encodings offices' systems export ----------------------------------------------------
ROWS = "项目名称,预算数,执行数\n甲项目,100,90\n乙项目,50,50\n丙项目,20,10\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_bom_is_read(encoding):
    doc = inspect_bytes(ROWS.encode(encoding), "导出.csv")  # before: "无法识别的文件类型"
    assert doc["projects"] == 3 and doc["totals"]["budget"] == 170.0 and doc["totals"]["executed"] == 150.0
    tabbed = inspect_bytes(ROWS.replace(",", "\t").encode(encoding), "导出.txt")
    assert tabbed["totals"] == doc["totals"]


def test_a_csv_that_changes_encoding_half_way_says_where():
    data = ("项目名称,预算数,执行数\n" + "甲项目,100,90\n" * 10).encode() + "乙项目,50,50\n".encode("gbk")
    with pytest.raises(m.IngestError) as caught:  # before: "无法识别的文件类型"
        inspect_bytes(data, "拼接.csv")
    assert "第 12 行起换成了另一种编码" in caught.value.message


def test_amounts_no_one_typed_decide_no_unit():
    text = "项目名称,预算数,执行数\n" + "".join(f"p{i},1e307,1e307\n" for i in range(5)) + "q,5,5\n"
    doc = inspect_bytes(text.encode(), "a.csv")
    # before: AMOUNT_UNIT_ASSUMED read the table as 元 from a median of 1e307, printed in 310 digits
    (assumed,) = [f for f in doc["findings"] if f["code"] == "AMOUNT_UNIT_ASSUMED"]
    assert "按“万元”处理" in assumed["message"]
    assert all(len(f["message"]) < 300 for f in doc["findings"])
    assert doc["totals"]["budget"] == 5.0  # q alone: the 1e307 cells are left out as implausible
