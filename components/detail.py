"""One project in full, where a click on it lands: the figures, every flag with its reason, the audit's
findings on its row, the indicators of its 自评表 (when the table was rolled up from forms), and the
same project in the unit's other stored years."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import data, links, state, storage, widgets
from components.tables import show_table
from components.theme import BAND_LABELS
from jixiao import model as m
from jixiao.fmt import num, pct, to_float, wan
from jixiao.history import match_projects
from jixiao.summary.analysis import BAND, DEVIATES, Analysis
from jixiao.summary.flags import FLAG_LABELS

T = {
    "close": "关闭详情",
    "where": "第{row}行",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "rate": "执行率",
    "score": "自评得分",
    "verdict": "按规则：**{computed}**　单位自报：**{own}**",
    "flags": "偏差原因",
    "no_flags": "没有触发偏差规则。",
    "findings": "审核发现（{n} 条）",
    "no_findings": "这一行没有审核发现。",
    "indicators": "自评表指标（{n} 项）",
    "history": "历年情况",
    "history_none": "已保存的其他年度中没有找到这个项目。",
    "history_one_year": "本单位只保存了这一个年度的数据；保存其他年度后，这里列出同一项目的历年情况。",
    "history_unsaved": "保存本数据集后，可在这里看到同一项目的历年情况。",
    "gone": "链接中的项目（序号 {index}）不在当前数据中。",
    "year": "年度",
    "matched": "匹配方式",
}
ICOL = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "nature": "指标性质",
    "target": "指标值",
    "actual": "完成值",
    "weight": "权重",
    "score": "得分",
    "reason": "未完成原因",
}


def _form_of(a: Analysis, index: int):
    """The 自评表 behind a rolled-up row: the table has one row per form, in order."""
    forms = st.session_state.get(state.FORMS)
    if a.table.kind != m.KIND_SELFEVAL_FORMS or forms is None:
        return None
    pos = a.projects.index.get_loc(index)
    return forms.forms[pos] if isinstance(pos, int) and pos < len(forms.forms) else None


def indicator_frame(form) -> pd.DataFrame:
    """The indicators of one form, as printed (blanks as —)."""

    def text(x: object) -> str:
        return "—" if x is None or str(x).strip() == "" else str(x)

    return pd.DataFrame(
        {
            ICOL["level1"]: [text(i.level1) for i in form.indicators],
            ICOL["level2"]: [text(i.level2) for i in form.indicators],
            ICOL["level3"]: [text(i.level3) for i in form.indicators],
            ICOL["nature"]: [text(i.nature_raw) for i in form.indicators],
            ICOL["target"]: [
                text(i.target_raw or (num(i.target) if i.target is not None else "")) for i in form.indicators
            ],
            ICOL["actual"]: [
                text(i.actual_raw or (num(i.actual) if i.actual is not None else "")) for i in form.indicators
            ],
            ICOL["weight"]: [num(i.weight) if i.weight is not None else "—" for i in form.indicators],
            ICOL["score"]: [num(i.score) if i.score is not None else "—" for i in form.indicators],
            ICOL["reason"]: [text(i.reason) for i in form.indicators],
        }
    )


def row_findings(a: Analysis, rec: pd.Series) -> list[m.Finding]:
    row = rec[m.SHEET_ROW]
    if a.table.kind == m.KIND_SELFEVAL_FORMS:
        return []  # the form's own findings are listed with its indicators
    sheet = rec.get(m.SHEET)  # a table from a sheet per unit: the row number is on this sheet
    return [
        f for f in a.findings if f.sheet_row is not None and f.sheet_row == row and f.sheet in (None, sheet)
    ]


def history_frame(a: Analysis, index: int) -> tuple[pd.DataFrame | None, int]:
    """The project in the unit's stored years, and how many years the unit has stored (None: the data
    is not stored, so there is no unit to look in)."""
    ss = st.session_state
    unit, year = ss.get(state.STORED_UNIT), ss.get(state.STORED_YEAR)
    if ss.get(state.STORED_ID) is None or not unit:
        return None, 0
    infos, err = storage.table_datasets()
    if err:
        return None, 0
    rows = []
    me = a.projects.loc[[index]]
    mine = [i for i in storage.one_per_unit_year(infos) if i.unit == unit]
    for info in sorted(mine, key=lambda i: i.year):
        if info.year == year:
            other = a
        else:
            other, _ = storage.analysis_of(info)
        if other is None:
            continue
        if other is a:
            hit = a.projects.loc[index]
        else:
            pairs = match_projects(other.projects, me)
            found = pairs[(pairs["cur_index"] == index) & pairs["prev_index"].notna()]
            if found.empty:
                continue
            hit = other.projects.loc[found.iloc[0]["prev_index"]]
        rows.append(
            {
                T["year"]: f"{info.year}年",
                T["budget"]: wan(to_float(hit[m.BUDGET])),
                T["executed"]: wan(to_float(hit[m.EXECUTED])),
                T["rate"]: pct(to_float(hit[m.EXECUTION_RATE])),
                T["score"]: num(to_float(hit[m.SCORE])),
            }
        )
    return pd.DataFrame(rows), len(mine)


def show(a: Analysis, index: int | None, key: str) -> None:
    """The detail panel of project ``index`` (an index of Analysis.projects); nothing when None."""
    if index is None:
        return
    if index not in a.projects.index:
        st.caption(T["gone"].format(index=index))
        return
    rec = a.projects.loc[index]
    with st.container(border=True, key=f"detail_{key}"):
        head, close = st.columns([5, 1], vertical_alignment="center")
        head.subheader(widgets.md_escape(rec[m.PROJECT]), anchor=False)
        close.button(
            T["close"], key=f"{key}_close", on_click=links.set_project, args=(None,), icon=":material/close:"
        )
        where = [T["where"].format(row=int(rec[m.SHEET_ROW]))]
        if not pd.isna(rec[m.UNIT]) and str(rec[m.UNIT]).strip():
            where.insert(0, widgets.md_escape(rec[m.UNIT]))
        note = rec.get(m.MONEY_NOTE) if m.MONEY_NOTE in rec else ""
        if isinstance(note, str) and note:
            where.append(note)  # its amounts are on another form: said, not shown as blanks
        st.caption(" · ".join(where))
        row = widgets.kpi_row()
        row.metric(T["budget"], wan(to_float(rec[m.BUDGET])), border=True)
        row.metric(T["executed"], wan(to_float(rec[m.EXECUTED])), border=True)
        row.metric(
            T["rate"],
            pct(to_float(rec[m.EXECUTION_RATE])),
            delta=BAND_LABELS.get(rec[BAND], ""),
            delta_color="gray",
            delta_arrow="off",
            border=True,
        )
        score = to_float(rec[m.SCORE])
        grade = rec[m.GRADE] if isinstance(rec[m.GRADE], str) else ""
        row.metric(
            T["score"],
            f"{num(score)} 分" if score is not None else "—",
            delta=grade or None,
            delta_color="gray",
            delta_arrow="off",
            border=True,
        )
        computed = data.WORDS["deviates"] if bool(rec[DEVIATES]) else data.WORDS["fine"]
        st.markdown(T["verdict"].format(computed=computed, own=data.self_flag_text(rec[m.SELF_FLAG])))
        st.markdown(f"**{T['flags']}**")
        flags = rec[m.FLAGS] or []
        if flags:
            st.markdown(
                "\n".join(
                    f"- {FLAG_LABELS.get(f.code, f.code)}：{widgets.md_escape(f.reason)}" for f in flags
                )
            )
        else:
            st.caption(T["no_flags"])
        form = _form_of(a, index)
        found = form.findings if form is not None else row_findings(a, rec)
        st.markdown(f"**{T['findings'].format(n=len(found))}**")
        if found:
            st.markdown(
                "\n".join(
                    f"- {m.SEVERITY_LABELS.get(f.severity, f.severity)}：{widgets.md_escape(f.message)}"
                    for f in found
                )
            )
        else:
            st.caption(T["no_findings"])
        if form is not None and form.indicators:
            st.markdown(f"**{T['indicators'].format(n=len(form.indicators))}**")
            show_table(indicator_frame(form), hide_index=True)
        st.markdown(f"**{T['history']}**")
        hist, years = history_frame(a, index)
        if hist is None:
            st.caption(T["history_unsaved"])
        elif years < 2:
            st.caption(T["history_one_year"])
        elif len(hist) < 2:
            st.caption(T["history_none"])
        else:
            show_table(hist, hide_index=True)
