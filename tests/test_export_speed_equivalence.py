"""The 汇总 workbook written a column and a row at a time (jixiao.export.xlsx._project_sheet,
jixiao.export.xlsx_rows.Rows) is the file the committed row-by-row writer made: every part of the
package byte for byte (docProps/core.xml, which holds the time of writing, aside), and, read back with
openpyxl, cell by cell (value, number format, bold, font colour, fill, alignment, comment) and sheet by
sheet (dimensions, frozen panes, column widths, merged cells, autofilter).

The oracle is the committed 项目明细 loop (one dict per project, Rows.cell per cell) writing through
XlsxWriter's own write_string / write_number (jixiao.export.xlsx_rows._RAW off): the loop is copied
here as it stood, the other sheets are the module's own."""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from jixiao import model as m
from jixiao.export import common as b
from jixiao.export import xlsx as X
from jixiao.export import xlsx_rows
from jixiao.export import xlsx_values as V
from jixiao.fmt import is_missing, to_float
from jixiao.ingest.workbook import Sheet
from jixiao.summary.analysis import analyze
from jixiao.summary.flags import FLAG_LABELS, LOW_EXECUTION, NO_RATE, OVER_EXECUTION, is_deviation
from jixiao.summary.read import read_project_table

TOP = [
    "序号",
    "单位",
    "项目名称",
    "预算执行情况",
    "",
    "",
    "各项指标得分率",
    "",
    "",
    "",
    "",
    "自评得分",
    "是否有较大偏差",
]
BOTTOM = ["", "", "", "全年预算数（万元）", "全年执行数（万元）", "预算执行率"]
BOTTOM += ["资金管理", "成本指标", "产出指标", "效益指标", "满意度指标", "", ""]
UNITS = ["科协本级", "科工中心", "进修学院", "=科技馆", " 学会服务中心 ", "科普中心&<所>"]
ODD_NAMES = [
    '=HYPERLINK("http://x","点")',
    "+SUM(A1)",
    "-cmd",
    "@导入",
    "  前后有空格的项目  ",
    "含_x0041_转义样式的名称",
    "换行\n与回车\r的名称",
    'A&B <C> "引号"',
    "超长项目名称" * 60,
    "12345",
]


def _rows(n: int = 300, seed: int = 3) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    """A 汇总表 of ``n`` projects: units merged down with a 小计 after each, "/" components, missing and
    odd values, flagged projects of every kind, formula-like and long names, a 合计 row."""
    rnd = random.Random(seed)
    out: list[list[Any]] = [["某单位"], ["2024年度项目单位自评汇总表"], list(TOP), list(BOTTOM)]
    merged = [(2, 3, 2, 5), (2, 6, 2, 10)] + [(2, c, 3, c) for c in (0, 1, 2, 11, 12)]
    per_unit = -(-n // len(UNITS))
    i = 0
    for unit in UNITS:
        first = len(out)
        sub_b = sub_e = 0.0
        for _ in range(min(per_unit, n - i)):
            budget: Any = rnd.randint(0, 300_000) / 100
            executed: Any = round(budget * rnd.choice([1, 1, 0.98, 0.9, 0.75, 0.5, 0, 1.2]), 2)
            if i % 37 == 5:
                budget, executed = 0, 12.5  # spending without a budget
            rate: Any = f"{executed / budget * 100:.2f}%" if budget else "/"
            comps = [rnd.choice(["100.00%", "100%", "99.5%", "/", "80%", None]) for _ in range(5)]
            score: Any = round(rnd.uniform(40, 100), 2)
            if i % 23 == 4:
                budget = None  # missing
            if i % 29 == 7:
                executed, score = "不详", None  # unreadable and missing: findings on the row
            if i % 31 == 9:
                rate = "待定"
            name = ODD_NAMES[i % len(ODD_NAMES)] if i % 7 == 3 else f"项目{i + 1:04d}"
            self_flag = rnd.choice(["是", "否", None, "是"])
            out.append(
                [
                    i + 1,
                    unit if len(out) == first else None,
                    name,
                    budget,
                    executed,
                    rate,
                    *comps,
                    score,
                    self_flag,
                ]
            )
            sub_b += to_float(budget) or 0.0
            sub_e += to_float(executed) or 0.0
            i += 1
        merged.append((first, 1, len(out) - 1, 1))
        out.append([None, None, f"{unit}小计", round(sub_b, 2), round(sub_e, 2)])
    out.append([None, None, "合计", None, None])
    out.append(["注：预算执行率 = 全年执行数 ÷ 全年预算数。"])
    return out, merged


@pytest.fixture(scope="module")
def analysis():
    rows, merged = _rows()
    rows = [[("" if x is None else x) for x in r] + [""] * (len(TOP) - len(r)) for r in rows]
    a = analyze(read_project_table([Sheet(name="汇总表", rows=rows, merged=merged)], "mixed.xlsx"))
    p = a.projects
    # the mix the comparison needs
    assert len(p) >= 250
    assert a.table.has_units and len(a.flagged) > 20 and len(a.flagged) < len(p)
    assert any(f.sheet_row is not None for f in a.findings)
    assert p[m.NA_COMPONENTS].map(bool).any() and p[m.BUDGET].isna().any()
    return a


# --- the oracle: 项目明细 as the committed code wrote it, one project (and one cell) at a time ------
def _old_project_sheet(book, analysis, reasons=None) -> None:
    p = analysis.projects
    cols = X._project_columns(analysis)
    if reasons is not None:
        cols.append(X._Col("_explained", X.EXPLAINED, "text", 40))
    index = {c.key: j for j, c in enumerate(cols, start=1)}
    out = xlsx_rows.Rows(
        book, X.SHEET_PROJECTS, [c.width for c in cols], f"{get_column_letter(index[m.PROJECT] + 1)}2"
    )
    X._header_row(out, [c.header for c in cols])
    finding_cells: dict = {}
    for f in analysis.findings:
        if f.sheet_row is not None:
            finding_cells.setdefault((f.sheet, int(f.sheet_row), f.field or m.PROJECT), []).append(f.message)
    sheets = p[m.SHEET].tolist() if m.SHEET in p.columns else None
    keys = [c.key for c in cols if not c.key.startswith("_")]
    recs = m.records(p, list(dict.fromkeys([*keys, m.FLAGS, m.NA_COMPONENTS, m.PROJECT, m.UNIT, m.CODE])))
    for i, rec in enumerate(recs):
        row = []
        flags = rec[m.FLAGS] or []
        na = rec[m.NA_COMPONENTS] if isinstance(rec[m.NA_COMPONENTS], tuple | list) else ()
        rec["_rule"] = "有偏差" if is_deviation(flags) else "无偏差"
        rec["_flag_types"] = "、".join(FLAG_LABELS.get(x.code, x.code) for x in flags)
        rec["_reasons"] = "\n".join(x.reason for x in flags)
        if reasons is not None:
            rec["_explained"] = b.explained(reasons, rec, str(rec[m.PROJECT]))
        red_cells = set()
        if any(x.code in (LOW_EXECUTION, OVER_EXECUTION, NO_RATE) for x in flags):
            red_cells.add(m.EXECUTION_RATE)
        for c in cols:
            value = rec.get(c.key)
            if c.kind == "rate":
                comp = V._na_comp(c.key)
                if comp is not None and comp in na and is_missing(value):
                    value = "/"
                else:
                    if comp is not None and (to_float(value) is not None and to_float(value) < 100 - 1e-9):
                        red_cells.add(c.key)
                    value = V._fraction(value)
            elif c.key == m.SELF_FLAG:
                value = V._self_flag(value)
            elif c.key == m.SEQ:
                value = V._seq(value)
            elif c.kind == "int":
                value = None if is_missing(value) else int(value)
            elif c.kind == "amount":
                value = V._amount(value)
            elif c.kind == "score":
                value = V._score(value)
            elif c.kind == "text" and value is not None and not is_missing(value):
                value = str(value)
            messages = finding_cells.get((sheets[i] if sheets else None, int(rec[m.SHEET_ROW]), c.key))
            row.append(
                out.cell(
                    value,
                    c.number_format,
                    X.WRAP_TOP if c.key in ("_reasons", "_explained", m.PROJECT) else X.TOP,
                    X.FINDING_FILL if messages else X.FLAG_FILL if flags else None,
                    X.RED_FONT if c.key in red_cells else None,
                    comment="\n".join(messages) if messages else None,
                )
            )
        out.append(row)
    out.autofilter(f"A1:{get_column_letter(len(cols))}{out.count}")
    X._project_totals(out, analysis, cols, index, analysis.settings.low_threshold)


def _old_build(analysis, reasons=None) -> bytes:
    book = xlsx_rows.Book()
    assert not book.raw
    _old_project_sheet(book, analysis, reasons)
    X._units_sheet(book, analysis)
    X._findings_sheet(book, analysis)
    X._notes_sheet(book, analysis)
    return book.close()


# --- comparison ------------------------------------------------------------------------------------
def _parts(data: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _color(c) -> Any:
    return None if c is None else c.rgb


def _cell(c) -> tuple:
    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fill_type else None
    al = c.alignment
    return (
        c.value,
        c.number_format,
        bool(c.font.b),
        _color(c.font.color),
        fill,
        (al.horizontal, al.vertical, bool(al.wrap_text)),
        c.quotePrefix,
        c.comment.text if c.comment else None,
        c.border.top.style if c.border and c.border.top else None,
    )


def _sheet(ws) -> dict:
    return {
        "dimensions": ws.dimensions,
        "freeze": ws.freeze_panes,
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "filter": ws.auto_filter.ref,
    }


def assert_same_workbook(new: bytes, old: bytes) -> None:
    a, o = _parts(new), _parts(old)
    assert a.keys() == o.keys()
    assert [k for k in a if a[k] != o[k]] == []  # byte for byte
    wa, wo = load_workbook(io.BytesIO(new)), load_workbook(io.BytesIO(old))
    assert wa.sheetnames == wo.sheetnames
    for name in wo.sheetnames:
        sa, so = wa[name], wo[name]
        assert _sheet(sa) == _sheet(so), name
        for ra, ro in zip(sa.iter_rows(), so.iter_rows(), strict=True):
            assert [_cell(c) for c in ra] == [_cell(c) for c in ro], (name, ro[0].row)


def _force_cell_by_cell(monkeypatch) -> None:
    monkeypatch.setattr(xlsx_rows, "_RAW", False)


@pytest.mark.parametrize("reasons", [None, {"项目0004": "资金未到位", "科工中心/项目0011": "已说明"}])
def test_workbook_is_the_committed_one(analysis, monkeypatch, reasons) -> None:
    assert xlsx_rows._RAW  # the rows-as-XML path is the one in use with the installed XlsxWriter
    new = X.build_xlsx(analysis, reasons)
    _force_cell_by_cell(monkeypatch)
    assert_same_workbook(new, _old_build(analysis, reasons))


def test_many_chunks_are_one_sheet(analysis, monkeypatch) -> None:
    """项目明细 is made CHUNK rows at a time; chunk edges (a finding's comment, a pending row) change nothing."""
    monkeypatch.setattr(X, "CHUNK", 7)
    new = X.build_xlsx(analysis)
    _force_cell_by_cell(monkeypatch)
    assert_same_workbook(new, _old_build(analysis))


def test_rows_path_is_xlsxwriters_own(analysis, monkeypatch) -> None:
    """Rows written as XML in one piece give XlsxWriter's own file, for the other workbooks too."""
    made = [
        X.flagged_xlsx(analysis, title="偏差项目", explanations={"项目0004": "说明"}),
        X.build_xlsx(analysis),
    ]
    _force_cell_by_cell(monkeypatch)
    again = [
        X.flagged_xlsx(analysis, title="偏差项目", explanations={"项目0004": "说明"}),
        X.build_xlsx(analysis),
    ]
    for new, old in zip(made, again):
        assert_same_workbook(new, old)


def test_workbook_reads_back(analysis) -> None:
    wb = load_workbook(io.BytesIO(X.build_xlsx(analysis)))
    ws = wb[X.SHEET_PROJECTS]
    assert ws.max_row == len(analysis.projects) + 1 + (3 if analysis.scores else 1)
    col = next(c.column for c in ws[1] if c.value == "项目名称")
    names = {ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)}
    assert {'=HYPERLINK("http://x","点")', 'A&B <C> "引号"', "-cmd"} <= names
    assert any(c.comment for row in ws.iter_rows() for c in row)


def test_rich_looking_text_stays_text(monkeypatch) -> None:
    """Text shaped like XlsxWriter's rich-string markup ("<r>…</r>") is escaped like any text (written
    cell by cell, XlsxWriter would put it into the XML as it is)."""
    book = xlsx_rows.Book()
    out = xlsx_rows.Rows(book, "s")
    for text in ["<r><t>x</t></r>", "<r>broken</r>", "a"]:
        out.append([out.cell(text), out.cell(1.5, "0.00")])
    ws = load_workbook(io.BytesIO(book.close()))["s"]
    assert [c.value for c in ws["A"]] == ["<r><t>x</t></r>", "<r>broken</r>", "a"]
