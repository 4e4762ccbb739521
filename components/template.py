"""The blank 项目单位自评汇总表 template users download, built by one pure function.

Run ``python -m components.template`` to refresh sample_data/template_project_summary.xlsx from it.
The header texts are the ones printed on real tables, so the parser reads a filled-in template
without any correction.
"""

from __future__ import annotations

import io
import sys
from datetime import datetime
from pathlib import Path

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "sample_data" / "template_project_summary.xlsx"
DOWNLOAD_NAME = "项目单位自评汇总表_模板.xlsx"

TITLE = "XX单位 项目单位自评汇总表"
UNIT_LINE = "金额单位：万元"
# (header, example value, number format, column width)
COLUMNS: list[tuple[str, object, str | None, int]] = [
    ("序号", 1, None, 6),
    ("单位名称", "示例单位（可删除此列）", None, 18),
    ("项目名称", "示例项目（请替换为实际项目）", None, 30),
    ("全年预算数（万元）", 100.0, "#,##0.00", 14),
    ("全年执行数（万元）", 95.0, "#,##0.00", 14),
    ("预算执行率", 0.95, "0.00%", 11),
    ("资金管理情况得分率", 1.0, "0.00%", 11),
    ("成本指标得分率", "/", None, 11),
    ("产出指标得分率", 1.0, "0.00%", 11),
    ("效益指标得分率", 1.0, "0.00%", 11),
    ("满意度指标得分率", 1.0, "0.00%", 11),
    ("自评得分", 99.5, "0.00", 10),
    ("是否有较大偏差", "否", None, 10),
]
INSTRUCTIONS = [
    "填表说明",
    "1. 每个项目填一行；第 4 行是示例，请替换或删除。表头文字可以保留原样，也可以使用本单位的常用写法。",
    "2. 金额单位为万元，保留两位小数；如果按元填写，请把表头和“金额单位”一行改为“元”。",
    "3. 预算执行率 = 全年执行数 ÷ 全年预算数；看板会按金额重新计算，并与填写值核对。",
    "4. 各项得分率填百分比（如 95% 或 0.95）；不适用的指标填“/”，其权重按比例分摊到其他指标。",
    "5. 自评得分 = Σ 权重 × 得分率（权重方案可在看板侧栏选择或自定义，合计须为 100）。",
    "6. 是否有较大偏差填“是”或“否”；执行率低于 90% 或任一指标得分率低于 100% 时，一般应填“是”并说明原因。",
    "7. 有多个单位时保留“单位名称”列，每行填所属单位；只有一个单位时可删除该列。",
    "8. 可以在表格最后加“合计”行，看板会核对合计数与各行之和。",
]
FIXED_TIME = datetime(2024, 1, 1)  # document properties fixed so the file only changes when the layout does


def build_template() -> bytes:
    """The template workbook as bytes: a title, a unit line, the header, one example row, and a
    填表说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "项目单位自评汇总表"
    ncol = len(COLUMNS)
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.cell(row=2, column=1, value=UNIT_LINE)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DCE6F1")
    for j, (header, example, fmt, width) in enumerate(COLUMNS, start=1):
        h = ws.cell(row=3, column=j, value=header)
        h.font = Font(bold=True)
        h.fill = fill
        h.border = border
        h.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c = ws.cell(row=4, column=j, value=example)
        c.border = border
        if fmt:
            c.number_format = fmt
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "A4"
    notes = wb.create_sheet("填表说明")
    for i, line in enumerate(INSTRUCTIONS, start=1):
        cell = notes.cell(row=i, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            cell.font = Font(bold=True, size=14)
    notes.column_dimensions["A"].width = 100
    wb.properties.creator = "jixiao 绩效看板"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else TEMPLATE_PATH
    target.write_bytes(build_template())
    print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
