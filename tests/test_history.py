"""jixiao.history: years of one unit, units of one year, projects of two years matched."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from jixiao import history as h
from jixiao import model as m
from jixiao.settings import Settings
from jixiao.summary.analysis import Analysis, analyze


def _with_projects(a: Analysis, projects: pd.DataFrame) -> Analysis:
    return analyze(dataclasses.replace(a.table, projects=projects.reset_index(drop=True)), Settings())


@pytest.fixture(scope="module")
def last_year(henan_analysis) -> Analysis:
    """2022: every budget 10% lower and every amount spent; 知识产权事业发展 did not exist yet, one
    project ran that was dropped in 2023, and one name was spelled differently."""
    p = henan_analysis.table.projects.copy()
    p[m.BUDGET] = p[m.BUDGET] * 0.9
    p[m.EXECUTED] = p[m.BUDGET]
    p = p[p[m.PROJECT] != "知识产权事业发展"]
    p.loc[p[m.PROJECT] == "会议-科协机关", m.PROJECT] = "会议 — 科协机关（2022年）"
    extra = p.iloc[[0]].copy()
    extra[m.PROJECT] = "老旧设备报废处置"
    extra[m.BUDGET] = 30.0
    extra[m.EXECUTED] = 12.0
    return _with_projects(henan_analysis, pd.concat([p, extra]))


def test_by_year_orders_years_and_sums(henan_analysis, last_year):
    years = h.by_year([(2023, henan_analysis), (2022, last_year)])
    assert list(years[h.YEAR]) == [2022, 2023]
    cur = years.iloc[1]
    assert round(cur[h.BUDGET], 2) == 7863.66 and round(cur[h.RATE], 2) == 86.23
    assert round(cur[h.WEIGHTED], 2) == 96.39 and round(cur[h.SIMPLE], 2) == 92.06
    assert cur[h.PROJECTS] == 15 and cur[h.DEVIATING] == 10 and cur[h.BELOW] == 4
    prev = years.iloc[0]
    # 14 projects at 90% of their budget, all spent, plus 30 budget / 12 spent
    budget = (7863.66 - 20) * 0.9 + 30
    assert prev[h.PROJECTS] == 15
    assert prev[h.BUDGET] == pytest.approx(budget)
    assert prev[h.RATE] == pytest.approx((budget - 18) / budget * 100)


def test_year_change_sentence(henan_analysis, last_year):
    years = h.by_year([(2022, last_year), (2023, henan_analysis)])
    text = h.year_change_sentence(years)
    assert text.startswith("2023年与2022年相比：预算总额 7,863.66 万元，增加 ")
    assert "执行率 86.23%，降低 " in text and "个百分点" in text
    assert "金额加权平均分 96.39 分" in text
    assert h.year_change_sentence(years.iloc[:1]) is None


def test_normalize_name():
    assert h.normalize_name("会议 — 科协机关（2022年）") == h.normalize_name("会议-科协机关")
    assert h.normalize_name("２０２３年度科普日活动") == h.normalize_name("科普日活动")
    assert h.normalize_name("科普日活动") != h.normalize_name("科普周活动")
    assert h.normalize_name(None) == ""


def test_project_changes_new_dropped_and_matched(henan_analysis, last_year):
    ch = h.project_changes(last_year, henan_analysis)
    counts = h.change_counts(ch)
    assert counts == {"kept": 14, "by_code": 0, "by_name": 14, "new": 1, "dropped": 1}
    assert list(ch[h.STATUS].head(2)) == ["新增", "取消"]
    new, dropped = ch.iloc[0], ch.iloc[1]
    assert new[m.PROJECT] == "知识产权事业发展" and pd.isna(new[m.BUDGET + h.PREV])
    assert new[m.BUDGET + h.CUR] == 20
    assert dropped[m.PROJECT] == "老旧设备报废处置" and pd.isna(dropped[m.BUDGET + h.CUR])
    renamed = ch[ch[m.PROJECT] == "会议-科协机关"].iloc[0]
    assert renamed[h.STATUS] == "延续" and renamed[h.MATCHED_BY] == "项目名称"
    assert renamed[m.BUDGET + h.PREV] == pytest.approx(18.0)
    assert renamed[m.BUDGET + h.CHANGE] == pytest.approx(2.0)
    assert renamed[m.EXECUTION_RATE + h.PREV] == pytest.approx(100.0)
    assert renamed[m.EXECUTION_RATE + h.CHANGE] == pytest.approx(98.75 - 100.0)
    # the kept projects come largest fall in 执行率 first: 科普…省级 (row 15) fell to 14.22%
    kept = ch[ch[h.STATUS] == "延续"]
    assert kept.iloc[0][m.EXECUTION_RATE + h.CUR] == pytest.approx(14.22, abs=0.01)
    assert kept[m.EXECUTION_RATE + h.CHANGE].is_monotonic_increasing


def test_two_projects_with_one_name_pair_in_order(henan_analysis):
    """科普与学会服务能力提升专项-省级 appears twice in the Henan table (rows 10 and 18)."""
    ch = h.project_changes(henan_analysis, henan_analysis)
    assert h.change_counts(ch) == {"kept": 15, "by_code": 0, "by_name": 15, "new": 0, "dropped": 0}
    twins = ch[ch[m.PROJECT] == "科普与学会服务能力提升专项-省级"]
    assert sorted(twins[m.BUDGET + h.CUR]) == [284.0, 2691.0]
    assert (twins[m.BUDGET + h.CHANGE] == 0).all()


def _coded(a: Analysis, codes: list[str | None]) -> Analysis:
    p = a.table.projects.copy()
    p[m.CODE] = codes + [None] * (len(p) - len(codes))
    return _with_projects(a, p)


def test_codes_decide_when_both_years_have_them(henan_analysis):
    prev = _coded(henan_analysis, ["A1", "A2", "A3"])
    p = henan_analysis.table.projects.copy()
    p[m.CODE] = ["A1", "B2", None] + [None] * (len(p) - 3)
    # the project coded A1 was renamed this year: the code still pairs it
    p.loc[0, m.PROJECT] = "科协机关干部培训"
    cur = _with_projects(henan_analysis, p)
    ch = h.project_changes(prev, cur)
    a1 = ch[ch[m.CODE] == "A1"].iloc[0]
    assert a1[h.STATUS] == "延续" and a1[h.MATCHED_BY] == "项目编码" and a1[m.PROJECT] == "科协机关干部培训"
    # A2 and B2 have the same name but different codes: two projects, one dropped and one new
    same_name = ch[ch[m.PROJECT] == "科协事业发展工作经费"]
    assert sorted(same_name[h.STATUS]) == ["取消", "新增"]
    # A3 last year, no code this year: matched by name
    third = ch[ch[m.PROJECT] == "会议-科协机关"].iloc[0]
    assert third[h.STATUS] == "延续" and third[h.MATCHED_BY] == "项目名称"
    assert h.change_counts(ch) == {"kept": 14, "by_code": 1, "by_name": 13, "new": 1, "dropped": 1}


def test_by_unit_ranks_and_expands_internal_units(henan_analysis, unit_analysis, last_year):
    units = h.by_unit([("河南省科学技术协会", henan_analysis), ("科技馆", last_year)])
    assert list(units[h.UNIT]) == ["科技馆", "河南省科学技术协会"]  # 2022 variant spends more
    assert list(units[h.RANK]) == [1, 2]
    assert round(units.iloc[1][h.RATE], 2) == 86.23
    inner = h.by_unit([("甲", unit_analysis), ("乙", henan_analysis)], internal=True)
    assert sorted(inner[h.UNIT]) == ["乙", "甲 · 科协本级", "甲 · 科技馆", "甲 · 进修学院"]
    assert inner[h.PROJECTS].sum() == 30
    assert inner[h.BUDGET].sum() == pytest.approx(2 * 7863.66)
    flat = h.by_unit([("甲", unit_analysis), ("乙", henan_analysis)])
    assert sorted(flat[h.UNIT]) == ["乙", "甲"]
    assert h.has_internal_units(unit_analysis) and not h.has_internal_units(henan_analysis)


def test_combined_projects_name_the_unit(henan_analysis, unit_analysis):
    both = h.combined_projects([("甲", unit_analysis), ("乙", henan_analysis)], internal=True)
    assert len(both) == 30
    assert set(both[m.UNIT]) == {"甲 · 科协本级", "甲 · 科技馆", "甲 · 进修学院", "乙"}
    flat = h.combined_projects([("甲", unit_analysis), ("乙", henan_analysis)])
    assert set(flat[m.UNIT]) == {"甲", "乙"}
    assert h.combined_projects([]).empty
