"""单位对比: every unit of one year side by side — execution-rate bars (slowest first, band colours,
threshold line), a ranking table, and the unit → project treemap. A unit is a stored dataset's unit;
when a dataset has its own 单位 column, its internal units can be shown instead.

Thin: the frames are jixiao.history.by_unit / combined_projects, the figures components.charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import charts, data, drill, links, storage, widgets
from components.links import through_app  # noqa: E402
from components.tables import show_table
from components.theme import BAND_LABELS
from jixiao import history as h
from jixiao.fmt import pct, round_half_up, wan
from jixiao.summary.compute import band_of

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "单位对比",
    "intro": "同一年度各单位已保存的数据并排比较：谁执行得慢、谁得分低，一眼可见。各单位按侧边栏的同一套设置计算。",
    "none": "还没有保存的数据集。在「数据导入」上传各单位的文件并保存后，这里并排比较各单位。",
    "to_import": "去导入数据",
    "year": "年度",
    "internal": "展开各单位表内的下级单位",
    "internal_help": "有的汇总表自带“单位”列（如科协本级、科技馆）：打开后按这些下级单位分别比较。",
    "failed": "「{unit}」的数据未能读取，未参加对比：{message}",
    "one_unit": "{year} 年度目前只保存了一个单位的数据；保存其他单位的数据后即可并排比较。",
    "units": "单位数",
    "budget": "预算总额（万元）",
    "rate": "总体执行率",
    "below": "低于预警线的单位",
    "below_value": "{n} 个",
    "summary": "{year} 年度 {n} 个单位，预算 {budget} 万元，执行 {executed} 万元，总体执行率 {rate}；"
    "执行率最高的是「{best}」（{best_rate}），最低的是「{worst}」（{worst_rate}）。",
    "bars": "各单位预算执行率",
    "bars_help": "从慢到快排列；红色虚线为预警线 {low}，颜色为红绿灯区间。点击单位的条形，下方列出该单位的项目。",
    "units_top": "共 {n} 个单位，图中显示执行率最低的 {k} 个；全部单位见下方排名表。",
    "unit_projects": "{units}的项目",
    "ranking": "排名",
    "treemap": "各单位预算规模与执行率",
    "treemap_help": "面积表示预算数，颜色表示执行率所在的红绿灯区间；点击单位可下钻到项目，点顶部路径返回。",
}
COL = {
    "rank": "排名",
    "unit": "单位",
    "projects": "项目数",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "rate": "执行率（%）",
    "band": "红绿灯",
    "weighted": "金额加权平均分",
    "simple": "简单平均分",
    "deviating": "偏差项目数",
}


def ranking_table(units: pd.DataFrame, low: float, amber: float) -> pd.DataFrame:
    def r2(col: str) -> list[float | None]:
        return [round_half_up(x) for x in pd.to_numeric(units[col], errors="coerce").tolist()]

    return pd.DataFrame(
        {
            COL["rank"]: units[h.RANK],
            COL["unit"]: units[h.UNIT],
            COL["projects"]: units[h.PROJECTS].astype(int),
            COL["budget"]: r2(h.BUDGET),
            COL["executed"]: r2(h.EXECUTED),
            COL["rate"]: r2(h.RATE),
            COL["band"]: [
                BAND_LABELS[band_of(None if pd.isna(r) else float(r), low, amber)] for r in units[h.RATE]
            ],
            COL["weighted"]: r2(h.WEIGHTED),
            COL["simple"]: r2(h.SIMPLE),
            COL["deviating"]: units[h.DEVIATING].astype(int),
        }
    )


heading = st.empty()  # names the year, known once the year is chosen below
heading.title(T["title"])
st.caption(T["intro"])

infos = storage.comparable_datasets_or_stop(T["none"], T["to_import"])

years = sorted({i.year for i in infos}, reverse=True)
if st.session_state.get("units_year") not in years:
    # the year with the most units, the latest among equals
    st.session_state["units_year"] = max(years, key=lambda y: (sum(i.year == y for i in infos), y))
c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
year = c1.selectbox(
    T["year"],
    years,
    key="units_year",
    format_func=lambda y: f"{y}年（{sum(i.year == y for i in infos)} 个单位）",
)

heading.title(f"{T['title']} · {year}年")
items = []
for info in sorted((i for i in infos if i.year == year), key=lambda i: i.unit):
    a, err = storage.analysis_of(info)
    if a is None:
        st.warning(widgets.md_escape(T["failed"].format(unit=info.unit, message=err)))
        continue
    items.append((info.unit, a))
if not items:
    st.stop()

internal = False
if any(h.has_internal_units(a) for _, a in items):
    internal = c2.toggle(T["internal"], value=len(items) == 1, key="units_internal", help=T["internal_help"])
units = h.by_unit(items, internal=internal)
if len(units) < 2:
    st.info(T["one_unit"].format(year=year))

s = data.settings()
projects = h.combined_projects(items, internal=internal)
budget = pd.to_numeric(units[h.BUDGET], errors="coerce").sum()
executed = pd.to_numeric(units[h.EXECUTED], errors="coerce").sum()
rate = executed / budget * 100 if budget > 0 else None
rated = units[units[h.RATE].notna()]
below = int((pd.to_numeric(units[h.RATE], errors="coerce") < s.low_threshold - 1e-9).sum())

if len(rated) >= 2:
    best, worst = rated.iloc[0], rated.iloc[-1]
    st.markdown(
        widgets.md_escape(
            T["summary"].format(
                year=year,
                n=len(units),
                budget=wan(budget),
                executed=wan(executed),
                rate=pct(rate),
                best=best[h.UNIT],
                best_rate=pct(best[h.RATE]),
                worst=worst[h.UNIT],
                worst_rate=pct(worst[h.RATE]),
            )
        )
    )
row = widgets.kpi_row()
row.metric(T["units"], f"{len(units)} 个", border=True)
row.metric(T["budget"], wan(budget), border=True)
row.metric(T["rate"], pct(rate), border=True)
row.metric(T["below"], T["below_value"].format(n=below), border=True)

st.subheader(T["bars"])
st.caption(T["bars_help"].format(low=pct(s.low_threshold)))
bars = data.bar_units(units)
if len(bars) < len(units):
    st.caption(T["units_top"].format(n=len(units), k=len(bars)))
drill.unit_chart(charts.unit_execution_bars(bars, s, title=""), key="units_bars")
chosen = [u for u in links.focus_units() if u in set(units[h.UNIT].astype(str))]
if chosen:
    head, clear = st.columns([4, 1], vertical_alignment="center")
    head.subheader(widgets.md_escape(T["unit_projects"].format(units="、".join(chosen))))
    with clear:
        drill.clear_units_button("units_clear_units")
    mine = data.pick_projects(projects, units=chosen, order="slowest")
    show_table(widgets.project_frame(mine), hide_index=True, column_config=widgets.PROJECT_COLUMN_CONFIG)

st.subheader(T["ranking"])
show_table(
    ranking_table(units, s.low_threshold, s.amber_floor),
    hide_index=True,
    column_config={
        COL["rank"]: st.column_config.NumberColumn(format="%d", width="small"),
        COL["budget"]: st.column_config.NumberColumn(format="%,.2f"),
        COL["executed"]: st.column_config.NumberColumn(format="%,.2f"),
        COL["rate"]: st.column_config.NumberColumn(format="%.2f%%"),
        COL["weighted"]: st.column_config.NumberColumn(format="%.2f"),
        COL["simple"]: st.column_config.NumberColumn(format="%.2f"),
    },
)

st.subheader(T["treemap"])
st.caption(T["treemap_help"])
widgets.show_chart(charts.execution_treemap(projects, s, title=""), key="units_treemap")
