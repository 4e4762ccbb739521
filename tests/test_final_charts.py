"""Figure and table builders for 图1–图7 (components.final_charts), checked on fig.data / fig.layout."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from components import final_charts as fc
from components.theme import FONT_FAMILY
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import template as fa_template
from jixiao.final_accounts.figures import FIG1, FIG2, FIG3, FIG4, FIG5, FIG6, FIG7, FinalAccounts, YearFigures

DATA = Path(__file__).parent / "data"

TITLES = {
    FIG1: "图1：收、支决算总计变动情况",
    FIG2: "图2：收入决算结构",
    FIG3: "图3：支出决算结构",
    FIG4: "图4：财政拨款收、支决算总计变动情况",
    FIG5: "图5：一般公共预算财政拨款支出决算变动情况",
    FIG6: "图6：一般公共预算财政拨款支出决算结构",
    FIG7: "图7：“三公”经费财政拨款支出结构",
}


@pytest.fixture(scope="module")
def fa() -> FinalAccounts:
    reference = json.loads((DATA / "liangshan_2023_final_accounts.json").read_text(encoding="utf-8"))
    return fa_template.liangshan_sample(reference)


@pytest.mark.parametrize("chart", list(TITLES))
def test_titles_and_theme(fa: FinalAccounts, chart: str) -> None:
    fig = fc.figure(fa, chart, 2023)
    assert fig.layout.title.text == TITLES[chart]
    assert fig.layout.font.family == FONT_FAMILY
    assert fig.layout.font.size == 14
    large = fc.figure(fa, chart, 2023, large=True)
    assert large.layout.font.size >= 20 and large.layout.title.font.size > fig.layout.title.font.size


def test_fig1_grouped_bars_last_year_beside_this_year(fa: FinalAccounts) -> None:
    fig = fc.figure(fa, FIG1, 2023)
    assert fig.layout.barmode == "group"
    assert [t.type for t in fig.data] == ["bar", "bar"]
    assert [t.name for t in fig.data] == ["2022年", "2023年"]
    assert list(fig.data[0].x) == ["收入总计", "支出总计"]
    assert list(fig.data[0].y) == [877.47, 877.47]
    assert list(fig.data[1].y) == [874.05, 874.05]
    assert list(fig.data[1].text) == ["874.05万元", "874.05万元"]
    note = fig.layout.annotations[0].text
    assert "-3.42万元" in note and "-0.39%" in note


@pytest.mark.parametrize(("chart", "name"), [(FIG4, "财政拨款收支总计"), (FIG5, "一般公共预算财政拨款支出")])
def test_fig4_fig5_bars(fa: FinalAccounts, chart: str, name: str) -> None:
    fig = fc.figure(fa, chart, 2023)
    assert [list(t.x) for t in fig.data] == [[name], [name]]
    assert [list(t.y) for t in fig.data] == [[877.47], [874.05]]
    assert "（-0.39%）" in fig.layout.annotations[0].text


def test_single_year_bar_has_no_change_note() -> None:
    fa = FinalAccounts(years=[2023], data={2023: YearFigures(fiscal_total=12.5)})
    fig = fc.figure(fa, FIG4, 2023)
    assert [t.name for t in fig.data] == ["2023年"]
    assert not fig.layout.annotations


def test_fig2_donut_draws_no_zero_slices(fa: FinalAccounts) -> None:
    fig = fc.figure(fa, FIG2, 2023)
    assert [t.type for t in fig.data] == ["pie"]  # 2022 has no income structure: one donut
    pie = fig.data[0]
    assert pie.hole > 0
    assert list(pie.labels) == ["一般公共预算财政拨款收入"]
    assert list(pie.values) == [874.05]
    assert [list(c) for c in pie.customdata] == [["874.05", "100.00%"]]
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert "政府性基金预算财政拨款收入" in notes and "其他收入" in notes  # the zeros are named in text


def test_fig3_shares_in_labels(fa: FinalAccounts) -> None:
    pie = fc.figure(fa, FIG3, 2023).data[0]
    assert list(pie.labels) == ["基本支出", "项目支出"]
    assert [c[1] for c in pie.customdata] == ["53.66%", "46.34%"]
    assert "customdata[0]" in pie.texttemplate and "万元" in pie.hovertemplate


def test_fig6_two_donuts_side_by_side(fa: FinalAccounts) -> None:
    fig = fc.figure(fa, FIG6, 2023)
    assert [t.name for t in fig.data] == ["2022年", "2023年"]
    before, now = fig.data
    assert before.domain.x[1] <= now.domain.x[0]
    assert list(now.values) == [701.17, 125.26, 21.88, 25.74]
    assert [c[1] for c in now.customdata] == ["80.22%", "14.33%", "2.50%", "2.94%"]
    # The same item has the same colour in both years.
    assert list(before.marker.colors) == list(now.marker.colors)
    centre = [a.text for a in fig.layout.annotations]
    assert "2022年<br>877.47万元" in centre and "2023年<br>874.05万元" in centre


def test_fig7_combined_car_figure_in_2022_and_parts_in_2023(fa: FinalAccounts) -> None:
    fig = fc.figure(fa, FIG7, 2023)
    before, now = fig.data
    assert list(before.labels) == [fam.CAR_COMBINED, fam.RECEPTION]
    assert list(before.values) == [56.64, 0.15]
    assert list(now.labels) == [fam.CAR_OPERATION, fam.RECEPTION]
    assert list(now.values) == [7.41, 0.19]
    assert [c[1] for c in now.customdata] == ["97.50%", "2.50%"]
    notes = " ".join(a.text for a in fig.layout.annotations)
    assert fam.OVERSEAS in notes and fam.CAR_PURCHASE in notes


def test_empty_year_is_said_not_drawn() -> None:
    fa = FinalAccounts(years=[2023], data={2023: YearFigures(fiscal_total=1)})
    fig = fc.figure(fa, FIG6, 2023)
    assert list(fig.data[0].values) == []
    assert any("没有数据" in a.text for a in fig.layout.annotations)


def test_structure_table(fa: FinalAccounts) -> None:
    df = fc.structure_table(fa, FIG6, 2023)
    assert list(df.columns) == [
        fc.COL_ITEM,
        fc.COL_AMOUNT,
        fc.COL_SHARE,
        fc.COL_PREVIOUS,
        fc.COL_CHANGE,
        fc.COL_CHANGE_PCT,
    ]
    rows = df.set_index(fc.COL_ITEM)
    assert rows.loc["科学技术支出"].tolist() == [701.17, 80.22, 707.91, -6.74, -0.95]
    assert rows.loc["合计"].tolist() == [874.05, 100.0, 877.47, -3.42, -0.39]


def test_structure_table_lists_zeros_and_the_combined_car_row(fa: FinalAccounts) -> None:
    rows = fc.structure_table(fa, FIG7, 2023).set_index(fc.COL_ITEM)
    assert rows.loc[fam.OVERSEAS, fc.COL_AMOUNT] == 0.0
    assert rows.loc[fam.OVERSEAS, fc.COL_SHARE] == 0.0
    assert math.isnan(rows.loc[fam.CAR_OPERATION, fc.COL_PREVIOUS])
    combined = rows.loc[fam.CAR_COMBINED + "（合计）"]
    assert combined[[fc.COL_AMOUNT, fc.COL_PREVIOUS, fc.COL_CHANGE, fc.COL_CHANGE_PCT]].tolist() == [
        7.41,
        56.64,
        -49.23,
        -86.92,
    ]
    total = rows.loc["合计"]
    assert total[[fc.COL_AMOUNT, fc.COL_PREVIOUS, fc.COL_CHANGE, fc.COL_CHANGE_PCT]].tolist() == [
        7.6,
        56.79,
        -49.19,
        -86.62,
    ]


def test_change_table(fa: FinalAccounts) -> None:
    df = fc.change_table(fa, FIG1, 2023)
    assert df[fc.COL_ITEM].tolist() == ["收入总计", "支出总计"]
    assert df.iloc[0][[fc.COL_PREVIOUS, fc.COL_THIS_YEAR, fc.COL_CHANGE, fc.COL_CHANGE_PCT]].tolist() == [
        877.47,
        874.05,
        -3.42,
        -0.39,
    ]
    with pytest.raises(ValueError):
        fc.change_table(fa, FIG2, 2023)
    with pytest.raises(ValueError):
        fc.structure_table(fa, FIG1, 2023)
