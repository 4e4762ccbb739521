"""偏差原因 on 偏差预警 and 监控: write one per marked project (who, when, text), see the 待说明 list per
unit. Reasons live in the store per unit, year and project (jixiao.store jx_reasons), so they outlast
new snapshots and versions; without a stored dataset the section says how to get one."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st

from components import state, storage, widgets
from components.tables import show_table
from jixiao import model as m
from jixiao.monitor import compute as c
from jixiao.monitor.series import notes_of, save_reason
from jixiao.store.db import Store
from jixiao.summary.flags import DEVIATION_CODES

T = {
    "title": "偏差原因",
    "pick": "项目",
    "text": "偏差原因",
    "text_help": "说明执行慢或指标未完成的原因及下一步措施；清空后保存即撤回。",
    "author": "说明人",
    "save": "保存偏差原因",
    "saved": "已保存“{project}”的偏差原因。",
    "withdrawn": "已撤回“{project}”的偏差原因。",
    "waiting": "待说明（{n} 个项目）",
    "waiting_none": "需要说明的项目都已填写偏差原因。",
    "explained": "已说明",
    "not_stored": "偏差原因随数据集保存在数据库中：请先在「数据导入」保存这份数据（或从侧边栏打开已保存的数据），再填写。",
    "by": "{author}，{when}",
    "done": "已说明",
    "todo": "待说明",
    "col_unit": "单位",
    "col_project": "项目名称",
    "col_reason": "偏差原因",
    "col_author": "说明人",
    "col_when": "填写时间",
    "no_edit": "填写偏差原因需要管理员登录。",
    "slide": "偏差原因",
    "slide_note": "{n} 个偏差项目已说明原因（在「偏差预警」「监控」填写）。",
}
AUTHOR_KEY = "jx_reason_author"  # kept for the session: one person writes several reasons
NOTICE_KEY = "jx_reason_notice"  # the outcome of the last save on 偏差预警, shown once after the rerun


def _label(row: dict) -> str:
    unit = f"{row['unit_label']} · " if row["unit_label"] else ""
    mark = T["done"] if row["reason"] else T["todo"]
    return f"{unit}{row['project']}（{mark}）"


def editor(store: Store, unit: str, year: int, marked: pd.DataFrame, key: str) -> str | None:
    """Write or withdraw the reason of one of ``marked`` (columns: inner unit, code, project, unit
    label, reason, author, written_at). Returns the Chinese outcome of a save, or None."""
    if marked.empty:
        return None
    if not storage.can_edit():
        st.caption(T["no_edit"])
        return None
    rows = m.records(marked)
    options = list(range(len(rows)))
    # the first project still waiting comes up first
    first = next((i for i, r in enumerate(rows) if not r["reason"]), 0)
    i = st.selectbox(
        T["pick"], options, index=first, format_func=lambda k: _label(rows[k]), key=f"{key}_pick"
    )
    row = rows[i]
    with st.form(f"{key}_form", border=True, clear_on_submit=False):
        text = st.text_area(
            T["text"], value=row["reason"] or "", help=T["text_help"], max_chars=4000, key=f"{key}_text_{i}"
        )
        author = st.text_input(
            T["author"], value=st.session_state.get(AUTHOR_KEY, ""), max_chars=100, key=f"{key}_author"
        )
        submitted = st.form_submit_button(T["save"], icon=":material/save:", key=f"{key}_submit")
    if not submitted:
        return None
    st.session_state[AUTHOR_KEY] = author
    _, err = storage.call(
        save_reason,
        store,
        unit,
        year,
        inner_unit=row["inner_unit"],
        code=row["code"],
        project=row["project"],
        text=text,
        author=author,
    )
    if err:
        st.error(widgets.md_escape(err))
        return None
    return T["saved" if text.strip() else "withdrawn"].format(project=row["project"])


def waiting_list(marked: pd.DataFrame) -> None:
    """待说明 per unit, then what is explained, with who wrote it and when."""
    waiting = marked[marked["reason"].isna()]
    if waiting.empty:
        st.success(T["waiting_none"])
    else:
        st.markdown(f"**{T['waiting'].format(n=len(waiting))}**")
        lines = []
        for unit, g in waiting.groupby(waiting["unit_label"].fillna(""), sort=False):
            names = "、".join(widgets.md_escape(x) for x in g["project"])
            lines.append(f"- {widgets.md_escape(unit) + '：' if unit else ''}{names}")
        st.markdown("\n".join(lines))
    done = marked[marked["reason"].notna()]
    if len(done):
        st.markdown(f"**{T['explained']}**")
        show_table(
            pd.DataFrame(
                {
                    T["col_unit"]: done["unit_label"].fillna(""),
                    T["col_project"]: done["project"],
                    T["col_reason"]: done["reason"],
                    T["col_author"]: done["author"],
                    T["col_when"]: [storage.local_time(w) for w in done["written_at"]],
                }
            ),
            hide_index=True,
            column_config={T["col_reason"]: st.column_config.TextColumn(width="large")},
        )


def marked_frame(projects: pd.DataFrame, inner_col: str, reasons) -> pd.DataFrame:
    """The rows the editor and 待说明 list take, with each project's reason in force (if any)."""
    by_code = {r.code_key: r for r in reasons if r.code_key}
    by_name = {r.name_key: r for r in reasons}
    found = []
    for unit, code, name in zip(projects[inner_col], projects[m.CODE], projects[m.PROJECT]):
        ck, nk = c.reason_keys(unit, code, name)
        found.append((by_code.get(ck) if ck else None) or by_name.get(nk))
    inner = [None if x is None or x != x else str(x) for x in projects[inner_col]]

    def obj(values: list) -> pd.Series:
        # object, not pandas' string dtype: a missing reason stays None (NaN would read as written)
        return pd.Series(values, dtype=object)

    return pd.DataFrame(
        {
            "inner_unit": obj(inner),
            "unit_label": obj(inner),
            "code": obj(projects[m.CODE].tolist()),
            "project": obj(projects[m.PROJECT].astype(str).tolist()),
            "reason": obj([r.text if r else None for r in found]),
            "author": obj([r.author if r else None for r in found]),
            "written_at": obj([r.written_at if r else None for r in found]),
        }
    )


def deviation_reasons(flagged: pd.DataFrame) -> None:
    """The 偏差预警 page's section: projects with a deviation by the rules (执行率偏低, 指标未满分) of the
    stored dataset shown, with their reasons."""
    st.subheader(T["title"])
    sid = st.session_state.get(state.STORED_ID)
    infos, _ = storage.table_datasets()
    info = next((i for i in infos if i.id == sid), None) if sid is not None else None
    s, err = storage.store()
    if info is None or s is None:
        st.info(err or T["not_stored"], icon=":material/info:")
        return
    marked = flagged[flagged[m.FLAGS].map(lambda fl: any(f.code in DEVIATION_CODES for f in fl))]
    reasons, err = storage.call(notes_of, s, info.unit, info.year)
    if err:
        st.error(widgets.md_escape(err))
        return
    frame = marked_frame(marked, m.UNIT, reasons or [])
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(widgets.md_escape(notice))
    outcome = editor(s, info.unit, info.year, frame, key="dev_reason")
    if outcome:
        # drawn again, so the picker and the 待说明 list show the reason just saved
        st.session_state[NOTICE_KEY] = outcome
        st.rerun()
    waiting_list(frame)


# --- the same reasons in the exports and 汇报模式 ---------------------------------------------------
def stored_map(a) -> dict[str, str]:
    """The 偏差原因 written for the stored dataset shown, keyed the way the exports look projects up
    (jixiao.export.docx.reason_for: 项目编码, "单位/项目", project name). Empty for a file of this session
    or when the database cannot be read: an export never fails for want of them."""
    sid = st.session_state.get(state.STORED_ID)
    if sid is None:
        return {}
    infos, _ = storage.table_datasets()
    info = next((i for i in infos if i.id == sid), None)
    s, _ = storage.store()
    if info is None or s is None:
        return {}
    notes, err = storage.call(notes_of, s, info.unit, info.year)
    if err or not notes:
        return {}
    return export_map(marked_frame(a.projects, m.UNIT, notes))


def export_map(frame: pd.DataFrame) -> dict[str, str]:
    """``marked_frame`` rows with a reason → {key: reason} in the keys the exports look up."""
    out: dict[str, str] = {}
    for row in m.records(frame):
        if not row["reason"]:
            continue
        name = row["project"].strip()
        out[f"{row['inner_unit'].strip()}/{name}" if row["inner_unit"] else name] = row["reason"]
        code = row["code"]
        if code is not None and code == code and str(code).strip():
            out[str(code).strip()] = row["reason"]
    return out


def for_export(a, reasons: dict[str, str] | None, key: str) -> tuple[dict[str, str] | None, str]:
    """The reasons an export prints: what the 自评表 state, overridden by those written on 偏差预警 and
    监控; and the cache key of the export, which changes when a reason does."""
    stored = stored_map(a)
    if not stored:
        return reasons, key
    merged = {**(reasons or {}), **stored}
    digest = hashlib.sha256(json.dumps(merged, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return merged, f"{key}|reasons:{digest}"


def slide_figure(a, reasons: dict[str, str]):
    """汇报模式: the flagged projects that have a 偏差原因, as a table at projector size."""
    import plotly.graph_objects as go

    from components.theme import FONT_FAMILY, apply_theme
    from jixiao.export.docx import reason_for

    rows = []
    for rec in m.records(a.flagged):
        text = reason_for(reasons, rec, str(rec[m.PROJECT]))
        if text:
            unit = rec.get(m.UNIT)
            name = str(rec[m.PROJECT]) if unit is None or unit != unit else f"{unit} · {rec[m.PROJECT]}"
            rows.append((name, text))
    fig = go.Figure(
        go.Table(
            columnwidth=[2, 5],
            header={
                "values": ["项目", "偏差原因"],
                "font": {"size": 22, "family": FONT_FAMILY},
                "align": "left",
                "height": 44,
            },
            cells={
                "values": [[r[0] for r in rows], [r[1] for r in rows]],
                "font": {"size": 20, "family": FONT_FAMILY},
                "align": "left",
                "height": 40,
            },
        )
    )
    return apply_theme(fig, None, height=max(300, 60 + 48 * len(rows)), large=True), len(rows)


def slides(a) -> list:
    """The 汇报模式 slide of the reasons written for the stored dataset shown (none without any)."""
    from components.present import Slide

    found = stored_map(a)
    if not found:
        return []
    fig, n = slide_figure(a, found)
    return [Slide("reasons", T["slide"], lambda: fig, T["slide_note"].format(n=n))] if n else []
