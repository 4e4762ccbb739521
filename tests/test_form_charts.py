"""Figures for one 自评表: 得分率 per 一级指标, reported vs formula score per indicator."""

from __future__ import annotations

from pathlib import Path

import pytest
from form_layouts import FormSpec, one_form

from components.form_charts import (
    BUDGET_LABEL,
    FORMULA_NAME,
    REPORTED_NAME,
    WEIGHT_NAME,
    indicator_scores_bar,
    level1_rate_bar,
)
from components.theme import AMBER, FONT_FAMILY, GREEN, RED
from jixiao.forms.read import read_forms

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "liangshan_2023_selfeval_forms.xlsx"


@pytest.fixture(scope="module")
def kepu():
    return read_forms(SAMPLE.read_bytes(), SAMPLE.name).forms[3]  # 科普宣传活动业务经费


def test_level1_rate_bar(kepu):
    fig = level1_rate_bar(kepu)
    [bar] = fig.data
    assert list(bar.x) == [BUDGET_LABEL, "产出指标", "效益指标", "满意度指标", "成本指标"]
    assert list(bar.y) == [100.0, 100.0, 100.0, 90.0, 50.0]
    assert list(bar.marker.color) == [GREEN, GREEN, GREEN, AMBER, RED]
    assert list(bar.text) == ["100.00%", "100.00%", "100.00%", "90.00%", "50.00%"]
    assert "科普宣传活动业务经费" in fig.layout.title.text
    assert fig.layout.font.family == FONT_FAMILY
    assert fig.layout.yaxis.range[1] >= 100


def test_level1_rate_bar_leaves_out_missing_levels():
    spec = FormSpec()
    spec.indicators = [r for r in spec.indicators if r[0] != "成本指标"]
    spec.indicators[0][7] = spec.indicators[0][8] = 40
    form = read_forms(one_form(spec), "x.xlsx").forms[0]
    fig = level1_rate_bar(form, title="T", large=True)
    assert "成本指标" not in list(fig.data[0].x)
    assert fig.layout.title.text == "T"
    assert fig.layout.font.size == 22


def test_indicator_scores_bar(kepu):
    fig = indicator_scores_bar(kepu)
    names = [t.name for t in fig.data]
    assert names == [WEIGHT_NAME, REPORTED_NAME, FORMULA_NAME]
    weight, reported, formula = fig.data
    assert list(weight.x) == [10, 20, 10, 10, 10, 10, 20]
    assert list(reported.x) == [10, 20, 10, 10, 10, 9, 10]
    # Blank 完成值 rows have no formula bar; the satisfaction row shows 9.47 beside the reported 9.
    assert list(formula.x) == [10, 20, None, None, None, 9.47, None]
    assert len(set(reported.y)) == 7 and reported.y[0].startswith("1. ")
    assert fig.layout.barmode == "group"
    assert fig.layout.yaxis.autorange == "reversed"


def test_indicator_labels_stay_apart_when_names_repeat():
    spec = FormSpec()
    spec.indicators[1][2] = spec.indicators[0][2]
    form = read_forms(one_form(spec), "x.xlsx").forms[0]
    fig = indicator_scores_bar(form)
    assert len(set(fig.data[1].y)) == len(form.indicators)
