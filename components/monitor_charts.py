"""Figures of the 监控 page: 支出进度 lines against 序时进度, the gap ranked in 红/黄/绿, and the gap
against 结余 (what bureaus combine). Each builder returns a go.Figure; the page only places them."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from components.charts import BAR_PX, full_name, short_label, unique_labels
from components.theme import AMBER, GREEN, GREY, INK, MUTED, PALETTE, RED, apply_theme
from jixiao import model as m
from jixiao.fmt import pct_list, wan_list
from jixiao.monitor import compute as c
from jixiao.settings import Settings

BAND_COLORS = {c.RED: RED, c.YELLOW: AMBER, c.GREEN: GREEN, None: GREY}
TIME_LABEL = "序时进度"
MAX_LINES = 12  # more lines than this are unreadable on a projector: the page asks to choose
LEGEND_WIDTH = 40  # display columns of a line's name in the legend (the hover has it whole)


def _dates(values) -> list[str]:
    return [f"{d.month}月{d.day}日" for d in values]


def rate_lines(
    lines: pd.DataFrame, snapshots: pd.DataFrame, name_col: str, title: str, whole: str | None = None
) -> go.Figure:
    """One line of 支出进度 per name over the 截至日期, with 序时进度 dashed in red."""
    fig = go.Figure()
    x_all = _dates(snapshots[c.AS_OF])
    fig.add_trace(
        go.Scatter(
            x=x_all,
            y=snapshots[c.TIME_PROGRESS],
            name=TIME_LABEL,
            mode="lines+markers",
            line={"color": RED, "dash": "dash", "width": 3},
            customdata=pct_list(snapshots[c.TIME_PROGRESS]),
            hovertemplate=TIME_LABEL + "：%{customdata}<extra>%{x}</extra>",
        )
    )
    for i, (name, g) in enumerate(lines.groupby(name_col, sort=False)):
        g = g.sort_values(c.AS_OF)
        text = [
            f"{r}，差 {gp:+.2f} 个百分点" if gp == gp else r for r, gp in zip(pct_list(g[c.RATE]), g[c.GAP])
        ]
        # names come from the uploaded files: escaped (plotly reads a subset of HTML) and cut to a
        # legend line, whole in the hover
        fig.add_trace(
            go.Scatter(
                x=_dates(g[c.AS_OF]),
                y=g[c.RATE],
                name=short_label(name, LEGEND_WIDTH, 1),
                mode="lines+markers",
                line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                customdata=[[full_name(name), t] for t in text],
                hovertemplate="%{customdata[0]}：%{customdata[1]}<extra>%{x}</extra>",
            )
        )
    if whole is not None:
        fig.add_trace(
            go.Scatter(
                x=x_all,
                y=snapshots[c.RATE],
                name=whole,
                mode="lines+markers",
                line={"color": INK, "width": 4},
                customdata=pct_list(snapshots[c.RATE]),
                hovertemplate=whole + "：%{customdata}<extra>%{x}</extra>",
            )
        )
    fig.update_yaxes(title_text="支出进度（%）", ticksuffix="%", rangemode="tozero")
    fig.update_xaxes(type="category")
    fig = apply_theme(fig, title, height=500)
    # below the plot: long project names in several legend rows would cover the title
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "xanchor": "left", "x": 0})
    return fig


def gap_ranking(
    frame: pd.DataFrame, name_col: str, s: Settings, title: str, top_n: int | None = None
) -> go.Figure:
    """Horizontal bars of the gap to 序时进度 (个百分点), furthest behind at the bottom, coloured by
    band, with the band edges drawn."""
    f = frame.dropna(subset=[c.GAP]).sort_values(c.GAP, ascending=True, kind="stable")
    if top_n is not None:
        f = f.head(top_n)
    f = f.iloc[::-1]  # plotly draws the first category at the bottom
    # two short lines per bar (escaped: the names come from the files), the whole name on hover
    names = unique_labels(f[name_col], [None] * len(f))
    labels = [f"{g:+.2f}" for g in f[c.GAP].round(2)]
    fig = go.Figure(
        go.Bar(
            x=f[c.GAP],
            y=names,
            orientation="h",
            marker_color=[BAND_COLORS.get(b, GREY) for b in f[c.BAND]],
            text=labels,
            textposition="outside",
            cliponaxis=False,
            customdata=list(
                zip(
                    pct_list(f[c.RATE]),
                    wan_list(f[c.UNSPENT]),
                    [c.BAND_LABELS.get(b, "—") for b in f[c.BAND]],
                    [full_name(x) for x in f[name_col]],
                )
            ),
            hovertemplate="%{customdata[3]}<br>支出进度 %{customdata[0]}，差 %{x:+.2f} 个百分点<br>结余 %{customdata[1]} 万元 · %{customdata[2]}<extra></extra>",
        )
    )
    for edge, color in ((-s.monitor_green_below, GREEN), (-s.monitor_red_below, RED)):
        fig.add_vline(x=edge, line={"color": color, "dash": "dot", "width": 2})
    # room beyond the longest bar for its label, so it never runs into the names
    lo = min(float(f[c.GAP].min()) if len(f) else 0.0, -s.monitor_red_below, 0.0)
    hi = max(float(f[c.GAP].max()) if len(f) else 0.0, 0.0)
    span = max(hi - lo, 1.0)
    fig.update_xaxes(
        title_text="与序时进度差（个百分点）",
        zeroline=True,
        zerolinecolor=MUTED,
        range=[lo - 0.14 * span, hi + 0.14 * span],
    )
    fig.update_yaxes(type="category")
    return apply_theme(fig, title, height=max(320, BAR_PX * len(f) + 140))


def gap_vs_unspent(projects: pd.DataFrame, s: Settings, title: str) -> go.Figure:
    """Each project at (结余, gap): the lower right is where bureaus look first (far behind, much money
    left). The 结余 tier edges and band edges are the grid."""
    p = projects.dropna(subset=[c.GAP, c.UNSPENT])
    fig = go.Figure()
    for band in c.BANDS:
        g = p[p[c.BAND] == band]
        if not len(g):
            continue
        fig.add_trace(
            go.Scatter(
                # a log axis has no 0: a project with nothing left sits at 0.01 (its hover says 0.00)
                x=g[c.UNSPENT].clip(lower=0.01),
                y=g[c.GAP],
                mode="markers",
                name=c.BAND_LABELS[band],
                marker={"color": BAND_COLORS[band], "size": 13, "line": {"color": "white", "width": 1}},
                customdata=list(
                    zip(
                        [full_name(x) for x in g[m.PROJECT]],
                        [full_name(x) for x in g[m.UNIT]],
                        wan_list(g[c.UNSPENT]),
                        g[c.TIER_LABEL],
                    )
                ),
                hovertemplate="%{customdata[0]}（%{customdata[1]}）<br>结余 %{customdata[2]} 万元（%{customdata[3]}）"
                "<br>差 %{y:+.2f} 个百分点<extra></extra>",
            )
        )
    for edge in s.unspent_tiers:
        x = max(edge, 0.01)
        fig.add_vline(x=x, line={"color": MUTED, "dash": "dot", "width": 1.5})
        # an annotation on a log axis takes log10 of the value (add_vline's own would stretch the axis)
        fig.add_annotation(
            x=math.log10(x),
            y=1,
            yref="paper",
            text=wan_list([edge], 0)[0],
            showarrow=False,
            yanchor="bottom",
        )
    fig.add_hline(y=-s.monitor_red_below, line={"color": RED, "dash": "dot", "width": 1.5})
    fig.add_hline(y=-s.monitor_green_below, line={"color": GREEN, "dash": "dot", "width": 1.5})
    ticks = [0.01, 0.1, 1, 10, 100, 1000, 10000]
    fig.update_xaxes(
        title_text="结余（万元，对数刻度）",
        type="log",
        tickvals=ticks,
        ticktext=["0", "0.1", "1", "10", "100", "1,000", "10,000"],
    )
    fig.update_yaxes(title_text="与序时进度差（个百分点）")
    return apply_theme(fig, title, height=440)
