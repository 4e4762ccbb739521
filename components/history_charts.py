"""Figure builders of 历年对比 (one unit, year by year) and 单位对比: frames from jixiao.history in,
themed ``go.Figure`` out. No streamlit, no state.

The unit bars and the unit → project treemap of 单位对比 are components.charts.unit_execution_bars and
execution_treemap; what is here is only what those do not draw.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from components.charts import _legend_below, _title, full_name, unique_labels
from components.theme import BAND_COLORS, GREY, INK, MUTED, PALETTE, RED, apply_theme
from jixiao import history as h
from jixiao import model as m
from jixiao.fmt import num, pct, to_float, wan
from jixiao.settings import Settings
from jixiao.summary.compute import band_of

T = {
    "rates": "历年预算执行率",
    "amounts": "历年预算数与执行数（万元）",
    "scores": "历年平均得分",
    "rate_changes": "执行率变化最大的项目",
    "threshold": "预警线",
    "rate_axis": "预算执行率（%）",
    "wan_axis": "金额（万元）",
    "score_axis": "得分（分）",
    "budget": "预算数",
    "executed": "执行数",
    "weighted": "金额加权平均分",
    "simple": "简单平均分",
    "year": "{year}年",
}
BAR_PX = 44
MOVED = 0.005  # percentage points: a smaller change of 执行率 rounds to 0.00


def year_label(year: object) -> str:
    return T["year"].format(year=int(year))  # type: ignore[arg-type]


def _clean(values) -> list[float | None]:
    return [to_float(v) for v in values]


def year_rates(years: pd.DataFrame, settings: Settings, title: str | None = None) -> go.Figure:
    """One bar per year in the colour of its band, the rate on the bar, the threshold as a line."""
    x = [year_label(y) for y in years[h.YEAR]]
    rates = _clean(years[h.RATE])
    bands = [band_of(r, settings.low_threshold, settings.amber_floor) for r in rates]
    fig = go.Figure(
        go.Bar(
            x=x,
            y=[r or 0.0 for r in rates],
            marker={"color": [BAND_COLORS[b] for b in bands]},
            text=[pct(r) for r in rates],
            # inside the top of a tall bar, so it never sits on the threshold line just above it
            textposition=["inside" if (r or 0.0) >= 30 else "outside" for r in rates],
            insidetextanchor="end",
            textfont={"color": [INK if b in ("amber", "none") else "white" for b in bands]},
            cliponaxis=False,
            customdata=[[wan(b), wan(e)] for b, e in zip(years[h.BUDGET], years[h.EXECUTED])],
            hovertemplate=(
                "%{x}<br>执行率：%{text}<br>预算数：%{customdata[0]} 万元"
                "<br>执行数：%{customdata[1]} 万元<extra></extra>"
            ),
            showlegend=False,
        )
    )
    top = max([100.0, settings.low_threshold, *(r for r in rates if r is not None)])
    fig.add_hline(y=settings.low_threshold, line={"color": RED, "width": 2, "dash": "dash"})
    # labelled above the plot, where it never sits on a bar or on a bar's number
    fig.add_annotation(
        x=1,
        xref="paper",
        xanchor="right",
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=4,
        text=f"- - {T['threshold']} {pct(settings.low_threshold)}",
        showarrow=False,
        font={"color": RED},
    )
    fig.update_yaxes(range=[0, top * 1.15], ticksuffix="%", title_text=T["rate_axis"], fixedrange=True)
    fig.update_xaxes(type="category", fixedrange=True)
    fig.update_layout(bargap=0.45, dragmode=False)
    return apply_theme(fig, _title(title, T["rates"]), height=360)


def year_amounts(years: pd.DataFrame, title: str | None = None) -> go.Figure:
    """预算数 and 执行数 side by side for each year."""
    x = [year_label(y) for y in years[h.YEAR]]
    fig = go.Figure()
    for key, col, color in (("budget", h.BUDGET, PALETTE[0]), ("executed", h.EXECUTED, PALETTE[1])):
        amounts = _clean(years[col])
        fig.add_trace(
            go.Bar(
                name=T[key],
                x=x,
                y=[a or 0.0 for a in amounts],
                marker={"color": color},
                text=[wan(a) for a in amounts],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{x} " + T[key] + "：%{text} 万元<extra></extra>",
            )
        )
    biggest = max(
        [0.0, *(a or 0.0 for a in _clean(years[h.BUDGET])), *(a or 0.0 for a in _clean(years[h.EXECUTED]))]
    )
    fig.update_yaxes(
        title_text=T["wan_axis"], tickformat=",.0f", range=[0, biggest * 1.2 or 1], fixedrange=True
    )
    fig.update_xaxes(type="category", fixedrange=True)
    fig.update_layout(barmode="group", bargap=0.35, bargroupgap=0.05, dragmode=False)
    return _legend_below(apply_theme(fig, _title(title, T["amounts"]), height=360))


def year_scores(years: pd.DataFrame, title: str | None = None) -> go.Figure:
    """金额加权平均分 and 简单平均分 as two lines over the years, both named as such."""
    x = [year_label(y) for y in years[h.YEAR]]
    fig = go.Figure()
    values = []
    for key, col, color, dash in (
        ("weighted", h.WEIGHTED, PALETTE[0], "solid"),
        ("simple", h.SIMPLE, PALETTE[3], "dot"),
    ):
        ys = _clean(years[col])
        values += [v for v in ys if v is not None]
        fig.add_trace(
            go.Scatter(
                name=T[key],
                x=x,
                y=ys,
                mode="lines+markers+text",
                line={"color": color, "width": 3, "dash": dash},
                marker={"size": 10, "color": color},
                text=[num(v) for v in ys],
                textposition="top center" if key == "weighted" else "bottom center",
                hovertemplate="%{x} " + T[key] + "：%{text} 分<extra></extra>",
            )
        )
    low = min([90.0, *values]) if values else 0.0
    low = max(0.0, math.floor(low / 10.0) * 10.0 - 5)
    fig.update_yaxes(title_text=T["score_axis"], range=[low, 103], fixedrange=True)
    fig.update_xaxes(type="category", fixedrange=True)
    fig.update_layout(dragmode=False)
    return _legend_below(apply_theme(fig, _title(title, T["scores"]), height=360))


def rate_changes(
    changes: pd.DataFrame,
    settings: Settings,
    prev_year: int,
    cur_year: int,
    top_n: int = 15,
    title: str | None = None,
) -> go.Figure:
    """The projects of both years whose 执行率 moved most: a grey dot last year, a dot in the band
    colour this year, joined by a line; the largest fall at the top."""
    kept = changes[changes[h.STATUS] == h.STATUS_KEPT].copy()
    kept["_abs"] = kept[h.RATE + h.CHANGE].abs()
    # a project that spent at the same rate both years is not news: only the ones that moved
    kept = kept[kept["_abs"] >= MOVED].sort_values("_abs", ascending=False, kind="stable").head(top_n)
    kept = kept.sort_values(h.RATE + h.CHANGE, kind="stable")
    labels = unique_labels(kept[m.PROJECT], [None] * len(kept))
    names = [full_name(n) for n in kept[m.PROJECT]]
    prev, cur = _clean(kept[h.RATE + h.PREV]), _clean(kept[h.RATE + h.CUR])
    fig = go.Figure()
    xs, ys = [], []
    for label, a, b in zip(labels, prev, cur):
        xs += [a, b, None]
        ys += [label, label, None]
    fig.add_trace(
        go.Scatter(
            x=xs, y=ys, mode="lines", line={"color": GREY, "width": 3}, hoverinfo="skip", showlegend=False
        )
    )
    hover = "<b>%{customdata[0]}</b><br>%{customdata[1]}：%{customdata[2]}<extra></extra>"
    fig.add_trace(
        go.Scatter(
            name=year_label(prev_year),
            x=prev,
            y=labels,
            mode="markers",
            marker={"color": MUTED, "size": 11, "symbol": "circle-open", "line": {"width": 2}},
            customdata=[[n, year_label(prev_year), pct(r)] for n, r in zip(names, prev)],
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            name=year_label(cur_year),
            x=cur,
            y=labels,
            mode="markers+text",
            showlegend=False,  # its dots are in band colours: the legend entry below is neutral
            marker={
                "color": [BAND_COLORS[band_of(r, settings.low_threshold, settings.amber_floor)] for r in cur],
                "size": 13,
            },
            text=[
                _signed_points(b - a) if a is not None and b is not None else "" for a, b in zip(prev, cur)
            ],
            textposition=[
                "middle left" if (b or 0) < (a or 0) else "middle right" for a, b in zip(prev, cur)
            ],
            cliponaxis=False,
            customdata=[[n, year_label(cur_year), pct(r)] for n, r in zip(names, cur)],
            hovertemplate=hover,
        )
    )
    fig.add_trace(
        go.Scatter(
            name=f"{year_label(cur_year)}（颜色为红绿灯）",
            x=[None],
            y=[None],
            mode="markers",
            marker={"color": INK, "size": 13},
            hoverinfo="skip",
        )
    )
    top = max([100.0, *(v for v in prev + cur if v is not None)])
    fig.add_vline(x=settings.low_threshold, line={"color": RED, "width": 1, "dash": "dash"})
    fig.update_xaxes(range=[-12, top * 1.1], ticksuffix="%", title_text=T["rate_axis"], fixedrange=True)
    fig.update_yaxes(categoryorder="array", categoryarray=labels, autorange="reversed")
    fig.update_layout(dragmode=False)
    height = max(300, 150 + BAR_PX * len(kept))
    return _legend_below(apply_theme(fig, _title(title, T["rate_changes"]), height=height))


def _signed_points(x: float) -> str:
    return f"{'+' if x >= 0 else '−'}{num(abs(x))}"
