"""components.history_charts: the figures of 历年对比 read through fig.data / fig.layout."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from components import history_charts as hc
from components.theme import BAND_COLORS, FONT_FAMILY, GREEN, RED
from jixiao import history as h
from jixiao import model as m
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze


@pytest.fixture(scope="module")
def two_years(henan_analysis):
    p = henan_analysis.table.projects.copy()
    p[m.BUDGET] = p[m.BUDGET] * 0.9
    p[m.EXECUTED] = p[m.BUDGET]
    prev = analyze(dataclasses.replace(henan_analysis.table, projects=p), Settings())
    return prev, henan_analysis


def test_year_rates_bars_in_band_colours_with_the_threshold(two_years):
    prev, cur = two_years
    years = h.by_year([(2022, prev), (2023, cur)])
    fig = hc.year_rates(years, Settings())
    [bar] = fig.data
    assert list(bar.x) == ["2022年", "2023年"]
    assert list(bar.text) == ["100.00%", "86.23%"]
    assert list(bar.marker.color) == [GREEN, BAND_COLORS["amber"]]
    assert list(bar.textposition) == ["inside", "inside"] and bar.textfont.color[0] == "white"
    [line] = fig.layout.shapes
    assert line.y0 == line.y1 == 90.0 and line.line.color == RED
    label = fig.layout.annotations[0]
    assert label.text == "- - 预警线 90.00%" and label.yref == "paper" and label.y == 1  # above the bars
    assert fig.layout.title.text == "历年预算执行率" and fig.layout.font.family == FONT_FAMILY
    assert fig.layout.yaxis.range[1] >= 100.0 * 1.1
    low = hc.year_rates(years, Settings(low_threshold=99.0, amber_floor=90.0))
    assert list(low.data[0].marker.color) == [GREEN, RED]


def test_year_amounts_two_bars_per_year(two_years):
    prev, cur = two_years
    fig = hc.year_amounts(h.by_year([(2022, prev), (2023, cur)]), title="")
    assert [t.name for t in fig.data] == ["预算数", "执行数"]
    assert fig.data[0].text[1] == "7,863.66" and fig.data[1].text[1] == "6,780.62"
    assert fig.layout.barmode == "group"
    assert fig.layout.title.text is None  # "" = no title: the page has its heading


def test_year_scores_names_both_means(two_years):
    prev, cur = two_years
    fig = hc.year_scores(h.by_year([(2022, prev), (2023, cur)]))
    assert [t.name for t in fig.data] == ["金额加权平均分", "简单平均分"]
    assert fig.data[0].text[1] == "96.39" and fig.data[1].text[1] == "92.06"
    # the axis starts below the lowest mean (92.06) on a round number, and ends above 100
    assert fig.layout.yaxis.range[0] == 85 and fig.layout.yaxis.range[1] > 100
    low = h.by_year([(2022, prev), (2023, cur)]).assign(mean_simple=[55.0, 61.0])
    assert hc.year_scores(low).layout.yaxis.range[0] == 45


def test_rate_changes_largest_fall_first_and_names_escaped(two_years):
    prev, cur = two_years
    changes = h.project_changes(prev, cur)
    changes.loc[changes[m.PROJECT] == "会议-科协机关", m.PROJECT] = '<b>会议</b>-科协机关"'
    fig = hc.rate_changes(changes, Settings(), 2022, 2023, top_n=5)
    line, before, after, legend = fig.data
    assert before.name == "2022年" and legend.name == "2023年（颜色为红绿灯）" and not after.showlegend
    assert len(after.y) == 5
    # 知识产权事业发展 0% (was 100%), then 科普…省级 14.22%
    assert after.x[0] == pytest.approx(0.0) and before.x[0] == pytest.approx(100.0)
    assert after.text[0] == "−100.00"
    assert after.marker.color[0] == RED
    assert list(fig.layout.yaxis.categoryarray) == list(after.y)
    labels = " ".join(str(y) for y in after.y) + " ".join(str(c[0]) for c in after.customdata)
    assert "<b>" not in labels
    all_changes = hc.rate_changes(changes, Settings(), 2022, 2023, top_n=50)
    # the projects that spent 100% both years are left out: only the ones that moved
    moved = changes[(changes[h.STATUS] == "延续") & (changes[m.EXECUTION_RATE + h.CHANGE].abs() >= 0.005)]
    assert len(all_changes.data[2].y) == len(moved) == 10
    assert "+0.00" not in all_changes.data[2].text and "−0.00" not in all_changes.data[2].text
    hovers = [c[0] for c in all_changes.data[2].customdata]
    assert '&lt;b&gt;会议&lt;/b&gt;-科协机关"' in hovers  # tags escaped, the quote kept as a quote
    assert not any("<b>" in str(y) for y in all_changes.data[2].y)


def test_rate_changes_without_matches_is_empty():
    empty = pd.DataFrame(columns=h.CHANGE_COLUMNS)
    fig = hc.rate_changes(empty, Settings(), 2022, 2023)
    assert len(fig.data[2].x) == 0 and fig.layout.height >= 300
