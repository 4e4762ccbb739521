"""The standard chart sentences (jixiao.final_accounts.narrative), worded as seed 004 words them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.final_accounts import narrative
from jixiao.final_accounts import template as fam
from jixiao.final_accounts.figures import FIG1, FIG2, FIG3, FIG4, FIG5, FIG6, FIG7, FinalAccounts, YearFigures

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def fa() -> FinalAccounts:
    reference = json.loads((DATA / "liangshan_2023_final_accounts.json").read_text(encoding="utf-8"))
    return fam.liangshan_sample(reference)


@pytest.fixture(scope="module")
def texts(fa: FinalAccounts) -> dict[str, str]:
    return narrative.chart_texts(fa, 2023)


def test_fig1_sentence(texts: dict[str, str]) -> None:
    assert (
        texts[FIG1]
        == "2023年度收、支总计均为874.05万元。与2022年度相比，收、支总计各减少3.42万元，下降0.39%。"
    )


def test_fig2_lists_every_source_with_zeros(texts: dict[str, str]) -> None:
    assert texts[FIG2].startswith(
        "2023年度本年收入合计874.05万元，其中：一般公共预算财政拨款收入874.05万元，占100%；"
        "政府性基金预算财政拨款收入0万元，占0%；"
    )
    assert texts[FIG2].endswith("其他收入0万元，占0%。")
    assert texts[FIG2].count("，占") == 8


def test_fig3_sentence(texts: dict[str, str]) -> None:
    assert texts[FIG3] == (
        "2023年度本年支出合计874.05万元，其中：基本支出468.99万元，占53.66%；项目支出405.06万元，占46.34%；"
        "上缴上级支出0万元，占0%；经营支出0万元，占0%；对附属单位补助支出0万元，占0%。"
    )


def test_fig4_sentence(texts: dict[str, str]) -> None:
    assert texts[FIG4] == (
        "2023年度财政拨款收、支总计均为874.05万元。与2022年度相比，财政拨款收、支总计各减少3.42万元，下降0.39%。"
    )


def test_fig5_sentence_with_completion_of_the_initial_budget(texts: dict[str, str]) -> None:
    assert texts[FIG5].startswith(
        "2023年度一般公共预算财政拨款支出874.05万元，占本年支出合计的100%。"
        "与2022年度相比，一般公共预算财政拨款支出减少3.42万元，下降0.39%。"
    )
    assert "完成年初预算的142.24%" in texts[FIG5]
    assert "年初预算614.51万元" in texts[FIG5]


def test_fig6_sentence(texts: dict[str, str]) -> None:
    assert texts[FIG6] == (
        "2023年度一般公共预算财政拨款支出874.05万元，主要用于以下方面：科学技术支出701.17万元，占80.22%；"
        "社会保障和就业支出125.26万元，占14.33%；卫生健康支出21.88万元，占2.5%；住房保障支出25.74万元，占2.94%。"
    )


def test_fig7_sentence(texts: dict[str, str]) -> None:
    text = texts[FIG7]
    assert text.startswith("2023年度“三公”经费财政拨款支出决算为7.6万元，较上年度减少49.19万元，下降86.62%。")
    assert "公务用车运行维护费支出决算7.41万元，占97.5%；公务接待费支出决算0.19万元，占2.5%。" in text
    assert "因公出国（境）费支出0万元，与2022年度持平" in text
    assert "公务接待费支出0.19万元，比2022年度增加0.04万元，增长26.67%" in text
    # The seed's correct sentence about the car, compared through the combined 2022 figure:
    assert "公务用车购置及运行维护费支出7.41万元，比2022年度减少49.23万元，下降86.92%" in text


def test_basic_and_admin_sentences(fa: FinalAccounts, texts: dict[str, str]) -> None:
    assert texts[narrative.BASIC] == (
        "2023年度一般公共预算财政拨款基本支出468.99万元，其中：人员经费417.82万元，公用经费51.17万元。"
    )
    assert texts[narrative.ADMIN] == "2023年度，凉山州科学技术协会机关运行经费支出51.17万元。"
    two_years = FinalAccounts(
        unit="某单位",
        years=[2022, 2023],
        data={2022: YearFigures(admin_operating=49.33), 2023: YearFigures(admin_operating=51.17)},
    )
    assert narrative.admin_text(two_years, 2023) == (
        "2023年度，某单位机关运行经费支出51.17万元，比2022年度增加1.84万元，增长3.73%。"
    )


def _two_years(before: YearFigures, now: YearFigures) -> FinalAccounts:
    return FinalAccounts(unit="甲单位", years=[2022, 2023], data={2022: before, 2023: now})


def test_increase_flat_and_zero_base() -> None:
    up = _two_years(YearFigures(fiscal_total=100), YearFigures(fiscal_total=112.5))
    assert narrative.fiscal_text(up, 2023).endswith("各增加12.5万元，增长12.5%。")
    flat = _two_years(YearFigures(fiscal_total=100), YearFigures(fiscal_total=100))
    assert narrative.fiscal_text(flat, 2023).endswith("与2022年度相比，财政拨款收、支总计持平。")
    from_zero = _two_years(YearFigures(fiscal_total=0), YearFigures(fiscal_total=8))
    assert narrative.fiscal_text(from_zero, 2023).endswith("各增加8万元。")  # no rate of growth from 0


def test_half_up_rounding_in_sentences() -> None:
    # 1/8 = 12.5%, 0.125 万元 -> 0.13 (banker's rounding would print 0.12)
    fa = FinalAccounts(
        years=[2023], data={2023: YearFigures(expenditure={"基本支出": 0.125, "项目支出": 0.875})}
    )
    assert narrative.structure_text(fa, FIG3, 2023) == (
        "2023年度本年支出合计1万元，其中：基本支出0.13万元，占12.5%；项目支出0.88万元，占87.5%。"
    )
    assert narrative.num(2.675) == "2.68"
    assert narrative.num(-0.001) == "0"


def test_unequal_totals_are_said_separately() -> None:
    fa = _two_years(
        YearFigures(income_total=100, expenditure_total=90),
        YearFigures(income_total=110, expenditure_total=85),
    )
    assert narrative.totals_text(fa, 2023) == (
        "2023年度收入总计110万元，支出总计85万元。与2022年度相比，收入总计增加10万元，增长10%；"
        "支出总计减少5万元，下降5.56%。"
    )


def test_missing_figures_give_no_sentence() -> None:
    fa = FinalAccounts(years=[2023], data={2023: YearFigures(fiscal_total=5)})
    texts = narrative.chart_texts(fa, 2023)
    assert texts[FIG4] == "2023年度财政拨款收、支总计均为5万元。"
    assert texts[FIG1] == texts[FIG2] == texts[FIG6] == texts[FIG7] == ""


def test_full_text_has_one_paragraph_per_sentence(fa: FinalAccounts) -> None:
    lines = narrative.full_text(fa, 2023).split("\n")
    assert len(lines) == 9
    assert lines[0].startswith("2023年度收、支总计均为874.05万元")
