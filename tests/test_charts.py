"""components/charts.py: every figure builder, checked on fig.data and fig.layout."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from components import charts
from components.theme import AMBER, BAND_COLORS, FONT_FAMILY, GREEN, RED
from jixiao import model as m
from jixiao.settings import Settings
from jixiao.summary.analysis import BAND, analyze
from jixiao.summary.compute import bands
from jixiao.summary.flags import FLAG_LABELS

DISTINCT_NAME = "中国工程科技发展战略河南研究院共建项目"
DUPLICATE_NAME = "科普与学会服务能力提升专项-省级"


def themed(fig) -> bool:
    return fig.layout.font.family == FONT_FAMILY and fig.layout.separators == ".,"


def bar_values(fig) -> dict[str, float]:
    """axis label -> bar value over every trace (each label appears in one trace per figure)."""
    out = {}
    for tr in fig.data:
        for y, x in zip(tr.y, tr.x):
            out[y] = x
    return out


# --- labels -----------------------------------------------------------------------------------
def test_short_label_wraps_two_lines_and_truncates_with_ellipsis():
    assert charts.short_label(DISTINCT_NAME) == "中国工程科技发展战略<br>河南研究院共建项目"
    long = "一二三四五六七八九十" * 3
    label = charts.short_label(long)
    assert label.count("<br>") == 1 and label.endswith("…")
    assert charts.short_label("培训-科协机关") == "培训-科协机关"


def test_short_label_escapes_html_from_uploaded_names():
    # tags are escaped; quotes are not (plotly shows &#x27; and &quot; literally, and a quote opens no tag)
    assert charts.short_label("<a href='x'>点</a>") == "&lt;a href='x'&gt;点&lt;/a&gt;"
    assert charts.full_name('学会"四个服务"') == '学会"四个服务"'
    assert charts.full_name("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert charts.short_label(None) == "（未命名项目）"


def test_unique_labels_keep_duplicate_projects_apart_with_their_row():
    labels = charts.unique_labels([DUPLICATE_NAME, DUPLICATE_NAME, "设备购置"], [10, 18, 11])
    assert len(set(labels)) == 3
    assert labels[0].endswith("（第10行）") and labels[1].endswith("（第18行）")
    assert labels[2] == "设备购置"


# --- execution bars ---------------------------------------------------------------------------
def test_execution_bars_colour_each_project_by_band(henan_analysis):
    fig = charts.execution_bars(henan_analysis.projects, henan_analysis.settings)
    colours = {tr.name: tr.marker.color for tr in fig.data}
    assert colours == {"正常 ≥90%": GREEN, "关注 60%–90%": AMBER, "预警 <60%": RED}
    sizes = {tr.marker.color: len(tr.y) for tr in fig.data}
    assert sizes == {GREEN: 11, AMBER: 2, RED: 2}
    assert fig.layout.title.text == "各项目预算执行率"
    assert themed(fig)


def test_execution_bars_values_order_and_hover(henan_analysis):
    fig = charts.execution_bars(henan_analysis.projects, henan_analysis.settings)
    order = list(fig.layout.yaxis.categoryarray)
    assert order[0] == "知识产权事业发展"  # 0.00%: the slowest is at the top
    assert fig.layout.yaxis.autorange == "reversed"
    values = bar_values(fig)
    assert values["知识产权事业发展"] == 0.0
    assert values[charts.short_label(DISTINCT_NAME)] == pytest.approx(80.343)
    # the hover shows 万元 with thousands separators and two decimals, the rate with two decimals
    custom = {row[0]: row for tr in fig.data for row in tr.customdata}
    assert list(custom[DUPLICATE_NAME][1:4]) in (
        ["2,691.00", "2,071.67", "76.99%"],
        ["284.00", "40.38", "14.22%"],
    )
    assert "万元" in fig.data[0].hovertemplate
    texts = {t for tr in fig.data for t in tr.text}
    assert "86.23%" not in texts and "80.34%" in texts


def test_execution_bar_labels_sit_inside_long_bars_and_outside_short_ones(henan_analysis):
    fig = charts.execution_bars(henan_analysis.projects, henan_analysis.settings)
    where = {t: pos for tr in fig.data for t, pos in zip(tr.text, tr.textposition)}
    assert where["0.00%"] == "outside" and where["14.22%"] == "outside"
    assert where["99.81%"] == "inside" and where["76.99%"] == "inside"


def test_execution_bars_reference_lines_at_threshold_and_time_progress(henan_analysis):
    s = henan_analysis.settings
    fig = charts.execution_bars(henan_analysis.projects, s)
    assert [sh.x0 for sh in fig.layout.shapes] == [90.0]
    assert fig.layout.shapes[0].line.color == RED
    assert [a.text for a in fig.layout.annotations] == ["预警线 90.00%"]
    fig = charts.execution_bars(henan_analysis.projects, s, time_progress=49.589)
    assert [sh.x0 for sh in fig.layout.shapes] == [90.0, 49.589]
    assert [a.text for a in fig.layout.annotations] == ["预警线 90.00%", "序时进度 49.59%"]


def test_execution_bars_follow_the_threshold_setting(henan_table):
    a = analyze(henan_table, Settings(low_threshold=99.0, amber_floor=50.0))
    fig = charts.execution_bars(a.projects, a.settings)
    assert fig.layout.shapes[0].x0 == 99.0
    sizes = {tr.name: len(tr.y) for tr in fig.data}
    # 95.25% and 98.75% fall below 99%: amber now; 14.22% and 0% stay red under 50%
    assert sizes == {"正常 ≥99%": 9, "关注 50%–99%": 4, "预警 <50%": 2}


def test_execution_bars_height_grows_with_the_number_of_projects(henan_analysis):
    p = henan_analysis.projects
    small = charts.execution_bars(p.head(3), henan_analysis.settings)
    big = charts.execution_bars(p, henan_analysis.settings)
    assert big.layout.height > small.layout.height >= 320


def test_unit_execution_bars(unit_analysis):
    fig = charts.unit_execution_bars(unit_analysis.units, unit_analysis.settings, time_progress=50.0)
    values = bar_values(fig)
    assert set(values) == {"科协本级", "科技馆", "进修学院"}
    units = unit_analysis.units.set_index("unit")
    for unit, rate in values.items():
        assert rate == pytest.approx(units.loc[unit, "execution_rate"])
    assert fig.layout.title.text == "各单位预算执行率"
    assert [sh.x0 for sh in fig.layout.shapes] == [90.0, 50.0]
    # the slowest unit comes first
    first = fig.layout.yaxis.categoryarray[0]
    assert values[first] == min(values.values())


# --- treemap ------------------------------------------------------------------------------------
def test_treemap_without_units_is_root_then_projects(henan_analysis):
    fig = charts.execution_treemap(henan_analysis.projects, henan_analysis.settings)
    tm = fig.data[0]
    assert tm.type == "treemap" and tm.branchvalues == "total"
    assert tm.ids[0] == "root" and tm.parents[0] == ""
    assert len(tm.ids) == 1 + 15
    assert set(tm.parents[1:]) == {"root"}
    assert tm.values[0] == pytest.approx(7863.66)
    assert sum(tm.values[1:]) == pytest.approx(tm.values[0])
    # the whole (86.23%) is amber, the 0% project red, a 100% project green
    assert tm.marker.colors[0] == AMBER
    names = [row[0] for row in tm.customdata]
    assert tm.marker.colors[names.index("知识产权事业发展")] == RED
    assert tm.marker.colors[names.index("培训-科协机关")] == GREEN
    assert tm.customdata[0][3] == "86.23%"
    assert fig.layout.title.text.startswith("预算规模与执行率")


def test_treemap_with_units_drills_unit_to_project(unit_analysis):
    tm = charts.execution_treemap(unit_analysis.projects, unit_analysis.settings).data[0]
    assert tm.maxdepth == -1  # 15 projects: everything at once
    unit_ids = [i for i in tm.ids if i.startswith("u:")]
    assert sorted(unit_ids) == ["u:科协本级", "u:科技馆", "u:进修学院"]
    for uid in unit_ids:
        children = [v for v, parent in zip(tm.values, tm.parents) if parent == uid]
        assert len(children) == 5
        assert sum(children) == pytest.approx(tm.values[list(tm.ids).index(uid)])


def test_treemap_of_many_projects_opens_at_unit_level(unit_analysis):
    many = pd.concat([unit_analysis.projects] * 11, ignore_index=True)  # 165 projects
    tm = charts.execution_treemap(many, unit_analysis.settings).data[0]
    assert tm.maxdepth == 2
    assert len(tm.ids) == 1 + 3 + 165


# --- amounts ----------------------------------------------------------------------------------
def test_budget_vs_executed_side_by_side(henan_analysis):
    fig = charts.budget_vs_executed(henan_analysis.projects)
    assert [tr.name for tr in fig.data] == ["预算数", "执行数"]
    assert fig.layout.barmode == "group"
    first = fig.layout.yaxis.categoryarray[0]
    assert "第10行" in first  # the 2,691.00 万元 project has the largest budget
    assert fig.data[0].x[0] == pytest.approx(2691.0) and fig.data[1].x[0] == pytest.approx(2071.67)
    assert fig.data[0].text[0] == "2,691.00" and fig.data[1].text[0] == "2,071.67"
    assert fig.layout.title.text == "预算数与执行数（万元）"


# --- traffic light -----------------------------------------------------------------------------
def test_traffic_light_counts_and_colours(henan_analysis):
    fig = charts.traffic_light(henan_analysis.projects, henan_analysis.settings)
    pie = fig.data[0]
    assert list(pie.values) == [11, 2, 2]
    assert list(pie.marker.colors) == [GREEN, AMBER, RED]
    assert list(pie.labels) == ["正常 ≥90%", "关注 60%–90%", "预警 <60%"]
    assert "15 个" in fig.layout.annotations[0].text
    assert charts.band_counts(henan_analysis.projects) == {
        "green": 11,
        "amber": 2,
        "red": 2,
        "over": 0,
        "none": 0,
    }


def test_traffic_light_shows_projects_without_a_rate(henan_table):
    projects = henan_table.projects.copy()
    projects.loc[0, m.BUDGET] = 0.0
    a = analyze(dataclasses.replace(henan_table, projects=projects), Settings())
    pie = charts.traffic_light(a.projects, a.settings).data[0]
    assert list(pie.values) == [10, 2, 2, 1]
    assert pie.marker.colors[-1] == BAND_COLORS["none"]


def test_empty_title_means_no_title(henan_analysis):
    fig = charts.traffic_light(henan_analysis.projects, henan_analysis.settings, title="")
    assert not fig.layout.title.text


# --- scores -------------------------------------------------------------------------------------
def test_score_components_stack_to_100_with_points_lost(henan_analysis):
    a = henan_analysis
    fig = charts.score_components(a.projects, a.components, a.choice.scheme)
    names = [tr.name for tr in fig.data]
    assert names == [
        "预算执行率（10分）",
        "资金管理（20分）",
        "产出指标（40分）",
        "效益指标（20分）",
        "满意度指标（10分）",
        "失分",
    ]
    assert fig.layout.barmode == "stack"
    # every row: earned + lost = 100
    for i in range(len(fig.data[0].y)):
        assert sum(tr.x[i] for tr in fig.data) == pytest.approx(100.0)
    # lowest score on top: 知识产权事业发展 earned only its 20 funds points and lost 80
    assert fig.data[0].y[0] == "知识产权事业发展"
    assert fig.data[1].x[0] == pytest.approx(20.0)
    assert fig.data[-1].x[0] == pytest.approx(80.0)
    assert fig.data[-1].text[0] == "得 20.00"
    assert "产出指标 −40.00" in fig.data[-1].customdata[0][2]
    # components never use the traffic-light colours
    assert not {tr.marker.color for tr in fig.data} & {RED, AMBER, GREEN}
    assert fig.layout.title.text == "各项目得分构成与失分"


def test_component_frame_spreads_not_applicable_weight(henan_analysis):
    a = henan_analysis
    frame = charts.component_frame(a.projects, a.components, a.choice.scheme)
    # row 18 (the last) has 资金管理 97.5%: 0.5 of 20 points lost; its 产出 94.28% of 40: 2.288 lost
    last = frame.iloc[-1]
    assert last["lost_funds"] == pytest.approx(0.5)
    assert last["lost_output"] == pytest.approx(2.288)


def test_score_components_for_forms_scored_by_their_own_weights(henan_analysis):
    """自评表 carry their own weights: the chart shows the points and one undivided 失分."""
    from jixiao.summary.schemes import WeightScheme

    a = henan_analysis
    own = WeightScheme("own", "各自评表自身权重", {})
    fig = charts.score_components(a.projects, a.components, own)
    names = [tr.name for tr in fig.data]
    assert names[:2] == ["预算执行率", "资金管理"] and names[-1] == "失分"
    assert fig.data[-1].x[0] == pytest.approx(80.0)
    assert "未按指标拆分" in fig.data[-1].customdata[0][2]


def test_score_differences_and_reported_vs_computed(henan_analysis):
    p = henan_analysis.projects
    assert charts.score_differences(p).empty
    fig = charts.reported_vs_computed(p)
    assert [tr.name for tr in fig.data] == ["两者相等", "一致"]
    assert len(fig.data[1].x) == 15

    changed = p.copy()
    changed.loc[0, m.REPORTED_SCORE] = 95.0  # computed 100.00
    diffs = charts.score_differences(changed)
    assert list(diffs[m.SHEET_ROW]) == [4]
    assert diffs["difference"].iloc[0] == pytest.approx(-5.0)
    fig = charts.reported_vs_computed(changed)
    bad = [tr for tr in fig.data if tr.name == "不一致"]
    assert len(bad) == 1 and bad[0].marker.color == RED
    assert list(bad[0].x) == [95.0] and list(bad[0].y) == [pytest.approx(100.0)]
    assert fig.layout.title.text == "填报得分与重新计算得分"


def test_grade_distribution(henan_analysis):
    fig = charts.grade_distribution(henan_analysis.projects)
    bar = fig.data[0]
    assert list(bar.y) == [13, 1, 0, 1]
    assert [x.split("<br>")[0] for x in bar.x] == ["优", "良", "中", "差"]
    assert list(bar.marker.color) == [GREEN, charts.GRADE_COLORS["良"], AMBER, RED]
    assert fig.layout.title.text == "评价等级分布"


# --- deviations ---------------------------------------------------------------------------------
def test_flag_reasons(henan_analysis):
    flagged = henan_analysis.flagged
    counts = charts.flag_reason_counts(flagged, FLAG_LABELS)
    assert counts == {"LOW_EXECUTION": 4, "INDICATOR_SHORTFALL": 10, "SELF_FLAG_MISMATCH": 1}
    fig = charts.flag_reasons(flagged, FLAG_LABELS)
    assert list(fig.data[0].y) == ["执行率偏低", "指标未满分", "自报偏差不一致"]
    assert list(fig.data[0].x) == [4, 10, 1]
    assert fig.data[0].marker.color[0] == RED
    assert fig.layout.title.text == "偏差原因分布"


def test_builders_accept_an_empty_frame(henan_analysis):
    a = henan_analysis
    empty = a.projects.iloc[0:0]
    for fig in (
        charts.execution_bars(empty, a.settings),
        charts.budget_vs_executed(empty),
        charts.traffic_light(empty, a.settings),
        charts.grade_distribution(empty),
        charts.reported_vs_computed(empty),
        charts.flag_reasons(empty, FLAG_LABELS),
    ):
        assert themed(fig)


def test_every_builder_is_themed(henan_analysis, unit_analysis):
    a = henan_analysis
    figs = [
        charts.execution_bars(a.projects, a.settings),
        charts.unit_execution_bars(unit_analysis.units, a.settings),
        charts.execution_treemap(a.projects, a.settings),
        charts.budget_vs_executed(a.projects),
        charts.traffic_light(a.projects, a.settings),
        charts.score_components(a.projects, a.components, a.choice.scheme),
        charts.reported_vs_computed(a.projects),
        charts.grade_distribution(a.projects),
        charts.flag_reasons(a.flagged, FLAG_LABELS),
    ]
    assert all(themed(f) for f in figs)
    assert all(isinstance(f.layout.height, int) for f in figs)


def test_missing_amounts_do_not_break_the_bars(henan_table):
    projects = henan_table.projects.copy()
    projects.loc[1, m.EXECUTED] = None
    a = analyze(dataclasses.replace(henan_table, projects=projects), Settings())
    fig = charts.execution_bars(a.projects, a.settings)
    grey = [tr for tr in fig.data if tr.marker.color == BAND_COLORS["none"]]
    assert len(grey) == 1 and list(grey[0].text) == ["—"]
    assert pd.isna(a.projects.loc[1, m.EXECUTION_RATE])


def test_treemap_groups_the_small_projects_of_a_large_table(henan_analysis):
    """1,500 projects: the largest keep their own tiles, the rest become one '其余' tile with the
    same total, so the chart stays fast and readable."""
    base = henan_analysis.projects
    big = pd.concat([base] * 100, ignore_index=True)
    big[m.PROJECT] = [f"项目{i}" for i in range(len(big))]
    fig = charts.execution_treemap(big, henan_analysis.settings, title="")
    tm = fig.data[0]
    project_tiles = [i for i in tm.ids if i.startswith("p:")]
    rest = [k for k, i in enumerate(tm.ids) if i.startswith("r:")]
    assert len(project_tiles) == charts.TREEMAP_MAX_TILES
    assert len(rest) == 1 and tm.labels[rest[0]] == f"其余 {len(big) - charts.TREEMAP_MAX_TILES} 个项目"
    children = [v for i, v in zip(tm.ids, tm.values) if i.startswith(("p:", "r:"))]
    assert round(sum(children), 2) == round(tm.values[0], 2) == round(big[m.BUDGET].sum(), 2)


def test_score_scatter_of_a_province_draws_a_few_hundred_markers_for_every_project(henan_table):
    """50,000 projects would be 50,000 markers; the chart keeps single markers for the largest
    disagreements and groups the rest into counted markers, losing no project."""
    base = henan_table.projects
    n = 3000
    rows = base.loc[base.index.repeat(-(-n // len(base)))].head(n).reset_index(drop=True)
    rows[m.SHEET_ROW] = range(1, n + 1)
    rows[m.REPORTED_SCORE] = [60 + (i * 37 % 4000) / 100 for i in range(n)]  # most disagree
    table = dataclasses.replace(henan_table, projects=rows, findings=[])
    a = analyze(table)
    fig = charts.reported_vs_computed(a.projects)
    markers = [t for t in fig.data if t.mode == "markers"]
    drawn = sum(len(t.x) for t in markers)
    assert drawn <= 800
    counted = 0
    for t in markers:
        if "成组" in t.name:
            counted += int(sum(int(c[0]) for c in t.customdata))
        else:
            counted += len(t.x)
    scored = int((a.projects[m.REPORTED_SCORE].notna() & a.projects[m.COMPUTED_SCORE].notna()).sum())
    assert counted == scored and scored > n * 0.9


def test_an_over_executed_project_is_its_own_band_never_green(henan_analysis):
    p = henan_analysis.projects.copy()
    p.loc[p.index[0], m.EXECUTION_RATE] = 130.0
    p[BAND] = bands(p[m.EXECUTION_RATE].to_numpy(dtype=float), 90.0, 60.0)
    assert p.loc[p.index[0], BAND] == "over"
    fig = charts.traffic_light(p, henan_analysis.settings)
    pie = fig.data[0]
    assert "超预算 >100%" in list(pie.labels)
    assert dict(zip(pie.labels, pie.values))["正常 ≥90%"] == 10
    bars = charts.execution_bars(p, henan_analysis.settings)
    over = next(tr for tr in bars.data if tr.name.startswith("超预算"))
    assert list(over.x) == [130.0]


def test_repeated_names_are_told_apart_by_their_unit():
    labels = charts.unique_labels(
        ["其他交通费", "其他交通费", "设备购置"], [3, 4, 5], ["科协本级", "科技馆", "科技馆"]
    )
    # (a label longer than one line wraps: compare the text)
    assert [x.replace("<br>", "") for x in labels] == [
        "其他交通费（科协本级）",
        "其他交通费（科技馆）",
        "设备购置",
    ]
    # the same unit twice: the row tells them apart
    labels = charts.unique_labels(["其他交通费", "其他交通费"], [3, 4], ["科技馆", "科技馆"])
    assert labels == ["其他交通费（第3行）", "其他交通费（第4行）"]


def test_a_score_above_100_is_drawn_inside_the_axes(henan_analysis):
    """Weights adding to 120 give a recomputed 118: it is drawn as 118, not clipped at the axis."""
    a = henan_analysis
    p = a.projects.copy()
    p.loc[p.index[0], [m.COMPUTED_SCORE, m.REPORTED_SCORE]] = 118.0
    comps = a.components.copy()
    comps.loc[p.index[0], "output"] = 58.0  # 40 + 18 points too many
    fig = charts.score_components(p, comps, a.choice.scheme)
    ends = pd.DataFrame({tr.name: list(tr.x) for tr in fig.data}).sum(axis=1)
    assert fig.layout.xaxis.range[1] > ends.max() >= 118
    label = next(tr for tr in fig.data if tr.name == "失分").text
    assert "得 118.00" in label
    scatter = charts.reported_vs_computed(p)
    assert scatter.layout.xaxis.range[1] > 118 and scatter.layout.yaxis.range[1] > 118
