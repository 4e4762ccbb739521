"""Build 部门整体支出绩效自评表 workbooks (one form for a whole department) with openpyxl.

``heshan_spec()`` rebuilds the form behind seed 001, the 2023 部门整体支出绩效自评报告 of 益阳市赫山区
科学技术协会, from the report's text: the money (整体支出 138.43万元 = 基本支出 118.43 + 项目支出 20), the
five aspects it was scored on (预算配置、预算执行、预算管理、职责履行、履职效益 under 投入/过程/产出/效益)
and the results it states (30场左右 科普活动, 流动科技馆 5万人次, 157场, 658个 作品, 约3000人次 培训,
60余篇 论文, 5项 发明, “三公”经费 0.7万元). The report prints no 全年执行数 and no scores; those below
are assumed (项目支出 18.48 of 20 spent, 满意度 9 of 10), and said so here so nobody takes them for the
report's. The other specs are layouts of the same kind of form seen elsewhere: 履职效能/管理效率/社会效应
with 指标性质 and 度量单位 columns and amounts in 元, and two departments stacked on one sheet.

Run ``python tests/department_forms.py`` to rewrite sample_data/heshan_2023_department_form.xlsx.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "heshan_2023_department_form.xlsx"


@dataclass
class DeptSpec:
    name: str = "益阳市赫山区科学技术协会"
    title: str = "部门整体支出绩效自评表（2023年度）"
    name_in_one_cell: bool = False  # "部门名称：…" in one cell instead of label | value
    name_row: bool = True  # False: no name line at all, the title says what the form is
    money_unit: str | None = "万元"
    # label, 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 (分值/得分 only when budget_scored)
    budget: list[list[Any]] = field(default_factory=list)
    budget_scored: bool = True
    goal_expected: str = ""
    goal_actual: str = ""
    nature_column: bool = False  # 指标性质 and 度量单位 columns
    # 一级, 二级, 三级, [指标性质], 年度指标值, [度量单位], 实际完成值, 分值, 得分, 偏差原因
    indicators: list[list[Any]] = field(default_factory=list)
    total_label: str = "总分"
    total: list[Any] = field(default_factory=list)  # 分值, 得分


def heshan_spec() -> DeptSpec:
    return DeptSpec(
        budget=[
            ["部门整体支出", 138.43, 138.43, 136.91, 10, "98.90%", 9.89],
            ["其中：基本支出", 118.43, 118.43, 118.43, "/", "100.00%", "/"],
            ["项目支出", 20, 20, 18.48, "/", "92.40%", "/"],
        ],
        goal_expected="开展全区科普知识宣传、科普惠农兴村计划和科普益民计划、全民科学素质行动，"
        "举办青少年科技创新大赛，发挥科技专家服务团作用。",
        goal_actual="全年开展科普活动30场左右，中国流动科技馆巡展接待5万人次，“百名院士进校园、万名科技"
        "工作者上讲台”157场，科技创新大赛收集作品658个，培训约3000人次。",
        indicators=[
            ["投入", "预算配置", "在职人员控制率", "≤100%", "100%", 5, 5, ""],
            ["投入", "预算配置", "“三公”经费支出", "≤0.8万元", "0.7万元", 5, 5, ""],
            ["过程", "预算执行", "预决算公开", "按规定公开", "已公开", 5, 5, ""],
            ["过程", "预算管理", "内部控制制度", "健全有效", "健全有效", 5, 5, ""],
            ["过程", "预算管理", "固定资产管理", "账实相符", "账实相符", 5, 5, ""],
            ["产出", "职责履行", "科普活动场次", "≥25场", "30场左右", 10, 10, ""],
            ["产出", "职责履行", "流动科技馆接待人次", "≥3万人次", "5万人次", 10, 10, ""],
            ["产出", "职责履行", "科技工作者上讲台活动场次", "≥150场", "157场", 5, 5, ""],
            ["产出", "职责履行", "科技创新大赛参赛作品", "≥600个", "658个", 5, 5, ""],
            ["效益", "履职效益", "实用技术培训人次", "≥3000人次", "约3000人次", 10, 10, ""],
            ["效益", "履职效益", "发表技术论文", "≥50篇", "60余篇", 10, 10, ""],
            ["效益", "履职效益", "获得发明专利", "≥3项", "5项", 5, 5, ""],
            ["满意度", "服务对象满意度", "群众满意度", "≥90%", "95%", 10, 9, "部分乡镇宣传覆盖不足"],
        ],
        total=[100, 98.89],
    )


def culture_spec() -> DeptSpec:
    """履职效能 / 管理效率 / 社会效应, 指标性质 and 度量单位 columns, amounts in 元, no budget score."""
    return DeptSpec(
        name="某区文化旅游体育局",
        title="2023年度部门整体支出绩效自评表",
        name_in_one_cell=True,
        money_unit="元",
        budget_scored=False,
        budget=[
            ["部门整体支出", "21,190,000.00", "23,456,700.00", "22,100,000.00", "94.22%"],
            ["基本支出", "15,000,000.00", "15,000,000.00", "15,000,000.00", "100.00%"],
            ["项目支出", "6,190,000.00", "8,456,700.00", "7,100,000.00", "83.96%"],
        ],
        goal_expected="保障文化惠民演出、全民健身赛事和公共文化服务。",
        goal_actual="完成文化惠民演出363场次，举办全民健身赛事18次。",
        nature_column=True,
        indicators=[
            ["履职效能", "重点工作完成", "文化惠民演出场次", "≥", 300, "次（项）", "363", 20, 20, ""],
            ["履职效能", "重点工作完成", "全民健身赛事", "≥", "25场", "", "18次", 15, 12, "受场地改造影响"],
            ["履职效能", "重点工作完成", "游客接待量", "≥", 15, "万人次", "16.2万人次", 15, 15, ""],
            ["管理效率", "预算管理", "预算执行率", "≥", 95, "%", "94.22%", 10, 9.92, "项目资金年底到位"],
            ["管理效率", "资产管理", "固定资产账实相符率", "＝", 100, "%", "100%", 10, 10, ""],
            ["管理效率", "成本控制", "“三公”经费", "≤", 5, "万元", 4.6, 10, 10, ""],
            ["社会效应", "社会效益", "群众文化活动参与人次", "≥", 30000, "人次", "3.2万人次", 10, 10, ""],
            ["社会效应", "满意度", "服务对象满意度", "≥", 90, "%", "85%", 10, 10, ""],
        ],
        total_label="合计",
        total=[100, 96.92],
    )


def stacked_specs() -> list[DeptSpec]:
    """Two departments on one sheet; the second prints a 总分 its parts do not add up to."""
    first = DeptSpec(
        name="某县农业农村局",
        budget=[
            ["部门整体支出", 500, 520, 510.5, 10, "98.17%", 9.82],
            ["其中：基本支出", 300, 300, 298.5, "/", "99.50%", "/"],
            ["项目支出", 200, 220, 212, "/", "96.36%", "/"],
        ],
        indicators=[
            ["投入", "预算配置", "财政供养人员控制率", "≤100%", "98%", 10, 10, ""],
            ["过程", "预算执行", "结转结余率", "≤5%", "4.5%", 10, 10, ""],
            ["产出", "职责履行", "高标准农田建设面积", "≥1.2万亩", "1.25万亩", 30, 30, ""],
            ["效益", "履职效益", "带动农户增收", "≥800户", "650户", 30, 30, ""],
            ["满意度", "服务对象满意度", "农户满意度", "≥90%", "93%", 10, 10, ""],
        ],
        total=[100, 99.82],
    )
    second = DeptSpec(
        name="某县水利局",
        budget=[
            ["部门整体支出", 300, 300, 240, 10, "80.00%", 8],
            ["其中：基本支出", 200, 200, 190, "/", "95.00%", "/"],
            ["项目支出", 100, 100, 50, "/", "50.00%", "/"],
        ],
        indicators=[
            ["投入", "预算配置", "在职人员控制率", "≤100%", "100%", 10, 10, ""],
            ["过程", "预算执行", "预算执行率", "≥90%", "80%", 10, 8, "项目未按期开工"],
            ["产出", "职责履行", "河道清淤长度", "≥20公里", "22公里", 30, 30, ""],
            ["效益", "履职效益", "防洪达标率", "≥95%", "96%", 30, 30, ""],
            ["满意度", "服务对象满意度", "群众满意度", "≥90%", "91%", 10, 10, ""],
        ],
        total=[100, 98],
    )
    return [first, second]


def write_department_form(ws, top: int, spec: DeptSpec, *, col: int = 1, merge_level1: bool = False) -> int:
    """Write one form with its top-left at (top, col); return the first free row after it (1-based)."""
    r = top

    def put(row: int, offset: int, value: Any) -> None:
        if value is not None and value != "":
            ws.cell(row=row, column=col + offset, value=value)

    put(r, 0, spec.title)
    ws.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + 9)
    r += 1
    if not spec.name_row:
        pass
    elif spec.name_in_one_cell:
        put(r, 0, f"部门名称：{spec.name}")
    else:
        put(r, 0, "部门（单位）名称")
        put(r, 1, spec.name)
        ws.merge_cells(start_row=r, start_column=col + 1, end_row=r, end_column=col + 5)
        put(r, 6, "填报日期")
        put(r, 7, "2024年3月")
    if spec.name_row:
        r += 1
    budget_top = r
    said = f"（{spec.money_unit}）" if spec.money_unit else ""  # None: the form names no unit
    if spec.budget_scored:
        put(r, 0, f"预算执行情况{said}（10分）")
        for k, text in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
            put(r, 2 + k, text)
    else:
        put(r, 0, f"年度预算执行情况{said}")
        for k, text in enumerate(["年初预算数", "全年预算数", "全年执行数", "执行率"]):
            put(r, 2 + k, text)
    r += 1
    for line in spec.budget:
        for k, value in enumerate(line):
            put(r, 1 + k, value)
        r += 1
    ws.merge_cells(start_row=budget_top, start_column=col, end_row=r - 1, end_column=col)
    if spec.goal_expected or spec.goal_actual:
        put(r, 0, "年度总体目标")
        put(r, 1, "预期目标")
        ws.merge_cells(start_row=r, start_column=col + 1, end_row=r, end_column=col + 4)
        put(r, 5, "实际完成情况")
        ws.merge_cells(start_row=r, start_column=col + 5, end_row=r, end_column=col + 8)
        put(r + 1, 1, spec.goal_expected)
        ws.merge_cells(start_row=r + 1, start_column=col + 1, end_row=r + 1, end_column=col + 4)
        put(r + 1, 5, spec.goal_actual)
        ws.merge_cells(start_row=r + 1, start_column=col + 5, end_row=r + 1, end_column=col + 8)
        ws.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)
        r += 2
    header = ["一级指标", "二级指标", "三级指标"]
    header += ["指标性质", "年度指标值", "度量单位"] if spec.nature_column else ["年度指标值"]
    header += ["实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    put(r, 0, "绩效指标（90分）" if spec.budget_scored else "绩效指标（100分）")
    for k, text in enumerate(header):
        put(r, 1 + k, text)
    indicator_top = r
    r += 1
    group_start, previous = r, None
    for row in spec.indicators:
        level1 = row[0]
        if merge_level1 and level1 != previous and previous is not None and r - 1 > group_start:
            ws.merge_cells(start_row=group_start, start_column=col + 1, end_row=r - 1, end_column=col + 1)
        if level1 != previous:
            group_start = r
        for k, value in enumerate(row):
            if k == 0 and merge_level1 and level1 == previous:
                continue
            put(r, 1 + k, value)
        previous = level1
        r += 1
    if merge_level1 and r - 1 > group_start:
        ws.merge_cells(start_row=group_start, start_column=col + 1, end_row=r - 1, end_column=col + 1)
    ws.merge_cells(start_row=indicator_top, start_column=col, end_row=r - 1, end_column=col)
    put(r, 0, spec.total_label)
    weight_col = len(header) - 2  # 分值 and 得分 under their own columns
    put(r, weight_col, spec.total[0])
    put(r, weight_col + 1, spec.total[1])
    r += 1
    return r


def department_workbook(sheets: dict[str, list[tuple[DeptSpec, dict[str, Any]]]], gap: int = 2) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, forms in sheets.items():
        ws = wb.create_sheet(name)
        r = 1
        for spec, options in forms:
            r = write_department_form(ws, r, spec, **options) + gap
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HESHAN_SCORING = [
    # 一级, 二级, 三级, 分值, 指标解释, 评分标准, 得分, 扣分原因 — the 部门整体支出绩效评价指标表 the 赫山 report was
    # scored against (预算配置、预算执行、预算管理、职责履行、履职效益); the scores are the fixture's.
    ["投入（15分）", "预算配置", "在职人员控制率", 5, "在职人员数÷编制数", "≤100%得满分", 5, ""],
    ["", "预算配置", "“三公”经费变动率", 5, "较上年变动", "下降或持平得满分", 5, ""],
    ["", "预算配置", "重点支出安排率", 5, "重点项目支出÷项目支出", "≥80%得满分", 5, ""],
    [
        "过程（35分）",
        "预算执行",
        "预算完成率",
        10,
        "全年执行数÷全年预算数",
        "100%得满分，每低1%扣0.1分",
        9.9,
        "项目支出结余1.52万元",
    ],
    ["", "预算执行", "预算调整率", 5, "调整数÷年初预算数", "未调整得满分", 5, ""],
    ["", "预算管理", "预决算信息公开性", 5, "按规定公开", "公开得满分", 5, ""],
    ["", "预算管理", "管理制度健全性", 5, "制度健全并执行", "健全得满分", 5, ""],
    ["", "预算管理", "资产管理安全性", 10, "账实相符", "相符得满分", 10, ""],
    ["产出（25分）", "职责履行", "实际完成率", 10, "完成数÷计划数", "100%得满分", 10, ""],
    ["", "职责履行", "完成及时率", 5, "按时完成", "及时得满分", 5, ""],
    ["", "职责履行", "质量达标率", 10, "达标数÷完成数", "100%得满分", 10, ""],
    ["效益（25分）", "履职效益", "社会效益", 10, "科普活动成效", "明显得满分", 10, ""],
    ["", "履职效益", "可持续影响", 5, "长效机制", "建立得满分", 5, ""],
    ["", "履职效益", "服务对象满意度", 10, "问卷调查", "≥90%得满分", 9, "部分乡镇宣传覆盖不足"],
]


def heshan_scoring_bytes() -> bytes:
    """The same department scored on a 部门整体支出绩效评价指标表: 分值 / 评分标准 / 得分, no 指标值 or 完成值,
    no money block, 一级指标 merged down with their points in the label."""
    wb = Workbook()
    ws = wb.active
    ws.title = "评价指标表"
    ws.append(["部门整体支出绩效评价指标表（2023年度）"])
    ws.merge_cells("A1:H1")
    ws.append(["部门名称：益阳市赫山区科学技术协会"])
    ws.append(["一级指标", "二级指标", "三级指标", "分值", "指标解释", "评分标准", "得分", "扣分原因"])
    top = ws.max_row + 1
    for row in HESHAN_SCORING:
        ws.append(row)
    starts = [top + k for k, row in enumerate(HESHAN_SCORING) if row[0]] + [top + len(HESHAN_SCORING)]
    for a, b in zip(starts, starts[1:]):
        ws.merge_cells(start_row=a, start_column=1, end_row=b - 1, end_column=1)
    ws.append(["合计", "", "", 100, "", "", 98.9, ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def heshan_bytes() -> bytes:
    return department_workbook({"部门整体支出绩效自评表": [(heshan_spec(), {})]})


if __name__ == "__main__":
    SAMPLE.write_bytes(heshan_bytes())
    print(f"wrote {SAMPLE}")
