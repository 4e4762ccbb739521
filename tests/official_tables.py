"""Build a workbook of 部门决算公开表 (公开01–07表) as units publish them, from one year's figures.

Layouts follow the published tables: a title, "公开0X表", a line with the 部门 and the 金额单位, headers
over two or three rows under merged group cells, a 栏次 row, 行次 columns in the two-sided tables,
function classes as 类 / 款 rows with their codes. Options change what offices change: the unit (元),
the order of the sheets, the title only in the sheet name, the year, a second year's set.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from jixiao.final_accounts.figures import INCOME_SOURCES, YearFigures


@dataclass
class Style:
    unit: str = "万元"  # or "元"
    owner: str = "凉山州科学技术协会"
    title_in_rows: bool = True  # False: the title only in the sheet's name
    budget_columns: bool = False  # 公开05 with 年初预算数 beside 决算数
    subtotal_word: str = "合计"  # 公开05's column under 本年支出: 合计 or 小计
    three_public_down: bool = False  # 公开07 with the items down the rows


FUNCTION_CODES = {
    "一般公共服务支出": "201",
    "教育支出": "205",
    "科学技术支出": "206",
    "社会保障和就业支出": "208",
    "卫生健康支出": "210",
    "住房保障支出": "221",
}
FUNCTION_DETAIL = {  # a 款 under each 类, as the tables list them
    "科学技术支出": ("20601", "科学技术管理事务"),
    "社会保障和就业支出": ("20805", "行政事业单位养老支出"),
    "卫生健康支出": ("21011", "行政事业单位医疗"),
    "住房保障支出": ("22102", "住房改革支出"),
}


def _n(x: float | None, style: Style) -> Any:
    if x is None or x == "":
        return ""
    return round(x * 10000, 2) if style.unit == "元" else x


class _Sheet:
    def __init__(self, ws, style: Style):
        self.ws, self.style = ws, style

    def row(self, *cells: Any) -> int:
        self.ws.append(list(cells))
        return self.ws.max_row

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        self.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    def top(self, title: str, number: str, width: int, year: int) -> None:
        if self.style.title_in_rows:
            r = self.row(f"{year}年度{title}")
            self.merge(r, 1, r, width)
            self.row(*([""] * (width - 1)), number)
        self.row(f"部门：{self.style.owner}", *([""] * (width - 2)), f"金额单位：{self.style.unit}")


def _summary(s: _Sheet, yf: YearFigures, year: int, fiscal: bool) -> None:
    st = s.style
    width = 9 if fiscal else 6
    s.top(
        "财政拨款收入支出决算总表" if fiscal else "收入支出决算总表",
        "公开04表" if fiscal else "公开01表",
        width,
        year,
    )
    r = s.row("收入", "", "", "支出", *([""] * (width - 4)))
    s.merge(r, 1, r, 3)
    s.merge(r, 4, r, width)
    if fiscal:
        s.row(
            "项目",
            "行次",
            "金额",
            "项目",
            "行次",
            "合计",
            "一般公共预算财政拨款",
            "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款",
        )
        s.row("栏次", "", 1, "栏次", "", 2, 3, 4, 5)
        left = [
            ("一、一般公共预算财政拨款", yf.income.get("一般公共预算财政拨款收入")),
            ("二、政府性基金预算财政拨款", 0),
            ("三、国有资本经营预算财政拨款", 0),
        ]
    else:
        s.row("项目", "行次", "金额", "项目", "行次", "金额")
        s.row("栏次", "", 1, "栏次", "", 2)
        numerals = "一二三四五六七八"
        left = [(f"{numerals[k]}、{name}", yf.income.get(name)) for k, name in enumerate(INCOME_SOURCES)]
    right = [(f"{k}、{name}", yf.by_function.get(name)) for k, name in zip("一五六八十", FUNCTION_CODES)]
    right = [(label, yf.by_function.get(label.split("、")[1])) for label, _ in right]
    for k in range(max(len(left), len(right))):
        a = left[k] if k < len(left) else ("", None)
        b = right[k] if k < len(right) else ("", None)
        cells = [a[0], k + 1 if a[0] else "", _n(a[1], st), b[0], 32 + k if b[0] else "", _n(b[1], st)]
        if fiscal:
            cells += [_n(b[1], st), "", ""]
        s.row(*cells)
    current_in = yf.income_current
    current_out = yf.expenditure_current
    gb = yf.general_budget_expenditure
    if fiscal:
        s.row(
            "本年收入合计",
            "",
            _n(yf.fiscal_total, st),
            "本年支出合计",
            "",
            _n(yf.fiscal_total, st),
            _n(gb, st),
            "",
            "",
        )
        s.row("年初财政拨款结转和结余", "", "", "年末财政拨款结转和结余", "", "", "", "", "")
        s.row("总计", "", _n(yf.fiscal_total, st), "总计", "", _n(yf.fiscal_total, st), _n(gb, st), "", "")
    else:
        s.row("本年收入合计", "", _n(current_in, st), "本年支出合计", "", _n(current_out, st))
        s.row("使用非财政拨款结余", "", "", "结余分配", "", "")
        s.row("年初结转和结余", "", "", "年末结转和结余", "", "")
        s.row("总计", "", _n(yf.income_total, st), "总计", "", _n(yf.expenditure_total, st))


def _by_function(s: _Sheet, yf: YearFigures, title: str, number: str, columns: list[str], values) -> None:
    """公开02/03: 科目编码 | 科目名称 | columns…, a 合计 row, then 类 and 款 rows."""
    st = s.style
    width = 2 + len(columns)
    s.top(title, number, width, YEAR[0])
    r = s.row("项目", "", *columns)
    s.merge(r, 1, r, 2)
    for c in range(3, width + 1):
        s.merge(r, c, r + 1, c)
    s.row("科目编码", "科目名称", *([""] * len(columns)))
    s.row("栏次", "", *range(1, len(columns) + 1))
    r = s.row("合计", "", *[_n(x, st) for x in values(None)])
    s.merge(r, 1, r, 2)
    for name, code in FUNCTION_CODES.items():
        if name in yf.by_function:
            s.row(code, name, *[_n(x, st) for x in values(name)])
            detail = FUNCTION_DETAIL.get(name)
            if detail:
                s.row(detail[0], detail[1], *[_n(x, st) for x in values(name)])


YEAR = [2023]


def _general(s: _Sheet, yf: YearFigures) -> None:
    st = s.style
    gb = yf.general_budget_expenditure
    share = {k: v / gb if gb else 0 for k, v in yf.by_function.items()}
    basic, project = yf.expenditure.get("基本支出"), yf.expenditure.get("项目支出")

    def three(name):
        if name is None:
            return [gb, basic, project]
        v = yf.by_function[name]
        if basic is None:
            return [v, "", ""]
        return [v, round(basic * share[name], 2), round(v - basic * share[name], 2)]

    groups = [("本年支出", three)]
    if st.budget_columns:
        ib = yf.general_budget_initial_budget
        groups.insert(
            0, ("年初预算数", lambda name: [ib if name is None else round(ib * share[name], 2), "", ""])
        )
    width = 2 + 3 * len(groups)
    s.top("一般公共预算财政拨款支出决算表", "公开05表", width, YEAR[0])
    r = s.row("项目", "", *[x for g, _ in groups for x in (g, "", "")])
    s.merge(r, 1, r, 2)
    for k in range(len(groups)):
        s.merge(r, 3 + 3 * k, r, 5 + 3 * k)
    s.row("科目编码", "科目名称", *[x for _ in groups for x in (st.subtotal_word, "基本支出", "项目支出")])
    s.row("栏次", "", *range(1, 3 * len(groups) + 1))
    r = s.row("合计", "", *[_n(x, st) if x != "" else "" for _, f in groups for x in f(None)])
    s.merge(r, 1, r, 2)
    for name in yf.by_function:
        s.row(
            FUNCTION_CODES.get(name, "299"),
            name,
            *[_n(x, st) if x != "" else "" for _, f in groups for x in f(name)],
        )


def _basic(s: _Sheet, yf: YearFigures) -> None:
    st = s.style
    s.top("一般公共预算财政拨款基本支出决算表", "公开06表", 9, YEAR[0])
    r = s.row("人员经费", "", "", "公用经费", "", "", "", "", "")
    s.merge(r, 1, r, 3)
    s.merge(r, 4, r, 9)
    s.row(
        "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数", "科目编码", "科目名称", "决算数"
    )
    p, u = yf.personnel or 0, yf.public_use or 0
    s.row(
        "301",
        "工资福利支出",
        _n(round(p * 0.8, 2), st),
        "302",
        "商品和服务支出",
        _n(round(u * 0.9, 2), st),
        "307",
        "债务利息及费用支出",
        "",
    )
    s.row(
        "303",
        "对个人和家庭的补助",
        _n(round(p - round(p * 0.8, 2), 2), st),
        "30201",
        "办公费",
        _n(round(u * 0.1, 2), st),
        "310",
        "资本性支出",
        _n(round(u - round(u * 0.9, 2), 2), st),
    )
    r = s.row("人员经费合计", "", _n(p, st), "公用经费合计", "", "", "", "", _n(u, st))
    s.merge(r, 1, r, 2)
    s.merge(r, 4, r, 8)


def _three_public(s: _Sheet, yf: YearFigures) -> None:
    st = s.style
    tp = yf.three_public
    car = [tp.get("公务用车购置费"), tp.get("公务用车运行维护费")]
    car_total = round(sum(x for x in car if x is not None), 2)
    spent = [
        round(
            sum(x for x in (tp.get("因公出国（境）费"), car_total, tp.get("公务接待费")) if x is not None), 2
        ),
        tp.get("因公出国（境）费"),
        car_total,
        *car,
        tp.get("公务接待费"),
    ]
    title = "一般公共预算财政拨款“三公”经费支出决算表"
    if st.three_public_down:
        s.top(title, "公开07表", 3, YEAR[0])
        s.row("项目", "预算数", "决算数")
        for label, x in zip(
            [
                "合计",
                "1.因公出国（境）费",
                "2.公务用车购置及运行维护费",
                "（1）公务用车购置费",
                "（2）公务用车运行维护费",
                "3.公务接待费",
            ],
            spent,
        ):
            s.row(label, _n(x, st), _n(x, st))
        return
    s.top(title, "公开07表", 12, YEAR[0])
    r = s.row("预算数", *([""] * 5), "决算数", *([""] * 5))
    s.merge(r, 1, r, 6)
    s.merge(r, 7, r, 12)
    heads = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"]
    r = s.row(*heads, *heads)
    parts = ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]
    s.row(*parts, *parts)
    for base in (0, 6):
        for c in (1, 2, 6):
            s.merge(r, base + c, r + 1, base + c)
        s.merge(r, base + 3, r, base + 5)
    s.row(*range(1, 13))
    s.row(*[_n(x, st) for x in spent], *[_n(x, st) for x in spent])


def official_workbook(
    yf: YearFigures, year: int = 2023, style: Style | None = None, order=None, extra=None
) -> bytes:
    """Seven 公开表 of one year, one per sheet (``extra``: (year, YearFigures) of another year's set)."""
    wb = Workbook()
    wb.remove(wb.active)
    _add(wb, yf, year, style or Style(), order)
    if extra:
        _add(wb, extra[1], extra[0], style or Style(), order, suffix=f"（{extra[0]}）")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _add(wb, yf, year, style, order, suffix=""):
    YEAR[0] = year
    builders = {
        "公开01表 收入支出决算总表": lambda s: _summary(s, yf, year, False),
        "公开02表 收入决算表": lambda s: _by_function(
            s,
            yf,
            "收入决算表",
            "公开02表",
            [
                "本年收入合计",
                "财政拨款收入",
                "上级补助收入",
                "事业收入",
                "经营收入",
                "附属单位上缴收入",
                "其他收入",
            ],
            lambda name: (
                [yf.income_current, yf.income.get("一般公共预算财政拨款收入"), 0, 0, 0, 0, 0]
                if name is None
                else [yf.by_function[name], yf.by_function[name], "", "", "", "", ""]
            ),
        ),
        "公开03表 支出决算表": lambda s: _by_function(
            s,
            yf,
            "支出决算表",
            "公开03表",
            ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
            lambda name: (
                [
                    yf.expenditure_current,
                    yf.expenditure.get("基本支出"),
                    yf.expenditure.get("项目支出"),
                    0,
                    0,
                    0,
                ]
                if name is None
                else [yf.by_function[name], "", "", "", "", ""]
            ),
        ),
        "公开04表 财政拨款收入支出决算总表": lambda s: _summary(s, yf, year, True),
        "公开05表 一般公共预算财政拨款支出决算表": lambda s: _general(s, yf),
        "公开06表 一般公共预算财政拨款基本支出决算表": lambda s: _basic(s, yf),
        "公开07表 “三公”经费支出决算表": lambda s: _three_public(s, yf),
    }
    names = list(builders)
    for k in order or range(len(names)):
        name = names[k]
        title = name if not style.title_in_rows else name.split(" ")[0]
        builders[name](_Sheet(wb.create_sheet((title + suffix)[:31]), style))


def one_sheet(data: bytes) -> bytes:
    """The tables of a workbook one under the other on a single sheet, two blank rows between."""
    from openpyxl import load_workbook

    src = load_workbook(io.BytesIO(data))
    out = Workbook()
    ws = out.active
    ws.title = "部门决算公开表"
    for sheet in src.worksheets:
        top = ws._current_row
        for row in sheet.iter_rows(values_only=True):
            ws.append(list(row))
        for cells in sheet.merged_cells.ranges:
            ws.merge_cells(
                start_row=cells.min_row + top,
                start_column=cells.min_col,
                end_row=cells.max_row + top,
                end_column=cells.max_col,
            )
        ws.append([])
        ws.append([])
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
