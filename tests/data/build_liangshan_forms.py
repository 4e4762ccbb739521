"""Build sample_data/liangshan_2023_selfeval_forms_21.xlsx from tests/data/seed_004.txt.

The seed is the text of 凉山州科学技术协会's 2023 决算 report; its 附表 holds 21 部门预算项目支出绩效自评表
extracted from a PDF, one table cell per tab-led line and a blank line between table rows. This script
re-tables those forms, one per sheet, in the layout of sample_data/liangshan_2023_selfeval_forms.xlsx
(the 5-form sample). Every number and text is copied as printed, inconsistencies included, because the
workbook exists to show what the audit finds in real forms. Only PDF artefacts are undone: a row cut by a
page break is rejoined, whitespace inside a row label (``存在问 题``) is dropped, and blank cells of a
merged 一级指标 become one merged cell. The 项目基本情况 rows are left out, as in the 5-form sample.

Run from the repository root:  python tests/data/build_liangshan_forms.py
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "seed_004.txt"
OUT = ROOT / "sample_data" / "liangshan_2023_selfeval_forms_21.xlsx"

TITLE = "部门预算项目支出绩效自评表（2023年度）"
BUDGET_HEADER = [
    "年度预算数（万元）",
    "年初预算",
    "调整后预算数",
    "预算执行数",
    "预算执行率",
    "权重",
    "得分",
    "原因",
]
INDICATOR_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "完成值",
    "权重",
    "得分",
    "未完成原因分析",
]
INDICATOR_CELLS = 1 + len(INDICATOR_HEADER)  # the merged 绩效指标 column, then the ten fields
TEXT_ROWS = ("评价结论", "存在问题", "改进措施")
# Full-width spaces pad many cells of the PDF; they are layout, not content.
BLANK = " \t\u3000\xa0"
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
PERCENT = re.compile(r"^(-?\d+(\.\d+)?)%$")


@dataclass
class SeedForm:
    label: str = ""
    department: str = ""
    unit_label: str = ""
    unit: str = ""
    budget_title: str = ""
    budget: list[list[str]] = field(default_factory=list)
    # ("header", [绩效指标 cell, ten headers]) or ("row", [blank, ten fields]), in printed order
    indicators: list[tuple[str, list[str]]] = field(default_factory=list)
    total: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.label.split("-", 1)[-1]


def seed_rows(text: str) -> list[list[str]]:
    """Table rows of the 附表: lists of cell texts. A line without a leading tab continues the cell above."""
    lines = text.split("\n")
    first = lines.index("\t项目名称")
    rows: list[list[str]] = []
    cur: list[str] = []
    for line in lines[first:]:
        if line == "":
            if cur:
                rows.append(cur)
                cur = []
        elif line.startswith("\t"):
            cur.append(line[1:])
        elif cur:
            cur[-1] += "\n" + line
        else:
            cur.append(line)
    if cur:
        rows.append(cur)
    return rows


def clean(cell: str) -> str:
    return cell.strip(BLANK)


def label_of(row: list[str]) -> str:
    return re.sub(r"\s+", "", row[0]) if row else ""


def split_forms(rows: list[list[str]]) -> list[SeedForm]:
    forms: list[SeedForm] = []
    form: SeedForm | None = None
    pending: list[str] | None = None  # an indicator row cut by a page break
    in_basic = False
    for row in rows:
        label = label_of(row)
        if label == "项目名称":
            form = SeedForm(label=clean(row[1]))
            forms.append(form)
            in_basic = False
            continue
        if form is None or form.texts.get("改进措施") is not None:
            continue  # between forms or after the last one: titles, blank page rows, the report's charts
        if label == "主管部门":
            form.department, form.unit_label, form.unit = (clean(c) for c in row[1:4])
            form.unit_label = re.sub(r"\s+", "", form.unit_label)
        elif label == "项目基本情况":
            in_basic = True
        elif label.startswith("预算执行情况"):
            in_basic = False
            form.budget_title = label
            assert [clean(c) for c in row[1:]] == BUDGET_HEADER, row
        elif in_basic:
            continue
        elif len(row) == 9 and form.budget_title and not form.indicators:
            form.budget.append([clean(c) for c in row[1:]])
        elif label.startswith("绩效指标"):
            assert [clean(c) for c in row[1:]] == INDICATOR_HEADER, row
            form.indicators.append(("header", [label]))
        elif label == "合计":
            form.total = [clean(c) for c in row[1:]]
        elif label in TEXT_ROWS:
            form.texts[label] = clean(row[1])
        elif form.indicators and not form.total:
            cells = row if pending is None else pending + row
            if len(cells) < INDICATOR_CELLS:
                pending = cells
                continue
            assert len(cells) == INDICATOR_CELLS, cells
            pending = None
            form.indicators.append(("row", [clean(c) for c in cells]))
        else:
            raise ValueError(f"unexpected row in {form.label}: {row}")
    return forms


def number(text: str):
    """The printed number as int or float, or None for a blank; anything else stays text."""
    if text == "":
        return None
    if NUMBER.match(text):
        value = float(text)
        return int(value) if value.is_integer() else value
    return text


def rate(text: str):
    m = PERCENT.match(text)
    if m is None:
        return number(text)
    value = float(m.group(1)) / 100
    return int(value) if value.is_integer() else value


def sheet_title(i: int, form: SeedForm, used: set[str]) -> str:
    base = f"{i:02d}{form.name}"[:31]
    title, k = base, 2
    while title in used:
        title = f"{base[:28]}_{k}"
        k += 1
    used.add(title)
    return title


def write_form(ws, form: SeedForm) -> None:
    wrap = Alignment(wrap_text=True, vertical="center")
    ws.column_dimensions["D"].width = 40
    ws.append([TITLE])
    ws.merge_cells("A1:K1")
    ws.append(["项目名称", form.label])
    ws.merge_cells("B2:K2")
    ws.append(["主管部门", form.department, None, None, None, form.unit_label, form.unit])
    ws.append([form.budget_title, *BUDGET_HEADER])
    budget_top = ws.max_row
    for cells in form.budget:
        kind, *money, pct, weight, score, reason = cells
        row = [None, kind, *(number(x) for x in money), rate(pct), number(weight), number(score)]
        ws.append(row + ([reason] if reason else []))
        ws.cell(ws.max_row, 6).number_format = "0.00%"
    ws.merge_cells(start_row=budget_top, start_column=1, end_row=ws.max_row, end_column=1)

    block_top = level1_top = None

    def close_block() -> None:
        if block_top is not None and ws.max_row > block_top:
            ws.merge_cells(start_row=block_top, start_column=1, end_row=ws.max_row, end_column=1)
        close_level1()

    def close_level1() -> None:
        if level1_top is not None and ws.max_row > level1_top:
            ws.merge_cells(start_row=level1_top, start_column=2, end_row=ws.max_row, end_column=2)

    for kind, cells in form.indicators:
        if kind == "header":
            close_block()
            ws.append([cells[0], *INDICATOR_HEADER])
            block_top, level1_top = ws.max_row, None
            continue
        _, level1, level2, level3, nature, target, unit, actual, weight, score, reason = cells
        if level1:
            close_level1()
        ws.append(
            [
                None,
                level1 or None,
                level2 or None,
                level3 or None,
                nature or None,
                number(target),
                unit or None,
                actual or None,  # 完成值 stays text, as in the 5-form sample ("89%", "16.2")
                number(weight),
                number(score),
                reason or None,
            ]
        )
        ws.cell(ws.max_row, 4).alignment = wrap
        if level1:
            level1_top = ws.max_row
    close_block()

    ws.append(["合计", *(number(x) for x in form.total if x != "")])
    for label in TEXT_ROWS:
        ws.append([label, form.texts[label]])
        ws.cell(ws.max_row, 2).alignment = wrap


def build(seed: Path = SEED) -> Workbook:
    forms = split_forms(seed_rows(seed.read_text(encoding="utf-8")))
    if len(forms) != 21:
        raise ValueError(f"expected 21 forms in {seed.name}, found {len(forms)}")
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for i, form in enumerate(forms, start=1):
        write_form(wb.create_sheet(sheet_title(i, form, used)), form)
    return wb


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    build().save(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
