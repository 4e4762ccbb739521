"""汇报模式: the slide list of components/present.py (pure) and pages/presentation.py through AppTest.

The pure tests read the plotly layouts (projector type, one screen high); AppTest cannot see plotly,
so the page tests follow the slide counter and the slide title.
"""

from __future__ import annotations

import dataclasses
import re

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from components import present, state
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import template as fa_template
from jixiao.forms.read import read_forms
from tests.conftest import APP, SAMPLE_DATA

PAGE = "pages/presentation.py"
HENAN_TITLES = [
    "封面",
    "主要指标",
    "总体预算执行率",
    "执行率红绿灯",
    "执行率最低的 8 个项目",
    "偏差项目（涉及金额最大的 6 个）",
    "得分最低的 8 个项目：得分构成与失分",
    "评价等级分布",
]
FINAL_SAMPLE = SAMPLE_DATA / fa_template.SAMPLE_FILE
FORMS_SAMPLE = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"


@pytest.fixture(scope="module")
def final_accounts() -> fam.FinalAccounts:
    fa, _ = fa_template.read_template(FINAL_SAMPLE.read_bytes(), FINAL_SAMPLE.name)
    return fa


@pytest.fixture(scope="module")
def forms():
    return read_forms(FORMS_SAMPLE.read_bytes(), FORMS_SAMPLE.name)


# --- font sizes of a figure ----------------------------------------------------------------------
def font_sizes(fig: go.Figure) -> dict[str, float]:
    """Every font size the figure renders with (an unset size inherits layout.font.size)."""
    lay = fig.layout
    base = lay.font.size
    assert base is not None, "the layout font size is set"
    out: dict[str, float] = {"layout": base}
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        if axis.visible is False:
            continue
        out[f"{axis.plotly_name} ticks"] = axis.tickfont.size or base
        if axis.title.text:
            out[f"{axis.plotly_name} title"] = axis.title.font.size or base
    if lay.showlegend is not False and len(fig.data) > 1 or any(t.type == "pie" for t in fig.data):
        out["legend"] = lay.legend.font.size or base
    for k, ann in enumerate(lay.annotations):
        out[f"annotation {k}"] = ann.font.size or base
    for k, trace in enumerate(fig.data):
        if trace.type in ("bar", "pie"):
            out[f"{trace.type} {k} text"] = trace.textfont.size or base
        if trace.type == "indicator":
            out[f"gauge {k} ticks"] = trace.gauge.axis.tickfont.size or base
    return out


def assert_projector_type(fig: go.Figure, where: str) -> None:
    sizes = font_sizes(fig)
    small = {k: v for k, v in sizes.items() if v < 20}
    assert not small, f"{where}: fonts under 20 px: {small}"


def ticks(fig: go.Figure) -> list[str]:
    """The y axis labels as drawn (ticktext when the slide relabels the categories)."""
    ax = fig.layout.yaxis
    return list(ax.ticktext) if ax.ticktext else list(ax.categoryarray)


# --- the slide list ----------------------------------------------------------------------------------
def test_nothing_loaded_is_no_slides():
    assert present.slides(None) == []
    assert present.slides(None, None, None) == []


def test_henan_slides_in_meeting_order(henan_analysis):
    deck = present.slides(henan_analysis)
    assert [s.title for s in deck] == HENAN_TITLES
    assert len({s.key for s in deck}) == len(deck)


def test_every_slide_is_one_screen_in_projector_type(henan_analysis, final_accounts, forms):
    deck = present.slides(henan_analysis, final_accounts, forms)
    assert len(deck) == 8 + 7 + 5
    for s in deck:
        fig = s.figure()
        assert isinstance(fig, go.Figure)
        assert fig.layout.height == present.HEIGHT, s.title
        assert not fig.layout.title.text, f"{s.title}: the page shows the title, not the figure"
        assert_projector_type(fig, s.title)


def test_axis_tick_labels_are_at_least_20_px(henan_analysis):
    slow = next(s for s in present.slides(henan_analysis) if s.key == "slowest").figure()
    assert slow.layout.xaxis.tickfont.size >= 20 and slow.layout.yaxis.tickfont.size >= 20
    assert slow.layout.xaxis.title.font.size >= 20


def test_the_laptop_chart_is_left_as_it_was(henan_analysis):
    """projector() enlarges a figure of charts.py; the chart the other pages show keeps 14 px."""
    from components import charts

    fig = charts.traffic_light(henan_analysis.projects, henan_analysis.settings, title="")
    assert fig.layout.font.size == 14
    with pytest.raises(AssertionError, match="under 20 px"):
        assert_projector_type(fig, "laptop chart")
    values = list(fig.data[0].values)
    big = present.projector(go.Figure(fig))
    assert list(big.data[0].values) == values
    assert big.layout.font.size == present.FONT
    assert fig.layout.font.size == 14


def test_kpi_slide_states_the_headline_numbers(henan_analysis):
    fig = present.kpi_figure(henan_analysis)
    texts = [a.text for a in fig.layout.annotations]
    for expected in (
        "<b>7,863.66</b>",
        "<b>6,780.62</b>",
        "<b>86.23%</b>",
        "<b>15 个</b>",
        "<b>96.39 分</b>",
    ):
        assert expected in texts
    assert "预算总额（万元）" in texts and "预警线 90.00%" in texts
    assert len(fig.layout.shapes) == 8
    rate = next(a for a in fig.layout.annotations if a.text == "<b>86.23%</b>")
    assert rate.font.color == present.BAND_COLORS["amber"]  # 86.23% is between 60% and 90%
    assert all(a.xanchor == "center" for a in fig.layout.annotations)


def test_gauge_marks_the_threshold(henan_analysis):
    fig = present.gauge_figure(henan_analysis)
    gauge = fig.data[0]
    assert gauge.type == "indicator"
    assert gauge.value == pytest.approx(86.2275, abs=1e-3)
    assert gauge.gauge.threshold.value == 90
    assert gauge.gauge.axis.range == (0, 100)
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>86.23%</b>" in texts
    assert "预算 7,863.66 万元，执行 6,780.62 万元" in texts


def test_slowest_slide_lists_the_eight_slowest_on_one_line(henan_analysis):
    s = next(s for s in present.slides(henan_analysis) if s.key == "slowest")
    labels = ticks(s.figure())
    assert len(labels) == 8
    assert labels[0] == "知识产权事业发展"
    assert not any("<br>" in x for x in labels)
    # the two 科普与学会服务能力提升专项-省级 rows stay apart by their sheet rows
    twins = [x for x in labels if x.startswith("科普与学会服务能力提升")]
    assert len(twins) == 2 and twins[0] != twins[1]
    assert all(re.search(r"（第\d+行）$", x) for x in twins)
    assert "共 15 个项目" in s.note


def test_scores_slide_shows_the_lowest_scores(henan_analysis):
    s = next(s for s in present.slides(henan_analysis) if s.key == "scores")
    labels = ticks(s.figure())
    assert len(labels) == 8 and labels[0] == "知识产权事业发展"


def test_small_table_shows_every_project(henan_analysis):
    few = dataclasses.replace(henan_analysis, projects=henan_analysis.projects.head(5))
    titles = [s.title for s in present.slides(few)]
    assert "各项目预算执行率" in titles and "各项目得分构成与失分" in titles


def test_units_slide(unit_analysis):
    deck = present.slides(unit_analysis)
    s = next(s for s in deck if s.key == "units")
    assert s.title == "各单位预算执行率"
    assert sorted(ticks(s.figure())) == sorted(["科协本级", "科技馆", "进修学院"])


def test_no_scores_no_score_slides(henan_analysis):
    bare = dataclasses.replace(henan_analysis, scores=None, components=None)
    keys = [s.key for s in present.slides(bare)]
    assert "scores" not in keys and "grades" not in keys
    assert keys[:3] == ["cover", "kpis", "gauge"]


def test_final_accounts_slides(final_accounts):
    deck = present.slides(None, final_accounts)
    assert deck[0].key == "cover"
    deck = deck[1:]
    assert [s.title for s in deck] == [f"{fam.CHART_TITLES[c]}（2023年度）" for c in fam.CHARTS]
    fig2 = next(s for s in deck if s.key == "fa_fig2")
    assert "政府性基金预算财政拨款收入" in fig2.note  # the zero slices, said under the slide
    fig = fig2.figure()
    assert not [a for a in fig.layout.annotations if a.y is not None and a.y < 0]
    fig7 = next(s for s in deck if s.key == "fa_fig7").figure()
    holes = [a for a in fig7.layout.annotations if "万元" in a.text]
    assert len(holes) == 2 and all(a.xanchor == "center" for a in holes)


def test_final_accounts_slides_use_the_table_year(henan_analysis, final_accounts):
    # the henan table is 2023; the figures know 2022 and 2023
    deck = present.slides(henan_analysis, final_accounts)
    assert deck[8].title.endswith("（2023年度）")


def test_form_slides(forms):
    deck = present.slides(None, None, forms)
    assert len(deck) == len(forms.forms) == 5
    assert deck[0].title == f"自评表 1/5：{forms.forms[0].name}（各一级指标得分率）"
    assert "合计得分（填报）" in deck[0].note
    fig = deck[0].figure()
    assert list(fig.data[0].x)[0] == "预算执行"


def test_one_line_keeps_escaping_and_row_suffix():
    assert (
        present.one_line("科普与学会服务能力提<br>升专项-省级·第18行") == "科普与学会服务能力提升专…·第18行"
    )
    assert present.one_line("短名") == "短名"
    cut = present.one_line("A&amp;B<br>公司非常长的项目名称一二三四五六七八九十")
    assert cut.startswith("A&amp;B") and cut.endswith("…") and "&amp" in cut
    assert present.one_line("&lt;script&gt;") == "&lt;script&gt;"


# --- the page ----------------------------------------------------------------------------------------
def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def counter(at: AppTest) -> str | None:
    found = [mk.value for mk in at.main.markdown if re.fullmatch(r"\*\*\d+ / \d+\*\*", mk.value)]
    return found[0].strip("*") if found else None


def slide_title(at: AppTest) -> str | None:
    found = [mk.value for mk in at.main.markdown if mk.value.startswith(("### ", "#### "))]
    return found[0].split(" ", 1)[1] if found else None


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.usefixtures("apptest_navigation")
def test_page_without_data_says_so_and_offers_the_sample():
    at = new_app()
    assert "还没有可以汇报的图表" in at.main.info[0].value
    assert counter(at) is None
    click(at, "sample_present")
    assert counter(at) == "1 / 8"
    assert slide_title(at) == "封面"


@pytest.mark.usefixtures("apptest_navigation")
def test_next_and_previous_stop_at_the_ends():
    at = click(new_app(), "sample_present")
    assert at.button(key="present_prev").disabled
    assert not at.button(key="present_next").disabled
    click(at, "present_next")
    assert (counter(at), slide_title(at)) == ("2 / 8", "主要指标")
    click(at, "present_prev")
    assert (counter(at), slide_title(at)) == ("1 / 8", "封面")
    for _ in range(7):
        click(at, "present_next")
    assert (counter(at), slide_title(at)) == ("8 / 8", "评价等级分布")
    assert at.button(key="present_next").disabled
    assert not at.button(key="present_prev").disabled
    assert at.session_state[state.PRESENT_SLIDE] == 7


@pytest.mark.usefixtures("apptest_navigation")
def test_jump_and_the_index_survives_a_page_switch():
    at = click(new_app(), "sample_present")
    at.selectbox(key="present_jump_0_8").set_value(4).run()
    assert (counter(at), slide_title(at)) == ("5 / 8", HENAN_TITLES[4])
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert counter(at) == "5 / 8"


@pytest.mark.usefixtures("apptest_navigation")
def test_more_data_more_slides_and_the_index_stays_in_range(final_accounts, forms):
    at = click(new_app(), "sample_present")
    at.session_state[state.FINAL_ACCOUNTS] = final_accounts
    at.session_state[state.FORMS] = forms
    at.session_state[state.PRESENT_SLIDE] = 19
    at.run()
    assert not at.exception
    assert counter(at) == "20 / 20"
    assert slide_title(at) == f"自评表 5/5：{forms.forms[4].name}（各一级指标得分率）"
    # the forms go away: the index falls back inside the shorter deck
    at.session_state[state.FORMS] = None
    at.run()
    assert counter(at) == "15 / 15"
    assert slide_title(at) == "图7：“三公”经费财政拨款支出结构（2023年度）"


@pytest.mark.usefixtures("apptest_navigation")
def test_final_accounts_alone_make_a_deck(final_accounts):
    at = new_app()
    at.session_state[state.FINAL_ACCOUNTS] = final_accounts
    at.run()
    assert counter(at) == "1 / 8"
    assert slide_title(at) == "封面"
    click(at, "present_next")
    assert slide_title(at) == "图1：收、支决算总计变动情况（2023年度）"
    assert state.TABLE not in at.session_state  # no project table was loaded


@pytest.mark.usefixtures("apptest_navigation")
def test_names_from_files_are_escaped_in_the_title(forms):
    odd = dataclasses.replace(forms.forms[0], project="**加粗**项目_[链接](x)")
    at = new_app()
    at.session_state[state.FORMS] = dataclasses.replace(forms, forms=[odd])
    at.run()
    assert not at.exception
    title = slide_title(at)
    assert title is not None and "\\*\\*加粗\\*\\*" in title and "\\[链接\\]" in title


def test_long_kpi_values_get_smaller_type():
    assert present.value_size("7,863.66") == present.KPI_FONT
    assert present.value_size("96.39 分") == present.KPI_FONT
    assert 30 <= present.value_size("1,234,567.89") < present.KPI_FONT


def test_gauge_states_time_progress_when_a_date_is_set(henan_analysis):
    from datetime import date

    mid_year = dataclasses.replace(
        henan_analysis, settings=dataclasses.replace(henan_analysis.settings, as_of=date(2023, 6, 30))
    )
    texts = [a.text for a in present.gauge_figure(mid_year).layout.annotations]
    assert any("序时进度 49.59%" in t for t in texts), texts
    assert not any(
        "序时进度" in t for t in (a.text for a in present.gauge_figure(henan_analysis).layout.annotations)
    )
