"""部门整体支出绩效自评表: recognised as kind department_form, read, recomputed and audited like project
forms, rolled up into a project table; the 鹤山 form rebuilt from seed 001 and other layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from department_forms import (
    SAMPLE,
    culture_spec,
    department_workbook,
    heshan_bytes,
    heshan_spec,
    stacked_specs,
)
from form_layouts import FormSpec, write_form
from openpyxl import Workbook

from jixiao import model as m
from jixiao.forms.rollup import forms_doc
from jixiao.read import read_dataset
from jixiao.report import inspect_bytes

ROOT = Path(__file__).resolve().parent.parent


def codes(form) -> list[str]:
    return sorted(f.code for f in form.findings)


@pytest.fixture(scope="module")
def heshan():
    return read_dataset(heshan_bytes(), "heshan.xlsx")


def test_heshan_is_a_department_form(heshan):
    assert heshan.kind == m.KIND_DEPARTMENT_FORM
    assert heshan.table.kind == m.KIND_DEPARTMENT_FORM
    (form,) = heshan.detail.forms
    assert form.is_department and form.name == form.unit == "益阳市赫山区科学技术协会"
    assert "（部门「益阳市赫山区科学技术协会」）" in form.where(5)


def test_heshan_money_matches_the_report(heshan):
    form = heshan.detail.forms[0]
    lines = [(b.label, b.initial, b.adjusted, b.executed) for b in form.budget_lines]
    # 整体支出 138.43 = 基本支出 118.43 + 项目支出 20 as the report states; the 执行数 are the fixture's
    assert lines == [
        ("部门整体支出", 138.43, 138.43, 136.91),
        ("其中：基本支出", 118.43, 118.43, 118.43),
        ("项目支出", 20.0, 20.0, 18.48),
    ]
    assert round(form.execution_rate, 2) == 98.90
    assert (form.budget_weight, form.budget_score, round(form.budget_formula_score, 2)) == (10.0, 9.89, 9.89)


def test_heshan_groups_scores_and_total(heshan):
    form = heshan.detail.forms[0]
    groups = [(g["level1"], g["indicators"], g["weight"], g["score"]) for g in form.group_scores()]
    assert groups == [
        ("投入", 2, 10.0, 10.0),
        ("过程", 3, 15.0, 15.0),
        ("产出", 4, 30.0, 30.0),
        ("效益", 3, 25.0, 25.0),
        ("满意度", 1, 10.0, 9.0),
    ]
    assert form.reported_total == 98.89
    assert form.parts_total == pytest.approx(98.89)
    assert form.weights_total == 100.0
    # 满意度 95% of ≥90% earns the full 10 by formula, so the formula total is one point higher
    assert round(form.formula_total, 2) == 99.89


def test_heshan_units_in_targets(heshan):
    form = heshan.detail.forms[0]
    by_name = {i.level3: i for i in form.indicators}
    assert (by_name["流动科技馆接待人次"].target, by_name["流动科技馆接待人次"].actual) == (3.0, 5.0)
    assert by_name["流动科技馆接待人次"].shown_unit == "万人次"
    assert (by_name["科普活动场次"].target, by_name["科普活动场次"].actual) == (25.0, 30.0)  # 30场左右
    assert (by_name["发表技术论文"].target, by_name["发表技术论文"].actual) == (50.0, 60.0)  # 60余篇
    assert (by_name["“三公”经费支出"].target, by_name["“三公”经费支出"].actual) == (0.8, 0.7)
    assert not by_name["预决算公开"].recomputable  # text targets keep their reported score


def test_heshan_findings(heshan):
    form = heshan.detail.forms[0]
    assert codes(form) == [
        "FORMULA_TOTAL_DIFFERS",
        "TARGET_DEVIATION",
        "TARGET_DEVIATION",
        "TARGET_MET_BUT_DEDUCTED",
        "UNPARSEABLE_VALUE",
    ]
    messages = " ".join(f.message for f in form.findings)
    assert "「约3000人次」" in messages  # "约" stays text: no number is guessed
    assert "完成值 5万人次 超出指标值 3万人次 66.67%" in messages
    assert "完成值 5项 超出指标值 3项 66.67%" in messages


def test_heshan_goal_block_is_text(heshan):
    form = heshan.detail.forms[0]
    assert form.goal_expected.startswith("开展全区科普知识宣传")
    assert "5万人次" in form.goal_actual
    assert not any("总体目标" in f.where or "预期目标" in f.where for f in form.findings)


def test_heshan_sample_file_is_the_fixture():
    from_sample = read_dataset(SAMPLE.read_bytes(), SAMPLE.name)
    assert forms_doc(from_sample.detail) == forms_doc(read_dataset(heshan_bytes(), SAMPLE.name).detail)


def test_heshan_rolls_up_into_a_project_table(heshan):
    t = heshan.table
    assert len(t.projects) == 1
    row = t.projects.iloc[0]
    assert (row[m.UNIT], row[m.PROJECT]) == ("益阳市赫山区科学技术协会", "益阳市赫山区科学技术协会")
    assert (row[m.BUDGET], row[m.EXECUTED], row[m.REPORTED_SCORE]) == (138.43, 136.91, 98.89)


def test_inspect_json_prints_the_department_document():
    doc = inspect_bytes(heshan_bytes(), "heshan.xlsx")
    assert doc["kind"] == "department_form"
    (form,) = doc["forms"]
    assert form["form_kind"] == "department" and form["unit"] == "益阳市赫山区科学技术协会"
    assert (form["budget"], form["executed"], form["execution_rate"]) == (138.43, 136.91, 98.9)
    assert (form["reported_total"], form["parts_total"], form["formula_total"]) == (98.89, 98.89, 99.89)
    assert [b["label"] for b in form["budget_lines"]] == ["部门整体支出", "其中：基本支出", "项目支出"]
    assert [(g["level1"], g["rate"]) for g in form["groups"]] == [
        ("投入", 100.0),
        ("过程", 100.0),
        ("产出", 100.0),
        ("效益", 100.0),
        ("满意度", 90.0),
    ]
    assert doc["totals"]["budget"] == 138.43
    json.dumps(doc, ensure_ascii=False)  # the CLI prints it as is


def test_cli_inspect_sample(tmp_path):
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "jixiao", "inspect", str(SAMPLE), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["kind"] == "department_form" and doc["forms"][0]["reported_total"] == 98.89


# --- other layouts -------------------------------------------------------------------------------
def test_culture_layout_merged_groups_yuan_and_units():
    ds = read_dataset(department_workbook({"整体自评": [(culture_spec(), {"merge_level1": True})]}), "c.xlsx")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    (form,) = ds.detail.forms
    assert form.name == "某区文化旅游体育局"  # "部门名称：…" in one cell
    assert form.amount_unit == "元"
    assert (round(form.adjusted, 2), round(form.executed, 2)) == (2345.67, 2210.0)
    assert round(form.execution_rate, 2) == 94.22
    assert form.budget_weight is None and form.weights_total == 100.0  # the indicators carry all 100
    assert [(g["level1"], g["weight"], round(g["score"], 2)) for g in form.group_scores()] == [
        ("履职效能", 50.0, 47.0),
        ("管理效率", 30.0, 29.92),
        ("社会效应", 20.0, 20.0),
    ]
    assert form.reported_total == 96.92 and round(form.parts_total, 2) == 96.92
    assert round(form.formula_total, 2) == 96.36
    by_name = {i.level3: i for i in form.indicators}
    assert (by_name["文化惠民演出场次"].target, by_name["文化惠民演出场次"].actual) == (300.0, 363.0)
    assert (by_name["群众文化活动参与人次"].target, by_name["群众文化活动参与人次"].actual) == (
        30000.0,
        32000.0,
    )
    assert (by_name["游客接待量"].target, by_name["游客接待量"].actual) == (15.0, 16.2)
    assert by_name["全民健身赛事"].unit_note == "单位不一致（指标值「场」，完成值「次」）"
    assert codes(form) == [
        "FORMULA_TOTAL_DIFFERS",
        "TARGET_DEVIATION",
        "TARGET_MISSED_FULL_MARKS",
        "UNIT_MISMATCH",
    ]


def test_two_departments_stacked_on_one_sheet():
    ds = read_dataset(department_workbook({"汇总": [(s, {}) for s in stacked_specs()]}), "s.xlsx")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    farm, water = ds.detail.forms
    assert (farm.name, water.name) == ("某县农业农村局", "某县水利局")
    assert (farm.adjusted, farm.executed, water.adjusted, water.executed) == (520.0, 510.5, 300.0, 240.0)
    assert codes(farm) == ["FORMULA_TOTAL_DIFFERS", "TARGET_MISSED_FULL_MARKS"]
    assert codes(water) == [
        "FORMULA_TOTAL_DIFFERS",
        "FORM_TOTAL_MISMATCH",
        "LOW_EXECUTION_UNEXPLAINED",
        "SCORE_DIFFERS_FROM_FORMULA",
    ]
    mismatch = next(f for f in water.findings if f.code == "FORM_TOTAL_MISMATCH")
    assert "合计得分填报 98 分" in mismatch.message and "相加为 96 分" in mismatch.message
    assert "部门「某县水利局」" in mismatch.where
    t = ds.table
    assert list(t.projects[m.UNIT]) == ["某县农业农村局", "某县水利局"]
    assert t.projects[m.BUDGET].sum() == 820.0 and t.projects[m.EXECUTED].sum() == 750.5
    assert list(t.projects[m.REPORTED_SCORE]) == [99.82, 98.0]


def test_a_department_form_beside_project_forms_is_marked_in_a_set_of_forms():
    wb = Workbook()
    ws = wb.active
    ws.title = "项目"
    write_form(ws, 1, FormSpec())
    from department_forms import write_department_form

    write_department_form(wb.create_sheet("部门整体"), 1, heshan_spec())
    import io

    buf = io.BytesIO()
    wb.save(buf)
    ds = read_dataset(buf.getvalue(), "mixed.xlsx")
    assert ds.kind == m.KIND_SELFEVAL_FORMS
    assert [f.kind for f in ds.detail.forms] == ["project", "department"]
    assert [f["form_kind"] for f in ds.extra_doc["forms"]] == ["project", "department"]


# --- the 项目自评表 page ---------------------------------------------------------------------------
def test_the_forms_page_shows_a_department_form_with_its_unit_named():
    from streamlit.testing.v1 import AppTest

    from components import state

    page = str(ROOT / "pages" / "selfeval_forms.py")
    at = AppTest.from_file(page, default_timeout=60)
    at.run()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = department_workbook({"汇总": [(s, {}) for s in stacked_specs()]})
    at.file_uploader(key="forms_upload").set_value(("部门整体.xlsx", data, xlsx)).run()
    assert not at.exception
    assert at.session_state[state.FORMS].is_department
    assert any("2 张部门整体支出绩效自评表" in s.value and "某县水利局" in s.value for s in at.success)
    listing = at.dataframe[0].value
    assert listing["类型"].tolist() == ["部门整体", "部门整体"]
    assert listing["项目名称"].tolist() == ["某县农业农村局", "某县水利局"]
    at.selectbox(key="forms_pick").set_value(1).run()
    assert not at.exception
    assert at.subheader[-1].value == "某县水利局（部门整体支出）"
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "合计得分填报 98 分" in errors[0] and "部门「" not in errors[0]
    budget = next(d.value for d in at.dataframe if "全年执行数" in d.value.columns)
    assert budget["项目"].tolist() == ["部门整体支出", "其中：基本支出", "项目支出"]
    assert budget["全年执行数"].tolist() == ["240.00", "190.00", "50.00"]
    assert budget["分值"].tolist()[0] == "10.00"
    groups = next(d.value for d in at.dataframe if "得分率" in d.value.columns)
    assert groups["一级指标"].tolist() == ["投入", "过程", "产出", "效益", "满意度"]
    assert groups["得分率"].tolist() == ["100.00%", "80.00%", "100.00%", "100.00%", "100.00%"]


@pytest.mark.usefixtures("apptest_navigation")
def test_a_department_form_uploaded_on_the_import_page_rolls_up_for_every_page():
    from test_pages import go, metrics, new_app, text, upload

    from components import state

    at = new_app()
    upload(at, "赫山区科协部门整体支出自评表.xlsx", heshan_bytes())
    assert at.session_state[state.KIND] == m.KIND_DEPARTMENT_FORM
    assert "已识别为部门整体支出绩效自评表" in at.main.success[0].value
    go(at, "overview")
    assert metrics(at)["项目数"] == "1 个"
    assert metrics(at)["预算总额（万元）"] == "138.43"
    assert metrics(at)["总体执行率"] == "98.90%"
    go(at, "forms")
    assert "益阳市赫山区科学技术协会（部门整体支出）" in text(at)


def test_parts_that_do_not_add_up_to_the_whole_are_found():
    spec = heshan_spec()
    spec.budget[2] = ["项目支出", 20, 25, 18.48, "/", "73.92%", "/"]  # 118.43 + 25 ≠ 138.43
    (form,) = read_dataset(department_workbook({"s": [(spec, {})]}), "p.xlsx").detail.forms
    parts = [f for f in form.findings if f.code == "BUDGET_PARTS_MISMATCH"]
    assert len(parts) == 1
    assert "相加为 143.43万元，与总额 138.43万元 不一致，相差 5.00万元" in parts[0].message


def test_a_form_without_a_name_line_is_known_by_its_title():
    spec = heshan_spec()
    spec.name_row = False
    ds = read_dataset(department_workbook({"科协": [(spec, {})]}), "t.xlsx")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    (form,) = ds.detail.forms
    assert form.name == "科协第1行的部门整体支出自评表"
    assert "FORM_NO_PROJECT_NAME" not in codes(form)
    assert (form.adjusted, form.reported_total) == (138.43, 98.89)


def test_a_form_with_neither_name_nor_telling_title_is_known_by_its_money():
    spec = heshan_spec()
    spec.name_row, spec.title = False, "绩效自评表（2023年度）"
    (form,) = read_dataset(department_workbook({"科协": [(spec, {})]}), "t.xlsx").detail.forms
    assert form.is_department  # its budget row is 部门整体支出
    assert "FORM_NO_PROJECT_NAME" not in codes(form)


def test_a_tasks_block_between_money_and_goals_is_not_read_as_money():
    wb = Workbook()
    ws = wb.active
    ws.title = "科技局"
    for row in [
        ["部门整体支出绩效自评表"],
        ["部门（单位）名称", "某市科学技术局"],
        [
            "预算执行情况（万元）（10分）",
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ],
        ["", "部门整体支出", 800, 820, 800, 10, "97.56%", 9.76],
        ["", "其中：基本支出", 500, 500, 500, "/", "100.00%", "/"],
        ["", "项目支出", 300, 320, 300, "/", "93.75%", "/"],
        ["年度主要任务", "任务名称", "", "主要内容", "", "预算金额（万元）"],
        ["", "科技创新平台建设", "", "建设省级平台2个", "", 200],
        ["", "科普宣传", "", "开展活动50场", "", 120],
        ["年度总体目标", "预期目标", "", "", "", "实际完成情况"],
        ["", "建设平台2个，科普活动50场。", "", "", "", "建成平台2个，开展活动56场。"],
        [
            "绩效指标（90分）",
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因",
        ],
        ["", "产出", "数量", "省级平台", "≥2个", "2个", 40, 40, ""],
        ["", "产出", "数量", "科普活动场次", "≥50场次", "56场", 20, 20, ""],
        ["", "效益", "社会效益", "服务企业", "≥100家", "130家", 20, 20, ""],
        ["", "满意度", "服务对象满意度", "满意度", "≥90%", "96%", 10, 10, ""],
        ["总分", "", "", "", "", "", 100, 99.76],
    ]:
        ws.append(row)
    import io

    buf = io.BytesIO()
    wb.save(buf)
    ds = read_dataset(buf.getvalue(), "tasks.xlsx")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    (form,) = ds.detail.forms
    assert [b.label for b in form.budget_lines] == ["部门整体支出", "其中：基本支出", "项目支出"]
    assert (form.goal_expected, form.goal_actual) == (
        "建设平台2个，科普活动50场。",
        "建成平台2个，开展活动56场。",
    )
    assert round(form.execution_rate, 2) == 97.56 and form.reported_total == 99.76
    by_name = {i.level3: i for i in form.indicators}
    assert by_name["科普活动场次"].formula_score == 20.0  # 56场 of ≥50场次
    assert codes(form) == ["TARGET_DEVIATION"]  # 130家 of ≥100家; nothing from the tasks or goal text


def test_the_forms_page_offers_the_department_sample():
    from streamlit.testing.v1 import AppTest

    from components import state

    at = AppTest.from_file(str(ROOT / "pages" / "selfeval_forms.py"), default_timeout=60)
    at.run()
    at.button(key="forms_department_sample").click().run()
    assert not at.exception
    ds = at.session_state[state.FORMS]
    assert ds.is_department and [f.name for f in ds.forms] == ["益阳市赫山区科学技术协会"]
    assert {mt.label: mt.value for mt in at.metric}["合计得分（填报）"] == "98.89"


def test_a_scoring_table_without_targets_or_money_is_read_and_totalled():
    from department_forms import heshan_scoring_bytes

    ds = read_dataset(heshan_scoring_bytes(), "评价指标表.xlsx")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    (form,) = ds.detail.forms
    assert form.name == "益阳市赫山区科学技术协会"
    groups = [(g["level1"], g["indicators"], g["weight"], g["score"]) for g in form.group_scores()]
    assert groups == [
        ("投入（15分）", 3, 15.0, 15.0),
        ("过程（35分）", 5, 35.0, 34.9),
        ("产出（25分）", 3, 25.0, 25.0),
        ("效益（25分）", 3, 25.0, 24.0),
    ]
    assert (form.reported_total, round(form.parts_total, 2), form.weights_total) == (98.9, 98.9, 100.0)
    assert not any(i.recomputable for i in form.indicators)  # no 指标值/完成值: the scores stand as reported
    assert form.indicators[3].reason == "项目支出结余1.52万元"  # 扣分原因
    assert codes(form) == ["FORM_NO_BUDGET"]


@pytest.mark.usefixtures("apptest_navigation")
def test_a_department_form_is_saved_with_its_kind_and_reopened(tmp_path, monkeypatch):
    from test_storage_pages import metrics, new_app, picker, save, stored, upload

    from components import state
    from jixiao.auth import ENV_HASH
    from jixiao.store.db import ENV_URL

    db = f"sqlite:///{tmp_path / 'jixiao.db'}"
    monkeypatch.setenv(ENV_URL, db)
    monkeypatch.delenv(ENV_HASH, raising=False)
    at = new_app()
    upload(at, "heshan_2023_department_form.xlsx", heshan_bytes())
    assert (
        at.text_input(key="save_unit").value == "益阳市赫山区科学技术协会"
    )  # the department named on the form
    assert at.number_input(key="save_year").value == 2023
    save(at)
    [info] = stored(db)
    assert (info.kind, info.projects, info.label) == (m.KIND_DEPARTMENT_FORM, 1, "部门整体支出绩效自评表")
    fresh = new_app()
    picker(fresh).set_value(info.id).run()
    assert fresh.session_state[state.KIND] == m.KIND_DEPARTMENT_FORM
    assert fresh.session_state[state.FORMS].is_department
    assert metrics(fresh)["预算总额（万元）"] == "138.43"


def test_the_rate_chart_uses_the_department_own_groups(heshan):
    from components.form_charts import level1_rate_bar, level1_rates

    form = heshan.detail.forms[0]
    rates = [(label, round(rate, 2)) for label, rate in level1_rates(form)]
    assert rates == [
        ("预算执行", 98.9),
        ("投入", 100.0),
        ("过程", 100.0),
        ("产出", 100.0),
        ("效益", 100.0),
        ("满意度", 90.0),
    ]
    fig = level1_rate_bar(form)
    assert list(fig.data[0].x) == [label for label, _ in rates]


def test_every_export_is_built_for_a_department_form(tmp_path):
    from openpyxl import load_workbook

    from jixiao.export.bundle import export_file

    written = export_file(SAMPLE, tmp_path)
    assert set(written) == {"pptx", "xlsx", "html", "docx"}
    assert all(Path(p).stat().st_size > 0 for p in written.values())
    ws = load_workbook(written["xlsx"]).worksheets[0]
    cells = [c for row in ws.iter_rows(values_only=True) for c in row]
    assert "益阳市赫山区科学技术协会" in cells and 138.43 in cells


# --- the fixture against the report it was rebuilt from (seed 001, a copy in tests/data) ------------
SEED_001 = ROOT / "tests" / "data" / "seed_001.txt"


def test_the_heshan_fixture_carries_the_report_own_numbers():
    import re

    text = SEED_001.read_text(encoding="utf-8")
    stated = re.search(
        r"整体支出绩效目标([\d.]+)万元，其中：基本支出\s*([\d.]+)万元，项目支出([\d.]+)万元", text
    )
    assert stated is not None
    whole, basic, project = (float(x) for x in stated.groups())
    lines = {line[0]: line[1] for line in heshan_spec().budget}  # label -> 年初预算数
    assert (lines["部门整体支出"], lines["其中：基本支出"], lines["项目支出"]) == (whole, basic, project)
    results = "".join(row[4] for row in heshan_spec().indicators)
    for fact in ("30场左右", "5万人次", "157场", "658个", "约3000人次", "60余篇", "5项", "0.7万元"):
        assert fact in text, fact
        assert fact in results, fact


def test_the_checker_raises_no_false_alarm_on_the_heshan_report():
    from jixiao.final_accounts import statements as stm

    # counts of people, events and 万人次 are not statements about money; nothing here is a change,
    # share or completion the checker could judge
    assert stm.check_text(SEED_001.read_text(encoding="utf-8")) == []


def test_the_heshan_form_saved_as_csv_reads_the_same(heshan):
    import csv
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(heshan_bytes())).active
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in ws.iter_rows(values_only=True):  # merged cells arrive blank, as Excel writes them
        writer.writerow(["" if v is None else v for v in row])
    ds = read_dataset(buf.getvalue().encode("utf-8-sig"), "heshan.csv")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    (form,) = ds.detail.forms
    (xlsx,) = heshan.detail.forms
    assert (form.name, form.adjusted, form.executed, form.reported_total) == (
        "益阳市赫山区科学技术协会",
        138.43,
        136.91,
        98.89,
    )
    assert codes(form) == codes(xlsx)
    assert form.group_scores() == xlsx.group_scores()


def test_other_words_for_points_and_score_read_the_same(heshan):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(heshan_bytes()))
    ws = wb.active
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "分值" and cell.row > 6:  # the indicator header's, not the budget block's
                cell.value = "标准分"
            elif cell.value == "得分" and cell.row > 6:
                cell.value = "自评得分"
    buf = io.BytesIO()
    wb.save(buf)
    (form,) = read_dataset(buf.getvalue(), "words.xlsx").detail.forms
    (reference,) = heshan.detail.forms
    assert [(i.weight, i.score) for i in form.indicators] == [
        (i.weight, i.score) for i in reference.indicators
    ]
    assert (form.reported_total, form.weights_total) == (98.89, 100.0)
    assert codes(form) == codes(reference)


# --- generated layouts ---------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

GROUPINGS = (
    ("投入", "过程", "产出", "效益"),
    ("履职效能", "管理效率", "社会效应"),
    ("产出", "效益", "满意度"),
)
UNITS = ("场", "次", "项", "万人次", "%", "篇", "个（套）")
UNIT_CHARS = "".join(set("".join(UNITS)))


@st.composite
def department_specs(draw):
    from department_forms import DeptSpec

    cents = st.integers(min_value=1, max_value=10**7)
    basic, project = draw(cents), draw(cents)
    spent_basic = draw(st.integers(min_value=0, max_value=basic))
    spent_project = draw(st.integers(min_value=0, max_value=project))
    whole, spent = basic + project, spent_basic + spent_project
    budget_score = round(10 * min(spent / whole, 1), 2)
    groups = draw(st.sampled_from(GROUPINGS))
    rows = []
    for k in range(draw(st.integers(min_value=1, max_value=6))):
        unit = draw(st.sampled_from(UNITS))
        target = draw(st.integers(min_value=1, max_value=5000))
        actual = draw(st.integers(min_value=0, max_value=6000))
        weight = draw(st.integers(min_value=1, max_value=20))
        score = draw(st.integers(min_value=0, max_value=weight * 10)) / 10
        rows.append(
            [
                draw(st.sampled_from(groups)),
                "二级",
                f"指标{k}",
                f"≥{target}{unit}",
                f"{actual}{unit}",
                weight,
                score,
                "原因",
            ]
        )
    rows.sort(key=lambda r: groups.index(r[0]))  # a form lists its groups in order
    total = round(budget_score + sum(r[6] for r in rows), 2)
    spec = DeptSpec(
        name=draw(st.sampled_from(["某县教育局", "某区卫生健康局", "某市科学技术协会"])),
        name_in_one_cell=draw(st.booleans()),
        budget=[
            ["部门整体支出", whole / 100, whole / 100, spent / 100, 10, "", budget_score],
            ["其中：基本支出", basic / 100, basic / 100, spent_basic / 100, "/", "", "/"],
            ["项目支出", project / 100, project / 100, spent_project / 100, "/", "", "/"],
        ],
        indicators=rows,
        total=[10 + sum(r[5] for r in rows), total],
    )
    return spec, draw(st.booleans()), (whole / 100, spent / 100, total)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(department_specs(), min_size=1, max_size=3))
def test_generated_department_forms_read_back_exactly(specs):
    data = department_workbook({"部门整体": [(spec, {"merge_level1": merge}) for spec, merge, _ in specs]})
    ds = read_dataset(data, "generated.xlsx")
    assert ds.kind == m.KIND_DEPARTMENT_FORM
    assert len(ds.detail.forms) == len(specs)
    for form, (spec, _, (whole, spent, total)) in zip(ds.detail.forms, specs):
        assert form.name == spec.name
        assert (form.adjusted, form.executed) == pytest.approx((whole, spent))
        assert form.reported_total == pytest.approx(total)
        read = [(i.level1, i.weight, i.score) for i in form.indicators]
        assert read == [(r[0], float(r[5]), r[6]) for r in spec.indicators]
        written = [
            (float(r[3][1:].rstrip(UNIT_CHARS)), float(r[4].rstrip(UNIT_CHARS))) for r in spec.indicators
        ]
        assert [(i.target, i.actual) for i in form.indicators] == written
        # the same unit on both sides: always recomputed, never a unit or parse finding
        assert all(i.recomputable and i.unit_note == "" for i in form.indicators)
        found = set(codes(form))
        assert not found & {
            "UNPARSEABLE_VALUE",
            "UNIT_MISMATCH",
            "FORM_TOTAL_MISMATCH",
            "BUDGET_PARTS_MISMATCH",
        }
