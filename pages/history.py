"""历年对比: one unit's stored datasets year by year — execution rate, totals, the two mean scores —
and its projects of two years matched one to one (新增 / 取消 / the change of each figure).

Thin: the comparison is jixiao.history, the figures components.history_charts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, state, storage, widgets
from components import history_charts as hc
from components.links import through_app  # noqa: E402
from components.tables import show_table
from jixiao import history as h
from jixiao import model as m
from jixiao.fmt import num, pct, round_array, round_half_up, wan

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "历年对比",
    "intro": "同一单位各年度已保存的数据：执行率、预算与执行金额、平均得分的变化，以及逐个项目的增减。"
    "各年度按侧边栏的同一套设置计算。",
    "none": "还没有保存的数据集。在「数据导入」上传各年度的文件并保存后，这里按单位逐年对比。",
    "to_import": "去导入数据",
    "unit": "单位",
    "one_year": "「{unit}」目前只保存了 {year} 年度的数据；保存另一个年度的数据后即可对比。",
    "failed": "{year} 年度的数据未能读取，未参加对比：{message}",
    "rate": "{year}年执行率",
    "budget": "{year}年预算总额（万元）",
    "weighted": "{year}年金额加权平均分",
    "simple": "{year}年简单平均分",
    "delta": "{value} {unit}（比{year}年）",
    "even": "与{year}年持平",
    "trend": "逐年变化",
    "table": "各年度汇总",
    "projects": "项目逐项对比",
    "projects_intro": "两个年度都有项目编码时按编码匹配，否则按项目名称匹配（忽略空格、括号、横线和名称中的年份）。",
    "cur_year": "本年度",
    "prev_year": "对比年度",
    "same_year": "请选择两个不同的年度。",
    "counts": "延续 {kept} 个（按编码匹配 {by_code} 个，按名称匹配 {by_name} 个），"
    "新增 {new} 个，取消 {dropped} 个。",
    "show": "显示",
    "all": "全部",
    "rate_chart": "执行率变化最大的项目：空心点为{prev}年，实心点为{cur}年（颜色为{cur}年的红绿灯），"
    "数字为变化的百分点。",
    "no_kept": "两个年度没有能匹配上的项目。",
    "none_moved": "{prev}年与{cur}年都有的 {n} 个项目，执行率都没有变化，不再作图。",
}
COL = {
    "year": "年度",
    "projects": "项目数",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "rate": "执行率（%）",
    "weighted": "金额加权平均分",
    "simple": "简单平均分",
    "deviating": "偏差项目数",
    "below": "低于预警线项目数",
    "status": "状态",
    "matched": "匹配方式",
    "unit": "单位",
    "code": "项目编码",
    "project": "项目名称",
}
# in the order a leader reads them: how fast it spent, how much, how it scored, what it spent
FIGURE = {
    m.EXECUTION_RATE: "执行率（%）",
    m.BUDGET: "预算数（万元）",
    m.SCORE: "得分",
    m.EXECUTED: "执行数（万元）",
}
MONEY = "%,.2f"
STYLE_LIMIT = 500  # rows shown as text with "—" for blanks; longer tables keep numbers (sortable)
# column_config's printf formats and the same formats in Python
PY_FORMAT = {
    "%,.2f": "{:,.2f}",
    "%.2f": "{:.2f}",
    "%.2f%%": "{:.2f}%",
    "%+,.2f": "{:+,.2f}",
    "%+.2f": "{:+.2f}",
}


def year_table(years: pd.DataFrame) -> pd.DataFrame:
    def r2(col: str) -> list[float | None]:
        return [round_half_up(x) for x in pd.to_numeric(years[col], errors="coerce").tolist()]

    return pd.DataFrame(
        {
            COL["year"]: [f"{int(y)}年" for y in years[h.YEAR]],
            COL["projects"]: years[h.PROJECTS].astype(int),
            COL["budget"]: r2(h.BUDGET),
            COL["executed"]: r2(h.EXECUTED),
            COL["rate"]: r2(h.RATE),
            COL["weighted"]: r2(h.WEIGHTED),
            COL["simple"]: r2(h.SIMPLE),
            COL["deviating"]: years[h.DEVIATING].astype(int),
            COL["below"]: years[h.BELOW].astype(int),
        }
    )


def change_table(changes: pd.DataFrame, prev: int, cur: int) -> tuple[pd.DataFrame, dict]:
    out = pd.DataFrame(
        {
            COL["status"]: changes[h.STATUS],
            COL["unit"]: changes[h.UNIT].fillna(""),
            COL["project"]: changes[m.PROJECT],
        }
    )
    config: dict = {}
    for col, label in FIGURE.items():
        value_format = "%.2f%%" if col == m.EXECUTION_RATE else ("%.2f" if col == m.SCORE else MONEY)
        change_format = "%+,.2f" if col == m.BUDGET or col == m.EXECUTED else "%+.2f"
        change_name = f"{label}·变化" + ("（百分点）" if col == m.EXECUTION_RATE else "")
        for suffix, name, fmt in (
            (h.PREV, f"{label}·{prev}年", value_format),
            (h.CUR, f"{label}·{cur}年", value_format),
            (h.CHANGE, change_name, change_format),
        ):
            out[name] = round_array(
                pd.to_numeric(changes[col + suffix], errors="coerce").to_numpy(dtype=float)
            )
            config[name] = st.column_config.NumberColumn(format=fmt)
    out[COL["code"]] = changes[m.CODE].fillna("").to_numpy()
    out[COL["matched"]] = changes[h.MATCHED_BY].fillna("").to_numpy()
    drop = [c for c in (COL["unit"], COL["code"]) if not out[c].astype(bool).any()]
    return out.drop(columns=drop), config


def _delta(value: float | None, unit: str, year: int) -> dict:
    """st.metric's delta, e.g. +1.23 个百分点（比2022年） (st.metric reads the direction from the leading
    sign), or 与2022年持平 in grey without an arrow."""
    if value is None or pd.isna(value):
        return {}
    r = round_half_up(value) or 0.0
    if abs(r) < 0.005:
        return {"delta": T["even"].format(year=year), "delta_color": "gray", "delta_arrow": "off"}
    text = f"{r:+,.2f}" if unit == "万元" else f"{r:+.2f}"
    return {"delta": T["delta"].format(value=text, unit=unit, year=year)}


heading = st.empty()  # names the unit and its years, known once the unit is chosen below
heading.title(T["title"])
st.caption(T["intro"])

infos = storage.comparable_datasets_or_stop(T["none"], T["to_import"])

years_of: dict[str, list] = {}
for i in infos:
    years_of.setdefault(i.unit, []).append(i)
units = sorted(years_of, key=lambda u: (-len(years_of[u]), u))
open_id = st.session_state.get(state.STORED_ID)
open_unit = next((i.unit for i in infos if i.id == open_id), None)
if st.session_state.get("hist_unit") not in years_of:
    st.session_state["hist_unit"] = open_unit or units[0]
unit = st.selectbox(
    T["unit"], units, key="hist_unit", format_func=lambda u: f"{u}（{len(years_of[u])} 个年度）"
)

span = sorted(i.year for i in years_of[unit])
heading.title(
    f"{T['title']} · {widgets.md_escape(unit)} · "
    + (f"{span[0]}–{span[-1]}年" if len(span) > 1 else f"{span[0]}年")
)
items = []
for info in sorted(years_of[unit], key=lambda i: i.year):
    a, err = storage.analysis_of(info)
    if a is None:
        st.warning(widgets.md_escape(T["failed"].format(year=info.year, message=err)))
        continue
    items.append((info.year, a))
if len(items) < 2:
    if items:
        st.info(widgets.md_escape(T["one_year"].format(unit=unit, year=items[0][0])))
    st.stop()

s = data.settings()
years = h.by_year(items)
sentence = h.year_change_sentence(years)
if sentence:
    st.markdown(widgets.md_escape(sentence))

cur, prev = years.iloc[-1], years.iloc[-2]
y1, y0 = int(cur[h.YEAR]), int(prev[h.YEAR])


def _diff(col: str) -> float | None:
    a, b = cur[col], prev[col]
    if pd.isna(a) or pd.isna(b):
        return None
    return (round_half_up(float(a)) or 0.0) - (round_half_up(float(b)) or 0.0)


row = widgets.kpi_row()
row.metric(T["rate"].format(year=y1), pct(cur[h.RATE]), border=True, **_delta(_diff(h.RATE), "个百分点", y0))
# more money is neither good nor bad: grey
budget_delta = {"delta_color": "gray", **_delta(_diff(h.BUDGET), "万元", y0)}
row.metric(T["budget"].format(year=y1), wan(cur[h.BUDGET]), border=True, **budget_delta)
for key, col in (("weighted", h.WEIGHTED), ("simple", h.SIMPLE)):
    row.metric(
        T[key].format(year=y1),
        f"{num(cur[col])} 分" if not pd.isna(cur[col]) else "—",
        border=True,
        **_delta(_diff(col), "分", y0),
    )

st.subheader(T["trend"])
left, right = st.columns(2, gap="large")
with left:
    widgets.show_chart(hc.year_rates(years, s), key="hist_rates")
with right:
    widgets.show_chart(hc.year_amounts(years), key="hist_amounts")
widgets.show_chart(hc.year_scores(years), key="hist_scores")

st.subheader(T["table"])
show_table(
    year_table(years),
    hide_index=True,
    column_config={
        COL["budget"]: st.column_config.NumberColumn(format=MONEY),
        COL["executed"]: st.column_config.NumberColumn(format=MONEY),
        COL["rate"]: st.column_config.NumberColumn(format="%.2f%%"),
        COL["weighted"]: st.column_config.NumberColumn(format="%.2f"),
        COL["simple"]: st.column_config.NumberColumn(format="%.2f"),
    },
)

# --- project by project -------------------------------------------------------------------------
st.subheader(T["projects"])
st.caption(T["projects_intro"])
year_list = [y for y, _ in items]
by_year = dict(items)
c1, c2, c3 = st.columns([1, 1, 2])
if st.session_state.get("hist_cur") not in year_list:
    st.session_state["hist_cur"] = year_list[-1]
if st.session_state.get("hist_prev") not in year_list:
    st.session_state["hist_prev"] = year_list[-2]
cur_year = c1.selectbox(T["cur_year"], year_list[::-1], key="hist_cur", format_func=lambda y: f"{y}年")
prev_year = c2.selectbox(T["prev_year"], year_list[::-1], key="hist_prev", format_func=lambda y: f"{y}年")
if cur_year == prev_year:
    st.info(T["same_year"])
    st.stop()

changes = storage.project_changes(by_year[prev_year], by_year[cur_year])
counts = h.change_counts(changes)
st.markdown(T["counts"].format(**counts))
statuses = [T["all"], h.STATUS_NEW, h.STATUS_DROPPED, h.STATUS_KEPT]
shown_status = c3.segmented_control(T["show"], statuses, default=T["all"], key="hist_status") or T["all"]

kept_rates = changes.loc[changes[h.STATUS] == h.STATUS_KEPT, h.RATE + h.CHANGE].abs()
if counts["kept"] and not (kept_rates >= hc.MOVED).any():
    # every project spent at the same rate both years: an empty chart would look like a fault
    st.info(T["none_moved"].format(prev=prev_year, cur=cur_year, n=counts["kept"]))
elif counts["kept"]:
    st.caption(T["rate_chart"].format(prev=prev_year, cur=cur_year))
    widgets.show_chart(hc.rate_changes(changes, s, prev_year, cur_year, title=""), key="hist_rate_changes")
else:
    st.info(T["no_kept"])

shown = changes if shown_status == T["all"] else changes[changes[h.STATUS] == shown_status]
table, config = change_table(shown, prev_year, cur_year)
if len(table) <= STYLE_LIMIT:
    # A project new or dropped this year has no figures for the other year: "—", not "None".
    formats = {name: PY_FORMAT[c["type_config"]["format"]] for name, c in config.items()}
    text_table, text_config = widgets.numbers_as_text(table, formats)
    show_table(text_table, hide_index=True, column_config=text_config)
else:
    show_table(table, hide_index=True, column_config=config)
