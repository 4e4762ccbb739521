"""Drill-down: a click on a unit bar filters every page to that unit, a click on a project (bar or
table row) opens its detail. The choice lives in components.links (and so in the URL).

Streamlit reports a click on a plotly bar as a one-point selection (``on_select``) whose point
carries the bar's ``customdata``; the figure builders put the unit name or the project's index last
in it (charts.KEY_FIELD). A dataframe row selection reports row positions in the frame shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import links, widgets
from components.tables import show_table

T = {
    "clear_units": "显示全部单位",
    "units_of": "{units}的项目",
    "pick_hint": "点击表格左侧的方框查看项目详情（偏差原因、审核发现、历年情况）。",
    "bar_hint": "点击单位的条形可查看该单位的项目。",
}


def _picked_keys(event) -> list:
    """customdata[-1] of each selected point (the unit name or the project index)."""
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    out = []
    for p in points:
        custom = p.get("customdata")
        if isinstance(custom, list | tuple) and custom:
            out.append(custom[-1])
    return list(dict.fromkeys(out))


def _units_picked(key: str, then: Callable[[], None] | None = None) -> None:
    units = [str(u) for u in _picked_keys(st.session_state.get(key))]
    if units or then is None:
        links.set_units(units)
    if units and then is not None:
        then()


def _project_picked_on_chart(key: str) -> None:
    picked = _picked_keys(st.session_state.get(key))
    if picked and str(picked[0]).lstrip("-").isdigit():
        links.set_project(int(picked[0]))


def unit_chart(fig: go.Figure, key: str, then: Callable[[], None] | None = None) -> None:
    """A unit-level chart whose bars filter to their unit when clicked (then ``then`` runs, e.g. to turn
    the page to its project view)."""
    st.plotly_chart(
        fig,
        theme=None,
        config=widgets.PLOTLY_CONFIG,
        key=key,
        on_select=functools.partial(_units_picked, key, then),
        selection_mode="points",
    )


def project_chart(fig: go.Figure, key: str) -> None:
    """A project-level chart whose bars open their project's detail when clicked."""
    st.plotly_chart(
        fig,
        theme=None,
        config=widgets.PLOTLY_CONFIG,
        key=key,
        on_select=functools.partial(_project_picked_on_chart, key),
        selection_mode="points",
    )


def _row_picked(key: str, index: list) -> None:
    event = st.session_state.get(key)
    rows = (event or {}).get("selection", {}).get("rows", []) if event else []
    if rows and 0 <= rows[0] < len(index):
        links.set_project(int(index[rows[0]]))
    else:
        links.set_project(None)


def project_table(shown: pd.DataFrame, index: pd.Index | list, key: str, **kwargs) -> None:
    """st.dataframe of projects (``shown``, one row per entry of ``index``, the projects' index in
    Analysis.projects); selecting a row opens that project's detail."""
    show_table(
        shown,
        hide_index=True,
        key=key,
        on_select=functools.partial(_row_picked, key, list(index)),
        selection_mode="single-row",
        **kwargs,
    )


def unit_filter(container, options: list[str], key: str, label: str, placeholder: str) -> list[str]:
    """A unit multiselect bound to the shared unit filter (what a click on a unit bar sets)."""
    ss = st.session_state
    ss[key] = [u for u in links.focus_units() if u in options]
    return container.multiselect(
        label,
        options,
        key=key,
        placeholder=placeholder,
        on_change=lambda: links.set_units(list(st.session_state.get(key) or [])),
    )


def clear_units_button(key: str) -> None:
    st.button(
        T["clear_units"], key=key, on_click=links.set_units, args=([],), icon=":material/filter_alt_off:"
    )
