"""偏差预警: every flagged project with its reasons in words and numbers, the unit's own 是否有较大偏差
beside the computed verdict (disagreements highlighted), and the list as an xlsx download."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from components import charts, data, detail, drill, links, reasons, state, widgets
from components.links import through_app  # noqa: E402
from jixiao import model as m
from jixiao.export.xlsx import flagged_xlsx
from jixiao.summary.analysis import DEVIATES
from jixiao.summary.flags import FLAG_LABELS, stake

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "偏差预警",
    "intro": "规则：执行率低于预警线 {low} 须说明原因；执行率超过 100% 为超预算；预算为 0 或负数却有支出为无法计算执行率；"
    "任一指标得分率低于 100% 为指标未满分——以上都算“有较大偏差”（总览、导出报告同一口径）。"
    "单位自报的“是否有较大偏差”与按规则判定不一致时单独标出。上方数字随筛选变化。",
    "flagged": "预警项目",
    "computed": "按规则有偏差",
    "self": "单位自报有偏差",
    "mismatch": "自报与判定不一致",
    "reasons": "偏差类型",
    "reasons_placeholder": "全部类型",
    "units": "单位",
    "units_placeholder": "全部单位",
    "only_mismatch": "只看不一致",
    "order": "排序",
    "orders": {"stake": "涉及金额最大", "slowest": "执行率最低", "row": "表中顺序"},
    "order_help": "涉及金额：未执行的金额，超预算时为超出的金额。",
    "pick_help": "选中一行（点行首的方框）查看项目详情：偏差原因、审核发现、历年情况。",
    "none": "没有需要预警的项目。",
    "no_match": "没有符合筛选条件的项目。",
    "list": "预警清单（{n} 个项目）",
    "list_help": "粉色底纹的行：单位自报与按规则判定不一致。",
    "large_list": "清单超过 {limit} 行，不再加底纹：自报与判定不一致的项目排在最前。",
    "screen_limit": "页面显示前 {k} 行（共 {n} 行），完整清单请下载。",
    "detail": "逐项说明",
    "detail_more": "以下列出前 {k} 个，完整清单请下载。",
    "download": "下载偏差项目清单（xlsx）",
    "download_name": "偏差项目清单.xlsx",
    "sheet_title": "偏差项目清单（{file}）",
    "detail_head": "**{name}**（第{row}行{unit}）　单位自报：{own}　按规则：{computed}",
    "mismatch_mark": ":red[:material/warning: 自报与判定不一致]",
    "unit_pieces": "个",
}
C, W = data.FCOL, data.WORDS
DETAIL_LIMIT = 50
SCREEN_LIMIT = 5000  # rows sent to the browser; the xlsx download holds the whole list
STYLE_LIMIT = 500  # rows shaded through a pandas Styler; larger lists sort disagreements first
MISMATCH_BG = "background-color: #fde4e4"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(data.heading(T["title"]))
a = widgets.analysis_or_stop("sample_deviations")

s, p = a.settings, a.projects
st.caption(T["intro"].format(low=f"{s.low_threshold:g}%"))
flagged = a.flagged
full_table = data.flagged_table(flagged)


def disagrees(table: pd.DataFrame) -> pd.Series:
    return table[C["agree"]] == W["disagree"]


def cards(shown: pd.DataFrame, shown_table: pd.DataFrame) -> None:
    """The headline counts of the list as filtered."""
    k.metric(T["flagged"], f"{len(shown)} {T['unit_pieces']}", border=True)
    k.metric(T["computed"], f"{int(shown[DEVIATES].sum())} {T['unit_pieces']}", border=True)
    k.metric(
        T["self"], f"{sum(data.self_flagged(x) for x in shown[m.SELF_FLAG])} {T['unit_pieces']}", border=True
    )
    k.metric(T["mismatch"], f"{int(disagrees(shown_table).sum())} {T['unit_pieces']}", border=True)


k = widgets.kpi_row()  # filled once the filters below are known
if flagged.empty:
    cards(flagged, full_table)
    st.success(T["none"])
    st.stop()

codes = list(charts.flag_reason_counts(flagged, FLAG_LABELS))
f1, f2, f3 = st.columns([3, 3, 1], vertical_alignment="bottom")
chosen = f1.multiselect(
    T["reasons"],
    codes,
    format_func=FLAG_LABELS.get,
    key="dev_reasons",
    placeholder=T["reasons_placeholder"],
    persist_state="session",
)
units: list[str] = []
if a.table.has_units:
    units = drill.unit_filter(
        f2,
        [str(u) for u in flagged[m.UNIT].dropna().unique()],
        "dev_units",
        T["units"],
        T["units_placeholder"],
    )
only_mismatch = f3.toggle(T["only_mismatch"], key="dev_only_mismatch")
order = (
    st.segmented_control(
        T["order"],
        list(T["orders"]),
        format_func=T["orders"].get,
        key="dev_order",
        help=T["order_help"],
        persist_state="session",
    )
    or "stake"
)

mask = pd.Series(True, index=flagged.index)
if chosen:
    mask &= flagged[m.FLAGS].map(lambda fl: any(f.code in chosen for f in fl))
if units:
    mask &= flagged[m.UNIT].isin(units)
selected = flagged[mask]
if order == "stake":
    at_stake = [
        stake(b, e)
        for b, e in zip(
            pd.to_numeric(selected[m.BUDGET], errors="coerce"),
            pd.to_numeric(selected[m.EXECUTED], errors="coerce"),
        )
    ]
    selected = (
        selected.assign(_s=at_stake).sort_values("_s", ascending=False, kind="stable").drop(columns="_s")
    )
elif order == "slowest":
    selected = data.pick_projects(selected, order="slowest")
table = data.flagged_table(selected)
if only_mismatch:
    keep = disagrees(table).to_numpy()
    selected, table = selected[keep], table[keep]
cards(selected, table)

widgets.show_chart(charts.flag_reasons(selected, FLAG_LABELS), key="dev_reasons_chart")

if table.empty:
    st.info(T["no_match"])
    st.stop()

st.subheader(T["list"].format(n=len(table)))
st.caption(T["list_help"])


def highlight(row: pd.Series) -> list[str]:
    return [MISMATCH_BG if row[C["agree"]] == W["disagree"] else ""] * len(row)


# 序号 and an empty 单位 column only take room on screen; the download keeps 序号.
no_unit = [] if a.table.has_units else [C["unit"]]
view = table.drop(columns=[C["seq"], *no_unit]).reset_index(drop=True)
if len(view) <= STYLE_LIMIT:
    shown_table = view.style.apply(highlight, axis=1).format(
        {C["budget"]: "{:,.2f}", C["executed"]: "{:,.2f}", C["rate"]: "{:.2f}%"}, na_rep=W["none"]
    )
else:
    # A pandas Styler over thousands of rows takes seconds on every rerun: put the disagreements
    # first instead of shading them, and format through column_config.
    st.caption(T["large_list"].format(limit=STYLE_LIMIT))
    shown_table = view.sort_values(C["agree"], key=lambda s: s != W["disagree"], kind="stable")
st.caption(T["pick_help"])
if len(view) > STYLE_LIMIT:
    # the disagreements were put first: the rows follow them
    order_index = view.sort_values(C["agree"], key=lambda s: s != W["disagree"], kind="stable").index
    picked_index = selected.index[order_index]
else:
    picked_index = selected.index
if len(view) > SCREEN_LIMIT:
    # tens of thousands of reasons cost a second to send on every rerun; the download has them all
    st.caption(T["screen_limit"].format(k=SCREEN_LIMIT, n=len(view)))
    shown_table, picked_index = shown_table.head(SCREEN_LIMIT), picked_index[:SCREEN_LIMIT]
drill.project_table(
    shown_table,
    picked_index,
    key="dev_table",
    column_config={
        # row and name stay in view while the wide table scrolls sideways
        C["row"]: st.column_config.NumberColumn(pinned=True),
        C["project"]: st.column_config.TextColumn(width="medium", pinned=True),
        C["reasons"]: st.column_config.TextColumn(width="large"),
        C["budget"]: st.column_config.NumberColumn(format="%,.2f"),
        C["executed"]: st.column_config.NumberColumn(format="%,.2f"),
        C["rate"]: st.column_config.NumberColumn(format="%.2f%%"),
    },
)
detail.show(a, links.focus_project(), "deviations")
name = st.session_state.get(state.UPLOAD_NAME) or a.table.source.file
st.download_button(
    T["download"],
    # Built only when clicked: openpyxl needs seconds for a province-wide list.
    data=functools.partial(
        flagged_xlsx,
        a,
        selected,
        title=T["sheet_title"].format(file=name),
        # the 偏差原因 written for a stored dataset (None: a file of this session has none)
        explanations=reasons.stored_map(a) if st.session_state.get(state.STORED_ID) is not None else None,
    ),
    file_name=T["download_name"],
    mime=XLSX_MIME,
    on_click="ignore",
    icon=":material/download:",
    key="dev_download",
)

reasons.deviation_reasons(selected)

st.subheader(T["detail"])
if len(table) > DETAIL_LIMIT:
    st.caption(T["detail_more"].format(k=DETAIL_LIMIT))
for rec, row in zip(
    selected.head(DETAIL_LIMIT).to_dict("records"), table.head(DETAIL_LIMIT).to_dict("records")
):
    unit = f"，{widgets.md_escape(row[C['unit']])}" if row[C["unit"]] else ""
    head = T["detail_head"].format(
        name=widgets.md_escape(rec[m.PROJECT]),
        row=int(rec[m.SHEET_ROW]),
        unit=unit,
        own=row[C["self"]],
        computed=row[C["computed"]],
    )
    if row[C["agree"]] == W["disagree"]:
        head += f"　{T['mismatch_mark']}"
    reasons = "\n".join(
        f"- {FLAG_LABELS.get(f.code, f.code)}：{widgets.md_escape(f.reason)}" for f in rec[m.FLAGS]
    )
    st.markdown(f"{head}\n{reasons}")
