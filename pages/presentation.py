"""汇报模式: the dashboard's charts one per screen, in projector type, for 评审会.

Thin: the slide list and the projector-size figures come from components.present; this page keeps
the slide index (state.PRESENT_SLIDE), draws the current slide and the 上一张/下一张 controls. The
sidebar is hidden here so the chart has the whole width; 退出汇报 goes back to 总览.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import streamlit as st

from components import data, present, reasons, state, widgets
from components.links import through_app  # noqa: E402
from components.widgets import md_escape

through_app(__file__)  # a link opened on a just-started server goes through app.py

T = {
    "title": "汇报模式",
    "prev": "上一张",
    "next": "下一张",
    "exit": "退出汇报",
    "jump": "目录",
    "jump_label": "跳到第几张",
    "choose": "放映哪些幻灯片（按选择的先后排序）",
    "choose_help": "去掉不需要的幻灯片；先清空再逐张选择，即可按自己的顺序放映。",
    "keys": "键盘 ← → 翻页",
    "empty_title": "还没有可以汇报的图表",
    "empty_body": "导入项目单位自评汇总表、部门决算数据或项目自评表后，这里会逐张放大显示图表。",
}
# A fixed style (no user data). The sidebar is hidden on this page so the chart has the whole width
# (st.set_page_config(initial_sidebar_state=...) here would fight app.py's call on every rerun and
# make the sidebar flicker). Less space above the slide, so title, controls and
# the figure fit a 1366×768 projector without scrolling. 退出汇报 sits in the 目录 menu.
STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 3.9rem; padding-bottom: 0.5rem; }
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: max(22px, 2.2vh); }
</style>"""
# On a projector nobody zooms or downloads: the plotly toolbar only covers the chart.
SLIDE_CONFIG = {**widgets.PLOTLY_CONFIG, "displayModeBar": False}
ORDER_KEY = "present_order"  # the widget
PICKED_KEY = "jx_present_picked"  # the slides chosen, in order (None: all)
SEEN_KEY = "jx_present_seen"  # the slides there were when the choice was made

LONG_TITLE = 50  # display columns (a Chinese character is two) that fit at the ### size


def _go(step: int, count: int) -> None:
    i = int(st.session_state.get(state.PRESENT_SLIDE, 0)) + step
    st.session_state[state.PRESENT_SLIDE] = min(max(i, 0), count - 1)


def _jump(key: str) -> None:
    st.session_state[state.PRESENT_SLIDE] = int(st.session_state[key])


def current_index(count: int) -> int:
    """The stored index, kept inside the deck (it shrinks when data is removed)."""
    try:
        i = int(st.session_state.get(state.PRESENT_SLIDE, 0))
    except (TypeError, ValueError):
        i = 0
    i = min(max(i, 0), count - 1)
    st.session_state[state.PRESENT_SLIDE] = i
    return i


def heading(title: str) -> str:
    """The slide title as a Markdown heading, one size smaller when long, so it stays on one line
    beside the controls on a 1366 px screen."""
    width = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in title)
    return ("### " if width <= LONG_TITLE else "#### ") + md_escape(title)


def controls(deck: list[present.Slide], i: int, full: list[present.Slide]) -> None:
    n = len(deck)
    with st.container(horizontal=True, vertical_alignment="center", gap="small", width="content"):
        st.markdown(f"**{i + 1} / {n}**", width="content")
        st.button(
            T["prev"],
            key="present_prev",
            icon=":material/chevron_left:",
            on_click=_go,
            args=(-1, n),
            disabled=i == 0,
            shortcut="Left",
        )
        st.button(
            T["next"],
            key="present_next",
            icon=":material/chevron_right:",
            icon_position="right",
            type="primary",
            on_click=_go,
            args=(1, n),
            disabled=i == n - 1,
            shortcut="Right",
        )
        with st.popover(T["jump"], icon=":material/list:"):
            # keyed by the current slide, so the box always opens on it
            key = f"present_jump_{i}_{n}"
            st.selectbox(
                T["jump_label"],
                list(range(n)),
                index=i,
                format_func=lambda k: f"{k + 1}. {deck[k].title}",
                key=key,
                on_change=_jump,
                args=(key,),
            )
            st.caption(T["keys"])
            chooser(full, deck)
            st.page_link("pages/overview.py", label=T["exit"], icon=":material/close:")


def chosen(deck: list[present.Slide]) -> list[present.Slide]:
    """The slides picked in the 目录 menu, in the order picked; slides that were not there when the
    choice was made (more data loaded since) follow in meeting order. All of them by default."""
    picked, seen = st.session_state.get(PICKED_KEY), st.session_state.get(SEEN_KEY) or []
    if not isinstance(picked, list):
        return deck
    by_key = {s.key: s for s in deck}
    out = [by_key[k] for k in picked if k in by_key]
    out += [s for s in deck if s.key not in seen]
    return out or deck


def _picked(keys: list[str]) -> None:
    st.session_state[PICKED_KEY] = list(st.session_state.get(ORDER_KEY) or [])
    st.session_state[SEEN_KEY] = keys


def chooser(full: list[present.Slide], deck: list[present.Slide]) -> None:
    titles = {s.key: s.title for s in full}
    keys = [s.key for s in full]
    st.session_state[ORDER_KEY] = [s.key for s in deck]
    st.multiselect(
        T["choose"],
        keys,
        key=ORDER_KEY,
        format_func=lambda k: titles.get(k, k),
        help=T["choose_help"],
        on_change=_picked,
        args=(keys,),
    )


def main() -> None:
    unit, year = data.unit_year()
    a = data.analysis()
    full = present.slides(
        a,
        st.session_state.get(state.FINAL_ACCOUNTS),
        st.session_state.get(state.FORMS),
        unit=unit,
        year=year,
        today=date.today().strftime("%Y年%-m月%-d日"),
    )
    if a is not None:
        full += reasons.slides(a)  # the 偏差原因 written on 偏差预警 / 监控, last
    deck = chosen(full)
    if not deck:
        st.title(T["title"])
        st.info(f"**{T['empty_title']}**　{T['empty_body']}")
        with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
            st.button(widgets.T["sample"], key="sample_present", type="primary", on_click=data.load_sample)
            st.page_link("pages/import_data.py", label=widgets.T["to_import"], icon=":material/upload_file:")
        return
    st.html(STYLE)
    screen = present.screen_for(widgets.viewport_height())
    i = current_index(len(deck))
    slide = deck[i]
    with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
        st.markdown(heading(slide.title), width="stretch")
        controls(deck, i, full)
    st.plotly_chart(slide.figure(screen), theme=None, config=SLIDE_CONFIG, key=f"present_{slide.key}")
    if slide.note:
        st.caption(md_escape(slide.note))


main()
