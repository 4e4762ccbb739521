"""A table kept up year after year: a 年度 column whose rows hold 2022 and 2023. Adding the years made
a headline no year had; the report year's rows are read, the others left out and said (seed 002's
numbers, 2022 at 90 %)."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_import_choices_page import _key
from tests.test_pages import assert_clean, go, metrics, new_app, submit, upload
from tests.test_reader_choices import BUDGET, EXECUTED, PROJECTS, codes, found, xlsx

LAST_YEAR = round(sum(round(b * 0.9, 2) for _, _, b, _ in PROJECTS), 2)


def _long(cell=lambda y: y, head="年度", title="项目支出执行情况", with_totals=False):
    rows = [[title], [head, "项目名称", "预算数（万元）", "执行数（万元）"]]
    for year, scale in ((2022, 0.9), (2023, 1.0)):
        part = [[cell(year), n, round(b * scale, 2), round(e * scale, 2)] for _, n, b, e in PROJECTS]
        rows += part
        if with_totals:
            rows.append(
                [f"{year}年合计", None, round(sum(r[2] for r in part), 2), round(sum(r[3] for r in part), 2)]
            )
    return xlsx(("Sheet1", rows))


@pytest.mark.parametrize(
    "cell",
    [lambda y: y, lambda y: f"{y}年", lambda y: f"{y}年度", lambda y: str(y)],
    ids=["number", "年", "年度", "text"],
)
@pytest.mark.parametrize("head", ["年度", "年份", "预算年度"])
def test_the_latest_year_is_read_and_the_others_are_said(cell, head):
    doc = inspect_bytes(_long(cell, head), "t.xlsx")
    assert doc["projects"] == len(PROJECTS)
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == (BUDGET, EXECUTED)
    said = found(doc, "YEARS_IN_ROWS")
    assert len(said) == 1 and said[0]["severity"] == "warning" and "2022、2023" in said[0]["message"]
    assert "DUPLICATE_PROJECT" not in codes(doc)


def test_the_title_year_wins_over_the_latest():
    doc = inspect_bytes(_long(title="2022年度项目支出执行情况"), "t.xlsx")
    assert doc["totals"]["budget"] == LAST_YEAR


def test_each_years_total_goes_with_its_rows():
    doc = inspect_bytes(_long(with_totals=True), "t.xlsx")
    assert doc["totals"]["budget"] == BUDGET
    assert [t["label"] for t in doc["reported_totals"]] == ["2023年合计"]
    assert "TOTAL_MISMATCH" not in codes(doc)


def test_a_year_each_project_began_is_no_year_of_the_table():
    """立项年度 as 年度: every project once, in different years. All are this table's projects."""
    rows = [["年度", "项目名称", "预算数（万元）", "执行数（万元）"]]
    rows += [[2019 + k % 4, n, b, e] for k, (_, n, b, e) in enumerate(PROJECTS)]
    doc = inspect_bytes(xlsx(("Sheet1", rows)), "t.xlsx")
    assert doc["projects"] == len(PROJECTS) and not found(doc, "YEARS_IN_ROWS")


def test_the_year_is_changed_on_the_import_page():
    at = upload(new_app(), "多年.xlsx", _long())
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == f"{BUDGET:,.2f}"
    go(at, "import")
    at.number_input(key=_key(at, "remap_year_")).set_value(2022)
    submit(at)
    assert_clean(at)
    go(at, "overview")
    assert metrics(at)["预算总额（万元）"] == f"{LAST_YEAR:,.2f}"


def test_the_year_read_is_the_year_the_save_form_and_headings_offer():
    at = upload(new_app(), "多年项目表.xlsx", _long())
    assert at.session_state["save_year"] == 2023
    go(at, "overview")
    assert "2023年" in at.main.title[0].value
