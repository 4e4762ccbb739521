"""Figure builders: a frame (and settings) in, a themed ``go.Figure`` out. No streamlit, no state.

Every builder ends with ``apply_theme`` so the dashboard speaks one visual language: band colours for
the traffic light, 万元 with thousands separators and two decimals, percentages with two decimals,
Chinese titles. Numbers shown on or over a chart are formatted with ``jixiao.fmt`` (half-up, as the
reports round) and passed as text, so a hover never disagrees with a KPI card by a rounding step.

Project names come from uploaded files: they are HTML-escaped before plotly sees them (plotly renders
a subset of HTML in labels and hovers) and shortened on the axis, with the full name on hover.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components.theme import AMBER, BAND_COLORS, BAND_LABELS, GREEN, GREY, MUTED, PALETTE, RED, apply_theme
from jixiao import model as m
from jixiao.fmt import is_missing, num, pct, to_float, wan
from jixiao.naming import tell_apart
from jixiao.settings import Settings
from jixiao.summary.analysis import BAND
from jixiao.summary.compute import agree_mask, band_of
from jixiao.summary.schemes import WeightScheme

T = {
    "execution_bars": "各项目预算执行率",
    "unit_bars": "各单位预算执行率",
    "treemap": "预算规模与执行率（面积＝预算数，颜色＝执行率）",
    "budget_vs_executed": "预算数与执行数（万元）",
    "traffic_light": "执行率红绿灯",
    "components": "各项目得分构成与失分",
    "reported_vs_computed": "填报得分与重新计算得分",
    "grades": "评价等级分布",
    "flag_reasons": "偏差原因分布",
    "threshold": "预警线",
    "time_progress": "序时进度",
    "rate_axis": "预算执行率（%）",
    "wan_axis": "金额（万元）",
    "score_axis": "得分（分）",
    "count_axis": "项目数（个）",
    "budget": "预算数",
    "executed": "执行数",
    "lost": "失分",
    "lost_other": "各表权重不同，未按指标拆分",
    "lost_none": "无",
    "all_projects": "全部项目",
    "no_unit": "（未注明单位）",
    "rest": "其余 {n} 个项目",
    "unnamed": "（未命名项目）",
    "row": "第{row}行",
    "reported": "填报得分",
    "computed": "重新计算得分",
    "agree": "一致",
    "disagree": "不一致",
    "same_line": "两者相等",
    "projects_unit": "个",
    "points_unit": "分",
}
GRADE_ORDER = ("优", "良", "中", "差")
GRADE_LABELS = {"优": "优<br>≥90分", "良": "良<br>80–90分", "中": "中<br>60–80分", "差": "差<br><60分"}
GRADE_COLORS = {"优": GREEN, "良": PALETTE[0], "中": AMBER, "差": RED}
LOST_COLOR = "#d5dae1"
# Component colours stay clear of the traffic-light red/amber/green, so a stacked bar never reads as a
# warning.
COMPONENT_COLORS = {
    "execution": "#1f5fa8",
    "funds": "#4f6d7a",
    "cost": "#8d6e63",
    "output": "#2a9d8f",
    "benefit": "#7b5ea7",
    "satisfaction": "#6aa6d8",
}
BAND_ORDER = ("green", "amber", "red", "over", "none")
BAND_ENTRY_PX = 96  # legend entry width for the band labels (正常 ≥90% …), symbol excluded
TREEMAP_DETAIL_LIMIT = 150  # more projects than this (with units): the treemap opens at unit level
TREEMAP_MAX_TILES = 600  # project tiles at most; the smaller rest of each unit is one tile
BAR_PX = 44  # height per bar: two-line labels at 14 px fit without touching
LABEL_WIDTH = 20  # display columns per axis-label line (10 Chinese characters)
SUFFIX_WIDTH = 12  # display columns of a unit or row added to tell equal names apart


# --- labels -----------------------------------------------------------------------------------
def _display_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _wrap(text: str, width: int) -> list[str]:
    out, line, used = [], "", 0
    for ch in text:
        w = _display_width(ch)
        if used + w > width and line:
            out.append(line)
            line, used = "", 0
        line += ch
        used += w
    return [*out, line] if line or not out else out


def _fit(text: str, room: int) -> str:
    """Cut ``text`` to ``room`` display columns, ending with '…' when cut."""
    if sum(_display_width(c) for c in text) <= room:
        return text
    cut, used = "", 0
    for ch in text:
        if used + _display_width(ch) > room - 1:
            break
        cut += ch
        used += _display_width(ch)
    return cut + "…"


def short_label(name: object, width: int = LABEL_WIDTH, lines: int = 2, suffix: str = "") -> str:
    """Wrap a name into at most ``lines`` lines of ``width`` display columns (a Chinese character is
    two), balanced so no line ends with one dangling character; cut with '…' beyond that, keeping
    ``suffix`` whole at the end. The result is HTML-escaped, lines joined with <br>."""
    text = " ".join(str(name).split()) if not is_missing(name) and str(name).strip() else T["unnamed"]
    suffix_width = sum(_display_width(c) for c in suffix)
    text = _fit(text, width * lines - suffix_width) + suffix
    total = sum(_display_width(c) for c in text)
    wrapped = _wrap(text, width)
    if len(wrapped) > lines:  # characters that straddle a line end need one more column: cut again
        wrapped = _wrap(
            _fit(text[: -len(suffix)] if suffix else text, width * lines - suffix_width - 2) + suffix, width
        )
    for w in range(-(-total // lines), width):
        balanced = _wrap(text, w)
        if len(balanced) <= len(wrapped):
            wrapped = balanced
            break
    return "<br>".join(html.escape(x, quote=False) for x in wrapped[:lines])


def _one_line(name: object) -> str:
    return " ".join(str(name).split()) if not is_missing(name) and str(name).strip() else T["unnamed"]


def _groups(labels: list[str]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        out.setdefault(label, []).append(i)
    return {k: v for k, v in out.items() if len(v) > 1}


def _end(text: str, room: int) -> str:
    """The last ``room`` display columns of ``text``."""
    out, used = "", 0
    for ch in reversed(text):
        if used + _display_width(ch) > room:
            break
        out = ch + out
        used += _display_width(ch)
    return out


def _telling_ends(texts: list[str]) -> list[str] | None:
    """The shortest ends (up to half a label) that tell these names apart, or None when they cannot
    (the same name repeated, or names that differ only in their middle)."""
    if len(set(texts)) < 2:
        return None
    for room in range(4, LABEL_WIDTH + 1, 2):
        ends = [_end(t, room) for t in texts]
        if len(set(ends)) == len(set(texts)):
            return ends
    return None


def _head_and_end(text: str, end: str) -> str:
    """``text`` cut so that its ``end`` stays: "关于推进全省科学技术普及…项目01"."""
    room = LABEL_WIDTH * 2 - sum(_display_width(c) for c in end) - 3  # 2 spare for a line break
    if sum(_display_width(c) for c in text) <= room + sum(_display_width(c) for c in end) + 1:
        return text
    return _fit(text[: len(text) - len(end)], room).rstrip("…") + "…" + end


def full_name(name: object) -> str:
    return html.escape(str(name), quote=False) if not is_missing(name) and str(name).strip() else T["unnamed"]


def unique_labels(
    names: Iterable[object],
    rows: Iterable[object],
    units: Iterable[object] | None = None,
    sheets: Iterable[object] | None = None,
) -> list[str]:
    """Short axis labels; two projects that shorten to the same label get their unit appended
    ("其他交通费（科技馆）", jixiao.naming.tell_apart), else their sheet row, because a categorical axis
    would otherwise draw them as one bar."""
    names, rows = list(names), list(rows)
    units = list(units) if units is not None else [None] * len(names)
    labels = [short_label(n) for n in names]
    # different names cut to the same label (long names that differ at their end): show the end
    texts = {i: _one_line(n) for i, n in enumerate(names)}
    for group in _groups(labels).values():
        ends = _telling_ends([texts[i] for i in group])
        if ends is not None:
            for i, end in zip(group, ends):
                labels[i] = short_label(_head_and_end(texts[i], end))
    suffixes = tell_apart(labels, units, rows, list(sheets) if sheets is not None else None)
    out = []
    for name, label, suffix in zip(names, labels, suffixes):
        if suffix:
            # a long unit name must not push the project's own name off the label
            label = short_label(name, suffix=f"（{_fit(suffix[1:-1], SUFFIX_WIDTH)}）")
        out.append(label)
    # still duplicated (no rows given): number them so no bar is hidden behind another
    seen: dict[str, int] = {}
    final = []
    for label in out:
        seen[label] = seen.get(label, 0) + 1
        final.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return final


def band_legend(band: str, settings: Settings) -> str:
    low, floor = f"{settings.low_threshold:g}%", f"{settings.amber_floor:g}%"
    # short enough that three entries sit on one legend row at phone width
    text = {
        "green": f"{BAND_LABELS['green']} ≥{low}",
        "amber": f"{BAND_LABELS['amber']} {floor}–{low}",
        "red": f"{BAND_LABELS['red']} <{floor}",
        "over": f"{BAND_LABELS['over']} >100%",
        "none": BAND_LABELS["none"],
    }
    return text[band]


def _title(title: str | None, default: str) -> str | None:
    """None → the default Chinese title; "" → no title (the page already has a heading)."""
    if title is None:
        return default
    return title or None


def _legend_below(fig: go.Figure, extra_rows: int = 0, entrywidth: int | None = None) -> go.Figure:
    """Legend under the chart, pinned to the container, so it never collides with the title at the top
    (the theme's default) when the plot is narrow."""
    fig.update_layout(
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "xref": "container",
            "x": 0.01,
            "xanchor": "left",
            "title_text": "",
        },
        margin={"b": 96 + 24 * extra_rows},
    )
    if entrywidth:
        # a fixed entry width keeps the three short band entries on one row in a half-width column
        fig.update_layout(legend={"entrywidth": entrywidth, "entrywidthmode": "pixels"})
    return fig


def _height(n: int, per: int = BAR_PX, base: int = 150, minimum: int = 320) -> int:
    return max(minimum, base + per * n)


# --- execution -------------------------------------------------------------------------------
def _rate_bars(
    frame: pd.DataFrame,
    settings: Settings,
    time_progress: float | None,
    title: str,
) -> go.Figure:
    """Shared by the project and unit views. ``frame`` has label, name, rate, budget, executed, band and
    key (the unit name or the project's index, put last in each bar's customdata for a click), already
    sorted slowest first."""
    fig = go.Figure()
    order = frame["label"].tolist()
    for band in BAND_ORDER:
        part = frame[frame["band"] == band]
        if part.empty:
            continue
        custom = np.column_stack(
            [
                part["name"].tolist(),
                [wan(b) for b in part["budget"]],
                [wan(e) for e in part["executed"]],
                [pct(r) for r in part["rate"]],
                # last: what a click selects (components/drill.py reads it back)
                [str(k) for k in part["key"]],
            ]
        )
        fig.add_trace(
            go.Bar(
                name=band_legend(band, settings),
                orientation="h",
                y=part["label"].tolist(),
                x=[0.0 if r is None or math.isnan(r) else r for r in part["rate"]],
                marker={"color": BAND_COLORS[band]},
                text=[pct(r) for r in part["rate"]],
                # inside a long bar (in a contrasting colour), outside a short one: nothing runs off the
                # right edge on a phone, and a 0% bar still shows its number
                textposition=["inside" if to_float(r) and r >= 45 else "outside" for r in part["rate"]],
                insidetextanchor="end",
                constraintext="none",
                cliponaxis=False,
                customdata=custom,
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>预算数：%{customdata[1]} 万元"
                    "<br>执行数：%{customdata[2]} 万元<br>执行率：%{customdata[3]}<extra></extra>"
                ),
            )
        )
    rates = [r for r in frame["rate"] if r is not None and not math.isnan(r)]
    top = max([100.0, settings.low_threshold, time_progress or 0.0, *rates])
    fig.update_xaxes(
        range=[0, top * 1.12], ticksuffix="%", title_text=T["rate_axis"], tickformat=".0f", fixedrange=True
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", title_text="")
    # Reference lines, labelled above the plot (one row each) so the labels never sit on a bar and
    # are not cut off at the right edge on a phone: a label on the right half ends at its line.
    axis_max = top * 1.12
    lines = [(settings.low_threshold, RED, "dash", f"{T['threshold']} {pct(settings.low_threshold)}")]
    if time_progress is not None:
        lines.append((time_progress, MUTED, "dot", f"{T['time_progress']} {pct(time_progress)}"))
    for k, (x, color, dash, label) in enumerate(lines):
        fig.add_vline(x=x, line={"color": color, "width": 2, "dash": dash})
        fig.add_annotation(
            x=x,
            y=1,
            xref="x",
            yref="paper",
            yanchor="bottom",
            xanchor="right" if x > axis_max * 0.55 else "left",
            yshift=2 + 20 * k,
            text=label,
            showarrow=False,
            font={"color": color},
        )
    fig.update_layout(barmode="overlay", bargap=0.3, dragmode=False)
    fig = _legend_below(apply_theme(fig, title, height=_height(len(frame))), entrywidth=BAND_ENTRY_PX)
    fig.update_layout(margin={"t": (70 if title else 16) + 22 * len(lines)})
    return fig


def execution_bars(
    projects: pd.DataFrame,
    settings: Settings,
    time_progress: float | None = None,
    title: str | None = None,
) -> go.Figure:
    """One horizontal bar per project, slowest at the top, coloured by band, with reference lines at
    the execution threshold and at 序时进度."""
    df = projects.copy()
    df["_rate"] = pd.to_numeric(df[m.EXECUTION_RATE], errors="coerce")
    # missing rates sort last: they are a data problem, not the slowest spending
    df = df.sort_values("_rate", na_position="last", kind="stable")
    frame = pd.DataFrame(
        {
            "label": unique_labels(df[m.PROJECT], df[m.SHEET_ROW], df[m.UNIT], df.get(m.SHEET)),
            "name": [full_name(n) for n in df[m.PROJECT]],
            "rate": [to_float(r) if to_float(r) is not None else float("nan") for r in df["_rate"]],
            "budget": [to_float(b) for b in df[m.BUDGET]],
            "executed": [to_float(e) for e in df[m.EXECUTED]],
            "band": df[BAND].tolist(),
            "key": df.index.tolist(),
        }
    )
    return _rate_bars(frame, settings, time_progress, _title(title, T["execution_bars"]))


def unit_execution_bars(
    units: pd.DataFrame, settings: Settings, time_progress: float | None = None, title: str | None = None
) -> go.Figure:
    """The unit-level view: one bar per unit from ``Analysis.units``."""
    df = units.copy()
    df["_rate"] = pd.to_numeric(df["execution_rate"], errors="coerce")
    df = df.sort_values("_rate", na_position="last", kind="stable")
    frame = pd.DataFrame(
        {
            "label": unique_labels(df["unit"], [None] * len(df)),
            "name": [full_name(u) for u in df["unit"]],
            "rate": [to_float(r) if to_float(r) is not None else float("nan") for r in df["_rate"]],
            "budget": [to_float(b) for b in df["budget"]],
            "executed": [to_float(e) for e in df["executed"]],
            "band": [band_of(to_float(r), settings.low_threshold, settings.amber_floor) for r in df["_rate"]],
            "key": [str(u) for u in df["unit"]],
        }
    )
    return _rate_bars(frame, settings, time_progress, _title(title, T["unit_bars"]))


def execution_treemap(projects: pd.DataFrame, settings: Settings, title: str | None = None) -> go.Figure:
    """Unit → project, area = budget, colour = the band of the execution rate (units and the whole by
    their own amounts). Click a unit to drill down; plotly's path bar climbs back."""

    def rate_of(budget: float, executed: float) -> float | None:
        return executed / budget * 100.0 if budget > 0 else None

    ids, labels, parents, values, colors, custom = [], [], [], [], [], []

    def add(node_id, label, parent, budget, executed, rate, name):
        ids.append(node_id)
        labels.append(label)
        parents.append(parent)
        values.append(budget)
        colors.append(BAND_COLORS[band_of(rate, settings.low_threshold, settings.amber_floor)])
        custom.append([name, wan(budget), wan(executed), pct(rate)])

    # only the columns a tile needs: copying a province's flags and reasons costs a tenth of a second
    df = projects[[c for c in (m.UNIT, m.PROJECT, m.EXECUTION_RATE) if c in projects]].copy()
    df["_budget"] = pd.to_numeric(projects[m.BUDGET], errors="coerce").fillna(0.0).clip(lower=0.0)
    df["_executed"] = pd.to_numeric(projects[m.EXECUTED], errors="coerce").fillna(0.0)
    root = "root"
    total_b, total_e = float(df["_budget"].sum()), float(df["_executed"].sum())
    add(root, T["all_projects"], "", total_b, total_e, rate_of(total_b, total_e), T["all_projects"])
    has_units = m.UNIT in df and df[m.UNIT].notna().any()
    if has_units:
        df["_unit"] = df[m.UNIT].where(df[m.UNIT].notna(), T["no_unit"]).astype(str)
        for unit, g in df.groupby("_unit", sort=False):
            b, e = float(g["_budget"].sum()), float(g["_executed"].sum())
            add(f"u:{unit}", short_label(unit, 24, 1), root, b, e, rate_of(b, e), full_name(unit))
    # Thousands of tiles draw slowly and read as noise: the largest projects keep their own tile,
    # the rest of each unit become one "其余 N 个项目" tile with their summed amounts.
    df["_group"] = df["_unit"] if has_units else root
    df["_rank"] = df.groupby("_group", sort=False)["_budget"].rank(method="first", ascending=False)
    per_group = max(20, TREEMAP_MAX_TILES // max(1, df["_group"].nunique()))
    shown = df[df["_rank"] <= per_group]
    for i, rec in zip(shown.index.tolist(), shown.to_dict("records")):
        parent = f"u:{rec['_unit']}" if has_units else root
        rate = to_float(rec[m.EXECUTION_RATE])
        add(
            f"p:{i}",
            short_label(rec[m.PROJECT], 16, 2),
            parent,
            float(rec["_budget"]),
            float(rec["_executed"]),
            rate,
            full_name(rec[m.PROJECT]),
        )
    for group, rest in df[df["_rank"] > per_group].groupby("_group", sort=False):
        parent = f"u:{group}" if has_units else root
        b, e = float(rest["_budget"].sum()), float(rest["_executed"].sum())
        label = T["rest"].format(n=len(rest))
        add(f"r:{group}", label, parent, b, e, rate_of(b, e), label)
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker={"colors": colors, "line": {"color": "white", "width": 1}},
            customdata=np.array(custom, dtype=object),  # an array: plotly validates nested lists cell by cell
            texttemplate="%{label}<br>%{customdata[3]}",
            # white reads on green and red; amber and grey tiles need dark text
            textfont={"color": ["#1f2933" if c in (AMBER, GREY) else "white" for c in colors]},
            hovertemplate=(
                "<b>%{customdata[0]}</b><br>预算数：%{customdata[1]} 万元"
                "<br>执行数：%{customdata[2]} 万元<br>执行率：%{customdata[3]}<extra></extra>"
            ),
            pathbar={"visible": True},
            # hundreds of projects under units: show the units first, projects on click
            maxdepth=2 if has_units and len(df) > TREEMAP_DETAIL_LIMIT else -1,
            root={"color": GREY},
            sort=True,
        )
    )
    shown_title = _title(title, T["treemap"])
    fig = apply_theme(fig, shown_title, height=520)
    fig.update_layout(margin={"l": 4, "r": 4, "t": 70 if shown_title else 30, "b": 4})
    return fig


def budget_vs_executed(projects: pd.DataFrame, title: str | None = None) -> go.Figure:
    """预算数 and 执行数 side by side per project, largest budget at the top."""
    df = projects.copy()
    df["_budget"] = pd.to_numeric(df[m.BUDGET], errors="coerce")
    df = df.sort_values("_budget", ascending=False, na_position="last", kind="stable")
    labels = unique_labels(df[m.PROJECT], df[m.SHEET_ROW], df[m.UNIT], df.get(m.SHEET))
    names = [full_name(n) for n in df[m.PROJECT]]
    fig = go.Figure()
    for key, col, color in (("budget", m.BUDGET, PALETTE[0]), ("executed", m.EXECUTED, PALETTE[1])):
        amounts = [to_float(x) for x in df[col]]
        fig.add_trace(
            go.Bar(
                name=T[key],
                orientation="h",
                y=labels,
                x=[0.0 if a is None else a for a in amounts],
                marker={"color": color},
                text=[wan(a) for a in amounts],
                textposition="outside",
                constraintext="none",
                cliponaxis=False,
                customdata=np.column_stack([names, [wan(a) for a in amounts]]),
                hovertemplate="<b>%{customdata[0]}</b><br>"
                + T[key]
                + "：%{customdata[1]} 万元<extra></extra>",
            )
        )
    biggest = max(
        [0.0, *(to_float(x) or 0.0 for x in df[m.BUDGET]), *(to_float(x) or 0.0 for x in df[m.EXECUTED])]
    )
    fig.update_xaxes(
        title_text=T["wan_axis"], tickformat=",.0f", range=[0, biggest * 1.3 or 1], fixedrange=True
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_layout(barmode="group", bargap=0.3, bargroupgap=0.05, dragmode=False)
    return _legend_below(
        apply_theme(fig, _title(title, T["budget_vs_executed"]), height=_height(len(df), per=46))
    )


def band_counts(projects: pd.DataFrame) -> dict[str, int]:
    counts = projects[BAND].value_counts() if len(projects) else pd.Series(dtype=int)
    return {b: int(counts.get(b, 0)) for b in BAND_ORDER}


def traffic_light(projects: pd.DataFrame, settings: Settings, title: str | None = None) -> go.Figure:
    """Projects per band as a donut, the total in the middle."""
    counts = band_counts(projects)
    bands = [b for b in BAND_ORDER if counts[b] or b not in ("none", "over")]
    fig = go.Figure(
        go.Pie(
            labels=[band_legend(b, settings) for b in bands],
            values=[counts[b] for b in bands],
            marker={"colors": [BAND_COLORS[b] for b in bands], "line": {"color": "white", "width": 2}},
            hole=0.58,
            sort=False,
            direction="clockwise",
            textinfo="value",
            texttemplate="%{value} 个",
            hovertemplate="%{label}：%{value} 个项目（%{percent}）<extra></extra>",
        )
    )
    fig.add_annotation(
        text=f"{len(projects)} 个<br>项目", showarrow=False, font={"size": 18}, x=0.5, y=0.5, xref="paper"
    )
    fig = apply_theme(fig, _title(title, T["traffic_light"]), height=380)
    return _legend_below(fig, entrywidth=BAND_ENTRY_PX)


# --- scores ------------------------------------------------------------------------------------
def component_frame(projects: pd.DataFrame, components: pd.DataFrame, scheme: WeightScheme) -> pd.DataFrame:
    """Per project and weighted component: points earned and points lost (full marks of the component
    on that row − earned). '/' components carry no full marks; their weight is spread over the rest,
    the way jixiao.summary.compute scores them.

    A scheme without weights (自评表 scored by each form's own weights) only knows the total lost:
    it goes to ``lost_other``."""
    comps = [c for c, w in scheme.weights.items() if w and c in components.columns]
    earned_all = components.reindex(projects.index)
    out = pd.DataFrame(index=projects.index)
    if not comps:
        comps = [c for c in m.COMPONENTS if c in components.columns]
        for c in comps:
            out[f"earned_{c}"] = earned_all[c].to_numpy(dtype=float)
        total = out[[f"earned_{c}" for c in comps]].sum(axis=1) if comps else 0.0
        out["lost_other"] = np.clip(100.0 - total, 0.0, None)
        return out
    weights = np.array([scheme.weights[c] for c in comps], dtype=float)
    na_sets = projects[m.NA_COMPONENTS].tolist() if m.NA_COMPONENTS in projects else [()] * len(projects)
    full = np.zeros((len(projects), len(comps)))
    for i, na in enumerate(na_sets):
        applicable = np.array([c not in (na or ()) for c in comps])
        total = (weights * applicable).sum()
        if total > 0:
            full[i] = np.where(applicable, weights * 100.0 / total, 0.0)
    earned = earned_all[comps].to_numpy(dtype=float)
    for j, c in enumerate(comps):
        out[f"earned_{c}"] = earned[:, j]
        out[f"lost_{c}"] = np.clip(full[:, j] - earned[:, j], 0.0, None)
    return out


def score_components(
    projects: pd.DataFrame, components: pd.DataFrame, scheme: WeightScheme, title: str | None = None
) -> go.Figure:
    """A stacked bar per project: points earned per component, then the points lost (grey), lowest
    score at the top. The hover on 失分 says which components lost them."""
    frame = component_frame(projects, components, scheme)
    comps = [c[len("earned_") :] for c in frame.columns if c.startswith("earned_")]
    df = projects.copy()
    df["_score"] = pd.to_numeric(df[m.COMPUTED_SCORE], errors="coerce")
    df = df.sort_values("_score", na_position="last", kind="stable")
    frame = frame.loc[df.index]
    labels = unique_labels(df[m.PROJECT], df[m.SHEET_ROW], df[m.UNIT], df.get(m.SHEET))
    names = [full_name(n) for n in df[m.PROJECT]]
    fig = go.Figure()
    for k, c in enumerate(comps):
        pts = frame[f"earned_{c}"].tolist()
        label = m.COMPONENT_LABELS[c]
        weight = scheme.weights.get(c)
        fig.add_trace(
            go.Bar(
                name=f"{label}（{weight:g}分）" if weight else label,
                orientation="h",
                y=labels,
                x=[0.0 if math.isnan(p) else p for p in pts],
                marker={"color": COMPONENT_COLORS.get(c, PALETTE[k % len(PALETTE)])},
                customdata=np.column_stack([names, [num(p) for p in pts]]),
                hovertemplate="<b>%{customdata[0]}</b><br>" + label + "：%{customdata[1]} 分<extra></extra>",
            )
        )
    lost_cols = [c for c in frame.columns if c.startswith("lost_")]
    lost_total = frame[lost_cols].sum(axis=1, min_count=1)
    # a row whose score cannot be computed has no "lost" either
    lost_total = lost_total.where(df["_score"].notna())
    breakdown = []
    for idx in frame.index:
        parts = [
            f"{m.COMPONENT_LABELS[c]} −{num(frame.at[idx, f'lost_{c}'])}"
            for c in comps
            if f"lost_{c}" in frame and frame.at[idx, f"lost_{c}"] > 0.005
        ]
        if "lost_other" in frame and frame.at[idx, "lost_other"] > 0.005:
            parts.append(T["lost_other"])
        breakdown.append("<br>".join(parts) if parts else T["lost_none"])
    fig.add_trace(
        go.Bar(
            name=T["lost"],
            orientation="h",
            y=labels,
            x=[0.0 if math.isnan(x) else x for x in lost_total],
            marker={"color": LOST_COLOR},
            text=[f"得 {num(s)}" if not math.isnan(s) else "无法计算" for s in df["_score"]],
            textposition="outside",
            cliponaxis=False,
            customdata=np.column_stack([names, [num(x) for x in lost_total], breakdown]),
            hovertemplate="<b>%{customdata[0]}</b><br>失分：%{customdata[1]} 分<br>%{customdata[2]}<extra></extra>",
        )
    )
    # a score above 100 (weights adding to more than 100) is drawn as it is, inside the axis
    widest = max(
        [
            100.0,
            *(
                x
                for x in (frame[[c for c in frame.columns if c.startswith(("earned_", "lost_"))]].sum(axis=1))
                if x == x
            ),
            *(x for x in df["_score"] if x == x),
        ]
    )
    fig.update_xaxes(range=[0, widest * 1.18], title_text=T["score_axis"], fixedrange=True, dtick=20)
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    # plotly lists stacked-bar legends bottom-up by default; read them in stacking order instead
    fig.update_layout(barmode="stack", bargap=0.25, dragmode=False, legend_traceorder="normal")
    fig = apply_theme(fig, _title(title, T["components"]), height=_height(len(df), base=190))
    # six components and 失分 take two legend rows on a laptop
    return _legend_below(fig, extra_rows=1)


def score_differences(projects: pd.DataFrame) -> pd.DataFrame:
    """Rows whose reported 自评得分 and recomputed score disagree (at the printed precision)."""
    rep = pd.to_numeric(projects[m.REPORTED_SCORE], errors="coerce").to_numpy(dtype=float)
    comp = pd.to_numeric(projects[m.COMPUTED_SCORE], errors="coerce").to_numpy(dtype=float)
    both = ~np.isnan(rep) & ~np.isnan(comp)
    keep = both & ~agree_mask(rep, comp)
    cols = [m.SHEET_ROW, m.PROJECT, m.REPORTED_SCORE, m.COMPUTED_SCORE, "difference"]
    if not keep.any():
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        {
            m.SHEET_ROW: projects[m.SHEET_ROW].to_numpy()[keep],
            m.PROJECT: projects[m.PROJECT].to_numpy()[keep],
            m.REPORTED_SCORE: rep[keep],
            m.COMPUTED_SCORE: comp[keep],
            "difference": rep[keep] - comp[keep],
        },
        columns=cols,
    )


SCATTER_MAX_POINTS = 300  # single project markers at most; the rest are grouped into counted markers


def _score_points(part: pd.DataFrame, agree_flag: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(single projects, groups): every project when few; with many, the agreeing ones grouped by
    whole point along the diagonal, the disagreeing ones kept by the largest difference and the rest
    grouped on a 5-point grid. A group is one marker sized by its count."""
    if len(part) <= SCATTER_MAX_POINTS:
        return part, part.iloc[0:0]
    if agree_flag:
        single, rest = part.iloc[0:0], part
        step = 1.0
    else:
        order = (part["_rep"] - part["_comp"]).abs().sort_values(ascending=False, kind="stable").index
        single, rest = part.loc[order[:SCATTER_MAX_POINTS]], part.loc[order[SCATTER_MAX_POINTS:]]
        step = 5.0
    keys = [(rest["_rep"] / step).round() * step, (rest["_comp"] / step).round() * step]
    groups = (
        rest.groupby(keys, sort=True)
        .agg(_x=("_rep", "mean"), _y=("_comp", "mean"), _n=("_rep", "size"))
        .reset_index(drop=True)
    )
    return single, groups


def reported_vs_computed(projects: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Reported score (x) against the recomputed one (y); on the diagonal they agree, off it red.
    A province-wide table draws a few hundred markers, not one per project (see ``_score_points``)."""
    df = projects.copy()
    df["_rep"] = pd.to_numeric(df[m.REPORTED_SCORE], errors="coerce")
    df["_comp"] = pd.to_numeric(df[m.COMPUTED_SCORE], errors="coerce")
    df = df[df["_rep"].notna() & df["_comp"].notna()]
    ok = agree_mask(df["_rep"].to_numpy(dtype=float), df["_comp"].to_numpy(dtype=float))
    low = min(
        [60.0, float(df["_rep"].min()) if len(df) else 60.0, float(df["_comp"].min()) if len(df) else 60.0]
    )
    low = max(0.0, math.floor(low / 10.0) * 10.0 - 5)
    fig = go.Figure()
    high = max(
        [100.0, float(df["_rep"].max()) if len(df) else 100.0, float(df["_comp"].max()) if len(df) else 100.0]
    )
    fig.add_trace(
        go.Scatter(
            x=[low, high],
            y=[low, high],
            mode="lines",
            line={"color": GREY, "dash": "dash", "width": 1},
            name=T["same_line"],
            hoverinfo="skip",
        )
    )
    for agree_flag, color, key in ((True, PALETTE[0], "agree"), (False, RED, "disagree")):
        part = df[ok == agree_flag]
        if part.empty:
            continue
        single, groups = _score_points(part, agree_flag)
        if len(single):
            fig.add_trace(
                go.Scatter(
                    x=single["_rep"].tolist(),
                    y=single["_comp"].tolist(),
                    mode="markers",
                    name=T[key],
                    marker={"color": color, "size": 11, "line": {"color": "white", "width": 1}},
                    customdata=np.column_stack(
                        [
                            [full_name(n) for n in single[m.PROJECT]],
                            [num(x) for x in single["_rep"]],
                            [num(x) for x in single["_comp"]],
                            [num(r - c) for r, c in zip(single["_rep"], single["_comp"])],
                        ]
                    ),
                    hovertemplate=(
                        "<b>%{customdata[0]}</b><br>填报：%{customdata[1]} 分<br>重新计算：%{customdata[2]} 分"
                        "<br>差额：%{customdata[3]} 分<extra></extra>"
                    ),
                )
            )
        if len(groups):
            fig.add_trace(
                go.Scatter(
                    x=groups["_x"].tolist(),
                    y=groups["_y"].tolist(),
                    mode="markers",
                    name=T[key] + "（成组）",
                    marker={
                        "color": color,
                        "opacity": 0.6,
                        "size": (8 + 4 * np.sqrt(groups["_n"].to_numpy(dtype=float))).clip(8, 40).tolist(),
                        "line": {"color": "white", "width": 1},
                    },
                    customdata=np.column_stack(
                        [
                            groups["_n"].tolist(),
                            [num(x) for x in groups["_x"]],
                            [num(y) for y in groups["_y"]],
                        ]
                    ),
                    hovertemplate=(
                        "<b>%{customdata[0]} 个项目</b><br>填报约 %{customdata[1]} 分<br>"
                        "重新计算约 %{customdata[2]} 分<extra></extra>"
                    ),
                )
            )
    fig.update_xaxes(title_text=T["reported"], range=[low, high + 2])
    fig.update_yaxes(title_text=T["computed"], range=[low, high + 2], scaleanchor="x", scaleratio=1)
    return apply_theme(fig, _title(title, T["reported_vs_computed"]), height=420)


def grade_counts(projects: pd.DataFrame) -> dict[str, int]:
    counts = projects[m.GRADE].value_counts() if len(projects) else pd.Series(dtype=int)
    return {g: int(counts.get(g, 0)) for g in GRADE_ORDER}


def grade_distribution(projects: pd.DataFrame, title: str | None = None) -> go.Figure:
    counts = grade_counts(projects)
    fig = go.Figure(
        go.Bar(
            x=[GRADE_LABELS[g] for g in GRADE_ORDER],
            y=[counts[g] for g in GRADE_ORDER],
            marker={"color": [GRADE_COLORS[g] for g in GRADE_ORDER]},
            text=[f"{counts[g]} 个" for g in GRADE_ORDER],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}：%{y} 个项目<extra></extra>",
        )
    )
    top = max(counts.values()) if counts else 0
    fig.update_yaxes(
        title_text=T["count_axis"], range=[0, max(1, top) * 1.25], dtick=max(1, math.ceil(top / 5))
    )
    fig.update_layout(showlegend=False, dragmode=False)
    return apply_theme(fig, _title(title, T["grades"]), height=340)


# --- deviations --------------------------------------------------------------------------------
def flag_reason_counts(flagged: pd.DataFrame, labels: dict[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for flags in flagged[m.FLAGS]:
        for code in dict.fromkeys(f.code for f in flags):
            counts[code] = counts.get(code, 0) + 1
    return {code: counts[code] for code in labels if code in counts}


def flag_reasons(flagged: pd.DataFrame, labels: dict[str, str], title: str | None = None) -> go.Figure:
    """Projects per deviation reason (a project with two reasons counts under both)."""
    counts = flag_reason_counts(flagged, labels)
    colors = {
        "LOW_EXECUTION": RED,
        "OVER_EXECUTION": AMBER,
        "INDICATOR_SHORTFALL": PALETTE[0],
        "SELF_FLAG_MISMATCH": PALETTE[3],
        "NO_RATE": GREY,
    }
    codes = list(counts)
    fig = go.Figure(
        go.Bar(
            orientation="h",
            y=[labels[c] for c in codes],
            x=[counts[c] for c in codes],
            marker={"color": [colors.get(c, PALETTE[4]) for c in codes]},
            text=[f"{counts[c]} 个" for c in codes],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}：%{x} 个项目<extra></extra>",
        )
    )
    top = max(counts.values()) if counts else 1
    fig.update_xaxes(title_text=T["count_axis"], range=[0, top * 1.3], dtick=max(1, math.ceil(top / 5)))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=False, dragmode=False)
    return apply_theme(fig, _title(title, T["flag_reasons"]), height=_height(len(codes), per=44, minimum=260))
