"""监控: 支出进度 against 序时进度 snapshot by snapshot for one unit's year, the gap ranked in 红/黄/绿,
结余 tiers, 偏差原因 with the 待说明 list, and the month's 监控通报 (.docx / .xlsx)."""

from __future__ import annotations

import functools
from datetime import date

import pandas as pd
import streamlit as st

from components import data, reasons, state, storage, widgets
from components import monitor_charts as mc
from components import monitor_view as mv
from components.tables import show_table
from jixiao import model as m
from jixiao.fmt import pct, wan
from jixiao.monitor import bulletin
from jixiao.monitor import compute as c
from jixiao.monitor.series import indicators, notes_of
from jixiao.store import monitor as sm

T = {
    "title": "监控",
    "intro": "绩效运行监控：同一单位同一年度的各期数据（按截至日期）排成序列，与序时进度比较。{rules}。",
    "sample": "使用示例数据",
    "sample_on": "正在查看示例数据（唐山市科协 2023 年，逐月数据为虚构，仅本次会话）。",
    "leave": "退出示例数据",
    "series": "单位与年度",
    "series_fmt": "{unit} · {year}年（已存 {n} 个截至日期）",
    "none": "还没有监控数据：请在上面的「添加一期数据」上传某一截至日期的项目执行表（或月度执行表），或先用示例数据看看效果。",
    "add": "添加一期数据",
    "file": "项目执行表、月度执行表或年中自评表（Excel / CSV，或表格在 Word 文档里）",
    "unit": "单位",
    "year": "年度",
    "year_placeholder": "按文件",
    "year_help": "不填则按文件中的年度（标题、表头或月份），再按截至日期。",
    "as_of": "截至日期",
    "as_of_help": "这一期数据的截至日期；月度执行表可不填，按最后有数的月末；"
    "表格标题、文件名、执行数的表头或表下注释写明“截至2023年9月30日”“2023年1-9月”“截至9月30日执行数”时也可不填。",
    "save": "保存这一期",
    "settings": "监控设置（红黄绿边界、结余档次）",
    "k_as_of": "截至日期",
    "k_tp": "序时进度",
    "k_rate": "支出进度",
    "k_gap": "与序时进度差",
    "k_red": "红灯项目",
    "k_wait": "待说明",
    "points": "{v} 个百分点",
    "pieces": "{n} 个",
    "unspent_delta": "结余 {v} 万元",
    "units_lines": "各单位支出进度与序时进度",
    "whole": "全系统",
    "projects_lines": "项目支出进度与序时进度",
    "pick_projects": "选择项目（默认为差距最大的几个）",
    "units_rank": "各单位与序时进度的差距（截至 {d}）",
    "units_rank_top": "各单位与序时进度的差距（截至 {d}，差距最大的 {n} 个）",
    "projects_rank": "项目与序时进度的差距（差距最大的 {n} 个）",
    "no_gap": "没有能计算支出进度的项目（预算数为 0、负数或缺失），无法与序时进度比较；请核实预算数。",
    "scatter": "差距与结余：右下方为进度慢且结余多的项目",
    "units_table": "单位排名",
    "units_lines_top": "共 {n} 个单位，折线图画出与序时进度差距最大的 {k} 个；全部单位见下方排名。",
    "projects_table": "项目明细（截至 {d}）",
    "gone": "已不在最新一期中的项目：{names}。",
    "new": "年中新增的项目：{names}。",
    "renamed": "各期名称不同、按同一单位或项目连续监控：",
    "reasons": "偏差原因（红灯项目）",
    "indicators": "指标完成进度（年中自评表，截至 {d}）",
    "indicators_note": "年中数据：完成值为截至日期的实际完成情况。正向指标的完成进度（完成值 ÷ 指标值）与序时进度比较；"
    "反向、等于和定性指标只列出数值，不按进度判定。",
    "bulletin": "监控通报",
    "docx": "下载通报（Word）",
    "xlsx": "下载通报（Excel）",
    "sources": "数据来源：{files}",
    "notes": "以下已保存的数据无法读取，未计入：",
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOP_PROJECTS = 15
DEFAULT_LINES = 6

st.title(T["title"])
s_now = data.settings()
st.caption(T["intro"].format(rules=c.band_rules(s_now)))
mv.show_notice()

store, error, is_sample = mv.current_store()
if store is None:
    st.error(widgets.md_escape(error or storage.T["failed"]))
    st.stop()

with st.container(horizontal=True, vertical_alignment="center"):
    if is_sample:
        st.info(T["sample_on"], icon=":material/science:")
        st.button(T["leave"], key="mon_leave_sample", on_click=mv.leave_sample)
    else:
        st.button(T["sample"], key="sample_monitor", type="primary", on_click=mv.load_sample)

series, err = storage.call(sm.series, store)
if err:
    st.error(widgets.md_escape(err))
    st.stop()
series = series or []
chosen = st.session_state.get(state.MONITOR_SERIES)
options = [(u, y) for u, y, _ in series]
counts = {(u, y): n for u, y, n in series}

with st.expander(T["add"], expanded=not options, icon=":material/add_chart:"):
    if not storage.can_edit():
        storage.edit_hint()
    else:
        with st.form("mon_add", border=False):
            up = st.file_uploader(T["file"], type=widgets.WORKBOOK_TYPES, key="mon_upload")
            c1, c2, c3 = st.columns(3)
            unit_in = c1.text_input(T["unit"], value=(chosen or ("", None))[0], key="mon_unit")
            year_in = c2.number_input(
                T["year"],
                min_value=1990,
                max_value=2100,
                step=1,
                value=None,  # the 月度执行表 states its year; today's year was stored for a 2023 file
                placeholder=T["year_placeholder"],
                help=T["year_help"],
                key="mon_year",
            )
            as_of_in = c3.date_input(
                T["as_of"], value=None, help=T["as_of_help"], format="YYYY-MM-DD", key="mon_as_of"
            )
            if st.form_submit_button(T["save"], icon=":material/save:", key="mon_add_submit"):
                level, text = mv.save_snapshot(store, up, unit_in, year_in, as_of_in)
                st.session_state[state.MONITOR_NOTICE] = (level, text)
                st.rerun()

if not options:
    st.info(T["none"])
    st.stop()

index = options.index(tuple(chosen)) if chosen and tuple(chosen) in options else 0
pick = st.selectbox(
    T["series"],
    options,
    index=index,
    format_func=lambda o: T["series_fmt"].format(unit=o[0], year=o[1], n=counts[o]),
    key=f"mon_series_{'sample' if is_sample else 'db'}",
)
st.session_state[state.MONITOR_SERIES] = pick
unit, year = pick

with st.expander(T["settings"], icon=":material/tune:"):
    mv.settings_panel()

mon, notes, err = mv.monitor_of(store, unit, year)
if mon is None:
    st.error(widgets.md_escape(err or storage.T["failed"]))
    st.stop()
if notes:
    st.warning(T["notes"] + "\n" + "\n".join(f"- {widgets.md_escape(n)}" for n in notes))
if not len(mon.snapshots):
    st.info(T["none"])
    st.stop()

latest, s = mon.latest, mon.settings
band_n = c.band_counts(mon.projects)
waiting = mon.waiting()
red = mon.projects[mon.projects[c.BAND] == c.RED]
k = widgets.kpi_row()
k.metric(T["k_as_of"], mon.as_of.isoformat(), border=True)
k.metric(T["k_tp"], pct(latest[c.TIME_PROGRESS]), border=True)
k.metric(T["k_rate"], pct(latest[c.RATE]), border=True)
k.metric(
    T["k_gap"],
    # no 支出进度 (every budget 0): a dash alone, not "— 个百分点"
    T["points"].format(v=f"{latest[c.GAP]:+.2f}") if latest[c.GAP] == latest[c.GAP] else "—",
    border=True,
)
k.metric(
    T["k_red"],
    T["pieces"].format(n=band_n[c.RED]),
    delta=T["unspent_delta"].format(v=wan(red[c.UNSPENT].sum())),
    delta_color="off",
    delta_arrow="off",
    border=True,
)
k.metric(T["k_wait"], T["pieces"].format(n=len(waiting)), border=True)
headline = c.headline(mon, T["whole"])
if headline:
    st.markdown(f"**{widgets.md_escape(headline)}**")

if mon.has_inner_units:
    unit_lines = mon.unit_lines
    if len(mon.units) > mc.MAX_LINES:
        # hundreds of lines and their legend would bury the chart: the units furthest behind
        behind = mon.units.sort_values(c.GAP, na_position="last", kind="stable")[m.UNIT].head(mc.MAX_LINES)
        unit_lines = unit_lines[unit_lines[m.UNIT].isin(set(behind))]
        st.caption(T["units_lines_top"].format(n=len(mon.units), k=mc.MAX_LINES))
    widgets.show_chart(
        mc.rate_lines(unit_lines, mon.snapshots, m.UNIT, T["units_lines"], whole=T["whole"]),
        key="mon_unit_lines",
    )
    if mon.units[c.GAP].notna().any():
        widgets.show_chart(
            mc.gap_ranking(
                mon.units,
                m.UNIT,
                s,
                T["units_rank"].format(d=mon.as_of.isoformat())
                if len(mon.units) <= data.UNIT_BARS_MAX
                else T["units_rank_top"].format(d=mon.as_of.isoformat(), n=data.UNIT_BARS_TOP),
                top_n=None if len(mon.units) <= data.UNIT_BARS_MAX else data.UNIT_BARS_TOP,
            ),
            key="mon_unit_rank",
        )
    st.subheader(T["units_table"])
    show_table(mv.units_table(mon), hide_index=True, column_config=mv.column_config())
else:
    widgets.show_chart(
        mc.rate_lines(mon.unit_lines.iloc[0:0], mon.snapshots, m.UNIT, T["units_lines"], whole=unit)
    )

labels = {
    pid: (f"{u} · {p}" if mon.has_inner_units else p)
    for pid, u, p in zip(mon.projects[c.PID], mon.projects[m.UNIT], mon.projects[m.PROJECT])
}
default = [pid for pid in mon.projects[c.PID].head(DEFAULT_LINES)]
chosen_pids = st.multiselect(
    T["pick_projects"],
    list(labels),
    default=default,
    format_func=lambda x: labels.get(x, str(x)),
    key="mon_pids",
    max_selections=mc.MAX_LINES,
)
lines = mon.project_lines[mon.project_lines[c.PID].isin(chosen_pids)].copy()
lines["label"] = lines[c.PID].map(labels)
widgets.show_chart(mc.rate_lines(lines, mon.snapshots, "label", T["projects_lines"]), key="mon_project_lines")
ranked = mon.projects.assign(label=mon.projects[c.PID].map(labels))
gapped = int(ranked[c.GAP].notna().sum())
if gapped:
    widgets.show_chart(
        mc.gap_ranking(
            ranked, "label", s, T["projects_rank"].format(n=min(TOP_PROJECTS, gapped)), top_n=TOP_PROJECTS
        ),
        key="mon_project_rank",
    )
    widgets.show_chart(mc.gap_vs_unspent(mon.projects, s, T["scatter"]), key="mon_scatter")
else:  # empty rankings under a title promising the 15 furthest behind read as a fault
    st.info(T["no_gap"])

st.subheader(T["projects_table"].format(d=mon.as_of.isoformat()))
show_table(mv.projects_table(mon), hide_index=True, column_config=mv.column_config())
new_names = mon.projects[mon.projects[c.STATUS] == c.STATUS_NEW][m.PROJECT].tolist()
if new_names:
    st.caption(T["new"].format(names="、".join(widgets.md_escape(x) for x in new_names)))
if len(mon.gone):
    st.caption(T["gone"].format(names="、".join(widgets.md_escape(x) for x in mon.gone[m.PROJECT])))
if mon.said:  # units and projects renamed between snapshots, followed as one
    st.caption(T["renamed"] + "".join(widgets.md_escape(x) for x in mon.said))

found, _ = storage.call(indicators, store, unit, year, data.settings())
if found is not None:
    ind_as_of, ind = found
    st.subheader(T["indicators"].format(d=ind_as_of.isoformat()))
    st.caption(T["indicators_note"])
    show_table(
        mv.indicators_table(ind),
        hide_index=True,
        column_config={"指标": st.column_config.TextColumn(width="medium"), **mv.column_config()},
    )

st.subheader(T["reasons"])
marked = mon.projects[mon.projects[c.NEEDS_REASON]]
notes_now, _ = storage.call(notes_of, store, unit, year)
frame = reasons.marked_frame(marked, c.INNER, notes_now or [])
frame["unit_label"] = pd.Series(
    marked[m.UNIT].astype(str).tolist() if mon.has_inner_units else [None] * len(frame), dtype=object
)
outcome = reasons.editor(store, unit, year, frame, key="mon_reason")
if outcome:
    st.session_state[state.MONITOR_NOTICE] = ("success", outcome)
    st.rerun()
reasons.waiting_list(frame)

st.subheader(T["bulletin"])
stem = bulletin.file_stem(mon)
with st.container(horizontal=True):
    st.download_button(
        T["docx"],
        data=functools.partial(bulletin.bulletin_docx, mon, T["whole"], date.today()),
        file_name=f"{stem}.docx",
        mime=DOCX_MIME,
        on_click="ignore",
        icon=":material/description:",
        key="mon_docx",
    )
    st.download_button(
        T["xlsx"],
        data=functools.partial(bulletin.bulletin_xlsx, mon, T["whole"]),
        file_name=f"{stem}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/table:",
        key="mon_xlsx",
    )
st.caption(T["sources"].format(files="、".join(widgets.md_escape(x) for x in dict.fromkeys(mon.sources))))
