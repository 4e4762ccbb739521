"""Figure and table builders for the seven 部门决算 charts. Pure: figures in, go.Figure / DataFrame out.

图1/4/5 are grouped bars (last year beside this year) with the change in an annotation; 图2/3/6/7
are donuts for the chosen year, with last year's donut beside it when known. Zero slices are not
drawn (a pie cannot show them); the figure names them in a note and the tables list them.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.theme import GREY, MUTED, PALETTE, apply_theme
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import read as fa_read
from jixiao.final_accounts.figures import BAR_CHARTS, CHART_TITLES, STRUCTURE_CHARTS, FinalAccounts
from jixiao.fmt import pct, round_half_up, signed_pct, signed_wan, wan

COL_ITEM = "项目"
COL_AMOUNT = "金额（万元）"
COL_SHARE = "占比（%）"
COL_PREVIOUS = "上年金额（万元）"
COL_CHANGE = "增减额（万元）"
COL_CHANGE_PCT = "增减率（%）"
COL_THIS_YEAR = "本年金额（万元）"
TOTAL_ROW = "合计"

# More colours than the base palette for 图6, which can have a dozen 功能分类.
_EXTRA_COLORS = ["#3d8bd9", "#80c4b7", "#f2c57c", "#b39ddb", "#ef8a96", "#9ccc65", "#bcaaa4", "#90a4ae"]
_COLORS = PALETTE + _EXTRA_COLORS


def figure(fa: FinalAccounts, chart: str, year: int, *, large: bool = False) -> go.Figure:
    """Any of the seven charts by key (fam.FIG1 … fam.FIG7)."""
    if chart in BAR_CHARTS:
        return bar_figure(fa, chart, year, large=large)
    return structure_figure(fa, chart, year, large=large)


def _r(x: float | None) -> float | None:
    return round_half_up(x, 2)


# --- 图1 / 图4 / 图5 ----------------------------------------------------------------------------
def bar_figure(fa: FinalAccounts, chart: str, year: int, *, large: bool = False) -> go.Figure:
    series = fam.bar_series(fa, chart)
    prev = fa.previous_year(year)
    years = [y for y in (prev, year) if y is not None]
    names = list(series)
    fig = go.Figure()
    for y in years:
        values = [series[n].get(y) for n in names]
        fig.add_trace(
            go.Bar(
                name=fa_read.year_label(y),
                x=names,
                y=[_r(v) for v in values],
                text=[wan(v, unit=True) if v is not None else "" for v in values],
                textposition="outside",
                cliponaxis=False,
                marker_color=PALETTE[0] if y == year else GREY,
                hovertemplate=f"%{{x}}<br>{fa_read.year_label(y)}：%{{y:,.2f}}万元<extra></extra>",
            )
        )
    fig.update_layout(barmode="group", bargap=0.35, yaxis_title="万元", yaxis_tickformat=",.2f")
    apply_theme(fig, CHART_TITLES[chart], large=large, height=640 if large else 440)
    notes = (
        [_change_note(name, fam.chart_change(fa, chart, year, name), prev) for name in names] if prev else []
    )
    notes = [n for n in notes if n]
    if not any(series[n].get(year) is not None for n in names):
        notes.append(f"{fa_read.year_label(year)}没有数据")
    if notes:
        _notes_below(fig, notes, -0.12)
        fig.update_layout(margin={"b": 40 + 28 * len(notes) * (2 if large else 1)})
    return fig


def _change_note(name: str, ch: fam.Change, prev: int | None) -> str:
    if ch.amount is None or prev is None:
        return ""
    text = f"{name}：较{prev}年度变动 {signed_wan(ch.amount)}万元"
    return text + (f"（{signed_pct(ch.percent)}）" if ch.percent is not None else "（上年为0，无增长率）")


# --- 图2 / 图3 / 图6 / 图7 ----------------------------------------------------------------------
def structure_figure(fa: FinalAccounts, chart: str, year: int, *, large: bool = False) -> go.Figure:
    prev = fa.previous_year(year)
    years = [y for y in (prev, year) if y is not None and fam.structure_items(fa, chart, y)] or [year]
    colors = _item_colors(fa, chart, years)
    fig = go.Figure()
    notes = []
    for col, y in enumerate(years, 1):
        items = fam.structure_items(fa, chart, y)
        total = fam.structure_total(fa, chart, y)
        drawn = {k: v for k, v in items.items() if v > 0}
        fig.add_trace(
            go.Pie(
                name=fa_read.year_label(y),
                labels=list(drawn),
                values=[_r(v) for v in drawn.values()],
                customdata=[[wan(v), pct(fam.share(v, total))] for v in drawn.values()],
                texttemplate="%{customdata[0]}万元<br>%{customdata[1]}",
                hovertemplate=f"{fa_read.year_label(y)}<br>%{{label}}<br>%{{customdata[0]}}万元<br>"
                "占%{customdata[1]}<extra></extra>",
                hole=0.55,
                sort=False,
                direction="clockwise",
                marker={"colors": [colors[k] for k in drawn], "line": {"color": "white", "width": 1}},
                textposition="auto",
                insidetextorientation="horizontal",
                # Room above and below for the labels of thin slices, which go outside the ring.
                domain={"x": _column(col, len(years)), "y": [0.08, 0.84]},
            )
        )
        if total is not None:
            _center_label(fig, col, len(years), f"{fa_read.year_label(y)}<br>{wan(total)}万元")
        notes.extend(_undrawn(items, fa_read.year_label(y) if len(years) > 1 else ""))
        if not items:
            notes.append(f"{fa_read.year_label(y)}没有数据")
    apply_theme(fig, CHART_TITLES[chart], large=large, height=760 if large else 500)
    fig.update_layout(legend={"orientation": "h", "y": -0.05, "yanchor": "top", "x": 0})
    if notes:
        _notes_below(fig, [_wrap(n, 44 if not large else 30) for n in notes], -0.22)
    fig.update_layout(margin={"b": 90 + 26 * len(notes) * (2 if large else 1)})
    return fig


def _notes_below(fig: go.Figure, lines: list[str], y: float) -> None:
    """Muted notes under the plot (what the chart cannot draw), left-aligned."""
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=y,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"color": MUTED},
    )


def _column(col: int, cols: int) -> list[float]:
    width = 1 / cols
    gap = 0.06 if cols > 1 else 0.0
    return [width * (col - 1) + gap / 2, width * col - gap / 2]


def _center_label(fig: go.Figure, col: int, cols: int, text: str) -> None:
    left, right = _column(col, cols)
    fig.add_annotation(
        text=text,
        x=(left + right) / 2,
        y=0.46,
        xref="paper",
        yref="paper",
        showarrow=False,
        # plotly anchors paper-positioned text by where it sits on the figure unless told
        xanchor="center",
        yanchor="middle",
        font={"color": MUTED},
    )


def _undrawn(items: dict[str, float], prefix: str) -> list[str]:
    """What a donut cannot draw, in words: zero items (listed, as the reports do) and negative ones."""
    notes = []
    zero = [k for k, v in items.items() if v == 0]
    negative = [k for k, v in items.items() if v < 0]
    if zero:
        notes.append(f"{prefix}金额为0、未在图中显示：" + "、".join(zero))
    if negative:
        notes.append(f"{prefix}金额为负数、无法在饼图中显示：" + "、".join(negative))
    return notes


def undrawn_note(fa: FinalAccounts, chart: str, years: list[int]) -> str:
    """The zero / negative items of a structure chart over ``years``, as one sentence (for captions)."""
    notes: list[str] = []
    for y in years:
        notes.extend(
            _undrawn(fam.structure_items(fa, chart, y), fa_read.year_label(y) if len(years) > 1 else "")
        )
    return "；".join(notes) + ("。" if notes else "")


def _wrap(text: str, width: int) -> str:
    """Break a note into lines of about ``width`` characters, between list items (、) where possible."""
    lines, line = [], ""
    for part in text.replace("、", "、\n").split("\n"):
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    return "<br>".join([*lines, line])


def _item_colors(fa: FinalAccounts, chart: str, years: list[int]) -> dict[str, str]:
    """One colour per item, the same in both years' donuts."""
    names: list[str] = []
    for y in years:
        names += [k for k in fam.structure_items(fa, chart, y) if k not in names]
    return {k: _COLORS[i % len(_COLORS)] for i, k in enumerate(names)}


# --- tables -----------------------------------------------------------------------------------
def structure_table(fa: FinalAccounts, chart: str, year: int) -> pd.DataFrame:
    """One row per item of a structure chart plus 合计: amount, share, last year, change."""
    if chart not in STRUCTURE_CHARTS:
        raise ValueError(f"not a structure chart: {chart}")
    rows = fam.structure_rows(fa, chart, year)
    records = [
        {
            COL_ITEM: r.item,
            COL_AMOUNT: _r(r.amount),
            COL_SHARE: r.share,
            COL_PREVIOUS: _r(r.previous),
            COL_CHANGE: r.change.amount,
            COL_CHANGE_PCT: r.change.percent,
        }
        for r in rows
    ]
    total = fam.structure_total(fa, chart, year) if chart != fam.FIG7 else fam.three_public_total(fa, year)
    if total is not None:
        ch = fam.chart_change(fa, chart, year)
        records.append(
            {
                COL_ITEM: TOTAL_ROW,
                COL_AMOUNT: _r(total),
                COL_SHARE: 100.0 if total else None,
                COL_PREVIOUS: _r(ch.previous),
                COL_CHANGE: ch.amount,
                COL_CHANGE_PCT: ch.percent,
            }
        )
    return _frame(records, [COL_ITEM, COL_AMOUNT, COL_SHARE, COL_PREVIOUS, COL_CHANGE, COL_CHANGE_PCT])


def change_table(fa: FinalAccounts, chart: str, year: int) -> pd.DataFrame:
    """图1/4/5: one row per series: last year, this year, change."""
    if chart not in BAR_CHARTS:
        raise ValueError(f"not a bar chart: {chart}")
    records = []
    for name in fam.bar_series(fa, chart):
        ch = fam.chart_change(fa, chart, year, name)
        records.append(
            {
                COL_ITEM: name,
                COL_PREVIOUS: _r(ch.previous),
                COL_THIS_YEAR: _r(ch.current),
                COL_CHANGE: ch.amount,
                COL_CHANGE_PCT: ch.percent,
            }
        )
    return _frame(records, [COL_ITEM, COL_PREVIOUS, COL_THIS_YEAR, COL_CHANGE, COL_CHANGE_PCT])


def table(fa: FinalAccounts, chart: str, year: int) -> pd.DataFrame:
    return change_table(fa, chart, year) if chart in BAR_CHARTS else structure_table(fa, chart, year)


def _frame(records: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(records, columns=columns)
    for c in columns[1:]:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df
