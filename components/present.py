"""汇报模式 slides: one figure per screen, in projector type (>= 20 px everywhere), for a 1366×768 screen.

Pure: an Analysis, 决算 figures and 自评表 in, a list of ``Slide`` out; each slide builds its figure
only when asked, so the page draws the current one and nothing else. The figure builders of
components.charts are made for a laptop; ``projector`` enlarges their type and spacing without
touching their content. Figures carry no title: the page shows the slide title above the figure.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from components import charts
from components import final_charts as fc
from components.form_charts import level1_rate_bar, level1_rates
from components.theme import BAND_COLORS, FONT_FAMILY, INK, MUTED, RED, apply_theme
from jixiao import model as m
from jixiao.export import common as bundle
from jixiao.final_accounts import figures as fam
from jixiao.fmt import num, pct, to_float, wan
from jixiao.summary.compute import band_of
from jixiao.summary.flags import FLAG_LABELS, stake

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.forms.compute import FormsDataset
    from jixiao.summary.analysis import Analysis

HEIGHT = 590  # a 1366×768 projector: browser bar, the slide title row and this figure fill one screen
FONT = 22  # axis labels, legends, bar labels
SMALL_FONT = 20  # the smallest type on a slide (notes under a KPI)
KPI_FONT = 52  # a KPI value
KPI_FIT = 9  # display columns of a KPI value that fit a card at KPI_FONT (a Chinese character is two)
TOP_N = 8  # projects per bar slide: two-line names at 22 px still fit one screen
UNITS_N = 10
LABEL_CHARS = 18  # characters of a project name on one axis line
_TAIL = re.compile(r"(·第\d+行|（[^（）]*）|\s\(\d+\))$")
BASE = 14  # charts.py draws at apply_theme's base size; its spacings are scaled from it

T = {
    "kpis": "主要指标",
    "gauge": "总体预算执行率",
    "units": "各单位预算执行率",
    "units_top": "执行率最低的 {n} 个单位",
    "lights": "执行率红绿灯",
    "slowest_all": "各项目预算执行率",
    "slowest": "执行率最低的 {n} 个项目",
    "scores_all": "各项目得分构成与失分",
    "scores": "得分最低的 {n} 个项目：得分构成与失分",
    "grades": "评价等级分布",
    "final": "{title}（{year}年度）",
    "form": "自评表 {i}/{n}：{name}（各一级指标得分率）",
    "gauge_amounts": "预算 {budget} 万元，执行 {executed} 万元",
    "gauge_line": "预警线 {low}",
    "gauge_tp": "序时进度 {tp}",
    "no_rate": "无法计算",
    "lights_note": "按执行率分档：{lights}",
    "slowest_note": "红色虚线为预警线 {low}；共 {n} 个项目，此页列出执行率最低的 {k} 个。",
    "slowest_note_all": "红色虚线为预警线 {low}。",
    "scores_note": "彩色为各指标得分，灰色为失分；共 {n} 个项目，此页列出得分最低的 {k} 个。",
    "scores_note_all": "彩色为各指标得分，灰色为失分。",
    "units_note": "共 {n} 个单位，此页列出执行率最低的 {k} 个。",
    "cover": "封面",
    "cover_sub": "共 {n} 个项目　预算 {budget} 万元　执行 {executed} 万元　总体执行率 {rate}",
    "flagged": "偏差项目",
    "flagged_top": "偏差项目（涉及金额最大的 {n} 个）",
    "flagged_note": "共 {n} 个项目有偏差或自报不一致，此页按涉及金额列出前 {k} 个；完整清单见「偏差预警」。",
    "flagged_note_all": "按涉及金额（未执行或超出的金额）排列。",
    "flag_cols": ["项目", "执行率", "偏差原因"],
}
FLAGGED_N = 6  # rows of the flagged-projects slide that fit a projector at 22 px
NAME_WIDTH = 26  # display columns per line of a name in the 项目 column (13 Chinese characters)
REASON_WIDTH = 70  # per line of the reason


@dataclass(frozen=True)
class Screen:
    """The figure height and the type size of a slide, from the height of the browser window: the
    1366×768 projector of the defaults, or more (1920×1080: a 880 px figure, 31 px type)."""

    height: int = HEIGHT
    font: int = FONT

    @property
    def scale(self) -> float:
        return self.font / FONT


CHROME = 210  # px of a window that are not the figure: top padding, the slide title row, the note


def screen_for(viewport_height: int | None) -> Screen:
    """The Screen for a browser window ``viewport_height`` px high (None: not known yet, the defaults)."""
    if not viewport_height or viewport_height <= 0:
        return Screen()
    height = max(HEIGHT, int(viewport_height) - CHROME)
    font = max(FONT, min(40, round(FONT * viewport_height / 768)))
    return Screen(height, font)


def _scaled(size: float | None, k: float) -> int | None:
    return None if size is None else round(size * k)


def fit(fig: go.Figure, screen: Screen) -> go.Figure:
    """A slide figure built for the default Screen, grown to ``screen``: its height, and every type
    size, annotation offset and margin that holds type scaled by the same factor."""
    if screen == Screen():
        return fig
    k = screen.scale
    lay = fig.layout
    fig.update_layout(
        height=screen.height,
        font={"size": _scaled(lay.font.size or FONT, k)},
        legend={"font": {"size": _scaled(lay.legend.font.size, k)}},
        hoverlabel={"font": {"size": _scaled(lay.hoverlabel.font.size, k)}},
        margin={
            "t": _scaled(lay.margin.t if lay.margin.t is not None else 30, k),
            "b": _scaled(lay.margin.b if lay.margin.b is not None else 10, k),
            "l": _scaled(lay.margin.l, k),
        },
    )
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        axis.tickfont.size = _scaled(axis.tickfont.size, k)
        axis.title.font.size = _scaled(axis.title.font.size, k)
    for ann in lay.annotations:
        ann.font.size = _scaled(ann.font.size, k)
        if ann.yshift:
            ann.yshift = round(ann.yshift * k)
    for trace in fig.data:
        if "textfont" in trace and trace.textfont.size:
            trace.textfont.size = _scaled(trace.textfont.size, k)
        if trace.type == "indicator" and trace.gauge.axis.tickfont.size:
            trace.gauge.axis.tickfont.size = _scaled(trace.gauge.axis.tickfont.size, k)
        if trace.type == "table":
            trace.header.font.size = _scaled(trace.header.font.size, k)
            trace.cells.font.size = _scaled(trace.cells.font.size, k)
            trace.header.height = _scaled(trace.header.height, k)
            trace.cells.height = _scaled(trace.cells.height, k)
    return fig


@dataclass(frozen=True)
class Slide:
    key: str  # stable id, e.g. "kpis", "fa_fig2", "form_3"
    title: str  # plain text; may contain names from uploaded files (escape before Markdown)
    build: Callable[[], go.Figure]
    note: str = ""  # one plain line under the figure, or ""

    def figure(self, screen: Screen | None = None) -> go.Figure:
        return fit(self.build(), screen or Screen())


# --- projector type ------------------------------------------------------------------------------
def projector(fig: go.Figure, *, height: int = HEIGHT) -> go.Figure:
    """Enlarge a figure drawn at the laptop size (charts.py) to projector type: every font at least
    FONT, annotation offsets and the margins that hold legends and reference-line labels scaled with
    it, no title, and one screen high."""
    scale = FONT / BASE
    fig.update_layout(
        title_text="",
        height=height,
        font={"size": FONT, "family": FONT_FAMILY},
        legend={"font": {"size": FONT}},
        hoverlabel={"font": {"size": FONT}},
    )
    if fig.layout.legend.entrywidth:  # fixed widths for 14 px labels would overlap at 22 px
        fig.update_layout(legend={"entrywidth": 0})
    fig.update_xaxes(tickfont={"size": FONT}, title_font={"size": FONT})
    fig.update_yaxes(tickfont={"size": FONT}, title_font={"size": FONT})
    for ann in fig.layout.annotations:
        ann.font.size = max(FONT, round((ann.font.size or BASE) * scale))
        if ann.yshift:
            ann.yshift = round(ann.yshift * scale)
    margin = fig.layout.margin
    fig.update_layout(
        margin={
            "t": round((margin.t if margin.t is not None else 30) * scale),
            "b": round((margin.b if margin.b is not None else 10) * scale),
        }
    )
    for trace in fig.data:
        if trace.type in ("bar", "pie"):
            trace.textfont.size = FONT
    _one_line_categories(fig)
    return fig


def one_line(label: str, limit: int = LABEL_CHARS) -> str:
    """A two-line axis label of charts.py (HTML-escaped, lines joined by <br>) on one line, cut to
    ``limit`` characters with '…', keeping the '（单位）', '（第N行）' or ' (N)' that tells two equal names apart."""
    flat = html.unescape(str(label).replace("<br>", ""))
    if len(flat) > limit:
        found = _TAIL.search(flat)
        tail = found.group(0) if found else ""
        head = flat[: len(flat) - len(tail)]
        flat = head[: max(1, limit - len(tail) - 1)] + "…" + tail
    return html.escape(flat, quote=False)


def _one_line_categories(fig: go.Figure) -> None:
    """Project names wrapped on two lines (laptop) take two 22 px lines per bar: show them on one
    line, so each bar has room for its name."""
    cats = fig.layout.yaxis.categoryarray
    if not cats or not any("<br>" in str(c) for c in cats):
        return
    text = [one_line(c) for c in cats]
    fig.update_yaxes(tickmode="array", tickvals=list(cats), ticktext=text)


def _card_figure() -> go.Figure:
    fig = go.Figure()
    apply_theme(fig, None, height=HEIGHT, large=True)
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True)
    fig.update_yaxes(visible=False, range=[0, 1], fixedrange=True)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, showlegend=False, dragmode=False)
    return fig


def _text(
    fig: go.Figure, x: float, y: float, text: str, size: int, color: str = INK, yanchor: str = "middle"
) -> None:
    # explicit anchors: plotly's "auto" anchors paper annotations by where they sit on the figure
    fig.add_annotation(
        x=x,
        y=y,
        xref="paper",
        yref="paper",
        xanchor="center",
        yanchor=yanchor,
        text=text,
        showarrow=False,
        font={"size": size, "color": color},
    )


# --- slides from the project table ---------------------------------------------------------------
def value_size(text: str) -> int:
    """52 px for a KPI value, smaller for a long one (a budget of 1,234,567.89 万元) so it stays
    inside its card, never under 30 px."""
    width = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
    return KPI_FONT if width <= KPI_FIT else max(30, KPI_FONT * KPI_FIT // width)


def kpi_figure(analysis: Analysis) -> go.Figure:
    """The eight KPI cards of the exports (bundle.kpis), four across, numbers at 52 px."""
    fig = _card_figure()
    cards = bundle.kpis(analysis)
    rate = analysis.totals.get("execution_rate")
    s = analysis.settings
    cols = 4
    gap = 0.015
    for i, k in enumerate(cards):
        row, col = divmod(i, cols)
        x0, x1 = col / cols + gap, (col + 1) / cols - gap
        y1 = 1.0 - row * 0.52
        y0 = y1 - 0.46
        fig.add_shape(
            type="rect",
            xref="paper",
            yref="paper",
            x0=x0,
            x1=x1,
            y0=y0,
            y1=y1,
            line={"color": "#d5dae1", "width": 2},
            fillcolor="#f5f7fa",
            layer="below",
        )
        label = f"{k.label}（{k.unit}）" if k.unit == "万元" else k.label
        value = k.value if k.unit == "万元" else k.text
        color = INK
        if k.label == "总体执行率" and rate is not None:
            color = BAND_COLORS[band_of(rate, s.low_threshold, s.amber_floor)]
        cx = (x0 + x1) / 2
        _text(fig, cx, y1 - 0.06, label, FONT, MUTED, yanchor="top")
        _text(fig, cx, (y0 + y1) / 2 - 0.01, f"<b>{value}</b>", value_size(value), color)
        if k.note:
            _text(fig, cx, y0 + 0.05, k.note, SMALL_FONT, MUTED, yanchor="bottom")
    return fig


def gauge_figure(analysis: Analysis) -> go.Figure:
    """总体执行率 on a dial: red / amber / green bands from the settings, the 预警线 as a red mark."""
    s = analysis.settings
    t = analysis.totals
    rate = t.get("execution_rate")
    tp = analysis.time_progress
    top = max(100.0, s.low_threshold, rate or 0.0, tp or 0.0)
    top = float(-(-top // 10) * 10)  # a round end of the dial
    band = band_of(rate, s.low_threshold, s.amber_floor)
    fig = _card_figure()
    fig.add_trace(
        go.Indicator(
            mode="gauge",
            value=min(rate, top) if rate is not None else 0.0,
            domain={"x": [0.2, 0.8], "y": [0.22, 1.0]},
            gauge={
                "shape": "angular",
                "axis": {
                    "range": [0, top],
                    "ticksuffix": "%",
                    "tickfont": {"size": FONT},
                    "dtick": 20,
                    "tickcolor": MUTED,
                },
                "bar": {
                    "color": BAND_COLORS[band] if rate is not None else "rgba(0,0,0,0)",
                    "thickness": 0.35,
                },
                "bgcolor": "white",
                "borderwidth": 0,
                "steps": [
                    {"range": [0, s.amber_floor], "color": "#f6d5d7"},
                    {"range": [s.amber_floor, s.low_threshold], "color": "#fbe8c8"},
                    {"range": [s.low_threshold, top], "color": "#d3ecdf"},
                ],
                "threshold": {
                    "line": {"color": RED, "width": 5},
                    "thickness": 0.95,
                    "value": s.low_threshold,
                },
            },
        )
    )
    shown = pct(rate) if rate is not None else T["no_rate"]
    _text(fig, 0.5, 0.30, f"<b>{shown}</b>", 72, BAND_COLORS[band] if rate is not None else MUTED)
    _text(
        fig,
        0.5,
        0.11,
        T["gauge_amounts"].format(budget=wan(t.get("budget")), executed=wan(t.get("executed"))),
        26,
        INK,
    )
    refs = [T["gauge_line"].format(low=pct(s.low_threshold))]
    if tp is not None:
        refs.append(T["gauge_tp"].format(tp=pct(tp)))
    _text(fig, 0.5, 0.02, "　".join(refs), FONT, MUTED)
    return fig


def _slowest(analysis: Analysis):
    p = analysis.projects
    rated = p[p[m.EXECUTION_RATE].notna()]
    return rated.sort_values(m.EXECUTION_RATE, kind="stable").head(TOP_N), len(rated)


def _lowest_scores(analysis: Analysis):
    p = analysis.projects
    scored = p[p[m.COMPUTED_SCORE].notna()]
    return scored.sort_values(m.COMPUTED_SCORE, kind="stable").head(TOP_N), len(scored)


def _lights_line(analysis: Analysis) -> str:
    counts = charts.band_counts(analysis.projects)
    parts = [
        f"{charts.band_legend(b, analysis.settings)} {counts[b]} 个"
        for b in charts.BAND_ORDER
        if counts[b] or b not in ("none", "over")
    ]
    return T["lights_note"].format(lights="，".join(parts))


def cover_figure(analysis: Analysis | None, unit: str, year: int | None, today: str = "") -> go.Figure:
    """The title slide of the PPTX: the report heading, the headline figures, the date."""
    fig = _card_figure()
    _text(fig, 0.5, 0.62, f"<b>{html.escape(bundle.heading(unit, year), quote=False)}</b>", 44, INK)
    if analysis is not None:
        t = analysis.totals
        line = T["cover_sub"].format(
            n=len(analysis.projects),
            budget=wan(t.get("budget")),
            executed=wan(t.get("executed")),
            rate=pct(t.get("execution_rate")),
        )
        _text(fig, 0.5, 0.44, line, FONT + 4, MUTED)
    if today:
        _text(fig, 0.5, 0.26, today, FONT, MUTED)
    return fig


def flagged_rows(analysis: Analysis) -> tuple[list[list[str]], int]:
    """The flagged projects with the most money at stake first (the order of 偏差预警), as the slide
    shows them (HTML-escaped, wrapped with <br>: a table cell wraps only at spaces, and Chinese has
    none): name, rate, the reasons' names over the first reason; and how many there are in all."""
    f = analysis.flagged
    if f.empty:
        return [], 0
    money = [stake(to_float(b), to_float(e)) for b, e in zip(f[m.BUDGET], f[m.EXECUTED])]
    top = f.assign(_s=money).sort_values("_s", ascending=False, kind="stable").head(FLAGGED_N)
    rows = []
    for name, flags, rate in zip(bundle.project_labels(top), top[m.FLAGS], top[m.EXECUTION_RATE]):
        kinds = "、".join(dict.fromkeys(FLAG_LABELS.get(x.code, x.code) for x in flags))
        first = flags[0].reason if flags else ""
        reason = f"<b>{html.escape(kinds, quote=False)}</b><br>{charts.short_label(first, REASON_WIDTH, 2)}"
        rows.append([charts.short_label(name, NAME_WIDTH, 2), pct(to_float(rate)), reason])
    return rows, len(f)


def flagged_figure(analysis: Analysis) -> go.Figure:
    rows, _ = flagged_rows(analysis)
    cols = list(zip(*rows)) if rows else [[], [], []]
    fig = go.Figure(
        go.Table(
            columnwidth=[3, 1.1, 7],
            header={
                "values": [f"<b>{c}</b>" for c in T["flag_cols"]],
                "font": {"size": FONT, "color": "white", "family": FONT_FAMILY},
                "fill": {"color": INK},
                "align": ["left", "right", "left"],
                "height": 44,
            },
            cells={
                "values": [list(col) for col in cols],
                "font": {"size": FONT, "color": INK, "family": FONT_FAMILY},
                "fill": {"color": [["#f5f7fa", "white"] * FLAGGED_N]},
                "align": ["left", "right", "left"],
                "height": 88,
            },
        )
    )
    apply_theme(fig, None, height=HEIGHT, large=True)
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
    return fig


def analysis_slides(analysis: Analysis) -> list[Slide]:
    a = analysis
    s = a.settings
    tp = a.time_progress
    out = [
        Slide("kpis", T["kpis"], lambda: kpi_figure(a)),
        Slide(
            "gauge",
            T["gauge"],
            lambda: gauge_figure(a),
        ),
    ]
    units = a.units
    if a.table.has_units and len(units) >= 2:
        rated = units[units["execution_rate"].notna()].sort_values("execution_rate", kind="stable")
        shown = rated.head(UNITS_N)
        title = T["units"] if len(units) <= UNITS_N else T["units_top"].format(n=UNITS_N)
        note = "" if len(units) <= UNITS_N else T["units_note"].format(n=len(units), k=len(shown))
        out.append(
            Slide("units", title, lambda: projector(charts.unit_execution_bars(shown, s, tp, title="")), note)
        )
    if len(a.projects):
        out.append(
            Slide(
                "lights",
                T["lights"],
                lambda: projector(charts.traffic_light(a.projects, s, title="")),
                _lights_line(a),
            )
        )
    slow, n_rated = _slowest(a)
    if len(slow):
        every = n_rated <= TOP_N
        note = T["slowest_note_all"] if every else T["slowest_note"]
        out.append(
            Slide(
                "slowest",
                T["slowest_all"] if every else T["slowest"].format(n=TOP_N),
                lambda: projector(charts.execution_bars(slow, s, tp, title="")),
                note.format(low=pct(s.low_threshold), n=n_rated, k=len(slow)),
            )
        )
    rows, n_flagged = flagged_rows(a)
    if rows:
        every = n_flagged <= FLAGGED_N
        out.append(
            Slide(
                "flagged",
                T["flagged"] if every else T["flagged_top"].format(n=len(rows)),
                lambda: flagged_figure(a),
                T["flagged_note_all"] if every else T["flagged_note"].format(n=n_flagged, k=len(rows)),
            )
        )
    comps = a.components
    if a.scores and comps is not None and not comps.empty:
        low, n_scored = _lowest_scores(a)
        if len(low):
            every = n_scored <= TOP_N
            note = T["scores_note_all"] if every else T["scores_note"].format(n=n_scored, k=len(low))
            out.append(
                Slide(
                    "scores",
                    T["scores_all"] if every else T["scores"].format(n=TOP_N),
                    lambda: projector(
                        charts.score_components(low, comps.loc[low.index], a.choice.scheme, title="")
                    ),
                    note,
                )
            )
        if a.projects[m.GRADE].notna().any():
            counts = charts.grade_counts(a.projects)
            note = "　".join(f"{g} {counts[g]} 个" for g in charts.GRADE_ORDER)
            out.append(
                Slide(
                    "grades",
                    T["grades"],
                    lambda: projector(charts.grade_distribution(a.projects, title="")),
                    note,
                )
            )
    return out


# --- 决算 and 自评表 --------------------------------------------------------------------------------
def _has_data(fa: FinalAccounts, chart: str, year: int) -> bool:
    if chart in fam.BAR_CHARTS:
        return any(year in by_year for by_year in fam.bar_series(fa, chart).values())
    return any(v > 0 for v in fam.structure_items(fa, chart, year).values())


def _final_figure(fa: FinalAccounts, chart: str, year: int) -> go.Figure:
    fig = fc.figure(fa, chart, year, large=True)
    # The page shows the title; the large builders leave room for a 30 px one.
    fig.update_layout(title_text="", height=HEIGHT, margin={"t": 40})
    if chart in fam.STRUCTURE_CHARTS:
        # The notes on zero slices go under the slide (structure_notes), which leaves the donuts
        # the height of a projector screen.
        fig.layout.annotations = [a for a in fig.layout.annotations if not (a.y is not None and a.y < 0)]
        fig.update_layout(margin={"b": 60}, legend={"y": -0.02, "yanchor": "top"})
    return fig


def structure_notes(fa: FinalAccounts, chart: str, year: int) -> str:
    """What a donut cannot show (zero and negative items), as the 决算 figure states it."""
    prev = fa.previous_year(year)
    years = [y for y in (prev, year) if y is not None and fam.structure_items(fa, chart, y)] or [year]
    return fc.undrawn_note(fa, chart, years)


def final_slides(fa: FinalAccounts, year: int | None) -> list[Slide]:
    if year is None:
        return []
    return [
        Slide(
            f"fa_{chart}",
            T["final"].format(title=fam.CHART_TITLES[chart], year=year),
            lambda chart=chart: _final_figure(fa, chart, year),
            structure_notes(fa, chart, year) if chart in fam.STRUCTURE_CHARTS else "",
        )
        for chart in fam.CHARTS
        if _has_data(fa, chart, year)
    ]


def _form_figure(form) -> go.Figure:
    fig = level1_rate_bar(form, title="", large=True)
    fig.update_layout(height=HEIGHT)
    return fig


def form_slides(forms: FormsDataset) -> list[Slide]:
    shown = [f for f in forms.forms if level1_rates(f)]
    return [
        Slide(
            f"form_{i}",
            T["form"].format(i=i, n=len(shown), name=" ".join(str(form.name).split())),
            lambda form=form: _form_figure(form),
            f"合计得分（填报）{num(form.reported_total)} 分，公式复核 {num(form.formula_total)} 分",
        )
        for i, form in enumerate(shown, start=1)
    ]


def slides(
    analysis: Analysis | None,
    final_accounts: FinalAccounts | None = None,
    forms: FormsDataset | None = None,
    *,
    unit: str = "",
    year: int | None = None,
    today: str = "",
) -> list[Slide]:
    """The deck, in meeting order: a cover, the project table, then 决算 图1–图7, then the 自评表.
    Empty when nothing is loaded."""
    out: list[Slide] = []
    if analysis is not None or (final_accounts is not None and final_accounts.years):
        out.append(Slide("cover", T["cover"], lambda: cover_figure(analysis, unit, year, today)))
    if analysis is not None:
        out += analysis_slides(analysis)
    if final_accounts is not None and final_accounts.years:
        year = bundle.final_accounts_year(final_accounts, bundle.guess_year(analysis, final_accounts))
        out += final_slides(final_accounts, year)
    if forms is not None and forms.forms:
        out += form_slides(forms)
    return out
