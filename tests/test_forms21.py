"""The 21 凉山州科协 2023 项目支出绩效自评表 (sample_data/liangshan_2023_selfeval_forms_21.xlsx).

The workbook is rebuilt from tests/data/seed_004.txt by tests/data/build_liangshan_forms.py. These tests
read it back and compare with the seed text itself, then check what the audit finds in the real forms,
the CLI (inspect, export) and the 项目自评表 page.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from components import state
from jixiao.forms.read import read_forms

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEED = DATA / "seed_004.txt"
FORMS21 = ROOT / "sample_data" / "liangshan_2023_selfeval_forms_21.xlsx"
FORMS5 = ROOT / "sample_data" / "liangshan_2023_selfeval_forms.xlsx"
PAGE = str(ROOT / "pages" / "selfeval_forms.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def seed() -> str:
    # Full-width spaces pad the PDF's cells; they are not part of any number.
    return SEED.read_text("utf-8").replace("\u3000", "")


@pytest.fixture(scope="module")
def ds():
    return read_forms(FORMS21.read_bytes(), FORMS21.name)


def form_named(ds, project: str):
    [form] = [f for f in ds.forms if f.project == project]
    return form


def codes(form) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in form.findings:
        out.setdefault(f.code, []).append(f)
    return out


def _builder():
    spec = importlib.util.spec_from_file_location("build_liangshan_forms", DATA / "build_liangshan_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def _cells(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_the_build_script_reproduces_the_committed_workbook():
    built = _builder().build(SEED)
    committed = load_workbook(FORMS21)
    assert built.sheetnames == committed.sheetnames and len(built.sheetnames) == 21
    for name in built.sheetnames:
        assert _cells(built[name]) == _cells(committed[name]), name
        merged = {str(r) for r in built[name].merged_cells.ranges}
        assert merged == {str(r) for r in committed[name].merged_cells.ranges}, name


def test_the_reader_finds_the_21_forms_of_the_seed_in_order(ds, seed):
    printed = re.findall(r"^\t项目名称\n\t(.+)$", seed, flags=re.M)
    assert len(printed) == 21
    assert [f.project_label for f in ds.forms] == [p.strip() for p in printed]
    assert not ds.findings
    assert {f.department for f in ds.forms} == {"凉山州科学技术协会部门"}
    assert {f.unit for f in ds.forms} == {"凉山州科学技术协会"}


# (sheet index, project, 总额 as printed: 年初预算 调整后 执行数, 合计 权重 得分 as printed, indicator rows)
SPOT_CHECKS = [
    (0, "州本级单位缴费", ("68.42", "86.50", "86.50"), ("100", "100"), 2),
    (4, "州本级工资支出", ("167.85", "191.41", "191.41"), ("100", "100"), 2),
    (8, "州本级公务用车运行维护费", ("9.70", "6.43", "6.43"), ("100", "100"), 4),
    (9, "凉山州级科普专项经费", ("160.00", "148.00", "148.00"), ("100", "98"), 7),
    (11, "科普宣传活动业务经费", ("12.00", "12.00", "12.00"), ("100", "99"), 7),
    (
        13,
        "凉山州级科普专项经费（第38届凉山州青少年科技创新大赛）",
        ("11", "25.52", "25.52"),
        ("100", "100"),
        7,
    ),
    (15, "人才发展专项", ("0.00", "50.00", "50.00"), ("100", "97"), 8),
    (17, "学术交流活动业务经费", ("12.00", "12.00", "12.00"), ("100", "98"), 7),
    (18, "老科技工作者科普活动保障经费", ("12.00", "12.00", "12.00"), ("100", "98"), 7),
    (19, "省级科普专项资金", ("0.00", "82.90", "82.90"), ("100", "99"), 7),
    (20, "天府科技云服务项目", ("0.00", "25", "25"), ("100", "98"), 6),
]


@pytest.mark.parametrize(("index", "project", "budget", "total", "rows"), SPOT_CHECKS)
def test_budgets_and_totals_match_the_seed(ds, seed, index, project, budget, total, rows):
    form = ds.forms[index]
    assert form.project == project
    # The printed figures are the seed's: the form's own block holds them in this order.
    start = seed.index(f"-{project}\n")
    block = seed[start : seed.index("改进措施", start)]
    assert "\t总额\n\t" + "\n\t".join(budget) + "\n" in block
    assert "\t合计\n\t" + "\n\t".join(total) + "\n" in block
    assert (form.initial, form.adjusted, form.executed) == tuple(float(x) for x in budget)
    assert (form.reported_weights_total, form.reported_total) == tuple(float(x) for x in total)
    assert len(form.indicators) == rows
    assert form.conclusion and form.problems and form.measures


def test_every_indicator_budget_line_and_text_reads_as_printed(ds):
    """Cell by cell against the seed's own rows (the script's parse of the text, not the workbook)."""
    builder = _builder()
    printed = builder.split_forms(builder.seed_rows(SEED.read_text("utf-8")))
    assert len(printed) == len(ds.forms) == 21
    for seen, form in zip(printed, ds.forms, strict=True):
        rows = [cells for kind, cells in seen.indicators if kind == "row"]
        expected, level1 = [], ""
        for _, l1, l2, l3, nature, target, unit, actual, weight, score, reason in rows:
            level1 = l1 or level1  # a blank 一级 is the merged cell above …
            if not l1 and "成本" in l2 and "成本" not in level1:
                level1 = "成本指标"  # … unless the row's 二级 names another component (LEVEL1_FROM_LEVEL2)
            elif not l1 and "可持续影响" in l2 and "效益" not in level1:
                level1 = "效益指标"
            expected.append(
                (level1, l2, l3, nature, target, unit, actual, float(weight), float(score), reason)
            )
        got = [
            (
                i.level1,
                i.level2,
                i.level3,
                i.nature_raw,
                i.target_raw,
                i.unit,
                i.actual_raw,
                i.weight,
                i.score,
            )
            + (i.reason,)
            for i in form.indicators
        ]
        assert got == expected, form.project
        assert [(b.label, b.reason) for b in form.budget_lines] == [(r[0], r[7]) for r in seen.budget]
        texts = (form.conclusion, form.problems, form.measures)
        assert texts == tuple(seen.texts[k] for k in ("评价结论", "存在问题", "改进措施")), form.project


def test_the_five_forms_of_the_small_sample_read_the_same(ds):
    small = read_forms(FORMS5.read_bytes(), FORMS5.name)
    big = {f.sheet: f for f in ds.forms}

    def key(form):
        inds = [
            (i.level1, i.level2, i.level3, i.nature, i.target, i.actual, i.weight, i.score, i.reason)
            for i in form.indicators
        ]
        money = [(b.label, b.initial, b.adjusted, b.executed, b.printed_rate) for b in form.budget_lines]
        return (form.project_label, money, inds, form.reported_total, form.conclusion, form.problems)

    assert len(small.forms) == 5
    for form in small.forms:
        assert key(big[form.sheet]) == key(form)


# Every error in the 21 forms, checked by hand against the seed (see the comments in the tests below).
EXPECTED_ERRORS = {
    "科普宣传活动业务经费": ["FORM_TOTAL_MISMATCH"],
    "人才发展专项": ["FORM_TOTAL_MISMATCH", "WEIGHTS_NOT_100"],
    "学术交流活动业务经费": ["SCORE_OVER_WEIGHT"],
    "老科技工作者科普活动保障经费": ["FORM_TOTAL_MISMATCH"],
}


def test_errors_are_exactly_the_four_forms_with_broken_arithmetic(ds):
    errors = {}
    for form in ds.forms:
        found = sorted(f.code for f in form.findings if f.severity == "error")
        if found:
            errors[form.project] = found
    assert errors == EXPECTED_ERRORS


def test_science_publicity_reports_99_while_its_parts_add_to_89(ds):
    # 10 (预算执行) + 10+20+10+10+10+9+10 = 89; the form prints 合计 99.
    form = form_named(ds, "科普宣传活动业务经费")
    [f] = codes(form)["FORM_TOTAL_MISMATCH"]
    assert "合计得分填报 99 分" in f.message and "相加为 89 分" in f.message
    assert (form.reported_total, form.parts_total) == (99.0, 89.0)
    # Its 成本指标 lost 10 of 20 points with no 完成值 and no reason.
    [cost] = codes(form)["DEDUCTION_WITHOUT_REASON"]
    assert "扣 10 分" in cost.message


def test_senior_scientists_report_98_while_their_parts_add_to_88(ds):
    # 10 + 10+20+10+10+10+8+10 = 88; printed 98. 满意度 95% met ≥95% yet scored 8 of 10.
    form = form_named(ds, "老科技工作者科普活动保障经费")
    [f] = codes(form)["FORM_TOTAL_MISMATCH"]
    assert "合计得分填报 98 分" in f.message and "相加为 88 分" in f.message
    met = codes(form)["TARGET_MET_BUT_DEDUCTED"]
    assert sorted(x.sheet_row for x in met) == [16, 17]
    assert any("完成值 95%" in x.message and "8 分" in x.message for x in met)


def test_talent_form_carries_an_eighth_indicator_after_a_repeated_header(ds):
    # The printed form repeats the indicator header and adds 产出/数量「支持经费5名科技工作者…」 (20/20)
    # after 成本指标: weights 10 + 110 = 120, scores 10 + 107 = 117, while 合计 says 100 and 97.
    form = form_named(ds, "人才发展专项")
    assert form.indicators[-1].level3.startswith("支持经费5名科技工作者")
    assert (form.indicators[-1].weight, form.indicators[-1].score) == (20.0, 20.0)
    found = codes(form)
    assert "相加为 117 分" in found["FORM_TOTAL_MISMATCH"][0].message
    assert "相加为 120 分" in found["WEIGHTS_NOT_100"][0].message


def test_academic_exchange_scores_20_on_a_10_point_indicator(ds):
    # 质量指标 weight 10, score 20; 成本指标 weight 20, score 10 with reason 「无」: the parts still add to 98.
    form = form_named(ds, "学术交流活动业务经费")
    [over] = codes(form)["SCORE_OVER_WEIGHT"]
    assert over.sheet_row == 12 and "得分 20 分，超过了权重 10 分" in over.message
    [no_reason] = codes(form)["DEDUCTION_WITHOUT_REASON"]
    assert no_reason.sheet_row == 17 and "「无」" in no_reason.message
    assert form.parts_total == form.reported_total == 98.0


def test_one_code_on_two_forms_is_counted_once(ds):
    # 51340022T000000278908 heads both 凉山州级科普专项经费 (148) and its 青少年科技创新大赛 form (25.52).
    flagged = [f for f in ds.forms if "DUPLICATE_PROJECT_CODE" in codes(f)]
    assert [f.project for f in flagged] == [
        "凉山州级科普专项经费",
        "凉山州级科普专项经费（第38届凉山州青少年科技创新大赛）",
    ]
    assert {f.code for f in flagged} == {"51340022T000000278908"}


def test_met_targets_with_points_taken_off(ds):
    met = {
        f.project: sorted(x.sheet_row for x in codes(f).get("TARGET_MET_BUT_DEDUCTED", []))
        for f in ds.forms
        if "TARGET_MET_BUT_DEDUCTED" in codes(f)
    }
    assert met == {
        "凉山州级科普专项经费": [17],  # ≤148 万元, 148 spent, 19 of 20
        "学术交流活动业务经费": [17],  # ≤12 万元, 12 spent, 10 of 20
        "老科技工作者科普活动保障经费": [16, 17],
        "省级科普专项资金": [13],  # ≤1 年 done in 1 年, 9 of 10
    }


def test_the_plain_staff_and_running_cost_forms_are_clean(ds):
    clean = [f.project for f in ds.forms if not f.findings]
    assert clean == [f.project for f in ds.forms[:9]] + ["青少年科技活动"]


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args], capture_output=True, text=True, cwd=cwd, timeout=180
    )


def test_inspect_json_lists_the_21_forms_and_counts_a_shared_code_once(ds):
    r = _run("inspect", str(FORMS21), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["kind"] == "selfeval_forms" and doc["projects"] == len(doc["forms"]) == 21
    assert [f["project"] for f in doc["forms"]] == [f.project for f in ds.forms]
    every = round(sum(f.adjusted for f in ds.forms), 2)
    shared = form_named(ds, "凉山州级科普专项经费（第38届凉山州青少年科技创新大赛）").adjusted
    assert every == 899.59
    assert doc["totals"]["budget"] == round(every - shared, 2) == 874.07
    mismatch = [f for f in doc["findings"] if f["code"] == "FORM_TOTAL_MISMATCH"]
    assert len(mismatch) == 3


def test_export_writes_all_four_reports(tmp_path):
    r = _run("export", str(FORMS21), "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(doc) == {"pptx", "xlsx", "html", "docx"}
    assert len(Presentation(doc["pptx"]).slides) > 5
    wb = load_workbook(doc["xlsx"])
    assert wb["项目明细"].max_row >= 22  # header + 21 projects
    html = Path(doc["html"]).read_text("utf-8")
    assert "合计得分填报 99 分" in html and "人才发展专项" in html
    word = Document(doc["docx"])
    text = "\n".join(p.text for p in word.paragraphs)
    assert "对2023年度21个项目开展了绩效自评" in text
    cells = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    assert "老科技工作者科普活动保障经费" in cells and "合计得分填报 98 分" in cells


def test_the_forms_page_loads_the_21_forms():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.file_uploader(key="forms_upload").set_value((FORMS21.name, FORMS21.read_bytes(), XLSX)).run()
    assert not at.exception
    assert len(at.session_state[state.FORMS].forms) == 21
    listing = at.dataframe[0].value
    assert len(listing) == 21
    errors = dict(zip(listing["项目名称"], listing["错误"], strict=True))
    assert {k: v for k, v in errors.items() if v} == {k: len(v) for k, v in EXPECTED_ERRORS.items()}
    at.selectbox(key="forms_pick").set_value(15).run()
    assert not at.exception
    shown = "\n".join(e.value for e in at.error)
    assert "人才发展专项" in shown and "117 分" in shown


def test_an_equal_target_exceeded_is_said_to_be_exceeded_not_missed(ds):
    texts = [f.message for form in ds.forms for f in form.findings if f.code == "TARGET_MISSED_FULL_MARKS"]
    assert any("16.2万人次 高于指标值 ＝16万人次" in t for t in texts), texts
    assert not any("未达到指标值 ＝" in t for t in texts)


def test_the_word_report_says_where_the_money_of_a_shared_code_form_went(tmp_path):
    from jixiao.export.bundle import export_file

    written = export_file(FORMS21, tmp_path, only=["docx"])
    text = "\n".join(p.text for p in Document(written["docx"]).paragraphs)
    assert "其中1个项目的金额已计入同一项目编码的其他自评表，未重复计入合计。" in text
    assert "没有可用的预算数" not in text


def test_a_blank_merged_level1_yields_to_the_rows_own_level2(ds):
    # sheets 20 and 21, row 14: 一级 blank but merged with 产出指标 above; 二级 names another component
    science = form_named(ds, "省级科普专项资金")
    cloud = form_named(ds, "天府科技云服务项目")
    assert [i.level1 for i in science.indicators if i.sheet_row == 14] == ["成本指标"]
    assert [i.level1 for i in cloud.indicators if i.sheet_row == 14] == ["效益指标"]
    for form in (science, cloud):
        said = [f for f in form.findings if f.code == "LEVEL1_FROM_LEVEL2"]
        assert len(said) == 1 and said[0].sheet_row == 14 and "与上方“产出指标”合并" in said[0].message


def test_a_numeric_target_without_a_nature_is_said_to_be_unscorable(ds):
    form = form_named(ds, "凉山州级科普专项经费（第38届凉山州青少年科技创新大赛）")
    said = [f for f in form.findings if f.code == "NATURE_MISSING"]
    assert len(said) == 1 and said[0].sheet_row == 14 and "指标值「10」" in said[0].message
    assert sum(1 for f in ds.forms for x in f.findings if x.code == "NATURE_MISSING") == 1
