"""The 项目支出绩效自评报告 as a Word document in 公文 layout (jixiao.export.gongwen), from an analysis.

基本情况, 预算执行 (totals, per unit, the slowest projects, native charts), 绩效指标完成情况 (both
means named as such, grades, 得分率 per kind of indicator), 偏差及原因 (every flagged project, with the
reason typed for it or "未说明"), 审核发现, 问题与改进 (points the findings imply, for the user to
edit), the 落款, and the project table as 附表. A forms workbook is reported through its rolled-up
project table. The 部门决算说明 is jixiao.export.final_docx; jixiao.export.bundle builds both.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH

from jixiao import model as m
from jixiao.export import common as b
from jixiao.export.common import NO_REASON, reason_for
from jixiao.export.gongwen import BODY_W_MM, H1_FONT, MAX_TABLE_ROWS, Gongwen, _ChartSource, set_fonts
from jixiao.fmt import is_missing, num, pct, to_float, wan
from jixiao.summary.flags import (
    FLAG_LABELS,
    INDICATOR_SHORTFALL,
    LOW_EXECUTION,
    OVER_EXECUTION,
    SELF_FLAG_MISMATCH,
)

if TYPE_CHECKING:
    from jixiao.summary.analysis import Analysis

SELFEVAL_TITLE = "项目支出绩效自评报告"
DEPARTMENT_TITLE = "部门整体支出绩效自评报告"
RATE_CHART_BARS = 20


def selfeval_heading(unit: str, year: int | None, kind: str | None = None) -> str:
    title = DEPARTMENT_TITLE if kind == m.KIND_DEPARTMENT_FORM else SELFEVAL_TITLE
    return unit + (f"{year}年度" if year else "") + title


def _label(rec: Mapping, name: str, with_unit: bool) -> str:
    unit = rec.get(m.UNIT)
    if with_unit and not is_missing(unit) and str(unit).strip():
        return f"{name}（{unit}）"
    return name


def _units(analysis: Analysis) -> list[str]:
    """The distinct unit names of the projects, in order."""
    names = [str(u).strip() for u in analysis.projects[m.UNIT].tolist() if not is_missing(u)]
    return list(dict.fromkeys(n for n in names if n))


def _rates(frame: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(frame[m.EXECUTION_RATE], errors="coerce")


def _intro(g: Gongwen, analysis: Analysis, unit: str, year: int | None) -> None:
    n = len(analysis.projects)
    who = unit or "本单位"
    what = f"{year}年度" if year else "本年度"
    if analysis.table.kind == m.KIND_DEPARTMENT_FORM:
        source = "依据报送的《部门整体支出绩效自评表》"
        scope = "部门整体支出"
    elif analysis.table.kind == m.KIND_SELFEVAL_FORMS:
        source = f"依据报送的{n}张《项目支出绩效自评表》"
        scope = f"{n}个项目"
    else:
        source = "依据《项目单位自评汇总表》"
        scope = f"{n}个项目"
    g.paragraph(
        f"按照预算绩效管理有关要求，{who}对{what}{scope}开展了绩效自评。本报告{source}，"
        f"对预算数、执行数、执行率和自评得分逐项重新计算和核对后形成。现将有关情况报告如下。"
    )


def _basic(g: Gongwen, analysis: Analysis) -> None:
    g.heading(1, "基本情况")
    t = analysis.totals
    p = analysis.projects
    if analysis.table.kind == m.KIND_DEPARTMENT_FORM:
        text = "纳入自评的为部门整体支出"
    else:
        text = f"纳入自评的项目共{len(p)}个"
    units = analysis.units
    if len(_units(analysis)) > 1:
        text += f"，涉及{len(units)}个单位"
    text += f"，全年预算数{wan(t.get('budget'))}万元，全年执行数{wan(t.get('executed'))}万元。"
    no_budget = pd.to_numeric(p[m.BUDGET], errors="coerce").isna()
    # a form sharing its project code with another has its money counted there, said in MONEY_NOTE
    counted_elsewhere = (
        p[m.MONEY_NOTE].map(lambda x: isinstance(x, str) and bool(x)) if m.MONEY_NOTE in p else None
    )
    elsewhere = int((no_budget & counted_elsewhere).sum()) if counted_elsewhere is not None else 0
    missing_budget = int(no_budget.sum()) - elsewhere
    if elsewhere:
        text += f"其中{elsewhere}个项目的金额已计入同一项目编码的其他自评表，未重复计入合计。"
    if missing_budget:
        text += f"其中{missing_budget}个项目没有可用的预算数，未计入合计。"
    g.paragraph(text)
    src = analysis.table.source
    where = f"数据来源：{src.file or '上传文件'}"
    if src.sheet and analysis.table.kind not in m.FORM_KINDS:  # forms span many sheets
        where += f"（工作表“{src.sheet}”）"
    # left-aligned: a file name cannot break, and justifying the line before it would spread it thin
    g.paragraph(where + "。", align=WD_ALIGN_PARAGRAPH.LEFT)


def _execution(g: Gongwen, analysis: Analysis, source: _ChartSource) -> None:
    from jixiao.export import pptx as px
    from jixiao.export import pptx_blocks as pb

    g.heading(1, "预算执行情况")
    t = analysis.totals
    low = analysis.settings.low_threshold
    g.heading(2, "总体执行情况")
    rate = t.get("execution_rate")
    text = f"全年预算数{wan(t.get('budget'))}万元，执行数{wan(t.get('executed'))}万元，预算执行率{pct(rate)}"
    if rate is not None:
        text += "，低于" if rate < low - 1e-9 else "，达到"
        text += f"{pct(low)}的预警线"
        tp = analysis.time_progress
        if tp is not None:
            gap = rate - tp
            text += f"，{'快于' if gap >= 0 else '慢于'}序时进度（{pct(tp)}）{num(abs(gap))}个百分点"
    g.paragraph(text + "。")
    p = analysis.projects
    rates = _rates(p)
    over = int((rates > 100 + 1e-9).sum())
    no_rate = int(rates.isna().sum())
    counts = [
        f"执行率达到预警线的{int((rates >= low - 1e-9).sum())}个",
        f"低于预警线的{int((rates < low - 1e-9).sum())}个",
    ]
    if over:
        counts.append(f"其中超过100%的{over}个")
    if no_rate:
        counts.append(f"无法计算执行率的{no_rate}个")
    g.paragraph("按项目看，" + "，".join(counts) + "。")

    units = analysis.units
    if len(_units(analysis)) > 1:
        g.heading(2, "分单位执行情况")
        u = units.assign(_r=pd.to_numeric(units["execution_rate"], errors="coerce"))
        u = u.sort_values("_r", na_position="last", kind="stable")
        g.paragraph(f"{len(u)}个单位的执行情况见下表，按执行率从低到高排列。")
        rows = [
            [
                str(i + 1),
                b.project_name(r["unit"]),
                str(int(r["projects"])),
                wan(to_float(r["budget"])),
                wan(to_float(r["executed"])),
                pct(to_float(r["execution_rate"])),
            ]
            for i, r in enumerate(m.records(u.head(MAX_TABLE_ROWS)))
        ]
        g.table(
            ["序号", "单位", "项目数", "预算数", "执行数", "执行率"],
            rows,
            [12, 54, 16, 26, 26, 22],
            numeric=(2, 3, 4, 5),
            caption="各单位预算执行情况",
            unit_note="单位：万元",
        )
        slide = source.slide()
        px._rate_chart(
            slide,
            [b.project_name(x) for x in u["unit"].tolist()[:RATE_CHART_BARS]],
            [to_float(x) for x in u["_r"].tolist()[:RATE_CHART_BARS]],
            [_band(analysis, to_float(x)) for x in u["_r"].tolist()[:RATE_CHART_BARS]],
        )
        _page_ticks(slide)
        n = min(len(u), RATE_CHART_BARS)
        what = "各单位预算执行率" + (f"（执行率最低的{n}个）" if len(u) > n else "")
        g.charts(source.chart_parts(slide), [(BODY_W_MM, _bar_height(n))], what)

    g.heading(2, "执行较慢的项目")
    df = p.assign(_r=rates).sort_values("_r", na_position="last", kind="stable")
    slow = df[df["_r"] < low - 1e-9]
    if len(slow):
        names = b.project_labels(slow)
        listed = "、".join(f"{n}（{pct(r)}）" for n, r in zip(names[:10], slow["_r"].tolist()[:10]))
        more = f"等{len(slow)}个项目" if len(slow) > 10 else f"共{len(slow)}个项目"
        g.paragraph(f"执行率低于{pct(low)}的有：{listed}，{more}。")
    else:
        g.paragraph(f"没有执行率低于{pct(low)}的项目。")
    shown = df[df["_r"].notna()].head(RATE_CHART_BARS)
    if len(shown):
        from jixiao.summary.analysis import BAND

        slide = source.slide()
        px._rate_chart(
            slide,
            b.project_labels(shown, pb.LABEL_WIDTH),
            [to_float(x) for x in shown["_r"].tolist()],
            shown[BAND].tolist(),
        )
        _page_ticks(slide)
        what = "各项目预算执行率" + (f"（执行率最低的{len(shown)}个）" if len(df) > len(shown) else "")
        g.charts(source.chart_parts(slide), [(BODY_W_MM, _bar_height(len(shown)))], what)
        st = analysis.settings
        g.note(
            f"注：绿色为执行率达到{pct(st.low_threshold)}，橙色为{pct(st.amber_floor)}至{pct(st.low_threshold)}，"
            f"红色为低于{pct(st.amber_floor)}。各项目数字见附表。"
        )


def _page_ticks(slide) -> None:
    """A rate axis every 20 points: at page width the slide's every-10 labels would stand on end."""
    for shape in slide.shapes:
        if shape.has_chart:
            axis = shape.chart.value_axis
            axis.major_unit = max(axis.major_unit or 0, 20)


def _band(analysis: Analysis, rate: float | None) -> str:
    from jixiao.summary.compute import band_of

    st = analysis.settings
    return band_of(rate, st.low_threshold, st.amber_floor)


def _bar_height(n: int) -> float:
    return min(200.0, 28.0 + 7.5 * n)


def _scores(g: Gongwen, analysis: Analysis, source: _ChartSource) -> None:
    from components.charts import GRADE_ORDER, grade_counts

    g.heading(1, "绩效指标完成情况")
    s = analysis.scores
    p = analysis.projects
    g.heading(2, "自评得分")
    if not s:
        g.paragraph("自评表中没有可用的自评得分，无法计算平均分和评价等级。")
    else:
        weighted, simple = s.get("mean_budget_weighted"), s.get("mean_simple")
        text = (
            f"有自评得分的项目{s.get('scored_projects', len(p))}个。金额加权平均分{num(weighted)}分"
            f"（以各项目预算数为权数加权平均），简单平均分{num(simple)}分（各项目得分的算术平均）"
        )
        if weighted is not None and simple is not None and abs(weighted - simple) >= 0.005:
            higher = weighted > simple
            text += (
                f"。金额加权平均分{'高于' if higher else '低于'}简单平均分{num(abs(weighted - simple))}分，"
                f"说明预算规模较大的项目得分{'较高' if higher else '较低'}"
            )
        text += f"；90分以上的项目占{pct(s.get('share_90_plus'))}。"
        g.paragraph(text)
        c = analysis.choice
        g.paragraph(
            f"得分按“{c.scheme.label}”"
            + (f"（{c.scheme.describe()}）" if c.scheme.describe() else "")
            + "重新计算，"
            f"{c.comparable}个可比项目中有{c.reproduced}个与填报得分一致；"
            "平均分和等级采用填报得分，未填报的采用重新计算的得分。"
        )
        g.heading(2, "评价等级")
        counts = grade_counts(p)
        parts = [f"{grade}{counts[grade]}个" for grade in GRADE_ORDER]
        g.paragraph(
            "按优（90分及以上）、良（80分至90分）、中（60分至80分）、差（60分以下）划分，"
            + "，".join(parts)
            + "。"
        )
        slide = source.slide()
        _grade_chart(slide, counts)
        g.charts(source.chart_parts(slide), [(120, 70)], "评价等级分布")
    rows = _component_rows(analysis)
    if rows:
        g.heading(2, "各类指标得分率")
        g.paragraph("各类指标的得分率（得分占该类指标分值的百分比）按项目简单平均，未达100%的项目见下表。")
        g.table(
            ["指标类别", "填报项目数", "平均得分率", "未达100%的项目数"],
            rows,
            [44, 34, 40, 38],
            numeric=(1, 2, 3),
            caption="各类指标得分率",
        )


def _component_rows(analysis: Analysis) -> list[list[str]]:
    p = analysis.projects
    rows = []
    for comp, col in m.COMPONENT_COLUMNS.items():
        if col not in p:
            continue
        v = pd.to_numeric(p[col], errors="coerce")
        if not v.notna().any():
            continue
        rows.append(
            [
                m.COMPONENT_LABELS[comp],
                str(int(v.notna().sum())),
                pct(float(v.mean())),
                str(int((v < 100 - 1e-9).sum())),
            ]
        )
    return rows


def _grade_chart(slide, counts: Mapping[str, int]) -> None:
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Inches, Pt

    from components.charts import GRADE_COLORS, GRADE_ORDER
    from jixiao.export import pptx_blocks as pb

    data = pb.TextChartData(number_format="0")
    data.categories = [f"{g}" for g in GRADE_ORDER]
    data.add_series("项目数（个）", [counts[g] for g in GRADE_ORDER])
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(8), Inches(4.5), data
    ).chart
    pb._style_chart(chart, 16)
    chart.has_title = False
    chart.has_legend = False
    plot = chart.plots[0]
    plot.gap_width = 80
    plot.vary_by_categories = False
    plot.has_data_labels = True
    plot.data_labels.number_format = '0"个"'
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(16)
    for i, grade in enumerate(GRADE_ORDER):
        point = plot.series[0].points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = pb._rgb(GRADE_COLORS[grade])
    val = chart.value_axis
    val.minimum_scale = 0
    val.maximum_scale = max(1, math.ceil(max(counts.values(), default=0) * 1.25))
    val.tick_labels.number_format = "0"
    val.tick_labels.number_format_is_linked = False
    pb._gridlines(val)


def _deviations(g: Gongwen, analysis: Analysis, reasons: Mapping[str, str] | None) -> int:
    """偏差及原因; returns how many flagged projects have no reason."""
    g.heading(1, "偏差及原因")
    flagged = analysis.flagged
    if not len(flagged):
        g.paragraph("按预警规则核对，没有项目存在较大偏差。")
        return 0
    low = analysis.settings.low_threshold
    counts: dict[str, int] = {}
    for flags in flagged[m.FLAGS]:
        for code in dict.fromkeys(f.code for f in flags):
            counts[code] = counts.get(code, 0) + 1
    said = "，".join(f"{FLAG_LABELS.get(c, c)}{n}个" for c, n in counts.items())
    df = flagged.assign(_r=_rates(flagged)).sort_values("_r", na_position="last", kind="stable")
    names = b.project_labels(df)
    with_units = len(_units(analysis)) > 1
    rows, missing = [], 0
    for i, (name, rec) in enumerate(zip(names, m.records(df, [m.PROJECT, m.UNIT, m.CODE, "_r", m.FLAGS]))):
        why = reason_for(reasons, rec, name)
        if not why:
            missing += 1
        if i < MAX_TABLE_ROWS:  # the table shows these; the rest are counted
            label = _label(rec, name, with_units)
            what = "\n".join(f"{FLAG_LABELS.get(f.code, f.code)}：{f.reason}" for f in rec[m.FLAGS])
            rows.append([str(i + 1), label, pct(to_float(rec["_r"])), what, why or NO_REASON])
    text = (
        f"按执行率预警线{pct(low)}等规则核对，存在偏差的项目共{len(flagged)}个（{said}；"
        f"一个项目可能同时存在多种偏差）。"
    )
    text += (
        f"其中{missing}个项目尚未说明偏差原因，表中记为“{NO_REASON}”。"
        if missing
        else "各项目均已说明偏差原因。"
    )
    g.paragraph(text)
    shown = rows[:MAX_TABLE_ROWS]
    g.table(
        ["序号", "项目名称", "执行率", "偏差情况", "偏差原因"],
        shown,
        [10, 36, 18, 52, 40],
        numeric=(2,),
        caption="偏差项目及原因",
    )
    if len(df) > len(shown):
        g.note(f"注：仅列出执行率最低的{len(shown)}个，全部{len(df)}个见 Excel 导出的“项目明细”。")
    return missing


def _findings(g: Gongwen, analysis: Analysis) -> None:
    g.heading(1, "审核发现")
    problems = b.problem_findings(analysis)
    infos = [f for f in analysis.findings if f.severity == "info"]
    if not problems:
        g.paragraph(
            "对预算数、执行数、执行率、得分和合计行逐项重新计算核对，未发现错误或警告"
            + (f"；另有提示{len(infos)}条" if infos else "")
            + "。"
        )
        return
    errors = sum(1 for f in problems if f.severity == "error")
    g.paragraph(
        f"对预算数、执行数、执行率、得分和合计行逐项重新计算核对，发现问题{len(problems)}个"
        f"（错误{errors}个，警告{len(problems) - errors}个）"
        + (f"，另有提示{len(infos)}条" if infos else "")
        + "。问题如下表。"
    )
    shown = problems[:MAX_TABLE_ROWS]
    g.table(
        ["序号", "级别", "位置", "说明"],
        [
            [str(i + 1), m.SEVERITY_LABELS.get(f.severity, f.severity), f.where, f.message]
            for i, f in enumerate(shown)
        ],
        [10, 14, 52, 80],
        caption="审核发现的问题",
    )
    if len(problems) > len(shown):
        g.note(f"注：仅列出前{len(shown)}个，全部{len(problems)}个见 Excel 导出的“审核发现”。")


# codes of findings that say a printed figure disagrees with the recomputed one
_MISMATCH_CODES = ("RATE_MISMATCH", "SCORE_MISMATCH", "TOTAL_MISMATCH", "FORM_TOTAL_MISMATCH")


def improvement_points(analysis: Analysis, missing_reasons: int) -> list[tuple[str, str, str]]:
    """(problem, what the figures say, a suggested measure) per problem the flags and findings imply;
    the measures are a starting point for the user to edit."""
    codes: dict[str, int] = {}
    for flags in analysis.projects[m.FLAGS]:
        for code in dict.fromkeys(f.code for f in flags):
            codes[code] = codes.get(code, 0) + 1
    mismatches = [f for f in analysis.findings if f.code in _MISMATCH_CODES and f.severity != "info"]
    others = [f for f in b.problem_findings(analysis) if f.code not in _MISMATCH_CODES]
    low = pct(analysis.settings.low_threshold)
    candidates = [
        (
            codes.get(LOW_EXECUTION, 0),
            "部分项目预算执行偏慢",
            f"{{n}}个项目执行率低于{low}。",
            "加强项目前期准备，按进度计划及时支付资金，对执行缓慢的项目逐个分析原因并督促整改。",
        ),
        (
            codes.get(OVER_EXECUTION, 0),
            "个别项目执行数超过预算",
            "{n}个项目执行率超过100%。",
            "核实超支原因，严格按批复预算执行，确需调整的按程序办理预算调整。",
        ),
        (
            codes.get(INDICATOR_SHORTFALL, 0),
            "部分绩效指标未全部完成",
            "{n}个项目有指标得分率低于100%。",
            "科学设置绩效目标，加强绩效运行监控，对偏离目标的指标及时纠偏。",
        ),
        (
            codes.get(SELF_FLAG_MISMATCH, 0),
            "自评结论与实际偏差情况不一致",
            "{n}个项目填报的“是否有较大偏差”与按规则判断的结果不同。",
            "按自评要求如实判断和填报偏差情况。",
        ),
        (
            len(mismatches),
            "填报数据与重新计算的结果不一致",
            "执行率、得分或合计与重新计算结果不一致的{n}处（见“审核发现”）。",
            "填报后逐项复核计算，确保报表数字准确。",
        ),
        (
            len(others),
            "填报内容不完整或不规范",
            "其他审核问题{n}个（见“审核发现”）。",
            "按填报说明完整填写各栏目。",
        ),
        (
            missing_reasons,
            "偏差原因说明不到位",
            "{n}个存在偏差的项目尚未说明原因。",
            "逐项分析偏差原因并补充说明。",
        ),
    ]
    return [(head, fact.format(n=n), measure) for n, head, fact, measure in candidates if n]


def _improvements(g: Gongwen, analysis: Analysis, missing_reasons: int) -> None:
    g.heading(1, "问题与改进")
    points = improvement_points(analysis, missing_reasons)
    g.paragraph("以下问题根据数据核对结果列出，改进措施为参考意见，请结合实际情况修改完善。")
    if not points:
        g.paragraph("数据核对未发现需要说明的问题。")
        return
    g.heading(2, "存在的问题")
    for head, fact, _ in points:
        g.heading(3, head)
        g.paragraph(fact)
    g.heading(2, "改进措施")
    for i, (_, _, measure) in enumerate(points, start=1):
        g.paragraph(f"{i}.{measure}")


def _appendix(g: Gongwen, analysis: Analysis) -> None:
    p = analysis.projects
    if not len(p):
        return
    g.page_break()
    set_fonts(g.paragraph("附表", indent=False).runs[0]._r, H1_FONT)
    with_units = len(_units(analysis)) > 1
    df = p.head(MAX_TABLE_ROWS)
    names = b.project_labels(df)
    rows = []
    for i, (name, rec) in enumerate(
        zip(names, m.records(df, [m.UNIT, m.BUDGET, m.EXECUTED, m.EXECUTION_RATE, m.SCORE, m.GRADE]))
    ):
        grade = rec[m.GRADE]
        rows.append(
            [
                str(i + 1),
                _label(rec, name, with_units),
                wan(to_float(rec[m.BUDGET])),
                wan(to_float(rec[m.EXECUTED])),
                pct(to_float(rec[m.EXECUTION_RATE])),
                num(to_float(rec[m.SCORE])),
                "—" if is_missing(grade) or not grade else str(grade),
            ]
        )
    t = analysis.totals
    s = analysis.scores or {}
    rows.append(
        [
            "",
            "合计",
            wan(t.get("budget")),
            wan(t.get("executed")),
            pct(t.get("execution_rate")),
            num(s.get("mean_budget_weighted")),
            "",
        ]
    )
    g.table(
        ["序号", "项目名称", "预算数", "执行数", "执行率", "自评得分", "等级"],
        rows,
        [10, 54, 24, 24, 18, 16, 10],
        numeric=(2, 3, 4, 5),
        caption="项目自评情况汇总表",
        unit_note="单位：万元",
        bold_last=True,
    )
    notes = "注：执行率按执行数÷预算数重新计算；合计行的自评得分为金额加权平均分。"
    if len(p) > len(df):
        notes += f"仅列出前{len(df)}个项目，全部{len(p)}个见 Excel 导出的“项目明细”。"
    g.note(notes)


def build_selfeval_docx(
    analysis: Analysis,
    *,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
    reasons: Mapping[str, str] | None = None,
) -> bytes:
    """The 项目支出绩效自评报告 as .docx bytes. ``reasons`` maps a project (its code, "unit/project", or
    its name) to the 偏差原因 typed for it; a flagged project without one reads "未说明"."""
    if unit is None:
        named = _units(analysis)
        # forms name their 实施单位; one unit throughout is the report's unit
        unit = b.guess_unit(analysis) or (named[0] if len(named) == 1 else "")
    year = b.guess_year(analysis) if year is None else year
    today = today or date.today()
    g = Gongwen(selfeval_heading(unit, year, analysis.table.kind), author=unit)
    g.title()
    source = _ChartSource()
    _intro(g, analysis, unit, year)
    _basic(g, analysis)
    _execution(g, analysis, source)
    _scores(g, analysis, source)
    missing = _deviations(g, analysis, reasons)
    _findings(g, analysis)
    _improvements(g, analysis, missing)
    g.signature(unit, today)
    _appendix(g, analysis)
    return g.bytes()
