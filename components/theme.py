"""One visual language for every chart: CJK font stack, palette, band colours, number formats.

Figure builders (components/charts.py and friends) call ``apply_theme`` last, so a chart reads the
same on a laptop, a phone and a projector.
"""

from __future__ import annotations

import plotly.graph_objects as go

# Chinese needs a CJK font on the viewer's machine; the stack names the usual ones on Windows,
# macOS and Linux (fonts-noto-cjk) before falling back.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"Hiragino Sans GB", "WenQuanYi Micro Hei", "SimHei", sans-serif'
)

# Blue-teal base palette, readable on white and on a projector; the band colours are the traffic light.
PALETTE = ["#1f5fa8", "#2a9d8f", "#e9a23b", "#7b5ea7", "#d1495b", "#5c8a3a", "#8d6e63", "#4f6d7a"]
GREEN = "#2e8b57"
AMBER = "#e9a23b"
RED = "#c8363d"
GREY = "#9aa5b1"
INK = "#1f2933"
MUTED = "#52606d"
GRID = "#e4e7eb"
OVER = "#7b5ea7"  # 超预算: a deviation, in a colour of its own (not the green of 正常)
BAND_COLORS = {"green": GREEN, "amber": AMBER, "red": RED, "over": OVER, "none": GREY}
BAND_LABELS = {"green": "正常", "amber": "关注", "red": "预警", "over": "超预算", "none": "无法计算"}

BASE_FONT_SIZE = 14
TITLE_FONT_SIZE = 18

# Hover and axis formats: 万元 with thousands separators and 2 decimals, percent with 2 decimals.
WAN_FORMAT = ",.2f"
PCT_FORMAT = ".2f"


def apply_theme(
    fig: go.Figure, title: str | None = None, *, height: int | None = None, large: bool = False
) -> go.Figure:
    """Fonts, colours, margins and title. ``large`` is the projector size (axis labels >= 20 px)."""
    base = 22 if large else BASE_FONT_SIZE
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": base, "color": INK},
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin={"l": 10, "r": 20, "t": 70 if title else 30, "b": 10},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": base}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        separators=".,",
    )
    if title is not None:
        fig.update_layout(
            title={
                "text": title,
                "font": {"size": (30 if large else TITLE_FONT_SIZE), "family": FONT_FAMILY},
                "x": 0,
                "xanchor": "left",
            }
        )
    if height is not None:
        fig.update_layout(height=height)
    fig.update_xaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True, tickfont={"size": base})
    fig.update_yaxes(gridcolor=GRID, zerolinecolor=GRID, automargin=True, tickfont={"size": base})
    return fig
