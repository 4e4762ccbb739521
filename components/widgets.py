"""Reusable pieces of the pages: sidebar (dataset + settings), KPI cards, findings, charts, empty state.

Text from uploaded files is only ever shown through ``md_escape`` or as plain data (dataframes,
plotly with escaped labels); no unsafe HTML anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import data, state
from components.tables import show_table
from components.theme import BAND_LABELS
from jixiao import model as m
from jixiao.fmt import round_array, round_half_up, to_float
from jixiao.safe_text import md_escape
from jixiao.settings import Settings
from jixiao.summary import units
from jixiao.summary.analysis import BAND, Analysis
from jixiao.summary.schemes import AUTO, PRESETS, SchemeError, custom_scheme

# What every page that takes a workbook accepts (the readers sniff the bytes; these are the names the
# uploader lets through): Excel, CSV, web pages and archives saved as .xls, Word reports with tables.
WORKBOOK_TYPES = ["xlsx", "xlsm", "xls", "csv", "mht", "mhtml", "docx", "docm"]

T = {
    "dataset": "当前数据",
    "no_data": "尚未导入数据。",
    "file": "文件",
    "kind": "类型",
    "sheet": "工作表",
    "header_rows": "表头第 {rows} 行",
    "forms": "自评表：{n} 张（{sheets} 个工作表）",
    "unit": "金额单位",
    "unit_yuan": "元（已换算为万元）",
    "unit_mixed": "元与万元混用（各列已分别换算为万元）",
    "projects": "项目",
    "final": "决算数据",
    "settings": "设置",
    "scheme": "权重方案",
    "scheme_help": "自评得分 = Σ 权重 × 得分率。“自动”会选用能复现表中填报得分最多的方案。",
    "auto": "自动选择",
    "custom": "自定义权重",
    "weights_total": "权重合计 {total} / 100",
    "kept_scheme": "仍按上一次有效的方案计算：{label}。",
    "in_use": "当前采用：{label}（复现 {rep}/{comp} 行）",
    "in_use_no_scores": "当前采用：{label}（表中没有填报得分，无从核对）",
    "in_use_none_comparable": "当前采用：{label}（填报得分都无法按此方案重新计算，无从核对）",
    "low": "执行率预警线（%）",
    "low_help": "执行率低于此值记为“执行率偏低”，需说明原因（自评表要求 90%）。红绿灯：达到预警线为绿灯。",
    "amber": "红灯线（%）",
    "amber_help": "执行率低于此值为红灯，介于红灯线和预警线之间为黄灯。",
    "bands_bad": "红灯线（{amber}%）不能高于预警线（{low}%），仍使用上一次的设置：预警线 {old_low}%、红灯线 {old_amber}%。",
    "as_of": "截至日期（序时进度）",
    "as_of_help": "年中数据请填数据截至日期，看板会把执行率与序时进度比较；全年数据留空。",
    "deviation": "指标完成值偏离容差（±%）",
    "deviation_help": "自评表中完成值偏离指标值超过此比例记为偏差（默认 ±20%）。",
    "more": "更多设置",
    "empty_title": "还没有数据",
    "excluded": "⚠ 已剔除 {n} 个异常值（超出合理范围的金额、0–100 以外的得分等），未计入以上合计和平均数；详见“数据导入”页的审核问题。",
    "empty_body": "请到「数据导入」上传项目单位自评汇总表（Excel 或 CSV），或先用示例数据看看效果。",
    "sample": "使用示例数据",
    "to_import": "去导入数据",
    "findings_none": "无",
    "findings_more": "共 {n} 条，以表格列出：",
}
SEVERITY_ICONS = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}
K = {
    "scheme": "set_scheme",
    "low": "set_low_threshold",
    "amber": "set_amber_floor",
    "as_of": "set_as_of",
    "deviation": "set_target_deviation",
}
WEIGHT_KEY = "set_w_{comp}"
SCHEME_OPTIONS = [AUTO, *PRESETS, "custom"]
PLOTLY_CONFIG = {
    "displaylogo": False,
    # toolbar tooltips in Chinese: the plotly.js in Streamlit has no zh-CN registered, so the words go
    # with the config
    "locale": "zh-CN",
    "locales": {
        "zh-CN": {
            "dictionary": {
                "Download plot as a PNG": "下载图片（PNG）",
                "Download plot": "下载图片",
                "Zoom": "缩放",
                "Pan": "平移",
                "Zoom in": "放大",
                "Zoom out": "缩小",
                "Autoscale": "自动缩放",
                "Reset axes": "还原坐标轴",
                "Reset": "还原",
                "Reset view": "还原视图",
                "Box Select": "框选",
                "Lasso Select": "套索选择",
                "Toggle Spike Lines": "显示/隐藏辅助线",
                "Show closest data on hover": "悬停显示最近的数据",
                "Compare data on hover": "悬停比较数据",
                "Double-click to zoom back out": "双击还原",
                "Click to enter Colorscale title": "点击输入色阶标题",
            }
        }
    },
    # a 2x PNG pastes sharply into Word and PPT
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def is_csv(file_name: object) -> bool:
    return str(file_name or "").lower().endswith((".csv", ".txt"))


def scheme_label(key: str) -> str:
    if key == AUTO:
        return T["auto"]
    if key == "custom":
        return T["custom"]
    return PRESETS[key].label


# Reports the browser window's height (and again when it changes): 汇报模式 sizes its slide to the
# screen. Fixed code, no user data.
_VIEWPORT_JS = """
export default function(component) {
    const { setStateValue } = component;
    let last = 0;
    let timer = null;
    const report = () => {
        const h = Math.round(window.innerHeight);
        if (Math.abs(h - last) >= 20) { last = h; setStateValue("height", h); }
    };
    const later = () => { clearTimeout(timer); timer = setTimeout(report, 250); };
    report();
    window.addEventListener("resize", later);
    return () => { window.removeEventListener("resize", later); clearTimeout(timer); };
}
"""
_viewport = st.components.v2.component("jx_viewport", js=_VIEWPORT_JS)


def viewport_height() -> int | None:
    """The height of the browser window in px, or None until the browser has said (and in tests)."""
    result = _viewport(key="jx_viewport", on_height_change=lambda: None)
    value = getattr(result, "height", None) if result is not None else None
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


# On a phone the sidebar overlays the page: once a choice is made there (a page, a dataset), close it
# as a user would have to. Runs when mounted, i.e. once per choice (the key names the choice).
_CLOSE_SIDEBAR_JS = """
export default function(component) {
    if (window.innerWidth > 640) return;
    const bar = document.querySelector('[data-testid="stSidebar"]');
    if (!bar || bar.getAttribute("data-collapsed") !== "false") return;
    const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button')
        || document.querySelector('[data-testid="stSidebarCollapseButton"]');
    if (button) setTimeout(() => button.click(), 50);
}
"""
_close_sidebar = st.components.v2.component("jx_close_sidebar", js=_CLOSE_SIDEBAR_JS)
# The plotly toolbar sits over the top right of a chart, where the labels of a narrow chart are.
PHONE_STYLE = """<style>
@media (max-width: 640px) { .js-plotly-plot .modebar-container { display: none !important; } }
</style>"""


def phone_layout(choice: str) -> None:
    """Phone-only fixes, drawn on every run: no chart toolbar; the sidebar closed after ``choice``
    (the page and the data on screen) changed."""
    # in the sidebar: in the page they would push its content down by a row gap
    with st.sidebar:
        st.html(PHONE_STYLE)
        _close_sidebar(key=f"jx_close_sidebar_{choice}")


def show_chart(fig: go.Figure, key: str | None = None) -> None:
    st.plotly_chart(fig, theme=None, config=PLOTLY_CONFIG, key=key)


# --- sidebar -----------------------------------------------------------------------------------
def dataset_sidebar(picker: Callable[[], None] | None = None) -> None:
    """What is loaded. ``picker`` (components.storage.picker) draws the choice of data under the heading."""
    ss = st.session_state
    with st.sidebar:
        st.subheader(T["dataset"])
        if picker is not None:
            picker()
        table = data.table()
        if table is None:
            st.caption(T["no_data"])
        else:
            src = table.source
            rows = "、".join(str(r) for r in src.header_rows)
            unit = amount_unit_text(table, T["unit_yuan"])
            lines = [
                f"{T['file']}：{md_escape(ss.get(state.UPLOAD_NAME) or src.file)}",
                f"{T['kind']}：{m.KIND_LABELS.get(table.kind, table.kind)}",
                # forms have no one header; a CSV has no sheets: only its header row is worth saying
                T["forms"].format(n=len(table.projects), sheets=len(src.sheets))
                if table.kind in m.FORM_KINDS
                else T["header_rows"].format(rows=rows)
                if is_csv(src.file)
                else f"{T['sheet']}：{md_escape('、'.join(src.combined_sheets or [src.sheet]))}"
                f"（{T['header_rows'].format(rows=rows)}）",
                f"{T['unit']}：{unit}",
                f"{T['projects']}：{len(table.projects)} 个",
            ]
            st.markdown("  \n".join(lines))
        if ss.get(state.FINAL_ACCOUNTS) is not None and ss.get(state.FINAL_ACCOUNTS_NAME):
            st.caption(f"{T['final']}：{md_escape(ss[state.FINAL_ACCOUNTS_NAME])}")


def _seed(key: str, value: object) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def settings_sidebar() -> Settings:
    """The settings every page obeys. An invalid edit is shown in Chinese and not applied: the last
    valid scheme and thresholds stay in force.

    The widgets keep their state for the whole session (persist_state): without it, a page link clicked
    while the first run was still going lost the seeded values and the thresholds fell to their
    minimum, 0."""
    current = data.settings()
    _seed(K["scheme"], current.scheme)
    _seed(K["low"], float(current.low_threshold))
    _seed(K["amber"], float(current.amber_floor))
    _seed(K["as_of"], current.as_of)
    _seed(K["deviation"], float(current.target_deviation))
    with st.sidebar:
        st.subheader(T["settings"])
        scheme = st.selectbox(
            T["scheme"],
            SCHEME_OPTIONS,
            format_func=scheme_label,
            key=K["scheme"],
            help=T["scheme_help"],
            persist_state="session",
        )
        new_scheme, new_weights = current.scheme, dict(current.custom_weights)
        if scheme == "custom":
            weights = _weight_inputs(current)
            try:
                custom_scheme(weights)
            except SchemeError as exc:
                st.error(md_escape(exc.message) + T["kept_scheme"].format(label=_scheme_in_use(current)))
            else:
                new_scheme, new_weights = "custom", weights
        else:
            new_scheme = scheme
        low = st.number_input(
            T["low"],
            min_value=0.0,
            max_value=200.0,
            step=1.0,
            key=K["low"],
            help=T["low_help"],
            persist_state="session",
        )
        amber = st.number_input(
            T["amber"],
            min_value=0.0,
            max_value=200.0,
            step=1.0,
            key=K["amber"],
            help=T["amber_help"],
            persist_state="session",
        )
        new_low, new_amber = current.low_threshold, current.amber_floor
        if amber > low:
            st.error(
                T["bands_bad"].format(
                    amber=f"{amber:g}",
                    low=f"{low:g}",
                    old_low=f"{current.low_threshold:g}",
                    old_amber=f"{current.amber_floor:g}",
                )
            )
        else:
            new_low, new_amber = float(low), float(amber)
        as_of = st.date_input(
            T["as_of"], key=K["as_of"], help=T["as_of_help"], format="YYYY-MM-DD", persist_state="session"
        )
        with st.expander(T["more"]):
            deviation = st.number_input(
                T["deviation"],
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                key=K["deviation"],
                persist_state="session",
                help=T["deviation_help"],
            )
        # with_: settings edited on other pages (监控's band edges) are kept
        new = current.with_(
            scheme=new_scheme,
            custom_weights=new_weights,
            low_threshold=new_low,
            amber_floor=new_amber,
            target_deviation=float(deviation),
            as_of=as_of if isinstance(as_of, date) else None,
        )
        if new != current:
            data.set_settings(new)
        a = data.analysis()
        if a is not None:
            if a.choice.comparable:
                line = T["in_use"].format(
                    label=a.choice.scheme.label, rep=a.choice.reproduced, comp=a.choice.comparable
                )
            elif a.projects[m.REPORTED_SCORE].notna().any():  # scores, but no rate to recompute them
                line = T["in_use_none_comparable"].format(label=a.choice.scheme.label)
            else:  # "复现 0/0 行" would read as a failure
                line = T["in_use_no_scores"].format(label=a.choice.scheme.label)
            st.caption(line)
    return data.settings()


def _scheme_in_use(s: Settings) -> str:
    a = data.analysis()
    if a is not None:
        return a.choice.scheme.label
    return scheme_label(s.scheme)


def _weight_inputs(current: Settings) -> dict[str, float]:
    # Start from the weights in force, so switching to 自定义 begins from numbers that add to 100.
    base = dict(current.custom_weights)
    if not any(base.values()):
        a = data.analysis()
        base = dict(a.choice.scheme.weights) if a is not None else {}
    if not any(base.values()):  # 自评表 scored by their own weights have none to start from
        base = dict(PRESETS["henan"].weights)
    weights: dict[str, float] = {}
    cols = st.columns(2)
    for i, comp in enumerate(m.COMPONENTS):
        key = WEIGHT_KEY.format(comp=comp)
        _seed(key, float(base.get(comp, 0.0)))
        weights[comp] = float(
            cols[i % 2].number_input(
                m.COMPONENT_LABELS[comp],
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                key=key,
                format="%.1f",
                persist_state="session",
            )
        )
    st.caption(T["weights_total"].format(total=f"{sum(weights.values()):g}"))
    return weights


# --- page pieces -------------------------------------------------------------------------------
def numbers_as_text(frame: pd.DataFrame, formats: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """A small table with its numbers as right-aligned text in a fixed format (half-up, thousands
    separators), a blank as "—". ``formats`` maps column -> Python format."""
    out = frame.copy()
    config = {}
    for col, spec in formats.items():
        out[col] = [
            ("—" if to_float(x) is None else spec.format(round_half_up(to_float(x), 2))) for x in frame[col]
        ]
        config[col] = st.column_config.TextColumn(alignment="right")
    return out, config


def kpi_row():
    """A row of KPI cards that wraps: four across on a laptop, two across on a phone (st.columns
    would stack them one per screen line)."""
    return st.container(horizontal=True, gap="small")


def excluded_caveat(a: Analysis) -> None:
    """Under the KPI cards: how many cells were left out of the figures as impossible values."""
    if a.excluded_values:
        st.caption(T["excluded"].format(n=a.excluded_values))


def empty_state(key: str) -> None:
    """No data yet: say what to do, and offer the sample."""
    st.info(f"**{T['empty_title']}**　{T['empty_body']}")
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.button(T["sample"], key=key, type="primary", on_click=data.load_sample)
        st.page_link("pages/import_data.py", label=T["to_import"], icon=":material/upload_file:")


def analysis_or_stop(key: str) -> Analysis:
    """The current analysis; with no data yet, the empty state (its sample button keyed ``key``) and
    the page stops there."""
    a = data.analysis()
    if a is None:
        empty_state(key)
        st.stop()
    return a


def findings_panel(findings: Sequence[m.Finding], limit: int = 200) -> None:
    """Findings grouped 错误 / 警告 / 提示, each naming its sheet row."""
    groups: dict[str, list[m.Finding]] = {s: [] for s in m.SEVERITIES}
    for f in findings:
        groups.setdefault(f.severity, []).append(f)
    for sev in m.SEVERITIES:
        items = groups[sev]
        label = f"{m.SEVERITY_LABELS[sev]}（{len(items)}）"
        with st.expander(label, expanded=bool(items) and sev != "info", icon=SEVERITY_ICONS[sev]):
            if not items:
                st.caption(T["findings_none"])
            elif len(items) <= limit:
                st.markdown("\n".join(f"- {md_escape(f.where)}：{md_escape(f.message)}" for f in items))
            else:
                st.caption(T["findings_more"].format(n=len(items)))
                show_table(
                    pd.DataFrame(
                        {
                            "行号": [f.sheet_row for f in items],
                            "位置": [f.where for f in items],
                            "说明": [f.message for f in items],
                        }
                    ),
                    hide_index=True,
                )


# Column names of the project tables (import preview, overview, execution).
PCOL = {
    "row": "行号",
    "unit": "单位",
    "project": "项目名称",
    "initial": "年初预算数（万元）",
    "budget": "预算数（万元）",
    "executed": "执行数（万元）",
    "unexecuted": "未执行（万元）",
    "rate": "执行率（%）",
    "band": "红绿灯",
    "score": "得分",
    "grade": "等级",
}


def project_frame(projects: pd.DataFrame, unexecuted: bool = False) -> pd.DataFrame:
    """The project columns users know, with Chinese headers, for st.dataframe (amounts rounded half-up
    the way the reports print them)."""

    def r2(values):
        # one numpy pass: value for value what round_half_up gives (a province is 50,000 rows)
        return round_array(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float))

    budget = pd.to_numeric(projects[m.BUDGET], errors="coerce")
    executed = pd.to_numeric(projects[m.EXECUTED], errors="coerce")
    # name and rate first: on a phone they are what fits without scrolling the grid sideways
    out = pd.DataFrame(
        {
            PCOL["project"]: projects[m.PROJECT].astype(str),
            PCOL["rate"]: r2(projects[m.EXECUTION_RATE]),
            PCOL["band"]: [BAND_LABELS.get(b, "") for b in projects[BAND]],
            PCOL["unit"]: projects[m.UNIT].fillna(""),
            PCOL["initial"]: r2(projects[m.INITIAL_BUDGET]) if m.INITIAL_BUDGET in projects else None,
            PCOL["budget"]: r2(budget),
            PCOL["executed"]: r2(executed),
            PCOL["unexecuted"]: r2(budget - executed),
            PCOL["score"]: r2(projects[m.SCORE]),
            PCOL["grade"]: projects[m.GRADE].fillna(""),
            PCOL["row"]: projects[m.SHEET_ROW].astype("Int64"),
        }
    )
    drop = [] if unexecuted else [PCOL["unexecuted"]]
    if not projects[m.UNIT].notna().any():
        drop.append(PCOL["unit"])
    if m.INITIAL_BUDGET not in projects or not projects[m.INITIAL_BUDGET].notna().any():
        drop.append(PCOL["initial"])  # shown beside the budget only when the table has 年初预算数
    if not pd.to_numeric(projects[m.SCORE], errors="coerce").notna().any():
        drop += [PCOL["score"], PCOL["grade"]]  # a table without scores: no column of "None"
    return out.drop(columns=drop)


PROJECT_COLUMN_CONFIG = {
    # a medium name column leaves 执行率 in view on a phone (pinned columns would print grey)
    PCOL["project"]: st.column_config.TextColumn(width="medium"),
    PCOL["initial"]: st.column_config.NumberColumn(format="%,.2f"),
    PCOL["budget"]: st.column_config.NumberColumn(format="%,.2f"),
    PCOL["executed"]: st.column_config.NumberColumn(format="%,.2f"),
    PCOL["unexecuted"]: st.column_config.NumberColumn(format="%,.2f"),
    PCOL["rate"]: st.column_config.NumberColumn(format="%.2f%%"),
    PCOL["score"]: st.column_config.NumberColumn(format="%.2f"),
}


def amount_unit_text(table: m.ProjectTable, yuan: str) -> str:
    """The table's amount unit in words: ``yuan`` for 元 (each page says the conversion its own way),
    or that the columns were in different units."""
    if units.columns_differ(table):
        return T["unit_mixed"]
    return yuan if table.source.amount_unit == "元" else table.source.amount_unit
