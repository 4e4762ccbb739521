"""The statement checker (jixiao.final_accounts.statements) and its CLI, ``python -m jixiao check-text``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import narrative
from jixiao.final_accounts import statement_text as fa_statement_text
from jixiao.final_accounts import statements as stm
from jixiao.final_accounts import template as fa_template
from jixiao.final_accounts.figures import FinalAccounts, YearFigures
from jixiao.model import IngestError

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SEED = DATA / "seed_004.txt"
REFERENCE = DATA / "liangshan_2023_final_accounts.json"


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def figures() -> FinalAccounts:
    return fa_template.liangshan_sample(json.loads(REFERENCE.read_text(encoding="utf-8")))


def _one(text: str, figures: FinalAccounts | None = None) -> fa_statement_text.Statement:
    found = stm.check_text(text, figures)
    assert len(found) == 1, [s.text for s in found]
    return found[0]


def _find(found: list[fa_statement_text.Statement], fragment: str) -> fa_statement_text.Statement:
    hits = [s for s in found if fragment in s.text]
    assert len(hits) == 1, (fragment, [s.text for s in hits])
    return hits[0]


# --- seed 004: the report's own sentences ------------------------------------------------------
@pytest.mark.parametrize("with_figures", [False, True])
def test_seed_wrong_statements_are_found(seed_text: str, figures: FinalAccounts, with_figures: bool) -> None:
    found = stm.check_text(seed_text, figures if with_figures else None)
    totals = _find(found, "收、支总计各减少3.42万元，下降4%")
    assert (totals.status, totals.stated, totals.computed) == (fa_statement_text.INCONSISTENT, -4.0, -0.39)
    assert totals.correct_text == "减少3.42万元，下降0.39%"
    three = _find(found, "下降647.24%")
    assert (three.status, three.computed) == (fa_statement_text.INCONSISTENT, -86.62)
    admin = _find(found, "机关运行经费支出51.17万元，比2022年度增加1.84万元，增长37.3%")
    assert (admin.status, admin.computed) == (fa_statement_text.INCONSISTENT, 3.73)
    # 图4 (its 减少 is missing, the 下降 still says which way) and 图5 repeat the wrong 4%.
    assert _find(found, "财政拨款收、支总计各3.42万元，下降4%").status == fa_statement_text.INCONSISTENT
    assert (
        _find(found, "一般公共预算财政拨款支出减少3.42万元，下降4%").status == fa_statement_text.INCONSISTENT
    )
    assert [s.status for s in found].count(fa_statement_text.INCONSISTENT) == 5


@pytest.mark.parametrize("with_figures", [False, True])
def test_seed_correct_statements_are_left_alone(
    seed_text: str, figures: FinalAccounts, with_figures: bool
) -> None:
    found = stm.check_text(seed_text, figures if with_figures else None)
    science = _find(found, "科学技术支出701.17万元，占80.22%")
    assert (science.status, science.computed) == (fa_statement_text.CONSISTENT, 80.22)
    car = _find(found, "较上年度减少49.23万元，下降86.92%")
    assert (car.status, car.computed) == (fa_statement_text.CONSISTENT, -86.92)
    reception = _find(found, "增加0.04万元，增长27%")  # 26.67% printed as a whole percent
    assert (reception.status, reception.computed) == (fa_statement_text.CONSISTENT, 26.67)
    completion = _find(found, "完成预算142.24%")
    if with_figures:
        assert (completion.status, completion.computed, completion.basis) == (
            fa_statement_text.CONSISTENT,
            142.24,
            "决算数据",
        )
    else:  # the sentence has no 预算数: nothing to recompute it from
        assert (completion.status, completion.ok) == (fa_statement_text.UNCHECKED, None)


def test_seed_rounding_differences_are_not_errors(seed_text: str) -> None:
    found = stm.check_text(seed_text)
    basic = _find(found, "基本支出468.99万元，占53.65%")  # 53.657 cut off, not rounded
    assert (basic.status, basic.computed) == (fa_statement_text.ROUNDING, 53.66)
    housing = _find(found, "住房保障支出25.74万元，占2.95%")  # 2.94, nudged so the list adds to 100
    assert housing.status == fa_statement_text.ROUNDING
    # 7.41/7.6 is 97.50%; the report divided unrounded 元 figures (7.4124/7.5982 = 97.55%).
    car = _find(found, "公务用车购置及运行维护费支出决算7.41万元，占97.55%")
    assert (car.status, car.computed) == (fa_statement_text.ROUNDING, 97.5)
    assert _find(found, "公务接待费支出决算0.19万元，占2.44%").status == fa_statement_text.ROUNDING


def test_every_seed_verdict(seed_text: str, figures: FinalAccounts) -> None:
    """Each statement the checker finds in seed 004, read and judged by hand."""
    for with_figures in (False, True):
        found = stm.check_text(seed_text, figures if with_figures else None)
        counts = stm.summary(found)
        assert counts[fa_statement_text.INCONSISTENT] == 5
        assert counts[fa_statement_text.ROUNDING] == 4
        shares = [s for s in found if s.kind == fa_statement_text.KIND_SHARE]
        # 图2 8, 图3 5, 图5 1, 图6 7, 图7 3, 政府采购 2, and 12 in the 附件
        assert len(shares) == 38
        assert all(s.status in (fa_statement_text.CONSISTENT, fa_statement_text.ROUNDING) for s in shares)
        # 65.18% is of 614.51, the 年初预算 named before its own 其中, not of 874.05
        assert _find(found, "占当年拨入总额的65.18%").computed == 65.18
        placeholder = _find(found, "增加/减少0万元，增长/下降0%")
        assert placeholder.status == fa_statement_text.UNCHECKED and "占位" in placeholder.note
        # no amount, and no 2022 项目支出 in the figures (the 附件 says it twice)
        assert [s.status for s in found if "减幅8%" in s.text] == [fa_statement_text.UNCHECKED] * 2
        completions = [s for s in found if s.kind == fa_statement_text.KIND_COMPLETION]
        # 142.24% once; the 14 功能分类 items 19 times (five say it twice); 三公 and its three items 4
        assert len(completions) == 24
        assert {s.status for s in completions} == (
            {fa_statement_text.CONSISTENT, fa_statement_text.UNCHECKED}
            if with_figures
            else {fa_statement_text.UNCHECKED}
        )


@pytest.mark.parametrize("layout", ["one paragraph", "wrapped like a PDF copy"])
def test_seed_verdicts_do_not_depend_on_line_breaks(seed_text: str, layout: str) -> None:
    import textwrap

    if layout == "one paragraph":
        text = seed_text.replace("\n", "")
    else:
        text = "\n".join("\n".join(textwrap.wrap(line, 29)) for line in seed_text.split("\n"))
    expected = [(s.kind, s.stated, s.status) for s in stm.check_text(seed_text)]
    assert [(s.kind, s.stated, s.status) for s in stm.check_text(text)] == expected


# --- texts of our own ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        (
            "2023年度本年收入合计1,250.00万元，比上年增加250.00万元，增长25%。",
            fa_statement_text.CONSISTENT,
            25.0,
        ),
        ("项目支出1,020万元，较上年度减少120万元，下降10.53%。", fa_statement_text.CONSISTENT, -10.53),
        ("项目支出1,020万元，较上年度减少120万元，下降10.5%。", fa_statement_text.CONSISTENT, -10.53),
        ("项目支出1,020万元，较上年度减少120万元，下降12%。", fa_statement_text.INCONSISTENT, -10.53),
        ("公用经费80万元，同比增加5万元，增长6.67%。", fa_statement_text.CONSISTENT, 6.67),
        ("公用经费80万元，同比增加5万元，增长6.66%。", fa_statement_text.ROUNDING, 6.67),
        ("公用经费80万元，同比增加5万元，增长了6.7%。", fa_statement_text.CONSISTENT, 6.67),
        ("公用经费80万元，同比增加5万元，增幅为66.7%。", fa_statement_text.INCONSISTENT, 6.67),
        (
            "2023年度支出2,000万元。与2022年度相比，支出减少500万元，下降20%。",
            fa_statement_text.CONSISTENT,
            -20.0,
        ),
        ("会议费支出12.5万元，比2022年多2.5万元，增长25%。", fa_statement_text.CONSISTENT, 25.0),
        ("培训费支出１２万元，比上年增加２万元，增长２０％。", fa_statement_text.CONSISTENT, 20.0),
    ],
)
def test_change_statements(text: str, status: str, computed: float) -> None:
    s = _one(text)
    assert s.kind == fa_statement_text.KIND_CHANGE
    assert (s.status, s.computed) == (status, computed)
    assert s.ok is (status != fa_statement_text.INCONSISTENT)


def test_direction_words_that_contradict_each_other() -> None:
    s = _one("支出100万元，比上年增加10万元，下降11.11%。")
    assert s.status == fa_statement_text.INCONSISTENT
    assert "矛盾" in s.note


def test_change_from_zero_cannot_be_rated() -> None:
    s = _one("设备购置费30万元，比上年增加30万元，增长100%。")
    assert (s.status, s.ok, s.computed) == (fa_statement_text.UNCHECKED, None, None)
    assert "上年为0" in s.note


def test_rate_without_amount_needs_the_figures() -> None:
    assert _one("机关运行经费比上年增长5%。").status == fa_statement_text.UNCHECKED
    fa = FinalAccounts(
        years=[2022, 2023],
        data={2022: YearFigures(admin_operating=40), 2023: YearFigures(admin_operating=42)},
    )
    s = _one("2023年度机关运行经费支出42万元，同比增长5%。", fa)
    assert (s.status, s.basis) == (fa_statement_text.CONSISTENT, fa_statement_text.BASIS_FIGURES)
    s = _one("2023年度机关运行经费支出42万元，同比增长6%。", fa)
    assert (s.status, s.correct_text) == (fa_statement_text.INCONSISTENT, "增加2.00万元，增长5.00%")


def test_a_change_of_counted_things_is_not_tied_to_an_amount() -> None:
    fa = FinalAccounts(
        years=[2022, 2023],
        data={2022: YearFigures(admin_operating=40), 2023: YearFigures(admin_operating=42)},
    )
    s = _one("2023年度机关运行经费支出42万元。在职人员较上年增加3人，增长10%。", fa)
    assert s.status == fa_statement_text.UNCHECKED  # not 不一致 against the 5% of 机关运行经费
    s = _one("机关运行经费支出42万元，在职人员较上年增加3人，增长10%。", fa)
    assert s.status == fa_statement_text.UNCHECKED
    s = _one("机关运行经费支出42万元，在职人员与上年持平。", fa)
    assert s.status == fa_statement_text.UNCHECKED
    # Counted things beside a change of money do not stop the check.
    s = _one("公务接待费支出决算为42万元，国内公务接待5批次、50人次，比上年增加2万元，增长5%。", fa)
    assert s.status == fa_statement_text.CONSISTENT


def test_flat_statements_against_the_figures() -> None:
    same = FinalAccounts(
        years=[2022, 2023],
        data={2022: YearFigures(admin_operating=50), 2023: YearFigures(admin_operating=50)},
    )
    up = FinalAccounts(
        years=[2022, 2023],
        data={2022: YearFigures(admin_operating=45), 2023: YearFigures(admin_operating=50)},
    )
    text = "2023年度机关运行经费支出50万元，与上年持平。"
    assert _one(text, same).status == fa_statement_text.CONSISTENT
    wrong = _one(text, up)
    assert (wrong.status, wrong.correct_text) == (fa_statement_text.INCONSISTENT, "增加5.00万元，增长11.11%")
    assert (
        _one(text).status == fa_statement_text.UNCHECKED
    )  # without figures "持平" has nothing to check against
    # 决算与预算数持平 compares with the budget, not with last year: not a change statement.
    assert stm.check_text("支出决算为基本支出12万元，决算与预算数持平。") == []


def test_stated_change_amount_is_checked_against_the_figures(figures: FinalAccounts) -> None:
    s = _one(
        "2023年度收、支总计均为874.05万元。与2022年度相比，收、支总计各减少3.5万元，下降0.39%。", figures
    )
    assert s.status == fa_statement_text.INCONSISTENT
    assert "增减额应为-3.42万元" in s.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "本年支出合计2,000万元，其中：基本支出1,500万元，占75%；项目支出500万元，占25%。",
            [(fa_statement_text.CONSISTENT, 75.0), (fa_statement_text.CONSISTENT, 25.0)],
        ),
        (
            "本年支出合计2,000万元，其中：基本支出1,500万元，占70%；项目支出500万元，占25%。",
            [(fa_statement_text.INCONSISTENT, 75.0), (fa_statement_text.CONSISTENT, 25.0)],
        ),
        (
            "本年支出合计8,740,500.00元，其中：基本支出4,689,900.00元，占53.66%；项目支出4,050,600.00元，占46.34%。",
            [(fa_statement_text.CONSISTENT, 53.66), (fa_statement_text.CONSISTENT, 46.34)],
        ),
        (
            "差旅费18万元，占比30%；会议费12万元，占比20%；培训费30万元，占比50%。",
            [
                (fa_statement_text.CONSISTENT, 30.0),
                (fa_statement_text.CONSISTENT, 20.0),
                (fa_statement_text.CONSISTENT, 50.0),
            ],
        ),
        ("差旅费18万元，占30%。", [(fa_statement_text.UNCHECKED, None)]),
        (
            # a share of a share: each is taken of the whole it names
            "政府采购支出总额120万元，其中：货物支出20万元、服务支出100万元。授予中小企业合同金额100万元，"
            "占政府采购支出总额的83.33%，其中：授予小微企业合同金额60万元，占授予中小企业合同金额的60%。",
            [(fa_statement_text.CONSISTENT, 83.33), (fa_statement_text.CONSISTENT, 60.0)],
        ),
    ],
)
def test_share_statements(text: str, expected: list[tuple[str, float | None]]) -> None:
    assert [(s.status, s.computed) for s in stm.check_text(text)] == expected


def test_completion_with_the_budget_in_the_sentence() -> None:
    assert (
        _one("年初预算500万元，全年支出决算450万元，完成年初预算的90%。").status
        == fa_statement_text.CONSISTENT
    )
    wrong = _one("年初预算500万元，全年支出决算450万元，完成年初预算的95%。")
    assert (wrong.status, wrong.correct_text) == (fa_statement_text.INCONSISTENT, "90.00%")


def test_statement_dicts_have_the_cli_fields() -> None:
    d = _one("公用经费80万元，同比增加5万元，增长6.67%。").to_dict()
    assert {"text", "kind", "stated", "computed", "ok", "status"} <= set(d)
    assert d["kind"] == "change" and d["ok"] is True


# --- files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("span", [None, "1000000000"])
def test_txt_in_gbk_and_docx_are_read(span) -> None:
    """With ``span`` a second cell claims to span a billion columns: python-docx's own cell grid would
    build a billion-cell row (the worker's limits then refused the file); the text is read without it."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    text = "2023年度收、支总计均为874.05万元。与2022年度相比，收、支总计各减少3.42万元，下降4%。"
    assert stm.check_bytes(text.encode("gbk"), "说明.txt")[0].status == fa_statement_text.INCONSISTENT
    doc = Document()
    doc.add_paragraph("2023年度收、支总计均为874.05万元。")
    doc.add_paragraph("与2022年度相比，收、支总计各减少3.42万元，下降4%。")
    table = doc.add_table(rows=1, cols=2 if span else 1)
    table.cell(0, 0).text = "本年支出合计100万元，其中：基本支出60万元，占60%；项目支出40万元，占40%。"
    if span:
        wide = OxmlElement("w:gridSpan")
        wide.set(qn("w:val"), span)
        table.rows[0]._tr.tc_lst[1].get_or_add_tcPr().append(wide)
    buf = io.BytesIO()
    doc.save(buf)
    found = stm.check_bytes(buf.getvalue(), "说明.docx")
    assert [s.status for s in found] == [
        fa_statement_text.INCONSISTENT,
        fa_statement_text.CONSISTENT,
        fa_statement_text.CONSISTENT,
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.txt", "空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.doc", ".doc"),
        (b"%PDF-1.7 ...", "a.pdf", "PDF"),
        (b"PK\x03\x04 not really a docx", "a.docx", "损坏"),
    ],
)
def test_unreadable_files_give_chinese_errors(data: bytes, name: str, message: str) -> None:
    with pytest.raises(IngestError) as info:
        fa_statement_text.read_text(data, name)
    assert message in info.value.message


# --- property: the generated sentences always hold -----------------------------------------------
cents = st.integers(min_value=0, max_value=50_000_000).map(lambda c: c / 100)
positive = st.integers(min_value=1, max_value=50_000_000).map(lambda c: c / 100)


@st.composite
def year_figures(draw: st.DrawFn, car_style: str) -> YearFigures:
    total = draw(cents)
    yf = YearFigures(income_total=total, expenditure_total=total if draw(st.booleans()) else draw(cents))
    yf.income = draw(st.dictionaries(st.sampled_from(fam.INCOME_SOURCES), cents, max_size=4))
    yf.expenditure = draw(st.dictionaries(st.sampled_from(fam.EXPENDITURE_ITEMS), cents, max_size=3))
    # Declared 合计 are the sum of their items, absent, or (inconsistent data) anything at all.
    yf.income_current = draw(st.sampled_from([fam._sum(yf.income.values()), None]) | positive)
    yf.expenditure_current = draw(st.sampled_from([fam._sum(yf.expenditure.values()), None]) | positive)
    yf.fiscal_total = draw(st.none() | cents)
    yf.by_function = draw(st.dictionaries(st.sampled_from(fam.FUNCTION_CLASSES), cents, max_size=5))
    yf.general_budget_expenditure = draw(st.sampled_from([fam._sum(yf.by_function.values()), None]) | cents)
    yf.general_budget_initial_budget = draw(st.none() | positive)
    items = [
        fam.OVERSEAS,
        fam.RECEPTION,
        *((fam.CAR_COMBINED,) if car_style == "combined" else (fam.CAR_PURCHASE, fam.CAR_OPERATION)),
    ]
    yf.three_public = draw(st.fixed_dictionaries({k: cents for k in items}))
    yf.personnel, yf.public_use = draw(cents), draw(cents)
    yf.admin_operating = draw(st.none() | cents)
    return yf


@st.composite
def accounts(draw: st.DrawFn) -> FinalAccounts:
    before = draw(year_figures(draw(st.sampled_from(["combined", "split"]))))
    now = draw(year_figures("split"))
    return FinalAccounts(unit="某单位", years=[2022, 2023], data={2022: before, 2023: now})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts(), st.booleans())
def test_generated_sentences_are_judged_consistent(fa: FinalAccounts, one_paragraph: bool) -> None:
    text = narrative.full_text(fa, 2023)
    if one_paragraph:  # pasted without its line breaks
        text = text.replace("\n", "")
    with_figures = stm.check_text(text, fa)
    assert with_figures, text
    assert [(s.text, s.status) for s in with_figures if s.status != fa_statement_text.CONSISTENT] == []
    # From the text alone, nothing the report generator wrote may look wrong.
    assert [
        (s.text, s.status) for s in stm.check_text(text) if s.status == fa_statement_text.INCONSISTENT
    ] == []


# --- CLI -----------------------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", "check-text", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_check_text_json() -> None:
    done = _cli("tests/data/seed_004.txt", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    bad = [s for s in doc["statements"] if s["ok"] is False]
    assert len(bad) == 5 and all(s["status"] == "不一致" for s in bad)
    assert {s["kind"] for s in doc["statements"]} == {"change", "share", "completion"}
    first = doc["statements"][0]
    assert (first["kind"], first["stated"], first["computed"], first["ok"]) == ("change", -4.0, -0.39, False)
    assert any(s["ok"] is None for s in doc["statements"])


@pytest.mark.parametrize(
    "figures",
    ["tests/data/liangshan_2023_final_accounts.json", "sample_data/liangshan_2023_final_accounts.xlsx"],
)
def test_cli_check_text_with_figures(figures: str) -> None:
    done = _cli("tests/data/seed_004.txt", "--figures", figures, "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    completion = next(s for s in doc["statements"] if "142.24" in s["text"])
    assert (completion["status"], completion["ok"], completion["computed"]) == ("一致", True, 142.24)


def test_cli_missing_file_exits_2_with_one_chinese_line() -> None:
    done = _cli("tests/data/no_such_report.txt", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：找不到文件")


def test_cli_bad_figures_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "figures.json"
    bad.write_text("{oops", encoding="utf-8")
    done = _cli("tests/data/seed_004.txt", "--figures", str(bad), "--json")
    assert done.returncode == 2
    assert "JSON" in done.stderr and "Traceback" not in done.stderr


# --- more phrasings, with the real numbers of seed 004 (凉山州科协 2023) and seed 001 (赫山区科协 2023) ---
C, R, X, U = (
    fa_statement_text.CONSISTENT,
    fa_statement_text.ROUNDING,
    fa_statement_text.INCONSISTENT,
    fa_statement_text.UNCHECKED,
)


@pytest.mark.parametrize(
    ("text", "status", "computed", "basis"),
    [
        # 874.05 of the 年初预算 614.51 is 142.24% (seed 004 prints "完成预算142.24%")
        (
            "2023年度一般公共预算财政拨款支出874.05万元，完成年初预算614.51万元的142.24%。",
            C,
            142.24,
            "本段数字",
        ),
        (
            "2023年度一般公共预算财政拨款支出874.05万元，完成年初预算614.51万元的142.42%。",
            X,
            142.24,
            "本段数字",
        ),
        ("一般公共预算支出决算874.05万元，完成年初预算614.51万元的142.2%。", C, 142.24, "本段数字"),
        # seed 001: 138.43万元 spent of a 138.43万元 budget
        ("2023年一般公共预算财政拨款支出138.43万元，完成年初预算138.43万元的100%。", C, 100.0, "本段数字"),
        ("项目支出18.48万元，完成年初预算20万元的92.4%。", C, 92.4, "本段数字"),
        ("项目支出18.48万元，完成年初预算20万元的94%。", X, 92.4, "本段数字"),
    ],
)
def test_completion_with_the_budget_inside_the_statement(text, status, computed, basis) -> None:
    s = _one(text)
    assert (s.kind, s.status, s.computed, s.basis) == (
        fa_statement_text.KIND_COMPLETION,
        status,
        computed,
        basis,
    )


def test_completion_with_the_budget_inside_is_judged_against_the_figures(figures: FinalAccounts) -> None:
    s = _one("2023年度一般公共预算财政拨款支出874.05万元，完成年初预算614.51万元的142.42%。", figures)
    assert (s.status, s.basis, s.correct_text) == (X, fa_statement_text.BASIS_FIGURES, "142.24%")
    # the budget amount is not mistaken for this year's amount of a later change
    found = stm.check_text(
        "一般公共预算支出决算874.05万元，完成年初预算614.51万元的142.24%，比上年减少3.42万元，下降0.39%。"
    )
    assert [(s.kind, s.status, s.computed) for s in found] == [
        (fa_statement_text.KIND_COMPLETION, C, 142.24),
        (fa_statement_text.KIND_CHANGE, C, -0.39),  # of 874.05, not of the budget 614.51 just before it
    ]


@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        ("2023年度收、支总计874.05万元，较上年减少3.42万元，降幅0.39%。", C, -0.39),
        ("2023年度收、支总计874.05万元，较上年减少3.42万元，降幅4%。", X, -0.39),
        ("科学技术支出701.17万元，较上年减少6.74万元，降幅为0.95%。", C, -0.95),
        ("社会保障和就业支出125.26万元，较上年减少2.75万元，降幅2.15%。", C, -2.15),
        ("卫生健康支出21.88万元，较上年增加2.27万元，增长11.58%。", C, 11.58),
        ("住房保障支出25.74万元，较上年增加3.8万元，增长17.32%。", C, 17.32),
        ("住房保障支出25.74万元，较上年增加3.8万元，增长13.32%。", X, 17.32),
        # last year's amount stated instead of the change
        ("住房保障支出25.74万元，上年21.94万元，同比增长17.32%。", C, 17.32),
        ("住房保障支出25.74万元，比上年的21.94万元增长17.32%。", C, 17.32),
        ("住房保障支出25.74万元，上年为21.94万元，同比增长7.32%。", X, 17.32),
        ("卫生健康支出21.88万元，去年19.61万元，同比增长11.6%。", C, 11.58),
        # the year compared with named: its amount is that year's, not the change
        ("支出总计874.05万元，比2022年度877.47万元下降0.39%。", C, -0.39),
        ("住房保障支出25.74万元，较2022年的21.94万元增长17.32%。", C, 17.32),
        ("住房保障支出25.74万元，比2022年21.94万元增长7.32%。", X, 17.32),
        # the rate first, the change amount after it
        ("收入总计874.05万元，比上年下降0.39%，减少3.42万元。", C, -0.39),
        ("收入总计874.05万元，比上年下降4%，减少3.42万元。", X, -0.39),
        ("卫生健康支出21.88万元，较上年增长11.58%，增加2.27万元，主要原因是人员增加。", C, 11.58),
        # last year's amount, or the change, in brackets after this year's
        ("收入总计874.05万元（上年877.47万元），下降0.39%。", C, -0.39),
        ("收入总计874.05万元（上年877.47万元），下降4%。", X, -0.39),
        ("收入总计874.05万元(较上年增加3.42万元)，增长0.39%。", C, 0.39),
        # the year compared with, and its amount, between this year's amount and the change
        ("“三公”经费2023年度支出7.60万元，与2022年度56.74万元相比，减少49.14万元，下降86.62%。", R, -86.61),
        ("“三公”经费2023年度支出7.60万元，与2022年度56.74万元相比，减少49.14万元，下降46.41%。", X, -86.61),
    ],
)
def test_change_phrasings(text: str, status: str, computed: float) -> None:
    s = _one(text)
    assert (s.kind, s.status, s.computed) == (fa_statement_text.KIND_CHANGE, status, computed)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("住房保障支出25.74万元，同比增长17.32%。", C),
        ("住房保障支出25.74万元，同比增长7.32%。", X),
        ("2023年度科学技术支出701.17万元，同比下降0.95%。", C),
        ("2023年度科学技术支出701.17万元，同比增长0.95%。", X),
    ],
)
def test_year_on_year_rate_is_judged_when_the_figures_tie_it(figures: FinalAccounts, text, status) -> None:
    assert _one(text).status == U  # no figures, no amount of last year: nothing to tie it to
    s = _one(text, figures)
    assert (s.status, s.basis) == (status, fa_statement_text.BASIS_FIGURES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年度本年支出合计874.05万元。科学技术支出701.17万元，占比80.22%。", [(C, 80.22)]),
        ("2023年度本年支出合计874.05万元。科学技术支出701.17万元，占比为82.22%。", [(X, 80.22)]),
        # seed 001: 138.43 = 基本支出 118.43 + 项目支出 20
        (
            "2023年一般公共预算财政拨款收入138.43万元。基本支出118.43万元，占比85.55%；项目支出20万元，占比14.45%。",
            [(C, 85.55), (C, 14.45)],
        ),
        (
            "项目支出20万元，其中：科普经费16万元，占比80%；全民科学素质2万元，占比10%。",
            [(C, 80.0), (C, 10.0)],
        ),
        ("科学技术支出701.17万元，占比80.22%。", [(U, None)]),
        # the share in brackets after the amount
        (
            "本年支出合计874.05万元，基本支出468.99万元（占53.66%），项目支出405.06万元（占46.34%）。",
            [(C, 53.66), (C, 46.34)],
        ),
        ("本年支出合计874.05万元，基本支出468.99万元(占56.66%)。", [(X, 53.66)]),
    ],
)
def test_share_phrasings(text: str, expected) -> None:
    assert [(s.status, s.computed) for s in stm.check_text(text)] == expected


@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        ("基本支出498.22万元，占本年支出合计的97.24%（本年支出合计512.36万元）。", C, 97.24),
        ("基本支出498.22万元，占本年支出合计的98.24%（本年支出合计512.36万元）。", X, 97.24),
        ("基本支出468.99万元，占本年支出合计的53.66%。本年支出合计874.05万元，收支平衡。", C, 53.66),
        ("本年支出合计874.05万元。\n基本支出468.99万元，占本年支出合计的53.66%。", C, 53.66),
        ("本年支出合计874.05万元。\n项目支出405.06万元，占本年支出合计的44.34%。", X, 46.34),
        # stated sections before, as a 决算说明 states its totals once at the start
        (
            "一、收入支出决算总体情况\n2023年度本年支出合计874.05万元。\n二、支出决算情况说明\n"
            "2023年度基本支出468.99万元，占本年支出合计的53.66%。",
            C,
            53.66,
        ),
    ],
)
def test_share_whose_named_total_is_stated_nearby(text: str, status: str, computed: float) -> None:
    s = _one(text)
    assert (s.kind, s.status, s.computed, s.basis) == (
        fa_statement_text.KIND_SHARE,
        status,
        computed,
        "本段数字",
    )


def test_share_named_total_stated_in_the_text_beats_other_figures(figures: FinalAccounts) -> None:
    # 498.22 is not in the 凉山 figures; the text's own 本年支出合计 is the whole, not the figures' 874.05
    s = _one("基本支出498.22万元，占本年支出合计的97.24%（本年支出合计512.36万元）。", figures)
    assert (s.status, s.computed) == (C, 97.24)


@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        ("预算执行率为98.90%，较上年提高2.1个百分点，上年为96.8%。", C, 2.1),
        ("预算执行率为98.90%，较上年提高2.5个百分点，上年为96.8%。", X, 2.1),
        ("基本支出占比53.66%，比上年的50.12%上升3.54个百分点。", C, 3.54),
        ("基本支出占比53.66%，比上年的50.12%下降3.54个百分点。", X, 3.54),
        ("预算执行率为98.90%，较上年提高2.1个百分点。", U, None),
    ],
)
def test_changes_in_percentage_points_from_the_text(text: str, status: str, computed) -> None:
    (s,) = [s for s in stm.check_text(text) if s.kind == fa_statement_text.KIND_POINTS]
    assert (s.status, s.computed) == (status, computed)


@pytest.mark.parametrize(
    ("text", "status", "computed"),
    [
        ("2023年度科学技术支出占比80.22%。", C, 80.22),
        ("科学技术支出占比82.22%。", X, 80.22),
        ("基本支出占比53.66%，项目支出占比46.34%。", C, 46.34),  # the last of the two
        ("卫生健康支出占比2.5%。", C, 2.5),
        ("其他支出占比3%。", U, None),  # nothing of that name in the figures
    ],
)
def test_share_named_by_the_words_before_zhanbi(figures: FinalAccounts, text, status, computed) -> None:
    found = stm.check_text(text, figures)
    assert all(s.kind == fa_statement_text.KIND_SHARE for s in found)
    assert (found[-1].status, found[-1].computed) == (status, computed)
    # without the figures there is no amount to recompute it from
    assert {s.status for s in stm.check_text(text)} == {U}


def test_changes_in_percentage_points_from_the_figures(figures: FinalAccounts) -> None:
    # 科学技术支出: 701.17 / 874.05 = 80.22% in 2023, 707.91 / 877.47 = 80.68% in 2022
    found = stm.check_text("科学技术支出701.17万元，占80.22%，比上年下降0.46个百分点。", figures)
    points = [s for s in found if s.kind == fa_statement_text.KIND_POINTS]
    assert [(s.status, s.computed, s.basis) for s in points] == [(C, -0.46, fa_statement_text.BASIS_FIGURES)]
    wrong = stm.check_text("科学技术支出701.17万元，占80.22%，比上年下降0.29个百分点。", figures)[-1]
    assert (wrong.status, wrong.correct_text) == (X, "下降0.46个百分点")
    unchecked = stm.check_text("科学技术支出701.17万元，占80.22%，比上年下降0.46个百分点。")[-1]
    assert unchecked.status == U


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=1, max_value=10**8),
    st.integers(min_value=1, max_value=10**8),
    st.integers(min_value=0, max_value=10000),
    st.integers(min_value=0, max_value=10000),
)
def test_new_phrasings_written_correctly_are_never_wrong(actual, budget, now_bp, prev_bp) -> None:
    """Completion with the budget inside, last year's amount stated, and a change in 个百分点, each
    written with the value rounded half-up as a report would: never 不一致, and the wrong value is."""
    from decimal import ROUND_HALF_UP, Decimal

    def r2(x: Decimal) -> str:
        return str(x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    a, b = Decimal(actual) / 100, Decimal(budget) / 100  # 万元 with cents
    done = r2(a / b * 100)
    text = f"支出决算{a}万元，完成年初预算{b}万元的{done}%。"
    assert _one(text).status in (C, R)
    if b >= 100 and a <= 10 * b:  # a small budget: the printed amounts' own rounding allows a wide range
        wrong = Decimal(done) + 5
        assert _one(f"支出决算{a}万元，完成年初预算{b}万元的{wrong}%。").status == X
    if a != b:
        word = "增长" if a > b else "下降"
        change = r2(abs(a - b) / b * 100)
        assert _one(f"本年支出{a}万元，上年{b}万元，同比{word}{change}%。").status in (C, R)
    now, prev = Decimal(now_bp) / 100, Decimal(prev_bp) / 100
    if now != prev:
        word = "提高" if now > prev else "下降"
        text = f"执行率为{now}%，较上年{word}{abs(now - prev)}个百分点，上年为{prev}%。"
        assert _one(text).status == C


def test_a_named_total_of_another_year_is_not_the_whole() -> None:
    text = "2022年度本年支出合计877.47万元。\n2023年度基本支出468.99万元，占本年支出合计的53.66%。"
    s = [s for s in stm.check_text(text) if s.kind == fa_statement_text.KIND_SHARE][-1]
    assert s.status == U  # 468.99 / 877.47 would be 53.45%: a wrong whole, so not judged at all
