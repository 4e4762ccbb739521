"""总览: the KPI cards a leader reads first, the traffic light, the slowest projects, and the units
ranked; a click on a unit lists its projects, a click on a project opens its detail."""

from __future__ import annotations

import streamlit as st

from components import charts, data, detail, drill, links, widgets
from components.links import through_app  # noqa: E402
from components.tables import show_table
from components.theme import BAND_LABELS
from jixiao import model as m
from jixiao.fmt import num, pct, round_half_up, wan
from jixiao.summary.compute import total_caveats
from jixiao.summary.flags import DEVIATION_RULE

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "总览",
    "summary": "共 {n} 个项目，预算总额 {budget} 万元，执行 {executed} 万元，总体执行率 {rate}。",
    "below": "执行率低于预警线 {low} 的项目 {k} 个。",
    "budget": "预算总额（万元）",
    "executed": "执行总额（万元）",
    "rate": "总体执行率",
    "rate_help": "执行总额 ÷ 预算总额（按各行金额重新计算，不取表中填报的执行率）。",
    "count": "项目数",
    "weighted": "金额加权平均分",
    "weighted_help": "按各项目预算金额加权的平均自评得分，预算大的项目分量大（汇总表“合计”行通常是这个口径）。",
    "simple": "简单平均分",
    "simple_help": "各项目自评得分的算术平均，每个项目分量相同。",
    "scores_wrong": "含 {n} 个与复核不符的填报得分",
    "deviating": "偏差项目数",
    "deviating_help": "按规则有较大偏差的项目：" + DEVIATION_RULE + "。与「偏差预警」「导出报告」同一口径。",
    "self_reported": "单位自报 {k} 个",
    "self_missing": "单位未填报",
    "issues": "审核问题数",
    "issues_help": "数字核对发现的错误和警告（另有提示另计），详见「数据导入」页。",
    "issues_detail": "错误 {e} · 警告 {w} · 提示 {i}",
    "faster": "快于序时进度 {gap} 个百分点",
    "slower": "慢于序时进度 {gap} 个百分点",
    "even": "与序时进度持平",
    "progress_note": "截至 {date}，序时进度为 {tp}。",
    "caveat": "合计含异常金额",
    "caveat_note": ":orange[:material/warning:] 预算总额、执行总额和总体执行率按各行金额合计，其中：{items}。详见「数据导入」的审核发现。",
    "lights": "执行率红绿灯",
    # ● in the band colour: emoji circles need a colour-emoji font many office PCs lack
    "lights_line": ":green[●] {g_label} {g} 个　:orange[●] {a_label} {a} 个　:red[●] {r_label} {r} 个",
    "lights_over": "　:violet[●] {label} {n} 个",
    "lights_none": "　:gray[●] 无法计算 {n} 个",
    "slowest": "执行最慢的项目",
    "slowest_chart": "执行率最低的 {n} 个项目，红色虚线为预警线；悬停可看预算数和执行数。",
    "slowest_none": "没有能计算执行率的项目（预算数或执行数缺失、为 0 或负数），详见「数据导入」的审核发现。",
    "units": "各单位执行情况",
    "units_help": "从慢到快排列；点击单位的条形，下方列出该单位的项目。",
    "units_top": "共 {n} 个单位，图中显示执行率最低的 {k} 个；全部单位见下方排名表。",
    "units_table": "单位排名（排名 1 执行最慢；点表头可按未执行金额排序）",
    "unit_projects": "{units}的项目",
    "projects_help": "选中一行（点行首的方框）查看项目详情：偏差原因、审核发现、历年情况。",
    "no_score": "—",
    "unit_pieces": "个",
    "points": "分",
    "items": "条",
}
SLOWEST_N = 8

st.title(data.heading(T["title"]))
a = widgets.analysis_or_stop("sample_overview")

s, p = a.settings, a.projects
tot = a.totals
tp = a.time_progress
rate = tot["execution_rate"]
below = int((p[m.EXECUTION_RATE] < s.low_threshold - 1e-9).sum())
st.markdown(
    T["summary"].format(n=len(p), budget=wan(tot["budget"]), executed=wan(tot["executed"]), rate=pct(rate))
    + T["below"].format(low=pct(s.low_threshold), k=below)
)

# --- KPI cards --------------------------------------------------------------------------------
delta, delta_color, arrow = None, "normal", "auto"
if tp is not None and rate is not None:
    # from the printed (2-decimal) figures, so the sentence agrees with the numbers on screen
    gap = round_half_up(rate) - round_half_up(tp)
    if abs(gap) < 0.005:
        delta, delta_color, arrow = T["even"], "gray", "off"
    elif gap > 0:
        delta, delta_color, arrow = T["faster"].format(gap=num(gap)), "green", "up"
    else:
        delta, delta_color, arrow = T["slower"].format(gap=num(-gap)), "red", "down"
caveats = total_caveats(p)
caveat = {"delta": T["caveat"], "delta_color": "orange", "delta_arrow": "off"} if caveats else {}
row1 = widgets.kpi_row()
# 万元 goes in the label: a long amount plus its unit would be cut off on a laptop screen
row1.metric(T["budget"], wan(tot["budget"]), border=True, **caveat)
row1.metric(T["executed"], wan(tot["executed"]), border=True, **caveat)
row1.metric(
    T["rate"],
    pct(rate),
    delta=delta,
    delta_color=delta_color,
    delta_arrow=arrow,
    help=T["rate_help"],
    border=True,
)
row1.metric(T["count"], f"{len(p)} {T['unit_pieces']}", border=True)

scores = a.scores or {}
groups = a.findings_by_severity()
n_err, n_warn, n_info = len(groups["error"]), len(groups["warning"]), len(groups["info"])
self_yes = sum(data.self_flagged(x) for x in p[m.SELF_FLAG])
# the means use the reported scores: where the audit recomputed some differently, say so on the card
wrong = len(charts.score_differences(p)) if scores else 0
score_note = (
    {"delta": T["scores_wrong"].format(n=wrong), "delta_color": "orange", "delta_arrow": "off"}
    if wrong
    else {}
)


def points(value: float | None) -> str:
    """A mean score on a card: "96.39 分", or "—" alone when there is none (no budgets to weight by)."""
    return T["no_score"] if value is None else f"{num(value)} {T['points']}"


row2 = widgets.kpi_row()
row2.metric(
    T["weighted"],
    points(scores.get("mean_budget_weighted")) if scores else T["no_score"],
    help=T["weighted_help"],
    border=True,
    **score_note,
)
row2.metric(
    T["simple"],
    points(scores.get("mean_simple")) if scores else T["no_score"],
    help=T["simple_help"],
    border=True,
    **score_note,
)
row2.metric(
    T["deviating"],
    f"{len(a.deviating)} {T['unit_pieces']}",
    delta=T["self_reported"].format(k=self_yes) if data.self_flag_column(a) else T["self_missing"],
    delta_color="gray",
    delta_arrow="off",
    help=T["deviating_help"],
    border=True,
)
row2.metric(
    T["issues"],
    f"{n_err + n_warn} {T['items']}",
    delta=T["issues_detail"].format(e=n_err, w=n_warn, i=n_info),
    delta_color="red" if n_err else "gray",
    delta_arrow="off",
    help=T["issues_help"],
    border=True,
)
widgets.excluded_caveat(a)
if tp is not None and s.as_of is not None:
    st.caption(T["progress_note"].format(date=s.as_of.isoformat(), tp=pct(tp)))
if caveats:
    st.caption(T["caveat_note"].format(items="；".join(caveats)))

# --- traffic light and slowest ----------------------------------------------------------------
counts = charts.band_counts(p)
left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader(T["lights"])
    line = T["lights_line"].format(
        g_label=BAND_LABELS["green"],
        g=counts["green"],
        a_label=BAND_LABELS["amber"],
        a=counts["amber"],
        r_label=BAND_LABELS["red"],
        r=counts["red"],
    )
    if counts["over"]:
        line += T["lights_over"].format(label=BAND_LABELS["over"], n=counts["over"])
    if counts["none"]:
        line += T["lights_none"].format(n=counts["none"])
    st.markdown(line)
    widgets.show_chart(charts.traffic_light(p, s, title=""), key="overview_lights")
with right:
    st.subheader(T["slowest"])
    slow = data.pick_projects(p[p[m.EXECUTION_RATE].notna()], order="slowest", top_n=SLOWEST_N)
    if slow.empty:  # an empty chart under "the 0 slowest projects" reads as a fault
        st.info(T["slowest_none"])
    else:
        st.caption(T["slowest_chart"].format(n=len(slow)))  # a table of 4 projects shows 4, not "8"
        drill.project_chart(charts.execution_bars(slow, s, tp, title=""), key="overview_slowest")

# --- units ranked; a unit's projects; a project's detail ----------------------------------------
listed = slow
if a.table.has_units:
    st.subheader(T["units"])
    st.caption(T["units_help"])
    bars = data.bar_units(a.units)
    if len(bars) < len(a.units):
        st.caption(T["units_top"].format(n=len(a.units), k=len(bars)))
    drill.unit_chart(charts.unit_execution_bars(bars, s, tp, title=""), key="overview_units")
    st.caption(T["units_table"])
    show_table(
        data.unit_ranking(a),
        hide_index=True,
        column_config={
            data.UCOL["rank"]: st.column_config.NumberColumn(format="%d", width="small"),
            data.UCOL["budget"]: st.column_config.NumberColumn(format="%,.2f"),
            data.UCOL["executed"]: st.column_config.NumberColumn(format="%,.2f"),
            data.UCOL["unexecuted"]: st.column_config.NumberColumn(format="%,.2f"),
            data.UCOL["rate"]: st.column_config.NumberColumn(format="%.2f%%"),
        },
    )
    chosen = [u for u in links.focus_units() if u in set(p[m.UNIT].dropna().astype(str))]
    if chosen:
        head, clear = st.columns([4, 1], vertical_alignment="center")
        head.subheader(widgets.md_escape(T["unit_projects"].format(units="、".join(chosen))))
        with clear:
            drill.clear_units_button("overview_clear_units")
        listed = data.pick_projects(p, units=chosen, order="slowest")
st.caption(T["projects_help"])
table = widgets.project_frame(listed, unexecuted=True).drop(
    columns=[widgets.PCOL["score"], widgets.PCOL["grade"]], errors="ignore"
)
drill.project_table(table, listed.index, key="overview_projects", column_config=widgets.PROJECT_COLUMN_CONFIG)
detail.show(a, links.focus_project(), "overview")
