"""导出报告 (pages/export.py): the page through AppTest, the files its buttons offer, and its helpers.

The buttons get a callable (the file is built on click). AppTest cannot click a download, so the
``offered`` fixture records the callables streamlit registers for the buttons and the tests call them:
the bytes checked are exactly those a click would download.
"""

from __future__ import annotations

import importlib.util
import io
import zipfile

import openpyxl
import pytest
from docx import Document
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from components import state
from jixiao.final_accounts import figures as fam
from jixiao.final_accounts import template as fa_template
from tests.conftest import APP, ROOT, SAMPLE_DATA

PAGE = "pages/export.py"
LABELS = [
    "演示文稿（PPTX）",
    "Excel 工作簿（XLSX）",
    "打印版报告（HTML）",
    "自评报告（Word）",
    "全部打包（ZIP）",
]
HEADING = "河南省科学技术协会2023年度预算绩效分析报告"
SELFEVAL = "河南省科学技术协会2023年度项目支出绩效自评报告"
STATEMENT = "凉山州科学技术协会2023年度部门决算说明"
FINAL_SAMPLE = SAMPLE_DATA / fa_template.SAMPLE_FILE


def page_module():
    """pages/export.py as a module: its helpers without running the page (main() runs as __main__)."""
    spec = importlib.util.spec_from_file_location("jixiao_export_page", ROOT / PAGE)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def final_accounts() -> fam.FinalAccounts:
    fa, _ = fa_template.read_template(FINAL_SAMPLE.read_bytes(), FINAL_SAMPLE.name)
    return fa


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def loaded_app() -> AppTest:
    at = new_app()
    at.button(key="sample_export").click().run()
    assert_clean(at)
    return at


def buttons(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.main.get("download_button")]


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.main.caption)


def latest(offered: list[tuple[str, object]], ext: str) -> tuple[str, object]:
    """The button of this kind in the latest run."""
    found = [(n, f) for n, f in offered if n.endswith("." + ext)]
    assert found, f"no .{ext} button was offered"
    return found[-1]


def file_of(offered: list[tuple[str, object]], ext: str) -> tuple[str, bytes]:
    name, build = latest(offered, ext)
    data = build()
    assert isinstance(data, bytes)
    return name, data


def named(offered: list[tuple[str, object]], name: str) -> bytes:
    """The bytes of the latest button offering exactly this file name."""
    found = [f for n, f in offered if n == name]
    assert found, f"{name} was not offered"
    data = found[-1]()
    assert isinstance(data, bytes)
    return data


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def slide_texts(pptx: bytes) -> list[str]:
    deck = Presentation(io.BytesIO(pptx))
    return [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in deck.slides]


# --- the page -------------------------------------------------------------------------------------
@pytest.mark.usefixtures("apptest_navigation")
def test_without_data_an_info_and_no_buttons():
    at = new_app()
    assert at.main.title[0].value == "导出报告"
    assert "还没有数据" in at.main.info[0].value
    assert buttons(at) == []
    assert at.button(key="sample_export").label == "使用示例数据"


@pytest.mark.usefixtures("apptest_navigation")
def test_five_buttons_once_data_is_loaded(offered):
    at = loaded_app()
    assert not at.main.info
    assert buttons(at) == LABELS
    assert [t.value for t in at.main.text_input] == ["河南省科学技术协会", "2023"]
    body = captions(at)
    assert f"报告标题：{HEADING}" in body
    assert "四张工作表：项目明细" in body and "尚未导入部门决算数据" in body
    assert sorted(n for n, _ in offered) == sorted(
        [*(f"{HEADING}.{ext}" for ext in ("pptx", "xlsx", "html", "zip")), f"{SELFEVAL}.docx"]
    )


@pytest.mark.usefixtures("apptest_navigation")
def test_the_offered_files_open(offered):
    loaded_app()
    _, pptx = file_of(offered, "pptx")
    texts = slide_texts(pptx)
    assert len(texts) >= 5
    assert "河南省科学技术协会" in texts[0] and "2023年度" in texts[0]
    assert any("86.23%" in t for t in texts)

    _, xlsx = file_of(offered, "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert "项目明细" in wb.sheetnames
    assert wb["项目明细"].max_row >= 16  # header + 15 projects

    _, html = file_of(offered, "html")
    page = html.decode("utf-8")
    assert "86.23%" in page and f"<title>{HEADING}</title>" in page

    _, zipped = file_of(offered, "zip")
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        assert sorted(z.namelist()) == ["report.docx", "report.html", "report.pptx", "report.xlsx"]
        assert "86.23%" in z.read("report.html").decode("utf-8")
        # packed from the files the buttons built, not built again (the workbook alone took seconds at scale)
        assert z.read("report.xlsx") == xlsx and z.read("report.html") == html
        assert SELFEVAL in docx_text(z.read("report.docx"))

    report = docx_text(named(offered, f"{SELFEVAL}.docx"))
    assert report.startswith(SELFEVAL) and "7,863.66万元" in report and "86.23%" in report


@pytest.mark.usefixtures("apptest_navigation")
def test_unit_and_year_go_into_the_files(offered):
    at = loaded_app()
    at.main.text_input[0].set_value("测试市科学技术协会").run()
    at.main.text_input[1].set_value("2022年").run()
    assert_clean(at)
    heading = "测试市科学技术协会2022年度预算绩效分析报告"
    assert f"报告标题：{heading}" in captions(at)
    name, pptx = file_of(offered, "pptx")
    assert name == f"{heading}.pptx"
    assert "测试市科学技术协会" in slide_texts(pptx)[0] and "2022年度" in slide_texts(pptx)[0]
    _, html = file_of(offered, "html")
    assert f"<title>{heading}</title>" in html.decode("utf-8")
    # the typed values stay when the user looks at another page and comes back
    at.switch_page("pages/overview.py").run()
    at.switch_page(PAGE).run()
    assert [t.value for t in at.main.text_input] == ["测试市科学技术协会", "2022年"]


@pytest.mark.usefixtures("apptest_navigation")
def test_blank_year_means_no_year_and_a_bad_one_is_said(offered):
    at = loaded_app()
    at.main.text_input[1].set_value("").run()
    assert "报告标题：河南省科学技术协会预算绩效分析报告" in captions(at)
    _, html = file_of(offered, "html")
    assert "<title>河南省科学技术协会预算绩效分析报告</title>" in html.decode("utf-8")
    at.main.text_input[1].set_value("二〇二三").run()
    assert_clean(at)
    assert "年度应为四位数字" in at.main.warning[0].value
    assert buttons(at) == LABELS


@pytest.mark.usefixtures("apptest_navigation")
def test_final_accounts_are_included_when_loaded(offered, final_accounts):
    at = loaded_app()
    _, plain = file_of(offered, "pptx")
    at.session_state[state.FINAL_ACCOUNTS] = final_accounts
    at.run()
    assert_clean(at)
    # the 决算 figures are 凉山州's, the table 河南省's: not included unless asked for
    assert at.toggle(key="export_with_final_other").value is False
    assert "不是本报告的单位「河南省科学技术协会」，默认不包含" in captions(at)
    _, html = file_of(offered, "html")
    assert fam.CHART_TITLES[fam.FIG7] not in html.decode("utf-8")
    at.toggle(key="export_with_final_other").set_value(True).run()
    assert "使用 2023 年度的数字" in captions(at)
    _, with_final = file_of(offered, "pptx")
    texts = slide_texts(with_final)
    assert len(texts) > len(slide_texts(plain))
    final_slides = [t for t in texts if "图1" in t or "图7" in t]
    assert final_slides and all("凉山州科学技术协会" in t for t in final_slides)  # each names its unit
    _, html = file_of(offered, "html")
    assert fam.CHART_TITLES[fam.FIG7] in html.decode("utf-8")
    assert buttons(at) == [*LABELS[:4], "部门决算说明（Word）", LABELS[4]]
    statement = docx_text(named(offered, f"{STATEMENT}.docx"))
    assert statement.startswith(STATEMENT) and "2023年度收、支总计均为874.05万元" in statement
    _, zipped = file_of(offered, "zip")
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        assert "final_accounts.docx" in z.namelist()
    # a report of the 决算's own unit includes them by default
    at.main.text_input[0].set_value("凉山州科学技术协会").run()
    assert_clean(at)
    assert at.toggle(key="export_with_final").value is True
    at.toggle(key="export_with_final").set_value(False).run()
    _, html = file_of(offered, "html")
    assert fam.CHART_TITLES[fam.FIG7] not in html.decode("utf-8")


@pytest.mark.usefixtures("apptest_navigation")
def test_final_accounts_alone_offer_figures_1_to_7_and_the_statement(offered, final_accounts):
    at = new_app()
    at.session_state[state.FINAL_ACCOUNTS] = final_accounts
    at.run()
    assert_clean(at)
    assert buttons(at) == [
        "演示文稿（PPTX）",
        "打印版报告（HTML）",
        "Excel 工作簿（XLSX）",
        "部门决算说明（Word）",
    ]
    assert "可以下载图1—图7" in captions(at)
    statement = docx_text(named(offered, f"{STATEMENT}.docx"))
    assert "图1  收、支决算总计变动情况" in statement
    deck = Presentation(io.BytesIO(latest(offered, "pptx")[1]()))
    assert sum(1 for s in deck.slides for sh in s.shapes if sh.has_chart) >= 7
    assert "图7" in latest(offered, "html")[1]().decode("utf-8")
    again, _ = fa_template.read_template(latest(offered, "xlsx")[1](), "决算.xlsx")
    assert again.years == final_accounts.years and again.unit == final_accounts.unit


@pytest.mark.usefixtures("apptest_navigation")
def test_a_forms_workbook_reports_the_reasons_its_forms_give(offered):
    from jixiao import model as m
    from jixiao.read import read_dataset

    forms = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
    ds = read_dataset(forms.read_bytes(), forms.name)
    at = new_app()
    at.session_state[state.TABLE] = ds.table
    at.session_state[state.KIND] = m.KIND_SELFEVAL_FORMS
    at.session_state[state.FORMS] = ds.detail
    at.run()
    assert_clean(at)
    name = next(n for n, _ in offered if n.endswith("项目支出绩效自评报告.docx"))
    doc = Document(io.BytesIO(named(offered, name)))
    table = next(t for t in doc.tables if t.rows[0].cells[-1].text == "偏差原因")
    reasons = {row.cells[1].text: row.cells[4].text for row in table.rows[1:]}
    assert "支付前期较缓慢" in reasons["凉山州级科普专项经费"]


@pytest.mark.usefixtures("apptest_navigation")
def test_the_cache_key_follows_the_data_and_settings(offered):
    at = loaded_app()
    key = latest(offered, "xlsx")[1].args[1]
    at.run()
    assert latest(offered, "xlsx")[1].args[1] == key  # a rerun names the same data
    at.number_input(key="set_low_threshold").set_value(80.0).run()
    assert_clean(at)
    assert latest(offered, "xlsx")[1].args[1] != key


# --- helpers -------------------------------------------------------------------------------------
def test_export_bytes_builds_once_per_key(monkeypatch, henan_analysis):
    mod = page_module()
    mod.export_bytes.clear()
    calls: list[int] = []

    def fake_xlsx(analysis, reasons=None):
        calls.append(1)
        return b"workbook %d" % len(calls)

    monkeypatch.setattr(mod, "build_xlsx", fake_xlsx)
    args = ("xlsx", "k1", "", "单位", 2023, "2024-05-01", henan_analysis, None)
    first = mod.export_bytes(*args)
    assert mod.export_bytes(*args) == first
    assert len(calls) == 1
    other = mod.export_bytes("xlsx", "k2", "", "单位", 2023, "2024-05-01", henan_analysis, None)
    assert other != first and len(calls) == 2
    mod.export_bytes.clear()


def test_export_bytes_rejects_an_unknown_kind(henan_analysis):
    mod = page_module()
    with pytest.raises(ValueError, match="unknown export kind"):
        mod.export_bytes("pdf", "k", "", "", 0, "2024-05-01", henan_analysis, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023", (2023, True)),
        (" 2023年 ", (2023, True)),
        ("2023年度", (2023, True)),
        ("", (0, True)),
        (None, (0, True)),
        ("二〇二三", (0, False)),
        ("23", (0, False)),
        ("2023-2024", (0, False)),
    ],
)
def test_parse_year(text, expected):
    assert page_module().parse_year(text) == expected


def test_file_stem_is_safe_on_windows():
    mod = page_module()
    assert mod.file_stem("河南省科学技术协会", 2023) == HEADING
    assert mod.file_stem('A/B:C*D?"E<F>G|H 单位', 0) == "ABCDEFGH单位预算绩效分析报告"
    assert mod.file_stem("", 0) == "预算绩效分析报告"


def test_final_key_changes_with_the_figures(final_accounts):
    mod = page_module()
    assert mod.final_key(None) == ""
    key = mod.final_key(final_accounts)
    assert key == mod.final_key(final_accounts) and len(key) == 16
    changed = fam.FinalAccounts(
        unit="别的单位", years=list(final_accounts.years), data=dict(final_accounts.data)
    )
    assert mod.final_key(changed) != key
