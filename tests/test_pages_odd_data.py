"""Valid but odd data on every page: one project, budgets of 0, blank 执行数, refunds, hundreds of units,
names that are long, HTML or Markdown, no budgets at all, a 监控 snapshot where nothing can be
compared. No page shows a traceback or an English exception, user text never turns into a link,
bold or a tag, and charts stay readable (escaped, short labels, a bounded number of bars).

The workbooks are built here from the reference figures of sample_data/henan_2023_summary.xlsx.
AppTest cannot draw plotly: a chart is checked on its figure (the builders, or the spec AppTest keeps).
"""

from __future__ import annotations

import html
import io
import json
import re
import unicodedata
from datetime import date

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from components import charts, data, state
from components import monitor_charts as mc
from jixiao.monitor import compute as c
from jixiao.settings import Settings
from tests.conftest import APP, HENAN_XLSX

pytestmark = pytest.mark.usefixtures("apptest_navigation")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGES = {
    "总览": "pages/overview.py",
    "数据导入": "pages/import_data.py",
    "数据管理": "pages/data_manage.py",
    "预算执行": "pages/execution.py",
    "偏差预警": "pages/deviations.py",
    "监控": "pages/monitor.py",
    "得分分析": "pages/scores.py",
    "历年对比": "pages/history.py",
    "单位对比": "pages/units.py",
    "项目自评表": "pages/selfeval_forms.py",
    "决算图表": "pages/final_accounts.py",
    "汇报模式": "pages/presentation.py",
    "导出报告": "pages/export.py",
}
RATE_COLUMNS = [
    "资金管理情况得分率",
    "成本指标得分率",
    "产出指标得分率",
    "效益指标得分率",
    "满意度指标得分率",
]
LONG = "关于推进全省科学技术普及与学会服务能力提升暨基层科普阵地建设及青少年科技创新后备人才培养" * 2
# Markdown, LaTeX and HTML that must stay text wherever a page writes a name
HOSTILE = [
    "**粗体**",
    "[链接](http://x.cn)",
    "$x^2$ 项目",
    "<b>粗</b><script>alert(1)</script>",
    "- 列表",
    ":red[红]",
]


@pytest.fixture(autouse=True)
def _store(tmp_path, monkeypatch):
    from jixiao.store.db import ENV_URL

    monkeypatch.setenv(ENV_URL, f"sqlite:///{tmp_path / 'jixiao.db'}")


# --- workbooks ------------------------------------------------------------------------------------
def henan_rows() -> list[dict]:
    ws = openpyxl.load_workbook(HENAN_XLSX).active
    return [
        {"name": r[1], "budget": r[2], "executed": r[3], "rates": r[5:10], "score": r[10], "flag": r[11]}
        for r in ws.iter_rows(min_row=4, max_row=18, values_only=True)
    ]


def summary(rows: list[dict], units: list[str] | None = None, scores: bool = True) -> bytes:
    """A 项目单位自评汇总表 in the reference layout (title, header on row 3), 单位 column optional."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目单位自评汇总表"
    ws.append(["测试单位"])
    ws.append(["项目单位自评汇总表"])
    head = ["序号", *(["单位"] if units else []), "项目名称", "全年预算数（万元）", "全年执行数（万元）"]
    ws.append(head + ([*RATE_COLUMNS, "自评得分"] if scores else []) + ["是否有较大偏差"])
    for i, r in enumerate(rows):
        line = [i + 1, *([units[i]] if units else []), r["name"], r["budget"], r["executed"]]
        ws.append(line + ([*r["rates"], r["score"]] if scores else []) + [r["flag"]])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def plain(header: list[str], rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def snapshot(rows: list[tuple[str, str, float, float]]) -> bytes:
    """A 项目执行表 of one 截至日期 (单位, 项目名称, 调整预算数, 实际执行数)."""
    return plain(
        ["序号", "单位", "项目名称", "调整预算数（万元）", "实际执行数（万元）"],
        [[i + 1, *r] for i, r in enumerate(rows)],
    )


def odd_datasets() -> dict[str, bytes]:
    h = henan_rows()
    markup = [dict(r, name=HOSTILE[i % len(HOSTILE)] + str(i)) for i, r in enumerate(h)]
    return {
        "one_project": summary(h[:1]),
        "budgets_zero": summary([dict(r, budget=0) for r in h]),
        "executed_blank": summary([dict(r, executed=None) for r in h]),
        "refunds": summary([dict(r, executed=-abs(r["executed"] or 1)) for r in h]),
        "markup_names_and_units": summary(
            markup, units=[HOSTILE[(i + 2) % len(HOSTILE)] for i in range(len(h))]
        ),
        "no_scores_no_units": summary(h, scores=False),
        "scores_only": plain(["项目名称", "自评得分"], [[r["name"], r["score"]] for r in h]),
    }


# --- the app ------------------------------------------------------------------------------------------
def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    return ok(at.run())


def upload(at: AppTest, content: bytes, name: str = "奇怪数据.xlsx") -> AppTest:
    ok(at.switch_page(PAGES["数据导入"]).run())
    return ok(at.file_uploader(key="upload_file").set_value((name, content, XLSX)).run())


def save(at: AppTest, unit: str, year: int) -> AppTest:
    at.text_input(key="save_unit").set_value(unit)
    at.number_input(key="save_year").set_value(year)
    return ok(at.button(key="save_submit").click().run())


def go(at: AppTest, page: str) -> AppTest:
    return ok(at.switch_page(PAGES[page]).run())


def rendered(at: AppTest) -> list[str]:
    """Everything Streamlit renders as Markdown in the page body (labels included)."""
    out = [e.value for e in at.main.markdown] + [e.value for e in at.main.caption]
    out += [e.value for e in at.main.title] + [e.value for e in at.main.subheader]
    for kind in ("info", "success", "warning", "error"):
        out += [e.value for e in getattr(at.main, kind)]
    out += [mt.label for mt in at.main.metric] + [str(mt.value) for mt in at.main.metric]
    out += [e.label for e in at.main.expander]
    return out


def live_markup(text: str) -> list[str]:
    """What of the hostile names would come alive in ``text`` (backslash escapes taken out first)."""
    bare = re.sub(r"\\.", "\x00", text)
    return [t for t in ("**粗体", "](http", "$x^2$", "<b>", "<script", ":red[红") if t in bare]


def charts_of(at: AppTest) -> list[dict]:
    specs = []
    for node in at.main:
        stack = [node]
        while stack:
            n = stack.pop()
            if getattr(n, "type", "") == "plotly_chart":
                specs.append(json.loads(n.proto.spec))
            children = getattr(n, "children", None)
            if isinstance(children, dict):
                stack.extend(children.values())
    return specs


def metrics(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.value for mt in at.main.metric}


def body(at: AppTest) -> str:
    return "\n".join(rendered(at))


# --- every page on each odd dataset -------------------------------------------------------------------
@pytest.mark.parametrize("name", list(odd_datasets()))
def test_every_page_takes_odd_data_without_a_traceback_or_live_markup(name):
    at = upload(new_app(), odd_datasets()[name])
    save(at, "测试单位", 2023)
    for page in PAGES:
        go(at, page)
        alive = [(t[:80], live_markup(t)) for t in rendered(at) if live_markup(t)]
        assert not alive, (page, alive)
        for text in rendered(at):
            assert not re.search(r"Traceback|Error|Exception|\bnan\b|\bNone\b", text), (page, text)


# --- labels of long names -------------------------------------------------------------------------------
def test_long_names_that_differ_at_their_end_keep_the_end_on_the_axis():
    names = [LONG + f"{i:02d}" for i in range(6)]
    units = [f"测试市第{i:03d}个基层科学技术协会" + "很长" * 30 for i in range(6)]
    labels = charts.unique_labels(names, list(range(6)), units)
    for i, label in enumerate(labels):
        text = label.replace("<br>", "")
        assert text.startswith("关于推进"), label  # the project's own name, not "…（unit"
        assert text.endswith(f"{i:02d}"), label  # and what tells it from the others
        assert not re.search(r" \(\d+\)$", label)  # no bare numbering the reader cannot map
    # the same name in two units still reads as two projects, the unit cut short
    twice = charts.unique_labels([LONG, LONG], [1, 2], ["科协本级" + "长" * 40, "科技馆" + "长" * 40])
    assert len(set(twice)) == 2 and all(x.startswith("关于推进") for x in twice)


def test_long_project_names_on_the_execution_chart_are_told_apart_by_their_end():
    rows = [dict(r, name=LONG + f"{i:02d}") for i, r in enumerate(henan_rows())]
    from jixiao.read import read_dataset
    from jixiao.summary.analysis import analyze

    a = analyze(
        read_dataset(summary(rows, units=[LONG + f"单位{i}" for i in range(len(rows))]), "x.xlsx").table
    )
    fig = charts.execution_bars(a.projects, a.settings)
    labels = [y for tr in fig.data for y in tr.y]
    assert len(labels) == len(set(labels)) == len(rows)
    assert all(label.replace("<br>", "").startswith("关于推进") for label in labels)


# --- 监控 charts: names from the files are text, and short ---------------------------------------------
def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def monitor_frame(names: list[str]) -> pd.DataFrame:
    n = len(names)
    return pd.DataFrame(
        {
            "label": names,
            c.GAP: [-30.0 + 5 * i for i in range(n)],
            c.RATE: [20.0 + i for i in range(n)],
            c.UNSPENT: [100.0] * n,
            c.BAND: [c.RED] * n,
        }
    )


def test_monitor_gap_ranking_escapes_and_shortens_the_names():
    names = ["<b>粗</b><script>alert(1)</script>项目", LONG + "甲", LONG + "乙"]
    fig = mc.gap_ranking(monitor_frame(names), "label", Settings(), "差距")
    labels = list(fig.data[0].y)
    assert not any("<b>" in x or "<script" in x for x in labels)
    assert "&lt;b&gt;" in labels[-1]
    for label in labels:  # two lines of at most 20 display columns (a Chinese character is two)
        lines = html.unescape(label).split("<br>")
        assert len(lines) <= 2 and all(width(line) <= charts.LABEL_WIDTH for line in lines), label
    assert labels[0].endswith("乙") or labels[1].endswith("乙")
    # the whole name, escaped, in the hover
    assert any(LONG in str(cd[-1]) for cd in fig.data[0].customdata)
    assert all("<script" not in str(cd[-1]) for cd in fig.data[0].customdata)


def test_monitor_lines_escape_the_legend_and_cut_it_to_one_line():
    snaps = pd.DataFrame({c.AS_OF: [date(2023, 3, 31)], c.TIME_PROGRESS: [24.7], c.RATE: [20.0]})
    lines = pd.DataFrame(
        {
            "label": ["<b>粗</b>项目", LONG],
            c.AS_OF: [date(2023, 3, 31)] * 2,
            c.RATE: [10.0, 12.0],
            c.GAP: [-14.7, -12.7],
        }
    )
    fig = mc.rate_lines(lines, snaps, "label", "进度")
    names = [tr.name for tr in fig.data[1:]]
    assert names[0] == "&lt;b&gt;粗&lt;/b&gt;项目"
    assert names[1].endswith("…") and len(names[1]) <= mc.LEGEND_WIDTH // 2


# --- hundreds of units ------------------------------------------------------------------------------------
def test_300_units_draw_the_slowest_30_and_say_so():
    rows = [dict(henan_rows()[i % 15], name=f"项目{i}") for i in range(300)]
    at = upload(new_app(), summary(rows, units=[f"基层科协{i:03d}" for i in range(300)]))
    go(at, "总览")
    assert "共 300 个单位，图中显示执行率最低的 30 个" in body(at)
    bars = [s for s in charts_of(at) if s["layout"].get("height", 0) > 600]
    assert bars and all(s["layout"]["height"] < 2000 for s in bars)
    go(at, "预算执行")
    ok(at.segmented_control(key="exec_view").set_value("按单位").run())
    assert "共 300 个单位，图中显示执行率最低的 30 个" in body(at)
    save(upload(at, summary(rows, units=[f"基层科协{i:03d}" for i in range(300)])), "测试单位", 2023)
    go(at, "单位对比")
    assert "共 300 个单位，图中显示执行率最低的 30 个" in body(at)
    assert all(s["layout"]["height"] < 2000 for s in charts_of(at))
    shown = data.bar_units(at.session_state[state.DATASET].units)
    assert len(shown) == 30
    rates = pd.to_numeric(shown["execution_rate"], errors="coerce").tolist()
    assert rates == sorted(rates)  # the slowest


def test_monitor_with_300_units_ranks_30_and_draws_12_lines():
    at = ok(new_app().switch_page(PAGES["监控"]).run())
    rows = [(f"单位{i:03d}", f"项目{i}", 100.0, float(i % 100)) for i in range(300)]
    at.file_uploader(key="mon_upload").set_value(("执行表.xlsx", snapshot(rows), XLSX))
    at.text_input(key="mon_unit").set_value("测试单位")
    at.number_input(key="mon_year").set_value(2023)
    at.date_input(key="mon_as_of").set_value(date(2023, 6, 30))
    ok(at.button(key="mon_add_submit").click().run())
    specs = charts_of(at)
    lines = next(s for s in specs if "各单位支出进度" in s["layout"]["title"]["text"])
    assert len(lines["data"]) <= mc.MAX_LINES + 2  # 序时进度 and 全系统 besides
    rank = next(s for s in specs if "各单位与序时进度的差距" in s["layout"]["title"]["text"])
    assert (
        len(rank["data"][0]["y"]) == data.UNIT_BARS_TOP
        and "差距最大的 30 个" in rank["layout"]["title"]["text"]
    )


# --- what the user typed, in a heading --------------------------------------------------------------------
def test_the_unit_saved_with_the_data_is_text_in_the_headings():
    at = upload(new_app(), summary(henan_rows()[:3]))
    save(at, "**粗体**单位", 2023)
    for page in ("总览", "预算执行", "历年对比"):
        go(at, page)
        title = at.main.title[0].value
        assert "\\*\\*粗体\\*\\*单位" in title and not live_markup(title), (page, title)


# --- nothing to compute -----------------------------------------------------------------------------------
def test_overview_with_no_computable_rate_says_so_instead_of_an_empty_chart():
    at = upload(new_app(), odd_datasets()["budgets_zero"])
    go(at, "总览")
    assert "没有能计算执行率的项目" in body(at)
    assert "执行率最低的 0 个项目" not in body(at)
    k = metrics(at)
    assert k["金额加权平均分"] == "—" and k["总体执行率"] == "—"  # no "— 分"


def test_scores_without_budgets_do_not_claim_two_equal_means():
    at = upload(new_app(), odd_datasets()["scores_only"])
    go(at, "得分分析")
    assert metrics(at)["金额加权平均分"] == "—"
    text = body(at)
    assert "都是" not in text and "没有可用的预算数，无法按金额加权" in text


def test_reported_scores_that_cannot_be_recomputed_are_not_called_missing():
    at = upload(new_app(), odd_datasets()["executed_blank"])
    go(at, "得分分析")
    text = body(at)
    assert "表中没有填报得分" not in text and "表中的填报得分都无法按此方案重新计算" in text
    side = "\n".join(e.value for e in at.sidebar.caption)
    assert "表中没有填报得分" not in side and "填报得分都无法按此方案重新计算" in side


def test_monitor_with_every_budget_zero_says_so_and_its_bulletin_downloads(offered):
    at = ok(new_app().switch_page(PAGES["监控"]).run())
    rows = [
        ("科协本级" if i % 2 else "科技馆", r["name"], 0, (r["executed"] or 0) / 2)
        for i, r in enumerate(henan_rows())
    ]
    at.file_uploader(key="mon_upload").set_value(("执行表.xlsx", snapshot(rows), XLSX))
    at.text_input(key="mon_unit").set_value("测试单位")
    at.number_input(key="mon_year").set_value(2023)
    at.date_input(key="mon_as_of").set_value(date(2023, 6, 30))
    ok(at.button(key="mon_add_submit").click().run())
    assert metrics(at)["与序时进度差"] == "—"
    assert "没有能计算支出进度的项目" in body(at)
    files = {name: fn for name, fn in offered if name and name.endswith((".docx", ".xlsx"))}
    assert any(n.endswith(".docx") for n in files) and any(n.endswith(".xlsx") for n in files)
    for fn in files.values():
        assert fn()[:2] == b"PK"  # a zip-based Office file, not an error
