"""Issue 15, point 12: 汇报模式 fills a 1920×1080 screen (type ≥ 28 px), opens on a cover, has a
flagged-projects slide, and plays the slides chosen, in the order chosen."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components import present
from jixiao.summary.flags import stake
from tests.conftest import APP
from tests.test_presentation import font_sizes

PAGE = "pages/presentation.py"


def test_a_1080_screen_gets_a_taller_figure_and_larger_type():
    small, big = present.screen_for(768), present.screen_for(1080)
    assert small == present.Screen()
    assert big.height == 1080 - present.CHROME and big.height > 850 and big.font >= 28
    assert present.screen_for(None) == present.Screen()


def test_every_slide_grows_to_the_screen(henan_analysis):
    screen = present.screen_for(1080)
    for s in present.slides(henan_analysis, unit="河南省科学技术协会", year=2023):
        fig = s.figure(screen)
        assert fig.layout.height == screen.height, s.title
        small = {k: v for k, v in font_sizes(fig).items() if v < 28}
        assert not small, f"{s.title}: type under 28 px at 1080: {small}"


def test_the_cover_names_the_report_and_the_figures(henan_analysis):
    deck = present.slides(henan_analysis, unit="河南省科学技术协会", year=2023, today="2024年3月1日")
    assert deck[0].key == "cover"
    texts = " ".join(a.text for a in deck[0].figure().layout.annotations)
    assert "河南省科学技术协会2023年度预算绩效分析报告" in texts
    assert "总体执行率 86.23%" in texts and "2024年3月1日" in texts


def test_the_flagged_slide_lists_the_most_money_at_stake_first(henan_analysis):
    rows, n = present.flagged_rows(henan_analysis)
    assert n == len(henan_analysis.flagged) == 10
    assert len(rows) == present.FLAGGED_N
    f = henan_analysis.flagged
    money = sorted((stake(b, e) for b, e in zip(f["budget"], f["executed"])), reverse=True)
    # 科普与学会服务能力提升专项-省级 (2,691.00 − 2,071.67 = 619.33 万元 unspent) leads
    assert money[0] == pytest.approx(619.33, abs=0.01)
    assert rows[0][0].replace("<br>", "").startswith("科普与学会服务能力提升专项") and rows[0][1] == "76.99%"
    assert rows[0][2].startswith("<b>执行率偏低、指标未满分</b><br>预算执行率 76.99%")
    # two lines at most in a cell: the name and the reason are wrapped, not cut off by the column
    assert all(r[0].count("<br>") <= 1 and r[2].count("<br>") <= 2 for r in rows)
    table = next(s for s in present.slides(henan_analysis) if s.key == "flagged").figure()
    assert table.data[0].type == "table" and len(table.data[0].cells.values[0]) == present.FLAGGED_N


@pytest.mark.usefixtures("apptest_navigation")
def test_slides_chosen_and_reordered(tmp_path, monkeypatch):
    from jixiao.store.db import ENV_URL

    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'jixiao.db'}")
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    at.button(key="sample_present").click().run()
    # in the 目录 menu: only 偏差项目 and 主要指标, in that order
    at.multiselect(key="present_order").set_value(["flagged", "kpis"]).run()
    assert not at.exception
    heads = [mk.value for mk in at.main.markdown if mk.value.startswith("### ")]
    counters = [mk.value for mk in at.main.markdown if mk.value.startswith("**") and " / " in mk.value]
    assert counters == ["**1 / 2**"]
    assert heads[0].startswith("### 偏差项目")
    at.button(key="present_next").click().run()
    assert [mk.value for mk in at.main.markdown if mk.value.startswith("### ")] == ["### 主要指标"]
