"""绩效运行监控 without the UI: the 月度执行表 in both habits, series of 3/6/12 snapshots, projects that
join or leave mid-year, bands and 结余 tiers at their edges, and the 监控通报 read back."""

from __future__ import annotations

import calendar
import io
import zipfile
from datetime import date, datetime

import docx
import openpyxl
import pandas as pd
import pytest

from jixiao import model as m
from jixiao.fmt import round_half_up
from jixiao.model import IngestError
from jixiao.monitor import bulletin, sample
from jixiao.monitor import compute as c
from jixiao.monitor.habit import CUMULATIVE, MONTHLY
from jixiao.monitor.read import read_monthly, snapshot_frames
from jixiao.read import read_dataset
from jixiao.settings import Settings
from tests.conftest import SAMPLE_DATA

YEAR = sample.YEAR


def month_end(k: int) -> date:
    return date(YEAR, k, calendar.monthrange(YEAR, k)[1])


def sample_snapshots(months: list[int]) -> list[c.Snapshot]:
    """汇总表-like snapshots of the sample at the ends of ``months``."""
    out = []
    for k in months:
        rows = [r for r in sample.rows() if r["months"][k - 1] is not None]
        frame = pd.DataFrame(
            {
                m.UNIT: [r["unit"] for r in rows],
                m.CODE: [None] * len(rows),
                m.PROJECT: [r["project"] for r in rows],
                m.BUDGET: [r["budget"] for r in rows],
                m.EXECUTED: [r["months"][k - 1] for r in rows],
            }
        )
        out.append(c.Snapshot(month_end(k), frame, f"{k}月"))
    return out


def frame(*rows: tuple) -> pd.DataFrame:
    """(unit, project, budget, executed) rows as a snapshot's projects."""
    return pd.DataFrame(
        {
            m.UNIT: [r[0] for r in rows],
            m.CODE: [None] * len(rows),
            m.PROJECT: [r[1] for r in rows],
            m.BUDGET: [r[2] for r in rows],
            m.EXECUTED: [r[3] for r in rows],
        }
    )


# --- the 月度执行表 ----------------------------------------------------------------------------------
def test_sample_file_is_what_the_generator_writes():
    t = read_monthly((SAMPLE_DATA / sample.MONTHLY_FILE).read_bytes(), sample.MONTHLY_FILE)
    assert t.habit == CUMULATIVE and t.year == YEAR and t.months == list(range(1, 13))
    assert len(t.projects) == len(sample.PROJECTS) == 27
    # December is the year-end figure of the 自评报告 for every project
    assert t.projects["m12"].round(2).tolist() == [p[3] for p in sample.PROJECTS]
    assert t.projects[m.BUDGET].tolist() == [p[2] for p in sample.PROJECTS]
    assert set(t.projects[m.UNIT]) == {"科协本级", "科工中心", "进修学院", "科技馆"}


def test_both_habits_read_to_the_same_cumulative_series():
    cum = read_monthly(sample.monthly_workbook("cumulative"), "累计.xlsx")
    mon = read_monthly(sample.monthly_workbook("monthly"), "当月.xlsx")
    assert (cum.habit, mon.habit) == (CUMULATIVE, MONTHLY)
    assert "表头写明累计" in cum.findings[0].message and cum.findings[0].code == "MONTHLY_HABIT"
    assert "表头写明当月数" in mon.findings[0].message
    for k in range(1, 13):
        a, b = cum.projects[f"m{k}"], mon.projects[f"m{k}"]
        assert (a.isna() == b.isna()).all(), k
        assert (a - b).abs().max() < 0.02, k  # each month's amount was rounded once
    # the project that joins in April is absent before, in both readings
    i = cum.projects.index[cum.projects[m.PROJECT] == "全国科技工作者日河北主场活动"][0]
    assert cum.projects.loc[i, ["m1", "m2", "m3"]].isna().all() and mon.projects.loc[
        i, "m4"
    ] == pytest.approx(3.04)


def _plain_months(values: list[list[float | None]], budgets: list[float]) -> bytes:
    """A 月度执行表 whose header says neither 累计 nor 当月: only the data can tell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "预算数（万元）", *[f"{k}月" for k in range(1, len(values[0]) + 1)]])
    for i, row in enumerate(values):
        ws.append([f"项目{i + 1}", budgets[i], *row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_habit_decided_from_the_data_when_the_header_is_silent():
    rising = _plain_months([[10, 30, 60, 80], [0, 5, 5, 9]], [100, 10])
    t = read_monthly(rising, "x.xlsx")
    assert t.habit == CUMULATIVE
    assert "逐月只增不减" in t.habit_reason and "若按当月数相加将有 2 个项目超过预算" in t.habit_reason
    assert t.projects["m4"].tolist() == [80, 9]
    up_down = _plain_months([[10, 30, 5, 20], [1, 0, 2, 1]], [100, 10])
    t = read_monthly(up_down, "x.xlsx")
    assert t.habit == MONTHLY and "有升有降" in t.habit_reason
    assert t.projects["m4"].tolist() == [65, 4] and t.projects["m2"].tolist() == [40, 1]


def test_months_without_data_are_not_snapshots():
    t = read_monthly(sample.monthly_workbook("cumulative", months=12), "x.xlsx")
    data = sample.monthly_workbook("monthly", months=7)
    t7 = read_monthly(data, "x.xlsx")
    assert t7.months == list(range(1, 8))
    snaps = snapshot_frames(t7, YEAR)
    assert [d for d, _ in snaps] == [month_end(k) for k in range(1, 8)]
    assert round(snaps[-1][1][m.EXECUTED].sum(), 2) == round(t.projects["m7"].sum(), 2)


def test_a_file_without_month_columns_is_a_chinese_error():
    with pytest.raises(IngestError, match="月份列"):
        read_monthly((SAMPLE_DATA / "henan_2023_summary.xlsx").read_bytes(), "henan.xlsx")


# --- series ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("months", [[3, 6, 9], [1, 3, 5, 7, 9, 11], list(range(1, 13))])
def test_series_of_3_6_12_snapshots(months):
    mon = c.build(sample.UNIT, YEAR, sample_snapshots(months))
    assert list(mon.snapshots[c.AS_OF]) == [month_end(k) for k in months]
    rows = sample.rows()
    for snap in m.records(mon.snapshots):
        k = snap[c.AS_OF].month
        present = [r for r in rows if r["months"][k - 1] is not None]
        budget = sum(r["budget"] for r in present)
        executed = sum(r["months"][k - 1] for r in present)
        tp = snap[c.AS_OF].timetuple().tm_yday / 365 * 100
        assert snap[c.TIME_PROGRESS] == pytest.approx(tp)
        assert snap[c.RATE] == pytest.approx(executed / budget * 100)
        # the gap is the difference of the two figures as printed
        assert snap[c.GAP] == round_half_up(round_half_up(executed / budget * 100) - round_half_up(tp))
    # each unit has one line with one point per snapshot
    assert mon.unit_lines.groupby(m.UNIT).size().to_dict() == dict.fromkeys(
        ["科协本级", "科工中心", "进修学院", "科技馆"], len(months)
    )
    # twelve snapshots end on the report's year-end 实际执行数 at 序时进度 100%
    last = mon.snapshots.iloc[-1]
    if months[-1] == 12:
        assert round_half_up(last[m.EXECUTED]) == round_half_up(sum(p[3] for p in sample.PROJECTS))
        assert last[c.TIME_PROGRESS] == pytest.approx(100.0)


def test_a_project_that_appears_mid_year_and_one_that_disappears():
    first = frame(("甲", "维修费", 100, 10), ("甲", "会议费", 50, 10))
    second = frame(("甲", "2023年维修费", 100, 40), ("甲", "会议费", 50, 20), ("甲", "新项目", 30, 0))
    third = frame(("甲", "维修费", 100, 70), ("甲", "新项目", 30, 15))
    mon = c.build(
        "某单位",
        YEAR,
        [
            c.Snapshot(date(YEAR, 3, 31), first),
            c.Snapshot(date(YEAR, 6, 30), second),
            c.Snapshot(date(YEAR, 9, 30), third),
        ],
    )
    # 维修费 keeps one line although the June file called it "2023年维修费"
    repair = mon.project_lines[mon.project_lines[m.PROJECT].str.contains("维修费")]
    assert repair[c.PID].nunique() == 1 and len(repair) == 3
    assert repair[c.RATE].tolist() == pytest.approx([10.0, 40.0, 70.0])
    p = mon.projects.set_index(m.PROJECT)
    assert p.loc["新项目", c.STATUS] == c.STATUS_NEW and p.loc["维修费", c.STATUS] == ""
    assert mon.gone[m.PROJECT].tolist() == ["会议费"] and mon.gone[c.AS_OF].tolist() == [date(YEAR, 6, 30)]
    assert list(mon.snapshots["projects"]) == [2, 3, 2]


def test_same_date_twice_the_later_snapshot_wins():
    a = c.Snapshot(date(YEAR, 6, 30), frame(("甲", "x", 100, 10)))
    b = c.Snapshot(date(YEAR, 6, 30), frame(("甲", "x", 100, 60)))
    assert c.build("u", YEAR, [a, b]).snapshots[c.RATE].tolist() == [60.0]


# --- bands and tiers at their edges -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("gap", "band"),
    [
        (5.0, c.GREEN),
        (0.0, c.GREEN),
        (-0.004, c.GREEN),  # printed −0.00
        (-0.005, c.YELLOW),  # printed −0.01
        (-10.0, c.YELLOW),
        (-10.004, c.YELLOW),
        (-10.005, c.RED),
        (-40.0, c.RED),
        (None, None),
    ],
)
def test_bands_at_their_edges(gap, band):
    assert c.band_of_gap(gap, Settings()) == band


def test_band_edges_are_settings():
    s = Settings(monitor_green_below=2.0, monitor_red_below=5.0)
    assert [c.band_of_gap(g, s) for g in (-2.0, -2.01, -5.0, -5.01)] == [c.GREEN, c.YELLOW, c.YELLOW, c.RED]
    assert c.check_settings(Settings(monitor_green_below=6.0, monitor_red_below=5.0))
    assert c.check_settings(Settings(unspent_tiers=(500.0, 200.0)))
    assert c.check_settings(s) is None


def test_the_bands_in_words_follow_the_settings():
    # before: "绿灯：不低于序时进度 0.00 个百分点以内；黄灯：低于不超过 10.00 个百分点" with the defaults
    assert c.band_rules(Settings()) == (
        "绿灯：不低于序时进度；黄灯：低于序时进度不超过10.00个百分点；红灯：低于序时进度超过10.00个百分点"
    )
    s = Settings(monitor_green_below=2.0, monitor_red_below=5.0)
    assert c.band_rules(s) == (
        "绿灯：不低于序时进度或低于不超过2.00个百分点；黄灯：低于序时进度超过2.00、不超过5.00个百分点；"
        "红灯：低于序时进度超过5.00个百分点"
    )
    assert c.band_rules(Settings()) in bulletin.summary_sentences(_bulletin_monitor())[1]


@pytest.mark.parametrize(
    ("unspent", "tier"),
    [(0.0, 0), (199.994, 0), (199.995, 1), (200.0, 1), (499.99, 1), (500.0, 2), (1000.0, 3), (5000.0, 3)],
)
def test_unspent_tiers_at_their_edges(unspent, tier):
    assert c.tier_of(unspent, (200.0, 500.0, 1000.0)) == tier


def test_tier_labels():
    assert c.tier_labels((200.0, 500.0, 1000.0)) == [
        "200万元以下",
        "200–500万元",
        "500–1,000万元",
        "1,000万元及以上",
    ]


def test_project_bands_and_units_ranked_at_the_latest_snapshot():
    # 2023-06-30: 序时进度 = 181/365 = 49.59%
    tp = 181 / 365 * 100
    snap = frame(
        ("甲", "绿", 100, tp),  # exactly on 序时进度
        ("甲", "黄", 100, tp - 10),  # exactly 10 points below
        ("乙", "红", 1200, 0),  # far behind, 1,200 万元 left
    )
    mon = c.build("某系统", YEAR, [c.Snapshot(date(YEAR, 6, 30), snap)])
    p = mon.projects.set_index(m.PROJECT)
    assert p[c.BAND].to_dict() == {"红": c.RED, "黄": c.YELLOW, "绿": c.GREEN}
    assert p.loc["红", c.TIER_LABEL] == "1,000万元及以上" and p.loc["红", c.UNSPENT] == 1200
    assert p.loc["红", c.NEEDS_REASON] and not p.loc["黄", c.NEEDS_REASON]
    assert mon.units[m.UNIT].tolist() == ["甲", "乙"] and mon.units[c.RANK].tolist() == [1, 2]
    assert mon.units[c.RED_PROJECTS].tolist() == [0, 1] and mon.units[c.MISSING_REASONS].tolist() == [0, 1]
    assert mon.waiting()[m.PROJECT].tolist() == ["红"]


def test_reasons_attach_by_code_or_by_name():
    snap = frame(("甲", "维修费", 100, 0), ("乙", "维修费", 100, 0))
    snap.loc[1, m.CODE] = "13-001"
    when = datetime(2023, 7, 1)
    notes = [
        c.ReasonNote(*c.reason_keys("甲", None, "2023年 维修费"), "施工推迟", "张三", when),
        c.ReasonNote(*c.reason_keys("other", "13 001".replace(" ", "-"), "改名了"), "招标中", "李四", when),
    ]
    mon = c.build("u", YEAR, [c.Snapshot(date(YEAR, 6, 30), snap)], reasons=notes)
    assert mon.projects.set_index(m.UNIT)[c.REASON].to_dict() == {"甲": "施工推迟", "乙": "招标中"}
    assert mon.waiting().empty


def test_headline_and_json_shape():
    mon = c.build(sample.UNIT, YEAR, sample_snapshots([3, 6, 7]))
    row = mon.snapshots.iloc[-1]
    rate, tp = round_half_up(row[c.RATE]), round_half_up(row[c.TIME_PROGRESS])
    assert (
        c.headline(mon)
        == f"1–7月全系统支出进度{rate:.2f}%，低于序时进度{tp - rate:.2f}个百分点（序时进度{tp:.2f}%）。"
    )
    assert c.period_label(date(YEAR, 9, 15)) == "截至9月15日" and c.period_label(date(YEAR, 1, 31)) == "1月"
    doc = c.to_doc(mon)
    assert set(doc) == {"unit", "year", "snapshots", "projects"}
    assert all(
        set(s) == {"as_of", "time_progress", "budget", "executed", "execution_rate", "gap_points"}
        for s in doc["snapshots"]
    )
    assert all(
        set(p) == {"project", "unit", "execution_rate", "gap_points", "unspent", "band", "reason"}
        for p in doc["projects"]
    )
    assert {p["band"] for p in doc["projects"]} <= {"red", "yellow", "green"}
    assert doc["snapshots"][-1]["execution_rate"] == rate and doc["snapshots"][0]["as_of"] == "2023-03-31"


# --- the bulletin read back -------------------------------------------------------------------------
def _bulletin_monitor() -> c.Monitor:
    snaps = sample_snapshots([3, 6, 9])
    reds = c.build(sample.UNIT, YEAR, snaps).projects
    first_red = reds[reds[c.BAND] == c.RED].iloc[0]
    note = c.ReasonNote(
        *c.reason_keys(first_red[c.INNER], None, first_red[m.PROJECT]),
        "工程招标延后，预计11月支付。",
        "王五",
        datetime(2023, 10, 8),
    )
    return c.build(sample.UNIT, YEAR, snaps, reasons=[note])


def test_bulletin_docx_numbers_match_the_monitor():
    mon = _bulletin_monitor()
    doc = docx.Document(io.BytesIO(bulletin.bulletin_docx(mon, today=date(2023, 10, 10))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert c.headline(mon) in text and "绩效运行监控通报" in text
    js = c.to_doc(mon)
    units_t, red_t, trend_t = doc.tables
    assert [cell.text for cell in units_t.rows[0].cells] == bulletin.UNIT_WORD_HEADERS
    for row, u in zip(units_t.rows[1:], m.records(mon.units), strict=True):
        cells = [cell.text for cell in row.cells]
        assert cells[1] == u[m.UNIT]
        assert (
            cells[2] == f"{round_half_up(u[m.BUDGET]):,.2f}" and cells[4] == f"{round_half_up(u[c.RATE]):.2f}"
        )
        assert cells[5] == f"{round_half_up(u[c.GAP]):.2f}" and cells[7] == c.BAND_LABELS[u[c.BAND]]
    reds = [p for p in js["projects"] if p["band"] == "red"]
    red_frame = mon.projects[mon.projects[c.BAND] == c.RED]
    authors, tiers = list(red_frame[c.REASON_AUTHOR]), list(red_frame[c.TIER_LABEL])
    assert len(red_t.rows) - 1 == len(reds) and any(authors)
    for row, p, author in zip(red_t.rows[1:], reds, authors, strict=True):
        cells = [cell.text for cell in row.cells]
        assert (
            cells[1] == p["project"]
            and cells[4] == f"{p['execution_rate']:.2f}"
            and cells[5] == f"{p['gap_points']:.2f}"
        )
        said = f"{p['reason']}（{author}）" if p["reason"] and author else p["reason"]
        assert cells[6] == f"{p['unspent']:,.2f}" and cells[7] == (said or "未说明")
    assert sum(1 for r in red_t.rows[1:] if r.cells[7].text == "未说明") == len(mon.waiting())
    # the 结余档次 the table leaves out, counted in the sentence above it
    sentence = next(p.text for p in doc.paragraphs if p.text.startswith("红灯项目按结余档次"))
    for tier in set(tiers):
        assert f"{tier}{tiers.count(tier)}个" in sentence
    assert [r.cells[2].text for r in trend_t.rows[1:]] == [
        f"{s['execution_rate']:.2f}" for s in js["snapshots"]
    ]
    assert "单位：万元" in text  # the tables' money named once above each
    # 公文: the title in 小标宋 (its style), 版心 28 mm from the left edge, 落款 with the date
    title = next(p for p in doc.paragraphs if p.text == "绩效运行监控通报")
    assert title.style.name == "公文标题"
    assert doc.sections[0].left_margin.mm == pytest.approx(28, abs=0.1)
    assert "2023年10月10日" in text


def test_bulletin_docx_tables_fit_the_page_and_the_chart_is_native():
    """Before: ten columns of equal width in 五号 broke 1,349.50 over two lines; the chart was a picture."""
    mon = _bulletin_monitor()
    data = bulletin.bulletin_docx(mon)
    doc = docx.Document(io.BytesIO(data))
    for table in doc.tables:
        widths = [col.width.mm for col in table.columns]
        assert sum(widths) == pytest.approx(156, abs=0.5)  # the 版心
    money = bulletin.UNIT_WORD_HEADERS.index("预算数")
    column_mm = doc.tables[0].columns[money].width.mm
    longest = max(len(row.cells[money].text) for row in doc.tables[0].rows[1:])
    assert longest * 10.5 * 0.5 * 25.4 / 72 + 3.8 <= column_mm  # digits half an em, cell margins
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    chart = next(n for n in names if n.startswith("word/charts/chart"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read(chart).decode()
    assert "<c:lineChart>" in xml and "序时进度" in xml and "全系统" in xml
    assert not [n for n in names if n.startswith("word/media/")]


def test_bulletin_xlsx_numbers_match_the_monitor():
    mon = _bulletin_monitor()
    wb = openpyxl.load_workbook(io.BytesIO(bulletin.bulletin_xlsx(mon)))
    assert wb.sheetnames == ["通报", "单位排名", "红灯项目", "走势"]
    assert wb["通报"]["A3"].value == c.headline(mon)
    js = c.to_doc(mon)
    ws = wb["红灯项目"]
    reds = [p for p in js["projects"] if p["band"] == "red"]
    got = [[cell.value for cell in row] for row in ws.iter_rows(min_row=2)]
    assert [(g[1], g[4], g[5], g[6], g[8]) for g in got] == [
        (p["project"], p["execution_rate"], p["gap_points"], p["unspent"], p["reason"] or "未说明")
        for p in reds
    ]
    assert ws["C2"].number_format == "#,##0.00"
    units = [[cell.value for cell in row] for row in wb["单位排名"].iter_rows(min_row=2)]
    assert [u[1] for u in units] == mon.units[m.UNIT].tolist()
    assert [u[4] for u in units] == [round_half_up(x) for x in mon.units[c.RATE]]
    trend = wb["走势"]
    assert [r[2].value for r in trend.iter_rows(min_row=2)] == [s["execution_rate"] for s in js["snapshots"]]
    assert len(trend._charts) == 1


def test_a_project_without_budget_has_no_band_and_the_json_stays_json():
    import json

    snap = frame(("甲", "无预算", 0, 5), ("甲", "有预算", 100, 10))
    mon = c.build("u", YEAR, [c.Snapshot(date(YEAR, 6, 30), snap)])
    doc = json.loads(json.dumps(c.to_doc(mon), allow_nan=False))
    by = {p["project"]: p for p in doc["projects"]}
    assert by["无预算"]["band"] is None and by["无预算"]["execution_rate"] is None
    assert by["有预算"]["band"] == "red" and by["有预算"]["reason"] is None


def test_no_snapshots_is_an_empty_monitor():
    mon = c.build("u", YEAR, [])
    assert mon.as_of is None and mon.latest is None and mon.projects.empty and mon.units.empty
    assert c.headline(mon) is None and c.to_doc(mon) == {
        "unit": "u",
        "year": YEAR,
        "snapshots": [],
        "projects": [],
    }


def test_indicator_progress_of_mid_year_forms():
    from jixiao.read import read_dataset

    forms = read_dataset((SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx").read_bytes(), "f.xlsx").detail
    as_of = date(YEAR, 6, 30)
    ind = c.indicator_progress(forms, as_of, Settings())
    tp = 181 / 365 * 100
    positive = ind[ind["nature"] == "正向"].dropna(subset=["progress"])
    assert len(positive) >= 5
    for row in m.records(positive):
        assert row["progress"] == pytest.approx(row["actual"] / row["target"] * 100)
        assert row["gap_points"] == round_half_up(round_half_up(row["progress"]) - round_half_up(tp))
        assert row["band"] == c.band_of_gap(row["gap_points"], Settings())
    # 反向 / 等于 indicators are listed but never banded
    others = ind[ind["nature"].isin(["反向", "等于"])]
    assert len(others) and others["band"].isna().all() and others["progress"].isna().all()
    # at the year's end the same 90-of-95 满意度 is behind 序时进度
    late = c.indicator_progress(forms, date(YEAR, 12, 31), Settings())
    row = late[(late["target"] == 95) & (late["actual"] == 90)].iloc[0]
    assert row["band"] == c.YELLOW and row["gap_points"] == round_half_up(round_half_up(90 / 95 * 100) - 100)


@pytest.mark.parametrize(
    "budget_head,month_suffix,to_budget,to_month",
    [
        ("全年预算（元）", "（万元）", 10000, 1),
        ("全年预算（万元）", "累计（元）", 1, 10000),
        ("全年预算（元）", "", 10000, 10000),  # the budget's unit is the only one said: it holds for all
    ],
)
def test_budget_and_months_each_in_their_own_unit(budget_head, month_suffix, to_budget, to_month):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", budget_head, *[f"{k}月{month_suffix}" for k in range(1, 5)]])
    for name, budget, spent in (("科普活动", 100, [10, 30, 60, 80]), ("学会服务", 10, [0, 5, 5, 9])):
        ws.append([name, budget * to_budget, *[x * to_month for x in spent]])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_monthly(buf.getvalue(), "x.xlsx")
    assert t.projects[m.BUDGET].tolist() == [100, 10]
    assert t.projects["m4"].tolist() == [80, 9]
    mixed = [f for f in t.findings if f.code == "AMOUNT_UNITS_MIXED"]
    assert len(mixed) == (1 if to_budget != to_month else 0)


MONTH_HEADS = {
    "一月": ["一月", "二月", "三月", "四月"],
    "一月份 with the year": ["2023年一月份", "2023年二月份", "2023年三月份", "2023年四月份"],
    "2023-01": ["2023-01", "2023-02", "2023-03", "2023-04"],
    "2023.1": ["2023.1", "2023.2", "2023.3", "2023.4"],
    "date cells (month ends)": [date(2023, k, calendar.monthrange(2023, k)[1]) for k in range(1, 5)],
    "datetime cells (firsts)": [datetime(2023, k, 1) for k in range(1, 5)],
    "202301 as numbers": [202301, 202302, 202303, 202304],
}


@pytest.mark.parametrize("head", list(MONTH_HEADS))
def test_months_written_without_n月(head):
    """Month columns as Excel turns them into dates, as numbers, in Chinese numerals: the same series,
    and the year from the months themselves when the title says none."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "全年预算（万元）", *MONTH_HEADS[head]])
    for name, budget, spent in (("科普活动", 100, [10, 30, 60, 80]), ("学会服务", 10, [0, 5, 5, 9])):
        ws.append([name, budget, *spent])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_monthly(buf.getvalue(), "x.xlsx")
    assert t.months == [1, 2, 3, 4]
    assert t.projects["m4"].tolist() == [80, 9] and t.projects["m2"].tolist() == [30, 5]
    assert t.year == (None if head == "一月" else 2023)


def test_a_year_alone_is_not_a_month():
    from jixiao.monitor.read import _month_other

    assert [_month_other(x) for x in ("2023", "2023年", "2023-13", "十三月", "20231", "预算数")] == [None] * 6
    assert [_month_other(x) for x in ("十二月", "十二月份", "2023/12", "202312", "2023-12-31 12:00")] == [
        12
    ] * 5


# --- rows that are sums, in a 月度执行表 too (seed 002's budgets, spending spread over six months) ---------
def _tangshan_months(heading=None, total=True, after=(), seq=True):
    """序号 / 项目名称 / 全年预算 / 1–6月累计: each project spends its 执行数 evenly to June."""
    from tests.test_reader_choices import TANGSHAN

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年1-6月项目支出执行进度表"])
    ws.append(
        [*(["序号"] if seq else []), "项目名称", "全年预算（万元）", *[f"1-{k}月累计" for k in range(1, 7)]]
    )
    i, budget, spent = 0, 0.0, [0.0] * 6
    for k, (unit, rows) in enumerate(TANGSHAN.items()):
        months = [round(sum(round(e * j / 6, 2) for _, _, e in rows), 2) for j in range(1, 7)]
        if heading:
            ws.append(heading(k, unit, round(sum(b for _, b, _ in rows), 2), months))
        for name, b, e in rows:
            i += 1
            ws.append([*([i] if seq else []), name, b, *[round(e * j / 6, 2) for j in range(1, 7)]])
            budget += b
        spent = [round(s + x, 2) for s, x in zip(spent, months)]
    if total:
        ws.append([*([None] if seq else []), "合计", round(budget, 2), *spent])
    for row in after:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return read_monthly(buf.getvalue(), "监控.xlsx"), round(budget, 2)


def _heading(style):
    numerals = "一二三"
    return {
        "numbered": lambda k, u, b, months: [None, f"{numerals[k]}、{u}", b, *months],
        "bare, no 序号": lambda k, u, b, months: [None, u, b, *months],
    }[style]


@pytest.mark.parametrize("total", [True, False])
@pytest.mark.parametrize("style", ["numbered", "bare, no 序号"])
def test_monthly_unit_headings_with_their_sums_are_not_projects(style, total):
    table, budget = _tangshan_months(_heading(style), total)
    assert len(table.projects) == 12
    assert round(table.projects[m.BUDGET].sum(), 2) == budget
    assert sorted(table.projects[m.UNIT].unique()) == sorted(["科协本级", "科工中心", "科技馆"])
    assert sum(f.code == "HEADING_TOTAL" for f in table.findings) == 3


@pytest.mark.parametrize("total", [True, False])
def test_a_monthly_heading_with_a_typo_in_its_budget_is_still_a_heading(total):
    """ "一、科协本级" 5 万元 over its rows' budget, the other two to the cent: three headings, twelve projects,
    and the message does not claim the sum that is not there."""
    numerals = "一二三"

    def heading(k, u, b, months):
        return [None, f"{numerals[k]}、{u}", round(b + (5 if k == 0 else 0), 2), *months]

    table, budget = _tangshan_months(heading, total)
    assert len(table.projects) == 12 and round(table.projects[m.BUDGET].sum(), 2) == budget
    said = [f.message for f in table.findings if f.code == "HEADING_TOTAL"]
    assert len(said) == 3 and sum("金额与这些行之和不符" in x for x in said) == 1


def test_monthly_其中_rows_under_the_total_are_not_projects():
    table, budget = _tangshan_months(after=[[None, "其中：财政拨款", 2000, *[100.0] * 6]])
    assert len(table.projects) == 12 and round(table.projects[m.BUDGET].sum(), 2) == budget
    assert any(f.code == "TOTAL_BREAKDOWN" for f in table.findings)


def test_monthly_totals_typed_with_spaces_are_not_projects():
    table, budget = _tangshan_months(total=False, after=[[None, "合  计", 1.0, *[1.0] * 6]])
    assert len(table.projects) == 12 and round(table.projects[m.BUDGET].sum(), 2) == budget


def test_yuan_months_with_no_unit_anywhere_are_read_as_yuan():
    """预算 832,520 and months in 元, no unit written: as 万元 each project would be over 1 亿元."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "全年预算", "1月", "2月", "3月"])
    for name, budget, spent in (
        ("科普活动", 832520, [100000, 300000, 600000]),
        ("学会服务", 400000, [0, 5000, 5000]),
    ):
        ws.append([name, budget, *spent])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_monthly(buf.getvalue(), "x.xlsx")
    assert t.projects[m.BUDGET].tolist() == [83.252, 40] and t.projects["m3"].tolist() == [60, 0.5]
    assumed = [f for f in t.findings if f.code == "AMOUNT_UNIT_ASSUMED"]
    assert len(assumed) == 1 and assumed[0].severity == "warning" and "按元读取" in assumed[0].message


@pytest.mark.parametrize(
    ("units", "factor"),
    [
        (["", "元", "元", "元", "元"], 10000),
        (["", "（元）", "（元）", "（元）", "（元）"], 10000),
        (["", "万元", "万元", "万元", "万元"], 1),
    ],
)
def test_a_row_of_units_under_the_month_header(units, factor):
    """元 on a row of its own under 全年预算 / 1月 / 2月 / 3月: small projects in 元 were read as 万元 and
    each 元 cell was called not a number."""
    wb = openpyxl.Workbook()
    for row in [["项目名称", "全年预算", "1月", "2月", "3月"], units, ["科普讲座", 5000, 500, 1000, 1500]]:
        wb.active.append(row)
    wb.active.append(["学会年会", 8000, 0, 2000, 4000])
    buf = io.BytesIO()
    wb.save(buf)
    t = read_monthly(buf.getvalue(), "x.xlsx")
    assert t.projects[m.BUDGET].tolist() == [5000 / factor, 8000 / factor]
    assert t.projects["m3"].tolist() == [1500 / factor, 4000 / factor]
    assert t.projects[m.PROJECT].tolist() == ["科普讲座", "学会年会"]
    assert [f.code for f in t.findings] == ["MONTHLY_HABIT"]


def _quarters(head: list[str], values: list[list[float | None]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["2023年项目支出执行进度表"])
    wb.active.append(["项目名称", "全年预算（万元）", *head])
    for i, row in enumerate(values):
        wb.active.append([f"项目{i + 1}", 100.0 * (i + 1), *row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("head", "values", "habit"),
    [
        (["一季度", "二季度", "三季度", "四季度"], [[10, 20, 5, None], [20, 30, 10, None]], MONTHLY),
        (["第一季度（当季）", "第二季度（当季）", "第三季度（当季）"], [[10, 20, 5], [20, 30, 10]], MONTHLY),
        (["Q1", "Q2", "Q3"], [[10, 20, 5], [20, 30, 10]], MONTHLY),
        (["第一季度累计", "上半年累计", "前三季度累计"], [[10, 30, 35], [20, 50, 60]], CUMULATIVE),
        (["2023年第1季度", "2023年上半年", "2023年前三季度"], [[10, 30, 35], [20, 50, 60]], CUMULATIVE),
    ],
)
def test_quarter_columns_are_the_months_3_6_9_12(head, values, habit):
    """A 季度 table: its columns end at months 3, 6, 9 (12), the only snapshots; 上半年 / 前三季度 count
    from January. They were not read at all (no month columns: the table had no 执行数)."""
    t = read_monthly(_quarters(head, values), "季度.xlsx")
    assert t.habit == habit and t.months == [3, 6, 9]
    assert t.projects["m9"].tolist() == [35.0, 60.0] and t.projects["m6"].tolist() == [30.0, 50.0]
    assert [d for d, _ in snapshot_frames(t, YEAR)] == [month_end(3), month_end(6), month_end(9)]
    # read as a project table (数据导入), its 执行数 is the latest quarter's cumulative
    table = read_dataset(_quarters(head, values), "季度.xlsx").table
    assert table.projects[m.EXECUTED].tolist() == [35.0, 60.0]


@pytest.mark.parametrize(
    "parts",
    [
        ("计划数", "执行数"),
        ("预算数", "支出数"),
        ("执行数", "计划数"),
        ("序时进度", "累计支出"),
        ("执行数", "执行率"),
    ],
)
def test_each_month_over_its_plan_and_its_spending_reads_the_spending(parts):
    """1月 merged over 计划数 | 执行数 (two header rows): the plan was read as the month's spending."""
    spent = {1: (10, 5), 2: (20, 10), 3: (30, 15)}
    plan = {1: (8, 4), 2: (16, 8), 3: (24, 12)}
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年项目支出执行进度表"])
    ws.append(["项目名称", "全年预算（万元）", *[x for k in (1, 2, 3) for x in (f"{k}月", None)]])
    ws.append([None, None, *parts * 3])
    spending_first = parts[0] in ("执行数", "支出数", "累计支出")
    for i in range(2):
        cells = []
        for k in (1, 2, 3):
            other = plan[k][i] if "率" not in parts[1] else "50%"
            pair = (spent[k][i], other) if spending_first else (plan[k][i], spent[k][i])
            cells += pair
        ws.append([f"项目{i + 1}", 100.0, *cells])
    for col in ("C", "E", "G"):
        ws.merge_cells(f"{col}2:{chr(ord(col) + 1)}2")
    buf = io.BytesIO()
    wb.save(buf)
    t = read_monthly(buf.getvalue(), "m.xlsx")
    assert t.months == [1, 2, 3]
    assert t.projects["m3"].tolist() == [30.0, 15.0] and t.projects["m1"].tolist() == [10.0, 5.0]
