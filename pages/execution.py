"""预算执行: execution rate per project (or per unit), the budget treemap, budget vs executed amounts.

A table of 1,000 projects does not make a 1,000-bar chart: past LARGE projects the charts show the
first N in the chosen order, and a search box finds any project by name.
"""

from __future__ import annotations

import streamlit as st

from components import charts, data, detail, drill, links, widgets
from components.links import through_app  # noqa: E402
from jixiao import model as m
from jixiao.fmt import pct, wan
from jixiao.summary.compute import totals

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "预算执行",
    "units": "单位",
    "units_placeholder": "全部单位",
    "search": "搜索项目名称",
    "search_placeholder": "输入项目名称中的文字",
    "view": "查看方式",
    "by_project": "按项目",
    "by_unit": "按单位",
    "order": "排序",
    "top_n": "图中显示项目数",
    "orders": {"slowest": "执行率最低", "fastest": "执行率最高", "largest": "预算最大"},
    "large_note": "共 {n} 个项目，图中显示{order}的前 {k} 个；其余项目见下方表格，或用搜索查找。",
    "selection": "当前范围：{n} 个项目，预算 {budget} 万元，执行 {executed} 万元，执行率 {rate}。",
    "reference": "图中红色虚线为执行率预警线 {low}",
    "reference_tp": "，灰色点线为序时进度 {tp}",
    "no_units": "此表没有单位列，按项目展示。",
    "no_match": "没有符合条件的项目。",
    "treemap": "预算规模与执行率",
    "treemap_help": "面积表示预算数，颜色表示执行率所在的红绿灯区间；点击单位可下钻到项目，点顶部路径返回。",
    "amounts": "预算数与执行数",
    "table": "项目明细",
    "unit_click": "点击单位的条形，列出该单位的项目。",
    "units_top": "共 {n} 个单位，图中显示执行率最低的 {k} 个；其他单位可在上方“单位”中选择。",
    "table_help": "选中一行（点行首的方框）或点击图中的条形，查看项目详情。",
}
LARGE = 60
DEFAULT_TOP = 30

st.title(data.heading(T["title"]))
a = widgets.analysis_or_stop("sample_execution")

s, p, tp = a.settings, a.projects, a.time_progress
has_units = a.table.has_units

c1, c2, c3 = st.columns([2, 2, 1])
units: list[str] = []
view = T["by_project"]
if has_units:
    unit_names = [str(u) for u in p[m.UNIT].dropna().unique()]
    units = drill.unit_filter(c1, unit_names, "exec_units", T["units"], T["units_placeholder"])
    if "exec_view" not in st.session_state:
        st.session_state["exec_view"] = T["by_project"]
    view = (
        c3.segmented_control(
            T["view"], [T["by_project"], T["by_unit"]], key="exec_view", persist_state="session"
        )
        or T["by_project"]
    )
else:
    c1.caption(T["no_units"])
query = c2.text_input(T["search"], key="exec_search", placeholder=T["search_placeholder"])

scope = data.pick_projects(p, units=units, query=query, order="slowest")
t = totals(scope)
st.markdown(
    T["selection"].format(
        n=len(scope), budget=wan(t["budget"]), executed=wan(t["executed"]), rate=pct(t["execution_rate"])
    )
)
st.caption(
    T["reference"].format(low=pct(s.low_threshold))
    + (T["reference_tp"].format(tp=pct(tp)) if tp is not None else "")
    + "。"
)

if scope.empty:
    st.info(T["no_match"])
    st.stop()

if view == T["by_unit"]:
    unit_table = a.units if not units else a.units[a.units["unit"].isin(units)]
    st.caption(T["unit_click"])
    bars = data.bar_units(unit_table)
    if len(bars) < len(unit_table):
        st.caption(T["units_top"].format(n=len(unit_table), k=len(bars)))
    # a click on a unit lists its projects: the filter is set and the view turns to 按项目
    drill.unit_chart(
        charts.unit_execution_bars(bars, s, tp),
        key="exec_unit_bars",
        then=lambda: st.session_state.update(exec_view=T["by_project"]),
    )
    shown = scope
else:
    shown = scope
    if len(scope) > LARGE:
        o1, o2 = st.columns([2, 3])
        order = o1.segmented_control(
            T["order"],
            list(T["orders"]),
            format_func=T["orders"].get,
            default="slowest",
            key="exec_order",
            persist_state="session",
        )
        order = order or "slowest"
        top_n = o2.slider(T["top_n"], 10, 100, DEFAULT_TOP, step=5, key="exec_top_n", persist_state="session")
        shown = data.pick_projects(scope, order=order, top_n=top_n)
        st.caption(T["large_note"].format(n=len(scope), order=T["orders"][order], k=len(shown)))
    drill.project_chart(charts.execution_bars(shown, s, tp), key="exec_bars")

st.subheader(T["treemap"])
st.caption(T["treemap_help"])
widgets.show_chart(charts.execution_treemap(scope, s, title=""), key="exec_treemap")

st.subheader(T["amounts"])
amounts = shown if len(shown) <= LARGE else data.pick_projects(shown, order="largest", top_n=DEFAULT_TOP)
widgets.show_chart(charts.budget_vs_executed(amounts, title=""), key="exec_amounts")

st.subheader(T["table"])
st.caption(T["table_help"])
drill.project_table(
    widgets.project_frame(scope), scope.index, key="exec_table", column_config=widgets.PROJECT_COLUMN_CONFIG
)
detail.show(a, links.focus_project(), "execution")
