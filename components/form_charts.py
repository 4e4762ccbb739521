"""Figures for one 项目支出绩效自评表: 得分率 per 一级指标, and reported vs formula score per indicator.

Pure builders: a Form in, a go.Figure out, themed by ``apply_theme``.
"""

from __future__ import annotations

import plotly.graph_objects as go

from components.theme import AMBER, GREEN, GREY, PALETTE, RED, apply_theme
from jixiao.fmt import pct, round_half_up
from jixiao.forms.compute import COMPONENT_LEVEL1, FORM_COMPONENTS, Form

BUDGET_LABEL = "预算执行"
RATE_TITLE = "各一级指标得分率"
SCORES_TITLE = "各指标得分：填报与公式复核"
REPORTED_NAME = "填报得分"
FORMULA_NAME = "公式复核得分"
WEIGHT_NAME = "权重"
LABEL_LIMIT = 16


def _band(rate: float) -> str:
    if rate >= 100.0 - 1e-9:
        return GREEN
    if rate >= 90.0:
        return AMBER
    return RED


def level1_rates(form: Form) -> list[tuple[str, float]]:
    """(label, 得分率 %) for 预算执行 and every 一级指标 the form has, in the form's usual order."""
    out: list[tuple[str, float]] = []
    if form.budget_score_rate is not None:
        out.append((BUDGET_LABEL, form.budget_score_rate))
    if form.is_department:
        # 投入/过程/产出/效益 or 履职效能/管理效率/社会效应: the form's own 一级指标, in its order
        for g in form.group_scores():
            if g["rate"] is not None:
                out.append((str(g["level1"]), float(g["rate"])))  # type: ignore[arg-type]
        return out
    rates = form.level1_rates()
    for component in FORM_COMPONENTS:
        if rates[component] is not None:
            out.append((COMPONENT_LEVEL1[component], rates[component]))  # type: ignore[arg-type]
    return out


def level1_rate_bar(form: Form, *, title: str | None = None, large: bool = False) -> go.Figure:
    """Bars of 得分率 (reported score / weight) per 一级指标; green at 100%, amber from 90%, red below."""
    data = level1_rates(form)
    labels = [label for label, _ in data]
    values = [round_half_up(v, 2) for _, v in data]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            marker_color=[_band(v) for _, v in data],
            text=[pct(v) for _, v in data],
            textposition="outside",
            hovertemplate="%{x}：%{y:.2f}%<extra></extra>",
            name="得分率",
        )
    )
    top = max([100.0, *(v for v in values if v is not None)])
    fig.update_yaxes(range=[0, top * 1.15], ticksuffix="%", title_text="得分率")
    fig.update_layout(showlegend=False)
    return apply_theme(fig, title if title is not None else f"{form.name}：{RATE_TITLE}", large=large)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT] + "…"


def indicator_scores_bar(form: Form, *, title: str | None = None, large: bool = False) -> go.Figure:
    """Horizontal grouped bars per indicator: weight (grey), reported score, formula score.

    Indicators the formula cannot score (定性, blank or text 完成值) have no formula bar; the hover says why.
    """
    inds = form.indicators
    # Numbered labels keep two indicators with the same name apart (plotly merges equal categories).
    labels = [f"{k}. {_short(ind.label)}" for k, ind in enumerate(inds, start=1)]
    full = [f"{ind.level1}/{ind.level2}/{ind.level3}" for ind in inds]
    formula = [round_half_up(ind.formula_score, 2) for ind in inds]
    why = [ind.not_recomputable_reason or "" for ind in inds]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[ind.weight for ind in inds],
            name=WEIGHT_NAME,
            orientation="h",
            marker_color=GREY,
            opacity=0.45,
            customdata=full,
            hovertemplate="%{customdata}<br>权重 %{x}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=[round_half_up(ind.score, 2) for ind in inds],
            name=REPORTED_NAME,
            orientation="h",
            marker_color=PALETTE[0],
            customdata=full,
            hovertemplate="%{customdata}<br>填报得分 %{x}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Bar(
            y=labels,
            x=formula,
            name=FORMULA_NAME,
            orientation="h",
            marker_color=PALETTE[1],
            customdata=[[f, w or "按公式计算"] for f, w in zip(full, why)],
            hovertemplate="%{customdata[0]}<br>公式复核得分 %{x}（%{customdata[1]}）<extra></extra>",
        )
    )
    fig.update_layout(barmode="group", height=max(320, 90 + 60 * len(inds)))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="分")
    return apply_theme(fig, title if title is not None else f"{form.name}：{SCORES_TITLE}", large=large)
