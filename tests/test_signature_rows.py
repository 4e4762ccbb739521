"""The signing lines under a 汇总表 (填表人, 负责人, 联系电话, 填报日期) are not projects — even when the
telephone number sits in a money column, where it made the headline 执行数 billions of 万元."""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from tests.test_reader_choices import xlsx

HEADER = ["序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "预算执行率", "自评得分"]
BODY = [
    [1, "科普活动经费", 100.0, 90.0, "90.00%", 92],
    [2, "学会服务能力提升", 50.0, 50.0, "100.00%", 95],
    [3, "科技馆运行保障", 80.0, 60.0, "75.00%", 85],
]
TOTAL = ["", "合计", 230.0, 200.0, "86.96%", ""]
PHONE = 13812345678

FOOTERS = {
    "phone in 执行数": [["", "填表人：张三", "联系电话", PHONE]],
    "phone in 预算数, label in 序号": [["填表人：", "张三", PHONE]],
    "phone in 得分": [["", "联系电话：", "", "", "", PHONE]],
    "two lines": [["单位负责人：王五", "财务负责人：赵六"], ["", "填报人：李四", "电话", 8342222222]],
    "date and phone": [["", "填报日期：2024年3月15日", "手机：", PHONE]],
    "label alone": [["", "联系人", "张三", 28881234]],
    "stamp": [["", "（盖章）", 2024.0, 3.0]],
}


def _read(rows):
    return inspect_bytes(xlsx(("Sheet1", rows)), "汇总表.xlsx")


@pytest.mark.parametrize("total", [True, False], ids=["合计", "no 合计"])
@pytest.mark.parametrize("footer", list(FOOTERS))
def test_signing_lines_with_numbers_are_not_projects(footer, total):
    rows = [["2023年度项目支出绩效自评汇总表"], HEADER, *BODY, *([TOTAL] if total else []), *FOOTERS[footer]]
    doc = _read(rows)
    assert doc["projects"] == 3
    assert doc["totals"]["budget"] == 230.0 and doc["totals"]["executed"] == 200.0
    said = [f for f in doc["findings"] if f["code"] == "SIGNATURE_ROWS"]
    assert len(said) == 1 and "签字栏" in said[0]["message"]
    assert f"第{len(rows)}行" in said[0]["message"]  # the line with the number (a line without is a note)
    assert not [f for f in doc["findings"] if f["severity"] == "error"]


@pytest.mark.parametrize(
    "name",
    ["负责人培训班经费", "电话回访满意度调查", "审核工作经费", "日期不详的结转项目", "联系人才工作站建设"],
)
def test_projects_named_with_those_words_stay_projects(name):
    body = [*BODY, [4, name, 20.0, 20.0, "100.00%", 100]]
    doc = _read([HEADER, *body, ["", "合计", 250.0, 220.0, "88.00%", ""]])
    assert doc["projects"] == 4 and doc["totals"]["budget"] == 250.0
    assert name in [r["project"] for r in doc["rows"]]
    assert "SIGNATURE_ROWS" not in [f["code"] for f in doc["findings"]]


def test_a_contact_in_a_remarks_column_leaves_the_project_alone():
    header = [*HEADER, "备注"]
    body = [[*r, ""] for r in BODY]
    body[-1][-1] = "联系人：张三"  # right of the project's name: a remark, not a signing line
    doc = _read([header, *body])
    assert doc["projects"] == 3 and doc["rows"][-1]["project"] == "科技馆运行保障"


def test_signing_lines_in_a_csv_too():
    lines = [
        ",".join(str(x) for x in r) for r in [HEADER, *BODY, TOTAL, ["", "填表人：张三", "联系电话", PHONE]]
    ]
    doc = inspect_bytes("\n".join(lines).encode("gbk"), "汇总表.csv")
    assert doc["projects"] == 3 and doc["totals"]["executed"] == 200.0


@pytest.mark.parametrize(
    "footer",
    [
        ["填表人：张三", "", PHONE],
        ["联系电话", PHONE, "", ""],
        ["", "", "", "", 2024.0],
        ["填报日期：", 2024, 3, 15],
    ],
)
def test_signing_lines_of_a_monthly_table_are_not_projects(footer):
    from jixiao.ingest.workbook import load_sheets
    from jixiao.monitor.read import read_monthly_sheets

    header = ["项目名称", "预算数（万元）", "1月", "2月", "3月"]
    body = [["科普活动经费", 100.0, 10.0, 20.0, 30.0], ["学会服务能力提升", 50.0, 5.0, 5.0, 10.0]]
    rows = [["2023年1-3月项目支出执行进度表"], header, *body, footer]
    t = read_monthly_sheets(load_sheets(xlsx(("Sheet1", rows)), "m.xlsx"), "m.xlsx")
    if footer[0] == "":
        # no label: an unnamed row with money is not a signing line and is not taken for one
        assert "SIGNATURE_ROWS" not in [f.code for f in t.findings]
        return
    assert t.projects["project"].tolist() == ["科普活动经费", "学会服务能力提升"]
    assert [f.code for f in t.findings].count("SIGNATURE_ROWS") == 1


def _with_footer(data: bytes, *lines: list) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for line in lines:
            ws.append(line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    "lines",
    [
        [["单位负责人：王五", "", "财务负责人：赵六", "", "填表人：张三", PHONE]],
        [
            ["注：本表反映部门本年度的总收支情况。"],
            ["单位负责人：", "王五", "填表人：", "张三", "联系电话：", PHONE],
        ],
        [["填报日期：", "2024年3月15日", "审核人：李四"]],
    ],
)
def test_signing_lines_under_the_public_tables_are_not_read_as_amounts(lines):
    from dataclasses import asdict

    from jixiao.final_accounts.template import read_template
    from tests.conftest import SAMPLE_DATA
    from tests.official_tables import official_workbook

    sample = SAMPLE_DATA / "liangshan_2023_final_accounts.xlsx"
    year = read_template(sample.read_bytes(), sample.name)[0].year(2023)
    plain = read_template(official_workbook(year), "凉山州科协2023年度部门决算.xlsx")[0].year(2023)
    fa, findings = read_template(
        _with_footer(official_workbook(year), *lines), "凉山州科协2023年度部门决算.xlsx"
    )
    assert asdict(fa.year(2023)) == asdict(plain)
    assert [f.message for f in findings if f.severity != "info"] == []


def test_signing_lines_under_the_forms_change_nothing():
    from jixiao.read import read_dataset
    from tests.conftest import SAMPLE_DATA

    data = (SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx").read_bytes()
    signed = _with_footer(
        data,
        ["填表人：张三", "", "联系电话：", PHONE],
        ["单位负责人：", "李四", "", "", "填报日期：", "2024-03-15"],
    )

    def figures(ds):
        return [(f.adjusted, f.executed, f.reported_total, len(f.indicators)) for f in ds.detail.forms]

    before, after = read_dataset(data, "f.xlsx"), read_dataset(signed, "f.xlsx")
    assert figures(after) == figures(before)
    assert sorted(f.code for f in after.table.findings) == sorted(f.code for f in before.table.findings)
