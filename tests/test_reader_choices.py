"""What a careful finance officer would take from a messy 汇总表, and that the reader says what it took:
本年 columns over 上年 ones, 调整后 over 年初 (年初 kept), hidden rows and columns left out, unit-total
blocks and 汇总 sheets checked but never added, "其中：" children counted instead of their parent, formulas
without values named, points read as points, the wording offices use, a printed 100% that is not, and
tables of scores alone.

The figures are the seeds' own: the 唐山 units' projects (seed 002) and the 河南 汇总表 (seed 000)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from jixiao import model as m
from jixiao.ingest.header import match_field
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes
from jixiao.summary.analysis import analyze
from tests import hostile_corpus as hc

ROOT = Path(__file__).resolve().parent.parent

# seed 002: 唐山市科学技术协会, 调整预算数 / 实际执行数 per unit (万元)
TANGSHAN = {
    "科协本级": [
        ("科技工作者之家建设活动", 10, 6),
        ("唐山市老科协经费", 39, 39),
        ("唐山市老科协会议费", 5, 5),
        ("唐山市老科协培训费", 2, 2),
        ("唐山市总工会房屋租金", 832.52, 802.51),
    ],
    "科工中心": [
        ("维修费", 40, 12.33),
        ("委托业务费", 5, 5),
        ("其他交通费", 1.28, 0.64),
        ("科学演讲展示项目", 15, 14.68),
    ],
    "科技馆": [
        ("科技馆免费开放中央补助资金", 619, 400.74),
        ("唐山科技馆装修布展工程", 1081.95, 109.47),
        ("唐山科技馆装修布展工程司法鉴定费", 60, 60),
    ],
}
PROJECTS = [(u, name, b, e) for u, rows in TANGSHAN.items() for name, b, e in rows]
BUDGET = round(sum(p[2] for p in PROJECTS), 2)
EXECUTED = round(sum(p[3] for p in PROJECTS), 2)

# seed 000: the 河南 汇总表 (budget, executed, 资金管理, 产出, 效益, 满意度 得分率 as fractions, 自评得分)
HENAN = [
    ("培训-科协机关", 20, 20, 1, 1, 1, 1, 100),
    ("科协事业发展工作经费", 50, 50, 1, 0.9475, 1, 1, 97.9),
    ("会议-科协机关", 20, 19.75, 1, 1, 1, 1, 99.88),
    ("河南省科普及学会服务能力提升专项-市县", 2119, 2119, 1, 0.9975, 1, 1, 99.9),
    ("因公出国（境）", 10.3, 10.28, 1, 1, 1, 1, 99.98),
    ("科协“四个服务”工作经费", 445.8, 445.8, 1, 0.9505, 1, 1, 98.02),
    ("科普与学会服务能力提升专项-省级", 2691, 2071.67, 1, 0.9655, 1, 1, 96.32),
    ("设备购置", 23.56, 23.55, 1, 0.9, 1, 1, 96),
    ("知识产权事业发展", 20, 0, 1, 0, 0, 0, 20),
    ("培训-科协事业", 25, 24.94, 1, 1, 1, 1, 99.98),
    ("办公环境整治及设施维护", 100, 100, 1, 0.92, 1, 1, 96.8),
    ("中国工程科技发展战略河南研究院共建项目", 1000, 803.43, 1, 0.85, 1, 1, 92.03),
    ("河南省科技馆新馆运维保障经费", 1000, 999.43, 1, 0.9, 1, 1, 95.99),
    ("会议-科协事业", 55, 52.39, 1, 1, 1, 1, 99.53),
    ("科普与学会服务能力提升专项-省级", 284, 40.38, 0.975, 0.9428, 1, 1, 88.63),
]


def xlsx(*sheets, merges=(), hidden_rows=(), hidden_cols=(), zero_rows=()) -> bytes:
    """Sheets as (name, rows); merges, hidden rows/columns apply to the first sheet."""
    wb = Workbook()
    first = wb.active
    for i, (name, rows) in enumerate(sheets):
        ws = first if i == 0 else wb.create_sheet(name)
        ws.title = name
        for r in rows:
            ws.append(list(r))
    for rng in merges:
        first.merge_cells(rng)
    for r in hidden_rows:
        first.row_dimensions[r].hidden = True
    for r in zero_rows:
        first.row_dimensions[r].height = 1  # set to 0 in the XML below: openpyxl drops a 0 height
    for c in hidden_cols:
        first.column_dimensions[c].hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    if not zero_rows:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                for r in zero_rows:
                    data = data.replace(f'<row r="{r}" ht="1"'.encode(), f'<row r="{r}" ht="0"'.encode())
            zout.writestr(info, data)
    return out.getvalue()


def codes(doc) -> list[str]:
    return [f["code"] for f in doc["findings"]]


def found(doc, code: str) -> list[dict]:
    return [f for f in doc["findings"] if f["code"] == code]


def unit_rows(doc) -> list[tuple[str, int, float, float]]:
    return [(u["unit"], u["projects"], u["budget"], u["executed"]) for u in doc["units"]]


def expected_units() -> list[tuple[str, int, float, float]]:
    return [
        (u, len(rows), round(sum(r[1] for r in rows), 2), round(sum(r[2] for r in rows), 2))
        for u, rows in TANGSHAN.items()
    ]


def assert_tangshan(doc) -> None:
    assert doc["projects"] == len(PROJECTS)
    assert doc["totals"]["budget"] == BUDGET and doc["totals"]["executed"] == EXECUTED
    assert doc["totals"]["execution_rate"] == round(EXECUTED / BUDGET * 100, 2)


# --- 1. 本年 over 上年 -------------------------------------------------------------------------------
def _two_years(order: str, prior: str, current: str, title: str) -> bytes:
    """上年 columns are last year's figures: 10% higher budgets, fully spent."""
    cols = [
        (f"{prior}预算数（万元）", lambda b, e: round(b * 1.1, 2)),
        (f"{prior}执行数（万元）", lambda b, e: round(b * 1.1, 2)),
        (f"{current}预算数（万元）", lambda b, e: b),
        (f"{current}执行数（万元）", lambda b, e: e),
    ]
    if order == "current_first":
        cols = cols[2:] + cols[:2]
    rows = [[title]] if title else []
    rows.append(["序号", "单位", "项目名称", *(c[0] for c in cols)])
    for i, (u, name, b, e) in enumerate(PROJECTS, 1):
        rows.append([i, u, name, *(f(b, e) for _, f in cols)])
    return xlsx(("明细", rows))


@pytest.mark.parametrize(
    "order,prior,current,title,severity",
    [
        ("prior_first", "上年", "本年", "唐山市科学技术协会2023年度项目支出绩效自评汇总表", "info"),
        ("current_first", "上年度", "本年度", "2023年度项目执行情况", "info"),
        ("prior_first", "上期", "本期", "", "info"),
        ("prior_first", "2022年", "2023年", "", "warning"),  # the year is only the header's latest
        ("current_first", "2022年", "2023年", "2023年度项目单位自评汇总表", "info"),
    ],
)
def test_the_report_years_columns_are_taken_and_said(order, prior, current, title, severity):
    doc = inspect_bytes(_two_years(order, prior, current, title), "唐山.xlsx")
    assert_tangshan(doc)
    assert unit_rows(doc) == expected_units()
    chosen = found(doc, "COLUMN_CHOSEN")
    assert [f["severity"] for f in chosen] == [severity, severity]
    budget = next(f for f in chosen if "“预算数”" in f["message"])
    assert f"{current}预算数(万元)" in budget["message"] and f"{prior}预算数(万元)" in budget["message"]
    assert doc["source"]["passed_over"]["budget"] == [f"{prior}预算数(万元)"]


def test_a_report_year_set_by_the_user_takes_that_years_columns():
    data = _two_years("prior_first", "2022年", "2023年", "")
    doc = read_dataset(data, "t.xlsx", report_year=2022).table
    a = analyze(doc)
    assert round(a.totals["budget"], 2) == round(sum(round(p[2] * 1.1, 2) for p in PROJECTS), 2)
    assert a.totals["execution_rate"] == pytest.approx(100.0)
    assert doc.source.report_year == 2022
    assert any("2022年预算数" in f.message and "导入页设置" in f.message for f in a.findings)


def test_two_row_year_groups():
    rows = [
        ["序号", "项目名称", "2022年", None, "2023年", None],
        [None, None, "预算数", "执行数", "预算数", "执行数"],
    ]
    for i, (_, name, b, e) in enumerate(PROJECTS, 1):
        rows.append([i, name, b + 1, b + 1, b, e])
    data = xlsx(("Sheet1", rows), merges=["A1:A2", "B1:B2", "C1:D1", "E1:F1"])
    doc = inspect_bytes(data, "唐山2023年项目支出.xlsx")
    assert_tangshan(doc)
    assert doc["source"]["columns"]["budget"] == "2023年·预算数"
    assert {f["severity"] for f in found(doc, "COLUMN_CHOSEN")} == {"info"}  # the file name says 2023
    assert "文件名" in found(doc, "COLUMN_CHOSEN")[0]["message"]


# --- 1. 年初 beside 调整后 -----------------------------------------------------------------------------
def _initial(shape: str) -> bytes:
    if shape == "group":
        rows = [
            ["序号", "项目名称", "预算数（万元）", None, "执行数（万元）"],
            [None, None, "年初", "调整后", None],
        ]
        merges = ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]
    elif shape == "group_full":
        rows = [
            ["序号", "项目名称", "预算数", None, "执行数"],
            [None, None, "年初预算数", "全年预算数", None],
        ]
        merges = ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]
    else:
        rows = [["序号", "项目名称", "年初预算数（万元）", "调整后预算数（万元）", "实际执行数（万元）"]]
        merges = []
    for i, (_, name, b, e) in enumerate(PROJECTS, 1):
        rows.append([i, name, round(b * 0.8, 2), b, e])
    return xlsx(("Sheet1", rows), merges=merges)


@pytest.mark.parametrize("shape", ["group", "group_full", "flat"])
def test_the_rate_uses_the_adjusted_budget_and_the_initial_one_is_kept(shape):
    table = read_dataset(_initial(shape), "t.xlsx").table
    a = analyze(table)
    assert round(a.totals["budget"], 2) == BUDGET
    assert round(a.totals["execution_rate"], 2) == round(EXECUTED / BUDGET * 100, 2)
    assert table.projects[m.INITIAL_BUDGET].round(2).tolist() == [round(p[2] * 0.8, 2) for p in PROJECTS]
    assert m.INITIAL_BUDGET in table.source.columns and m.BUDGET in table.source.columns
    assert table.source.columns[m.INITIAL_BUDGET] != table.source.columns[m.BUDGET]
    assert not [f for f in a.findings if f.code in ("BUDGET_IS_INITIAL", "TOTAL_MISMATCH")]


def test_only_an_initial_budget_is_used_and_said():
    rows = [["项目名称", "年初预算数（万元）", "执行数（万元）"]]
    rows += [[name, b, e] for _, name, b, e in PROJECTS]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert_tangshan(doc)
    assert (
        len(found(doc, "BUDGET_IS_INITIAL")) == 1
        and found(doc, "BUDGET_IS_INITIAL")[0]["severity"] == "warning"
    )


def test_the_initial_budget_is_shown_beside_the_budget_on_the_pages():
    from components import widgets

    a = analyze(read_dataset(_initial("flat"), "t.xlsx").table)
    frame = widgets.project_frame(a.projects)
    cols = list(frame.columns)
    assert cols.index("年初预算数（万元）") + 1 == cols.index("预算数（万元）")
    assert frame["年初预算数（万元）"].tolist()[:2] == [8.0, 31.2]
    henan = analyze(
        read_dataset((ROOT / "sample_data" / "henan_2023_summary.xlsx").read_bytes(), "h.xlsx").table
    )
    assert "年初预算数（万元）" not in widgets.project_frame(henan.projects).columns


# --- 1 and #12.3. duplicated header names ------------------------------------------------------------
def test_two_columns_with_the_same_header_are_said_and_can_be_changed():
    rows = [["项目名称", "预算数（万元）", "预算数（万元）", "执行数（万元）"]]
    rows += [[name, b, round(b * 2, 2), e] for _, name, b, e in PROJECTS]
    data = xlsx(("Sheet1", rows))
    doc = inspect_bytes(data, "t.xlsx")
    assert_tangshan(doc)
    dup = found(doc, "DUPLICATE_HEADER")
    assert len(dup) == 1 and dup[0]["severity"] == "warning"
    assert "采用B列" in dup[0]["message"] and "未采用C列" in dup[0]["message"]
    other = read_dataset(data, "t.xlsx", columns={m.PROJECT: 0, m.BUDGET: 2, m.EXECUTED: 3}).table
    assert round(float(other.projects[m.BUDGET].sum()), 2) == round(
        sum(round(p[2] * 2, 2) for p in PROJECTS), 2
    )
    assert not [f for f in other.findings if f.code == "DUPLICATE_HEADER"]


# --- 1. hidden rows and columns --------------------------------------------------------------------
def _with_hidden() -> tuple[bytes, int]:
    """Stale draft rows hidden between the projects, and a hidden 上年 column."""
    rows = [
        ["唐山市科学技术协会2023年度项目执行情况"],
        ["序号", "单位", "项目名称", "调整预算数（万元）", "旧执行数", "实际执行数（万元）"],
    ]
    hidden, zero = [], []
    for i, (u, name, b, e) in enumerate(PROJECTS, 1):
        rows.append([i, u, name, b, 0, e])
        if i in (3, 9):
            rows.append([None, u, f"{name}（草稿）", 100, 0, 50])
            (hidden if i == 3 else zero).append(len(rows))
    return xlsx(("Sheet1", rows), hidden_rows=hidden, zero_rows=zero, hidden_cols=["E"]), len(hidden + zero)


def test_hidden_rows_and_columns_are_left_out_with_one_finding():
    data, stale = _with_hidden()
    doc = inspect_bytes(data, "t.xlsx")
    assert_tangshan(doc)
    assert unit_rows(doc) == expected_units()
    hidden = found(doc, "HIDDEN_LEFT_OUT")
    assert len(hidden) == 1
    assert f"{stale} 个隐藏行" in hidden[0]["message"] and "1 个隐藏列（E列）" in hidden[0]["message"]
    assert doc["source"]["hidden_left_out"] == stale + 1


def test_the_switch_takes_hidden_rows_and_columns_in():
    data, stale = _with_hidden()
    table = read_dataset(data, "t.xlsx", include_hidden=True).table
    a = analyze(table)
    assert len(a.projects) == len(PROJECTS) + stale
    assert round(a.totals["budget"], 2) == round(BUDGET + 100 * stale, 2)
    assert table.source.include_hidden
    assert not [f for f in a.findings if f.code == "HIDDEN_LEFT_OUT"]


# --- 2. blocks of unit totals ------------------------------------------------------------------------
def _unit_block(wrong: str | None = None) -> list[list]:
    rows = [["单位", "项目个数", "预算数（万元）", "执行数（万元）"]]
    for u, n, b, e in expected_units():
        if u == wrong:
            e = round(e + 1, 2)
        rows.append([u, n, b, e])
    return rows


def _project_rows() -> list[list]:
    rows = [["序号", "单位", "项目名称", "调整预算数（万元）", "实际执行数（万元）", "支出进度"]]
    for i, (u, name, b, e) in enumerate(PROJECTS, 1):
        rows.append([i, u, name, b, e, f"{e / b * 100:.2f}%"])
    return rows


@pytest.mark.parametrize("where", ["above", "below", "beside", "touching", "sheet"])
def test_a_block_of_unit_totals_is_checked_never_added(where):
    block, table = _unit_block(wrong="科工中心"), _project_rows()
    if where == "above":
        data = xlsx(("Sheet1", [["2023年度项目执行情况"], *block, [], *table]))
    elif where == "below":
        data = xlsx(("Sheet1", [*table, [], ["按单位汇总"], *block]))
    elif where in ("beside", "touching"):
        gap = [None] if where == "beside" else []  # a blank column between the blocks, or none
        rows = []
        for i in range(max(len(block), len(table))):
            left = block[i] if i < len(block) else [None] * 4
            rows.append([*left, *gap, *table[i]] if i < len(table) else left)
        data = xlsx(("Sheet1", rows))
    else:
        data = xlsx(("汇总", block), ("明细", table))
    doc = inspect_bytes(data, "t.xlsx")
    assert_tangshan(doc)
    assert unit_rows(doc) == expected_units()
    assert doc["source"]["sheet"] == ("明细" if where == "sheet" else "Sheet1")
    assert len(found(doc, "UNIT_TOTALS_BLOCK")) == 1
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert len(mismatch) == 1 and "科工中心" in mismatch[0]["message"]
    stated = round(expected_units()[1][3] + 1, 2)
    assert (
        f"{stated:.2f}" in mismatch[0]["message"]
        and f"{expected_units()[1][3]:.2f}" in mismatch[0]["message"]
    )
    if where in ("beside", "touching"):
        assert doc["source"]["columns"]["project"] == "项目名称"
        column = read_dataset(data, "t.xlsx").table.source.columns[m.PROJECT]
        assert column == (7 if where == "beside" else 6)  # column H / G as the user sees it


def test_unit_block_counts_are_checked():
    block = _unit_block()
    block[1][1] = 4  # 科协本级 has 5 projects
    doc = inspect_bytes(xlsx(("汇总", block), ("明细", _project_rows())), "t.xlsx")
    assert_tangshan(doc)
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert (
        len(mismatch) == 1
        and "项目个数为 4" in mismatch[0]["message"]
        and "有 5 个" in mismatch[0]["message"]
    )


def test_when_two_sheets_could_be_the_table_the_choice_is_said_and_changeable():
    older = [r[:] for r in _project_rows()]
    older = [older[0], *older[1:6]]  # an earlier draft listing only 科协本级
    data = xlsx(("明细", _project_rows()), ("草稿", older))
    doc = inspect_bytes(data, "t.xlsx")
    assert_tangshan(doc)
    chosen = found(doc, "TABLE_CHOSEN")
    assert len(chosen) == 1 and "「明细」" in chosen[0]["message"] and "「草稿」" in chosen[0]["message"]
    draft = read_dataset(data, "t.xlsx", sheet="草稿").table
    assert len(draft.projects) == 5 and draft.source.sheet == "草稿"


def test_a_sheet_listing_units_yields_to_the_sheet_of_projects():
    units = [["序号", "项目名称", "单位", "预算数", "执行数"]]  # "projects" that are the units themselves
    units += [[i, u, u, b, e] for i, (u, _, b, e) in enumerate(expected_units(), 1)]
    units[2][4] = round(units[2][4] + 1, 2)  # 科工中心's 执行数 one 万元 off
    doc = inspect_bytes(xlsx(("汇总", units), ("明细", _project_rows())), "t.xlsx")
    assert doc["source"]["sheet"] == "明细"
    assert_tangshan(doc)
    assert len(found(doc, "UNIT_TOTALS_BLOCK")) == 1
    assert [f["where"] for f in found(doc, "TOTAL_MISMATCH")] == ["工作表「汇总」第3行「科工中心」"]


@pytest.mark.parametrize("where", ["above", "below"])
def test_a_list_of_units_on_the_project_sheet_is_checked_not_added(where):
    """The same list of units as "projects" above or below the real table, on one sheet."""
    units = [["序号", "项目名称", "预算数（万元）", "执行数（万元）"]]
    units += [[i, u, b, e] for i, (u, _, b, e) in enumerate(expected_units(), 1)]
    table = _project_rows()
    rows = [*units, [], *table] if where == "above" else [*table, [], *units]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert_tangshan(doc)
    assert unit_rows(doc) == expected_units()
    assert len(found(doc, "UNIT_TOTALS_BLOCK")) == 1 and "TOTAL_MISMATCH" not in codes(doc)


# --- 2. parent rows with 其中 children ------------------------------------------------------------------
@pytest.mark.parametrize("marker", ["其中：", "（1）", "(1)"])
def test_children_are_the_projects_and_the_parent_is_checked(marker):
    kids = TANGSHAN["科协本级"][1:4]  # 老科协经费, 会议费, 培训费
    parent = ("唐山市老科协各项经费", sum(k[1] for k in kids), sum(k[2] for k in kids))
    rows = [["序号", "项目名称", "调整预算数（万元）", "实际执行数（万元）"], [1, *TANGSHAN["科协本级"][0]]]
    rows.append([2, *parent])
    for j, k in enumerate(kids, 1):
        label = {"其中：": "其中：" if j == 1 else "", "（1）": f"（{j}）", "(1)": f"({j})"}[marker]
        rows.append([None, label + k[0], k[1], k[2]])
    rows.append([3, *TANGSHAN["科协本级"][4]])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    names = [r["project"] for r in doc["rows"]]
    assert names == [TANGSHAN["科协本级"][0][0], *(k[0] for k in kids), TANGSHAN["科协本级"][4][0]]
    rows_ = TANGSHAN["科协本级"]
    assert doc["totals"]["budget"] == round(sum(r[1] for r in rows_), 2)
    assert doc["totals"]["executed"] == round(sum(r[2] for r in rows_), 2)
    assert len(found(doc, "PARENT_ROW")) == 1 and "TOTAL_MISMATCH" not in codes(doc)
    assert [t["label"] for t in doc["reported_totals"]] == [parent[0]]


def test_a_parent_that_disagrees_with_its_children_is_a_total_mismatch():
    rows = [
        ["项目名称", "调整预算数（万元）", "实际执行数（万元）"],
        ["科学普及经费", 100, 88],
        ["（1）唐山市科普专项经费", 60, 59.99],
        ["（2）科创中国及科创河北试点城市建设", 40, 39.9],
    ]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["totals"] == {"budget": 100.0, "executed": 99.89, "execution_rate": 99.89}
    mismatch = found(doc, "TOTAL_MISMATCH")
    assert len(mismatch) == 1 and "88.00" in mismatch[0]["message"] and "99.89" in mismatch[0]["message"]


# --- 2. formulas without values and error cells --------------------------------------------------------
def test_a_formula_without_a_stored_value_is_named_with_what_to_do():
    rows = [["项目名称", "调整预算数（万元）", "实际执行数（万元）"]]
    rows += [[name, b, e] for _, name, b, e in PROJECTS[:4]]
    # (plain arithmetic — =SUM(B2:B5) — is worked out: tests/test_formulas.py; a lookup cannot be)
    rows.append(["合计", '=SUMIF(A2:A5,"<>",B2:B5)', "=SUBTOTAL(9,C2:C5)"])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    missing = found(doc, "FORMULA_WITHOUT_VALUE")
    assert len(missing) == 1 and "B6、C6" in missing[0]["message"]
    assert "保存一次" in missing[0]["message"]


def test_error_cells_are_quoted_with_their_cells():
    doc = inspect_bytes(hc.facts_workbook(), "facts.xlsx")
    errors = found(doc, "FORMULA_ERROR")
    assert len(errors) == 1 and "B5（#DIV/0!）" in errors[0]["message"]


# --- 4. points are not 得分率 ---------------------------------------------------------------------------
SCHEMES = {
    "henan": {"funds": 20, "output": 40, "benefit": 20, "satisfaction": 10},
    "mof": {"output": 50, "benefit": 30, "satisfaction": 10},
}
HEADS = {"funds": "资金管理", "output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标"}


@pytest.mark.parametrize(
    "scheme,style", [("henan", "得分（{w}分）"), ("henan", "（{w}分）"), ("mof", "得分({w}分)")]
)
def test_points_columns_become_rates(scheme, style):
    weights = SCHEMES[scheme]
    header = ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率"]
    header += [HEADS[k] + style.format(w=w) for k, w in weights.items()] + ["自评得分"]
    rows = [header]
    keys = ["funds", "output", "benefit", "satisfaction"]
    for i, (name, b, e, *rates, score) in enumerate(HENAN, 1):
        fr = dict(zip(keys, rates))
        if scheme == "mof":
            score = round(10 * min(e / b, 1) + sum(w * fr[k] for k, w in weights.items()), 2)
        rows.append([i, name, b, e, e / b, *(round(w * fr[k], 2) for k, w in weights.items()), score])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == 15
    assert len(found(doc, "POINTS_AS_RATE")) == len(weights)
    assert {f["severity"] for f in found(doc, "POINTS_AS_RATE")} == {"info"}
    assert doc["scheme"]["name"] == scheme and doc["scheme"]["reproduced_rows"] == 15
    assert not {"SCORE_MISMATCH", "SELF_FLAG_MISMATCH"} & set(codes(doc))
    short = sorted(
        int(r["seq"]) for r in doc["rows"] if any(f["code"] == "INDICATOR_SHORTFALL" for f in r["flags"])
    )
    truth = sorted(
        i
        for i, (_, _, _, *rates, _) in enumerate(HENAN, 1)
        if min(rates[k] for k in (range(4) if scheme == "henan" else (1, 2, 3))) < 1
    )
    assert short == truth


def test_points_without_a_named_weight_assume_the_usual_one_and_say_so():
    rows = [["项目名称", "预算数（万元）", "执行数（万元）", "资金管理得分", "产出指标得分率"]]
    rows += [[name, b, e, round(20 * f, 2), o] for name, b, e, f, o, *_ in HENAN]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assumed = found(doc, "POINTS_AS_RATE")
    assert len(assumed) == 1 and assumed[0]["severity"] == "warning" and "20 分" in assumed[0]["message"]
    table = read_dataset(xlsx(("Sheet1", rows)), "t.xlsx").table
    assert table.projects[m.RATE_FUNDS].round(2).tolist() == [round(f * 100, 2) for _, _, _, f, *_ in HENAN]


# --- 5. header wording ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "label,fieldname",
    [
        ("预算完成率", m.REPORTED_RATE),
        ("资金执行率", m.REPORTED_RATE),
        ("项目（政策）名称", m.PROJECT),
        ("二级项目名称", m.PROJECT),
        ("预算安排数（万元）", m.BUDGET),
        ("年度资金总额", m.BUDGET),
        ("实际支出", m.EXECUTED),
        ("执行金额（万元）", m.EXECUTED),
        ("自评分数", m.REPORTED_SCORE),
        ("综合得分", m.REPORTED_SCORE),
        ("年初预算数", m.INITIAL_BUDGET),
        ("项目个数", "project_count"),
    ],
)
def test_header_wording(label, fieldname):
    from jixiao.ingest.header import normalize_label

    assert match_field(normalize_label(label))[0] == fieldname


def test_a_table_in_other_wording_reads_to_the_same_figures():
    rows = [["项目（政策）名称", "年度资金总额", "执行金额", "资金执行率", "自评分数"]]
    rows += [[name, b, e, f"{e / b * 100:.2f}%", 95] for _, name, b, e in PROJECTS]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert_tangshan(doc)
    assert set(doc["source"]["columns"]) == {
        "project",
        "budget",
        "executed",
        "reported_execution_rate",
        "reported_score",
    }


def test_what_it_reads_in_the_readme_is_true():
    """Every wording the README's "What it reads" lists for a field is read as that field."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## What it reads") : readme.index("## How the numbers are computed")]
    listed = re.search(r"`jixiao/ingest/header.py` \((.*?)\); merged unit cells", section, re.S).group(1)
    groups = [g.replace("\n", "") for g in listed.split(";")]
    want = [
        m.PROJECT,
        m.BUDGET,
        m.EXECUTED,
        m.REPORTED_RATE,
        m.UNIT,
        None,
        m.REPORTED_SCORE,
        m.SELF_FLAG,
        m.REPORTED_GRADE,
        m.INITIAL_BUDGET,
    ]
    assert len(groups) == len(want)
    for group, fieldname in zip(groups, want):
        if fieldname is None:
            continue  # "the five 得分率 columns"
        words = re.findall(r"[\u4e00-\u9fff（）]+", group)
        assert words, group
        for word in words:
            if word in ("as", "its", "own", "field"):
                continue
            assert match_field(word.replace("（", "(").replace("）", ")"))[0] == fieldname, (word, fieldname)
    for phrase in ("HIDDEN_LEFT_OUT", "UNIT_TOTALS_BLOCK", "PARENT_ROW", "POINTS_AS_RATE", "COLUMN_CHOSEN"):
        assert f"`{phrase}`" in section


# --- 6. a printed 100% ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "printed,severity", [("100%", "info"), (1, "info"), ("100.00%", "warning"), ("１００％", "info")]
)
def test_a_printed_full_rate_below_100_is_said_with_both_numbers(printed, severity):
    rows = [
        ["项目名称", "预算数（万元）", "执行数（万元）", "执行率"],
        ["因公出国（境）", 10.3, 10.28, printed],
        ["培训-科协机关", 20, 20, printed],
    ]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    claims = found(doc, "RATE_MISMATCH")
    assert len(claims) == 1 and claims[0]["severity"] == severity
    assert (
        "因公出国" in claims[0]["where"]
        and "100" in claims[0]["message"]
        and "99.81%" in claims[0]["message"]
    )


# --- 7. scores without amounts --------------------------------------------------------------------------
def test_a_table_of_scores_alone():
    rows = [["序号", "项目名称", "自评得分"]]
    rows += [[i, name, score] for i, (name, *_, score) in enumerate(HENAN, 1)]
    rows.append([None, "合计", 96.39])  # the Henan 合计 is budget-weighted: unknowable without amounts
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == 15
    assert doc["scores"]["mean_simple"] == round(sum(h[-1] for h in HENAN) / 15, 2)
    assert not {"TOTAL_MISMATCH", "AMOUNT_UNIT_ASSUMED"} & set(codes(doc))
    assert len(found(doc, "TOTAL_SCORE_UNCHECKED")) == 1
    dup = found(doc, "DUPLICATE_PROJECT")
    assert len(dup) == 1 and "金额也完全相同" not in dup[0]["message"] and "没有金额" in dup[0]["message"]


def test_a_table_that_numbers_every_project_has_no_parents():
    """Seed 002 numbers each unit's projects "（1）…" under a unit heading; the heading's own money
    (when printed) adds up, so it is the parent; a project that is not their sum is not."""
    rows = [["项目名称", "调整预算数（万元）", "实际执行数（万元）"]]
    rows += [["唐山科技馆装修布展工程司法鉴定费", 60, 60]]  # an unnumbered project before numbered ones
    rows += [[f"（{k}）{name}", b, e] for k, (name, b, e) in enumerate(TANGSHAN["科工中心"], 1)]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == 5 and not found(doc, "PARENT_ROW")
    budget = round(60 + sum(r[1] for r in TANGSHAN["科工中心"]), 2)
    assert doc["totals"]["budget"] == budget
    heading = [
        "二、科工中心",
        sum(r[1] for r in TANGSHAN["科工中心"]),
        sum(r[2] for r in TANGSHAN["科工中心"]),
    ]
    doc = inspect_bytes(xlsx(("Sheet1", [rows[0], heading, *rows[2:]])), "t.xlsx")
    assert doc["projects"] == 4 and len(found(doc, "PARENT_ROW")) == 1
    assert doc["totals"]["budget"] == round(budget - 60, 2)
    assert unit_rows(doc) == [expected_units()[1]]  # the heading names the unit of its projects


def test_inspect_takes_the_report_year_and_the_hidden_switch(tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "唐山.xlsx"
    path.write_bytes(_two_years("prior_first", "2022年", "2023年", ""))
    run = [sys.executable, "-m", "jixiao", "inspect", str(path), "--json"]
    doc = json.loads(subprocess.run(run, capture_output=True, check=True, cwd=ROOT).stdout)
    assert doc["totals"]["budget"] == BUDGET and doc["source"]["report_year"] == 2023
    doc = json.loads(
        subprocess.run([*run, "--report-year", "2022"], capture_output=True, check=True, cwd=ROOT).stdout
    )
    assert doc["totals"]["budget"] == round(sum(round(p[2] * 1.1, 2) for p in PROJECTS), 2)
    data, stale = _with_hidden()
    path.write_bytes(data)
    doc = json.loads(
        subprocess.run([*run, "--include-hidden"], capture_output=True, check=True, cwd=ROOT).stdout
    )
    assert doc["projects"] == len(PROJECTS) + stale and doc["source"]["include_hidden"] is True


def test_error_text_in_a_csv_is_named_as_a_formula_error():
    rows = ["项目名称,调整预算数（万元）,实际执行数（万元）"]
    rows += [f"{name},{b},{e}" for _, name, b, e in PROJECTS[:3]]
    rows.append("维修费,40,#N/A")
    doc = inspect_bytes("\n".join(rows).encode("utf-8"), "t.csv")
    errors = found(doc, "FORMULA_ERROR")
    assert len(errors) == 1 and "C5（#N/A）" in errors[0]["message"]
    assert doc["totals"]["budget"] == round(sum(p[2] for p in PROJECTS[:3]) + 40, 2)


def test_a_title_year_the_header_does_not_name_is_not_the_report_year():
    """A report written in 2024 about 2023, and amounts like "2000万元" in the title, do not make the
    reader take 2022's columns: the latest year the header names is taken, and said as a 警告."""
    data = _two_years("prior_first", "2022年", "2023年", "2024年编制：2000万元以上项目执行情况")
    doc = inspect_bytes(data, "t.xlsx")
    assert_tangshan(doc)
    assert {f["severity"] for f in found(doc, "COLUMN_CHOSEN")} == {"warning"}


def test_a_points_table_whose_headers_name_a_scheme_of_their_own_is_scored_by_it():
    """资金管理 10, 产出 40, 效益 30, 满意度 10 and 执行率 the remaining 10: no preset; the headers say it."""
    weights = {"funds": 10, "output": 40, "benefit": 30, "satisfaction": 10}
    header = ["项目名称", "全年预算数（万元）", "全年执行数（万元）"]
    header += [f"{HEADS[k]}得分（{w}分）" for k, w in weights.items()] + ["自评得分"]
    rows = [header]
    keys = ["funds", "output", "benefit", "satisfaction"]
    for name, b, e, *rates, _ in HENAN:
        fr = dict(zip(keys, rates))
        score = round(10 * min(e / b, 1) + sum(w * fr[k] for k, w in weights.items()), 2)
        rows.append([name, b, e, *(w * fr[k] for k, w in weights.items()), score])
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["scheme"]["name"] == "header" and doc["scheme"]["label"] == "表头注明的分值"
    assert doc["scheme"]["weights"]["execution"] == 10 and doc["scheme"]["weights"]["benefit"] == 30
    assert doc["scheme"]["reproduced_rows"] == 15 and "SCORE_MISMATCH" not in codes(doc)


def test_an_empty_string_a_formula_returned_is_a_stored_value():
    from jixiao.ingest.workbook import load_sheets

    body = (
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
        '<row r="2"><c r="A2" t="str"><f>""</f><v></v></c><c r="B2"><f>NOW()</f><v></v></c>'
        '<c r="C2" t="inlineStr"><is><t>甲</t></is></c></row></sheetData>'
    )
    sheet = load_sheets(hc.xlsx([("S", body)]), "f.xlsx")[0]
    assert sheet.uncached_formulas == {(1, 1)}  # B2 was never calculated; A2 calculated to ""


@pytest.mark.parametrize(
    ("first", "second", "chosen", "said"),
    [
        ("初稿", "终稿", "终稿", "「终稿」是定稿"),
        ("汇总表（草稿）", "汇总表", "汇总表", "「汇总表（草稿）」是草稿或副本"),
        ("汇总表最终版", "汇总表备份", "汇总表最终版", "「汇总表最终版」是定稿"),
        ("汇总表", "汇总表 (2)", "汇总表", None),  # a copy by Excel's name alone says nothing
    ],
)
def test_two_equal_tables_the_one_named_final_is_read(first, second, chosen, said):
    """Two sheets with the same table, one named as a draft or the final version: the final one is read
    (the first sheet was, 初稿 before 终稿), and the choice says why."""
    head = ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）"]
    draft = [head, [1, "科普活动", 100.0, 90.0], [2, "学会服务", 50.0, 50.0]]
    final = [head, [1, "科普活动", 100.0, 95.0], [2, "学会服务", 50.0, 50.0]]
    tables = {first: draft, second: final} if chosen == second else {first: final, second: draft}
    doc = inspect_bytes(xlsx(*tables.items()), "t.xlsx")
    assert doc["source"]["sheet"] == chosen and doc["totals"]["executed"] == 145.0
    (choice,) = [f for f in doc["findings"] if f["code"] == "TABLE_CHOSEN"]
    assert (said in choice["message"]) if said else "按工作表名称" not in choice["message"]


def _filtered(condition: bool, draft_below: bool = False) -> bytes:
    """The 汇总表 with a filter on 单位 showing 科协本级 (科技馆's rows hidden by it)."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2023年度项目支出绩效自评汇总表"])
    ws.append(["序号", "单位", "项目名称", "全年预算数（万元）", "全年执行数（万元）"])
    for row in [(1, "科协本级", "科普活动", 100, 90), (2, "科技馆", "展品更新", 50, 50)]:
        ws.append(list(row))
    ws.append([3, "科协本级", "学会服务", 80, 60])
    ws.append([4, "科技馆", "场馆运行", 40, 30])
    ws.append(["", "", "合计", 270, 230])
    if draft_below:
        ws.append([])
        ws.append([5, "科技馆", "旧草稿项目", 999, 999])
        ws.row_dimensions[9].hidden = True
    ws.auto_filter.ref = "A2:E7"
    if condition:
        ws.auto_filter.add_filter_column(1, ["科协本级"])
    for r in (4, 6):
        ws.row_dimensions[r].hidden = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("draft_below", [False, True])
def test_rows_a_filter_hides_are_data(draft_below):
    """A table saved with a filter on (only 科协本级 showing): the rows the filter hides were left out as
    if they were drafts — the headline 180 of 270 万元 and two TOTAL_MISMATCH errors."""
    doc = inspect_bytes(_filtered(True, draft_below), "t.xlsx")
    assert doc["projects"] == 4 and doc["totals"]["budget"] == 270.0 and doc["totals"]["executed"] == 230.0
    (said,) = found(doc, "FILTERED_ROWS_READ")
    assert "第4、6行" in said["message"]
    assert not found(doc, "TOTAL_MISMATCH")
    # a row hidden outside the filtered range is still a draft kept out of sight
    assert bool(found(doc, "HIDDEN_LEFT_OUT")) == draft_below


def test_a_filter_with_no_condition_leaves_hidden_rows_hidden():
    doc = inspect_bytes(_filtered(False), "t.xlsx")
    assert doc["projects"] == 2 and doc["totals"]["budget"] == 180.0
    assert found(doc, "HIDDEN_LEFT_OUT") and not found(doc, "FILTERED_ROWS_READ")
