from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from jixiao import model as m
from jixiao.settings import Settings
from jixiao.summary.compute import band_of, grade_of, time_progress
from jixiao.summary.schemes import PRESETS, SchemeError, custom_scheme, parse_scheme_arg


def test_presets_sum_to_100_and_are_named():
    for scheme in PRESETS.values():
        assert scheme.total == 100
        assert scheme.label and scheme.note
    assert PRESETS["henan"].weights["funds"] == 20 and PRESETS["henan"].weights["cost"] == 0
    assert PRESETS["mof"].weights["output"] == 50 and PRESETS["mof"].weights["benefit"] == 30


def test_custom_weights_must_sum_to_100():
    with pytest.raises(SchemeError) as exc:
        custom_scheme({"execution": 10, "output": 50})
    assert "60" in exc.value.message and "100" in exc.value.message
    scheme = parse_scheme_arg("custom:执行率=10,产出=40,效益=30,满意度=20")
    assert scheme.weights["satisfaction"] == 20


def test_grades_at_their_boundaries():
    assert [grade_of(x) for x in (100, 90, 89.99, 80, 79.99, 60, 59.99, 0)] == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
        "差",
    ]
    assert grade_of(None) is None


def test_time_progress_and_bands():
    assert time_progress(date(2023, 12, 31)) == 100.0
    assert round(time_progress(date(2023, 6, 30)), 2) == 49.59  # 181 / 365
    assert round(time_progress(date(2024, 6, 30)), 2) == 49.73  # leap year: 182 / 366
    assert time_progress(None) is None
    assert [band_of(x, 90, 60) for x in (95, 90, 75, 59.9, float("nan"))] == [
        "green",
        "green",
        "amber",
        "red",
        "none",
    ]


def _table(rows):
    from jixiao.summary.analysis import analyze

    projects = pd.DataFrame([{c: r.get(c) for c in m.PROJECT_COLUMNS} for r in rows])
    projects[m.NA_COMPONENTS] = [r.get(m.NA_COMPONENTS, ()) for r in rows]
    table = m.ProjectTable(projects, m.empty_totals(), m.Source("t", "s", [1], "万元"))
    return lambda settings=None: analyze(table, settings)


def test_settings_change_the_numbers():
    run = _table(
        [
            {m.SHEET_ROW: 2, m.PROJECT: "甲", m.UNIT: "A", m.BUDGET: 100.0, m.EXECUTED: 85.0},
            {m.SHEET_ROW: 3, m.PROJECT: "乙", m.UNIT: "B", m.BUDGET: 300.0, m.EXECUTED: 300.0},
        ]
    )
    default = run()
    assert [f.code for f in default.projects[m.FLAGS].iloc[0]] == ["LOW_EXECUTION"]
    relaxed = run(Settings(low_threshold=80))
    assert relaxed.projects[m.FLAGS].iloc[0] == []
    assert relaxed.projects["band"].tolist() == ["green", "green"]
    assert default.units["unit"].tolist() == ["A", "B"]
    assert round(default.totals["execution_rate"], 4) == round(385 / 400 * 100, 4)


def test_not_applicable_component_spreads_its_weight():
    run = _table(
        [
            {
                m.SHEET_ROW: 2,
                m.PROJECT: "甲",
                m.BUDGET: 10.0,
                m.EXECUTED: 10.0,
                m.RATE_OUTPUT: 90.0,
                m.RATE_BENEFIT: 100.0,
                m.RATE_SATISFACTION: 100.0,
                m.NA_COMPONENTS: ("funds",),
            }
        ]
    )
    a = run(Settings(scheme="henan"))
    # funds (20) is '/', so the other 80 points scale to 100: (10 + 36 + 20 + 10) / 80 * 100
    assert round(a.projects[m.COMPUTED_SCORE].iloc[0], 6) == round(76 / 80 * 100, 6)


def test_blank_weighted_component_makes_score_not_computable():
    run = _table([{m.SHEET_ROW: 2, m.PROJECT: "甲", m.BUDGET: 10.0, m.EXECUTED: 10.0, m.RATE_OUTPUT: 90.0}])
    a = run(Settings(scheme="mof"))
    assert pd.isna(a.projects[m.COMPUTED_SCORE].iloc[0])
    assert a.scores is None


def test_column_grades_and_bands_match_the_single_value_rules():
    import numpy as np

    from jixiao.summary.compute import bands, grades

    values = [100.0, 90.0, 89.99, 80.0, 79.99, 60.0, 59.99, 0.0, float("nan"), -5.0, 130.0]
    assert grades(np.array(values)) == [grade_of(x) for x in values]
    assert bands(np.array(values), 90, 60) == [band_of(x, 90, 60) for x in values]


def test_gc_paused_restores_the_collector():
    import gc

    from jixiao.perf import gc_paused

    assert gc.isenabled()
    try:
        with gc_paused():
            assert not gc.isenabled()
            raise ValueError("inside")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()  # a collector the caller had paused stays paused
    gc.enable()
