"""A "其中：" under a project is often a breakdown of part of it (其中：会议费), not its projects.

The headline total must not change because of it: the project is counted once, by its own row, and the
breakdown is said in a finding. Only children that add up to the row above make it a 小计. Numbers are
seed 002's (唐山市科学技术协会).
"""

from __future__ import annotations

import pytest

from jixiao.report import inspect_bytes
from jixiao.summary.layout import parent_spans
from tests.test_reader_choices import TANGSHAN, codes, found, xlsx

HEAD = ["序号", "项目名称", "调整预算数（万元）", "实际执行数（万元）"]
KEJI = TANGSHAN["科协本级"]  # 10/6, 39/39, 5/5, 2/2, 832.52/802.51
KEJIGUAN = TANGSHAN["科技馆"]  # 619/400.74, 1081.95/109.47, 60/60


def _doc(rows):
    return inspect_bytes(xlsx(("Sheet1", [HEAD, *rows])), "t.xlsx")


def _names(doc):
    return [r["project"] for r in doc["rows"]]


def _sums(projects):
    return round(sum(p[1] for p in projects), 2), round(sum(p[2] for p in projects), 2)


@pytest.mark.parametrize(
    "breakdown",
    [
        [("其中：会议费", 5, 5)],  # one line
        [("其中：会议费", 5, 5), ("其中：培训费", 2, 2)],  # each line marked
        [("其中：会议费", 5, 5), ("（2）培训费", 2, 2)],  # marked, then numbered
        [("其中:会议费", 5, 5)],  # half-width colon
        [("其中 会议费", 5, 5)],  # no colon
    ],
)
def test_a_partial_breakdown_is_not_counted_and_the_next_projects_stay_projects(breakdown):
    projects = [KEJI[0], KEJI[1], KEJI[4], *KEJIGUAN]
    rows = [[1, *KEJI[0]], [2, *KEJI[1]], *([None, *b] for b in breakdown)]
    rows += [[k, *p] for k, p in enumerate([KEJI[4], *KEJIGUAN], 3)]
    doc = _doc(rows)
    assert _names(doc) == [p[0] for p in projects]
    budget, executed = _sums(projects)
    assert doc["totals"]["budget"] == budget and doc["totals"]["executed"] == executed
    part = found(doc, "PARTIAL_BREAKDOWN")
    assert len(part) == 1 and KEJI[1][0] in part[0]["message"]
    assert "39.00" in part[0]["message"] and f"{len(breakdown)} 个" in part[0]["message"]
    assert not found(doc, "PARENT_ROW") and "TOTAL_MISMATCH" not in codes(doc)


def test_unmarked_rows_after_a_partial_breakdown_are_not_absorbed_when_they_fit():
    """832.52 would not fit under 1081.95 with 60, but 60 alone fits: fitting is not adding up."""
    rows = [[1, *KEJIGUAN[0]], [2, *KEJIGUAN[1]], [None, "其中：设计费", 300, 100]]
    rows += [[3, *KEJIGUAN[2]], [4, *KEJI[4]]]
    doc = _doc(rows)
    projects = [KEJIGUAN[0], KEJIGUAN[1], KEJIGUAN[2], KEJI[4]]
    assert _names(doc) == [p[0] for p in projects]
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == _sums(projects)
    assert len(found(doc, "PARTIAL_BREAKDOWN")) == 1 and not found(doc, "PARENT_ROW")


def test_unmarked_rows_after_a_first_marked_child_join_when_they_add_up():
    parent = ("唐山市老科协各项经费", 46, 46)
    rows = [[1, *KEJI[0]], [2, *parent], [None, "其中：" + KEJI[1][0], *KEJI[1][1:]]]
    rows += [[None, *KEJI[2]], [None, *KEJI[3]], [3, *KEJI[4]]]
    doc = _doc(rows)
    assert _names(doc) == [p[0] for p in KEJI]
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == _sums(KEJI)
    assert len(found(doc, "PARENT_ROW")) == 1 and not found(doc, "PARTIAL_BREAKDOWN")
    assert [t["label"] for t in doc["reported_totals"]] == [parent[0]]


def test_children_that_add_up_in_money_spent_only_are_still_the_projects():
    parent = ("唐山市老科协各项经费", 50, 46)  # budget printed before an adjustment: spent adds up
    rows = [[1, *parent], *([None, "其中：" + k[0], *k[1:]] for k in KEJI[1:4])]
    doc = _doc(rows)
    assert _names(doc) == [k[0] for k in KEJI[1:4]]
    assert len(found(doc, "PARENT_ROW")) == 1 and "TOTAL_MISMATCH" in codes(doc)


def test_children_above_their_parent_are_a_mismatch_not_a_breakdown():
    rows = [[1, "唐山市老科协各项经费", 40, 40], *([None, "其中：" + k[0], *k[1:]] for k in KEJI[1:4])]
    doc = _doc(rows)
    assert _names(doc) == [k[0] for k in KEJI[1:4]]
    assert doc["totals"]["budget"] == 46 and not found(doc, "PARTIAL_BREAKDOWN")
    assert "TOTAL_MISMATCH" in codes(doc)


def test_two_partial_breakdowns_in_one_table():
    rows = [[1, *KEJIGUAN[0]], [None, "其中：展品更新", 100, 80], [2, *KEJIGUAN[1]]]
    rows += [[None, "其中：布展设计", 200, 50], [None, "其中：监理", 20, 10], [3, *KEJIGUAN[2]]]
    doc = _doc(rows)
    assert _names(doc) == [p[0] for p in KEJIGUAN]
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == _sums(KEJIGUAN)
    assert len(found(doc, "PARTIAL_BREAKDOWN")) == 2


def test_spans_directly():
    names = ["A", "其中：x", "B", "C", "D", "（1）e", "（2）f"]
    budgets = [100.0, 40.0, 30.0, 50.0, 9.0, 4.0, 5.0]
    spans, partial = parent_spans(names, budgets)
    assert spans == [(4, 5, 6)] and partial == [(0, 1, 1)]
    # the same, but B makes the sum: B is a child
    spans, partial = parent_spans(names, [100.0, 40.0, 60.0, 50.0, 9.0, 4.0, 4.0])
    assert spans == [(0, 1, 2)] and partial == []


@pytest.mark.parametrize(
    "form",
    ["序号列", "（其中）", "含：", "其中 row", "其中: row", "（其中） row"],
)
def test_every_way_of_writing_qizhong_marks_a_breakdown(form):
    """ "其中" in the 序号 column, in brackets, as 含：, or on a row of its own above the part."""
    part = ("会议费", 5, 5)
    if form == "序号列":
        marked = [["其中", *part]]
    elif form.endswith(" row"):
        marked = [[None, form.removesuffix(" row"), None, None], [None, *part]]
    else:
        marked = [[None, f"{form}{part[0]}", *part[1:]]]
    rows = [[1, *KEJI[0]], [2, *KEJI[1]], *marked, [3, *KEJI[4]]]
    doc = _doc(rows)
    projects = [KEJI[0], KEJI[1], KEJI[4]]
    assert _names(doc) == [p[0] for p in projects]
    assert (doc["totals"]["budget"], doc["totals"]["executed"]) == _sums(projects)
    part_found = found(doc, "PARTIAL_BREAKDOWN")
    assert len(part_found) == 1 and "行，1 个）" in part_found[0]["message"]
    assert not [r for r in doc["rows"] if r["unit"] == "其中"]  # a 其中 row is no unit heading


def test_a_qizhong_row_of_its_own_over_parts_that_add_up():
    parent = ("唐山市老科协各项经费", 46, 46)
    rows = [[1, *parent], [None, "其中：", None, None], *([None, *k] for k in KEJI[1:4]), [2, *KEJI[4]]]
    doc = _doc(rows)
    assert _names(doc) == [k[0] for k in KEJI[1:5]]
    assert len(found(doc, "PARENT_ROW")) == 1 and "TOTAL_MISMATCH" not in codes(doc)


def test_a_place_name_starting_with_han_is_a_project():
    rows = [[1, "含山县科普活动", 10, 8], [2, "含山县科技馆运行", 20, 19]]
    doc = _doc(rows)
    assert _names(doc) == ["含山县科普活动", "含山县科技馆运行"] and doc["totals"]["budget"] == 30
