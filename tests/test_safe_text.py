"""Text from a user's file is never live: every workbook the product writes stores formula-like text as
text (checked in the written XML), and every page message quoting a name escapes its Markdown."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from streamlit.testing.v1 import AppTest

from jixiao.export.pptx import build_pptx
from jixiao.export.xlsx import build_xlsx, flagged_xlsx
from jixiao.final_accounts.figures import FinalAccounts
from jixiao.final_accounts.template import read_template, write_template
from jixiao.forms.rollup import forms_summary_xlsx
from jixiao.read import read_dataset
from jixiao.safe_text import md_escape, set_text, text_only
from jixiao.settings import Settings
from jixiao.summary.analysis import analyze
from tests.form_layouts import one_form
from tests.layouts import Layout, Project, render

ROOT = Path(__file__).resolve().parent.parent
LINK = '=HYPERLINK("http://evil.example/x","点我")'
HOSTILE = [LINK, "+1+1", "-2+3", "@SUM(1,2)", "=1+1", "http://evil.example/y"]
FORMULA = re.compile(rb"<(?:\w+:)?f[ >]")


def _table_bytes() -> bytes:
    projects = [
        Project(f"={i}单位" if i % 2 else "某单位", name, 100.0, 50.0 + i, 1.0, 0.9, 0.9, 1.0, 80.0 + i, True)
        for i, name in enumerate(HOSTILE)
    ]
    data, _ = render(projects, Layout(fmt="csv-utf8"))
    return data


def _analysis():
    ds = read_dataset(_table_bytes(), "恶意.csv")
    assert set(HOSTILE) <= set(ds.table.projects["project"])  # the reader keeps the names as text
    return analyze(ds.table, Settings())


def _xml_parts(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}


def _assert_text_only(xlsx: bytes, must_hold: list[str], quote_prefix: bool = True) -> set[str]:
    """No formula and no hyperlink in any part of the workbook; every formula-like string is a string
    cell (with Excel's quote prefix where openpyxl writes it); the hostile texts are all there.
    Returns the workbook's strings."""
    for name, xml in _xml_parts(xlsx).items():
        assert not FORMULA.search(xml), (name, FORMULA.search(xml))
        assert not re.search(rb"<(?:\w+:)?hyperlinks?[ >]", xml), name
    strings = set()
    for ws in load_workbook(io.BytesIO(xlsx)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    strings.add(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@")):
                        assert cell.data_type == "s", (ws.title, cell.coordinate)
                        assert cell.quotePrefix or not quote_prefix, (ws.title, cell.coordinate)
    assert set(must_hold) <= strings, set(must_hold) - strings
    return strings


# --- the helpers -------------------------------------------------------------------------------------
def test_text_only_turns_every_formula_like_string_into_text():
    wb = Workbook()
    wb.active.append(["名称", *HOSTILE, 12.5])
    assert wb.active["B1"].data_type == "f"  # what openpyxl does on its own
    buf = io.BytesIO()
    text_only(wb).save(buf)
    _assert_text_only(buf.getvalue(), HOSTILE)
    assert load_workbook(buf)["Sheet"]["H1"].value == 12.5  # numbers stay numbers


def test_md_escape_kills_links_images_html_and_autolinks():
    hostile = "![图](https://evil.example/x.png)[链接](https://evil.example) <img src=x> www.evil.cn a@b.cn"
    s = md_escape(hostile)
    assert not re.search(r"(?<!\\)[\[\]<>]", s)
    assert "https\\://" in s and "www\\.evil" in s and "a\\@b" in s
    assert md_escape("科普与学会服务能力提升专项-省级 86.23%") == "科普与学会服务能力提升专项-省级 86.23%"


# --- every workbook the product writes ------------------------------------------------------------------
def test_xlsx_export_and_flagged_list_store_names_as_text():
    a = _analysis()
    _assert_text_only(build_xlsx(a), HOSTILE)
    _assert_text_only(flagged_xlsx(a), HOSTILE)


def test_pptx_chart_workbooks_store_categories_as_text():
    pptx = build_pptx(_analysis(), unit="=1+1", year=2023)
    with zipfile.ZipFile(io.BytesIO(pptx)) as z:
        embedded = [
            z.read(n) for n in z.namelist() if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")
        ]
    assert embedded
    names_found = set()
    for xlsx in embedded:
        names_found |= _assert_text_only(xlsx, [], quote_prefix=False)
    # the execution chart's categories are the project names (shortened only when long)
    assert {"+1+1", "-2+3", "@SUM(1,2)", "=1+1"} <= names_found


def test_generated_summary_table_stores_names_as_text():
    ds = read_dataset(one_form(), "自评表.xlsx").detail
    ds.forms[0].project = LINK
    ds.forms[0].project_label = LINK
    out = forms_summary_xlsx(ds)
    _assert_text_only(out, [LINK])


def test_final_accounts_template_stores_the_unit_as_text():
    path = ROOT / "sample_data" / "liangshan_2023_final_accounts.xlsx"
    fa, _ = read_template(path.read_bytes(), path.name)
    fa.unit = LINK
    out = write_template(fa)
    _assert_text_only(out, [LINK])
    again, _ = read_template(out, "模板.xlsx")
    assert again.unit == LINK and again.years == fa.years
    _assert_text_only(write_template(FinalAccounts(unit="@cmd", years=[2022, 2023])), ["@cmd"])


# --- pages -----------------------------------------------------------------------------------------------
EVIL_SHEET = "![x](https://evil.example/p.png)(https://evil.example)<b>粗</b>"


def _workbook_with_sheet_named(name: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "PLACEHOLDER"
    ws.append(["这不是决算表", "随便写点"])
    ws.append(["第二行", 1])
    buf = io.BytesIO()
    wb.save(buf)
    # Excel forbids [ ] : in sheet names, a crafted file does not: write the name into the XML.
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'name="PLACEHOLDER"', f'name="{name.replace("<", "&lt;")}"'.encode())
            z.writestr(item, data)
    return out.getvalue()


def _unescaped(markdown: str) -> list[str]:
    return re.findall(r"(?<!\\)[\[\]<>]|(?<!\\)https?://", markdown)


def test_final_accounts_page_escapes_a_hostile_sheet_name():
    at = AppTest.from_file(str(ROOT / "pages" / "final_accounts.py"), default_timeout=60)
    at.run()
    at.file_uploader(key="fa_upload").upload("决算.xlsx", _workbook_with_sheet_named(EVIL_SHEET)).run()
    assert not at.exception
    errors = [e.value for e in at.error if "文件读取失败" in e.value]
    assert errors and "evil" in errors[0]  # the sheet name is quoted …
    assert _unescaped(errors[0]) == []  # … and nothing in it is live


def test_import_page_escapes_a_hostile_file_name():
    at = AppTest.from_file(str(ROOT / "pages" / "import_data.py"), default_timeout=60)
    at.run()
    name = "[点我](https://evil.example)<img src=x>.csv"
    at.file_uploader[0].upload(name, _table_bytes()).run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "evil" in m.value] + [
        s.value for s in at.success if "evil" in s.value
    ]
    assert shown
    assert all(_unescaped(v) == [] for v in shown), shown


def test_set_text_keeps_plain_strings_plain():
    wb = Workbook()
    cell = set_text(wb.active["A1"], "科普活动经费")
    assert cell.data_type == "s" and not cell.quotePrefix


EVIL_NAME = "[点我](http://evil.example/a) ![图](http://evil.example/i.png) <b>粗</b> **粗体** www.evil.cn"
LIVE = re.compile(r"(?<!\\)\]\(|(?<!\\)!\[|(?<!\\)<(?:img|b|a|script)\b|(?<!\\)https?://|(?<!\\)www\.", re.I)


def _shown(at: AppTest) -> list[str]:
    out = []
    for root in (at.main, at.sidebar):
        for kind in (
            "markdown",
            "caption",
            "info",
            "success",
            "warning",
            "error",
            "subheader",
            "title",
            "header",
        ):
            out += [e.value for e in getattr(root, kind)]
        out += [e.label for e in root.get("expander")] if hasattr(root, "get") else []
    return out


def test_every_page_shows_a_hostile_project_and_file_name_inert(apptest_navigation):
    """A table whose project names and units are Markdown links, images and HTML, uploaded under a file
    name of the same kind: no page renders any of it live."""
    projects = [
        Project(EVIL_NAME, EVIL_NAME, 100.0, 40.0, 1.0, 0.5, 0.9, 1.0, 60.0, True),
        Project(
            "[单位](http://evil.example/u)", "科普活动经费", 50.0, 50.0, 1.0, 1.0, 1.0, 1.0, 100.0, False
        ),
    ]
    data, _ = render(projects, Layout(fmt="csv-utf8"))
    from tests.conftest import APP

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("pages/import_data.py").run()
    at.file_uploader(key="upload_file").upload(
        "[文件](http://evil.example/f)<img src=x>.csv", data, "text/csv"
    ).run()
    assert not at.exception
    pages = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    seen_name = False
    for page in pages:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for text in _shown(at):
            assert not LIVE.search(text), (page, text)
            seen_name |= "evil" in text
    assert seen_name  # the names were shown somewhere, escaped


def test_word_chart_workbooks_store_categories_as_text():
    from jixiao.export.docx import build_selfeval_docx

    docx = build_selfeval_docx(_analysis(), unit="=1+1", year=2023)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        embedded = [
            z.read(n) for n in z.namelist() if n.startswith("word/embeddings/") and n.endswith(".xlsx")
        ]
    assert embedded
    names_found = set()
    for xlsx in embedded:
        names_found |= _assert_text_only(xlsx, [], quote_prefix=False)
    assert {"+1+1", "-2+3", "@SUM(1,2)", "=1+1"} & names_found
