"""The 监控 page through AppTest: the sample in one click, three snapshots saved from the page, two
reasons typed and kept, the numbers the bulletin prints equal to the page's, and 偏差原因 on 偏差预警."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from streamlit.testing.v1 import AppTest

from components import state
from jixiao import model as m
from jixiao.fmt import pct, round_half_up
from jixiao.monitor import bulletin, sample
from jixiao.monitor import compute as c
from jixiao.monitor.series import load
from jixiao.store.db import Store
from tests.conftest import APP, SAMPLE_DATA

pytestmark = pytest.mark.usefixtures("apptest_navigation")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHLY_BYTES = (SAMPLE_DATA / sample.MONTHLY_FILE).read_bytes()


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def new_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    ok(at.run())
    return ok(at.switch_page("pages/monitor.py").run())


def metrics(at: AppTest) -> dict[str, str]:
    return {mt.label: mt.value for mt in at.main.metric}


def text(at: AppTest) -> str:
    parts = [e.value for e in at.main.markdown] + [e.value for e in at.main.caption]
    parts += [e.value for e in at.main.info] + [e.value for e in at.main.success]
    parts += [e.value for e in at.main.warning] + [e.value for e in at.main.error]
    return "\n".join(parts)


def frames(at: AppTest) -> list:
    return [d.value for d in at.main.dataframe]


def type_reason(at: AppTest, project_label: str, reason: str, author: str) -> AppTest:
    box = at.selectbox(key="mon_reason_pick")  # AppTest lists the options as shown
    box.set_value(next(i for i, label in enumerate(box.options) if project_label in label))
    ok(at.run())
    area = next(t for t in at.text_area if t.key and t.key.startswith("mon_reason_text_"))
    area.set_value(reason)
    at.text_input(key="mon_reason_author").set_value(author)
    at.button(key="mon_reason_submit").click()
    return ok(at.run())


def test_sample_in_one_click_with_the_headline_and_the_waiting_list():
    at = new_app()
    assert "还没有监控数据" in text(at)
    ok(at.button(key="sample_monitor").click().run())
    k = metrics(at)
    url = at.session_state[state.MONITOR_SAMPLE_URL]
    s = Store(url)
    try:
        mon, _ = load(s, sample.UNIT, sample.YEAR)
    finally:
        s.dispose()
    assert k["截至日期"] == "2023-09-30" and k["支出进度"] == pct(mon.snapshots[c.RATE].iloc[-1])
    assert k["序时进度"] == pct(mon.snapshots[c.TIME_PROGRESS].iloc[-1])
    assert (
        k["红灯项目"] == f"{c.band_counts(mon.projects)[c.RED]} 个"
        and k["待说明"] == f"{len(mon.waiting())} 个"
    )
    body = text(at)
    assert c.headline(mon, "全系统") in body.replace("\\", "")
    assert (
        "待说明（" in body and "科技馆：" in body and "年中新增的项目：全国科技工作者日河北主场活动" in body
    )
    # the unit ranking on the page is the bulletin's
    units = frames(at)[0]
    assert units["单位"].tolist() == [r[1] for r in bulletin.unit_rows(mon)]
    assert units["支出进度（%）"].tolist() == [r[4] for r in bulletin.unit_rows(mon)]
    assert units["与序时进度差（个百分点）"].tolist() == [r[5] for r in bulletin.unit_rows(mon)]
    # the user's own database is untouched by the sample
    assert at.session_state[state.MONITOR_SERIES] == (sample.UNIT, sample.YEAR)


def test_three_snapshots_uploaded_two_reasons_typed_and_the_bulletin_matches(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_DB_URL", f"sqlite:///{tmp_path / 'page.db'}")
    at = new_app()
    for k, day in ((3, 31), (6, 30), (9, 30)):
        name = sample.SNAPSHOT_FILE.format(month=k)
        at.file_uploader(key="mon_upload").set_value((name, (SAMPLE_DATA / name).read_bytes(), XLSX))
        at.text_input(key="mon_unit").set_value("唐山市科协")
        at.number_input(key="mon_year").set_value(2023)
        at.date_input(key="mon_as_of").set_value(date(2023, k, day))
        ok(at.button(key="mon_add_submit").click().run())
        assert f"截至 2023-{k:02d}-{day}" in text(at)
    assert metrics(at)["截至日期"] == "2023-09-30"
    assert "唐山市科协 · 2023年（已存 3 个截至日期）" in at.selectbox(key="mon_series_db").format_func(
        at.selectbox(key="mon_series_db").value
    )
    before = int(metrics(at)["待说明"].split()[0])
    at = type_reason(at, "唐山科技馆装修布展工程", "工程招标延后，预计11月集中支付。", "王会计")
    assert "已保存“唐山科技馆装修布展工程”的偏差原因" in text(at)
    at = type_reason(at, "科工中心 · 维修费", "维修项目待验收后付款。", "王会计")
    assert int(metrics(at)["待说明"].split()[0]) == before - 2
    assert sum(o.endswith("（已说明）") for o in at.selectbox(key="mon_reason_pick").options) == 2
    detail = frames(at)[1]
    row = detail[detail["项目名称"] == "唐山科技馆装修布展工程"].iloc[0]
    assert row["偏差原因"] == "工程招标延后，预计11月集中支付。"
    s = Store(f"sqlite:///{tmp_path / 'page.db'}")
    try:
        mon, _ = load(s, "唐山市科协", 2023)
    finally:
        s.dispose()
    reasons = mon.projects.dropna(subset=[c.REASON])
    assert sorted(reasons[m.PROJECT]) == ["唐山科技馆装修布展工程", "维修费"]
    assert set(reasons[c.REASON_AUTHOR]) == {"王会计"}
    # the Word bulletin prints the page's numbers and both reasons
    doc = docx.Document(io.BytesIO(bulletin.bulletin_docx(mon)))
    red_table = doc.tables[1]
    printed = [(r.cells[0].text, r.cells[1].text, r.cells[7].text) for r in red_table.rows[1:]]
    assert ("科技馆", "唐山科技馆装修布展工程", "工程招标延后，预计11月集中支付。（王会计）") in printed
    assert ("科工中心", "维修费", "维修项目待验收后付款。（王会计）") in printed
    assert sum(v == "未说明" for *_, v in printed) == int(metrics(at)["待说明"].split()[0])
    page_rate = metrics(at)["支出进度"]
    assert page_rate.rstrip("%") in "\n".join(p.text for p in doc.paragraphs)
    units = frames(at)[0]
    assert [r.cells[4].text for r in doc.tables[0].rows[1:]] == [f"{x:.2f}" for x in units["支出进度（%）"]]


def test_a_monthly_table_uploaded_without_a_year_is_stored_under_its_own(monkeypatch, tmp_path):
    """The 年度 box left empty: the 月度执行表 says 2023 in its title and months (today's year was stored)."""
    monkeypatch.setenv("JIXIAO_DB_URL", f"sqlite:///{tmp_path / 'page.db'}")
    at = new_app()
    at.file_uploader(key="mon_upload").set_value((sample.MONTHLY_FILE, MONTHLY_BYTES, XLSX))
    at.text_input(key="mon_unit").set_value("唐山市科协")
    assert at.number_input(key="mon_year").value is None
    ok(at.button(key="mon_add_submit").click().run())
    assert "已保存为 唐山市科协 2023年" in text(at)
    assert metrics(at)["截至日期"].startswith("2023-")
    # a year typed that the file contradicts is kept, and said
    at.file_uploader(key="mon_upload").set_value((sample.MONTHLY_FILE, MONTHLY_BYTES, XLSX))
    at.text_input(key="mon_unit").set_value("另一单位")
    at.number_input(key="mon_year").set_value(2024)
    ok(at.button(key="mon_add_submit").click().run())
    assert "文件中标明的年度是 2023 年，已按填写的 2024 年保存" in text(at)


def test_band_settings_on_the_page_change_the_bands():
    at = new_app()
    ok(at.button(key="sample_monitor").click().run())
    red_before = int(metrics(at)["红灯项目"].split()[0])
    at.number_input(key="mon_red").set_value(50.0)
    ok(at.run())
    assert int(metrics(at)["红灯项目"].split()[0]) < red_before
    assert at.session_state[state.SETTINGS].monitor_red_below == 50.0
    at.text_input(key="mon_tiers").set_value("500, 200")
    ok(at.run())
    assert "从小到大" in text(at)


def test_deviations_page_takes_reasons_for_a_stored_dataset(monkeypatch, tmp_path):
    monkeypatch.setenv("JIXIAO_DB_URL", f"sqlite:///{tmp_path / 'dev.db'}")
    at = AppTest.from_file(str(APP), default_timeout=60)
    ok(at.run())
    ok(at.switch_page("pages/deviations.py").run())
    ok(at.button(key="sample_deviations").click().run())
    assert "请先在「数据导入」保存这份数据" in text(at)
    s = Store(f"sqlite:///{tmp_path / 'dev.db'}")
    data = (SAMPLE_DATA / "henan_2023_summary.xlsx").read_bytes()
    r = s.import_file(data, "henan_2023_summary.xlsx", unit="河南省科协", year=2023)
    s.dispose()
    at.session_state[state.STORED_ID] = r.dataset_id
    ok(at.run())
    box = at.selectbox(key="dev_reason_pick")  # AppTest lists the options as shown
    assert "知识产权事业发展（待说明）" in box.options
    ok(box.set_value(box.options.index("知识产权事业发展（待说明）")).run())
    next(t for t in at.text_area if t.key and t.key.startswith("dev_reason_text_")).set_value(
        "项目延期至次年。"
    )
    at.text_input(key="dev_reason_author").set_value("李会计")
    ok(at.button(key="dev_reason_submit").click().run())
    assert "已保存“知识产权事业发展”的偏差原因" in text(at)
    options = at.selectbox(key="dev_reason_pick").options
    assert "知识产权事业发展（已说明）" in options
    assert sum(o.endswith("（已说明）") for o in options) == 1 and len(options) >= 5


@pytest.mark.parametrize("word", [False, True])
def test_mid_year_forms_show_indicator_progress_marked_as_such(monkeypatch, tmp_path, word):
    url = f"sqlite:///{tmp_path / 'ind.db'}"
    monkeypatch.setenv("JIXIAO_DB_URL", url)
    from jixiao.monitor.series import import_snapshot

    s = Store(url)
    name = sample.SNAPSHOT_FILE.format(month=6)
    import_snapshot(
        s, (SAMPLE_DATA / name).read_bytes(), name, unit="凉山州科协", year=2023, as_of=date(2023, 6, 30)
    )
    forms_xlsx = SAMPLE_DATA / "liangshan_2023_selfeval_forms.xlsx"
    if word:  # the 运行监控表 units fill in are as often Word documents
        from word_tables import workbook_as_document

        forms, name = workbook_as_document(forms_xlsx), "年中自评表.docx"
    else:
        forms, name = forms_xlsx.read_bytes(), "forms.xlsx"
    r = import_snapshot(s, forms, name, unit="凉山州科协", year=2023, as_of=date(2023, 6, 30))
    assert not r.duplicate
    s.dispose()
    at = new_app()
    assert "指标完成进度（年中自评表，截至 2023-06-30）" in [h.value for h in at.main.subheader]
    assert "年中数据" in text(at)
    table = next(f for f in frames(at) if "完成进度（%）" in f.columns)
    positive = table[table["指标性质"] == "正向"].dropna(subset=["完成进度（%）"])
    assert len(positive) and all(
        p == round_half_up(a / t * 100)
        for p, a, t in zip(positive["完成进度（%）"], positive["完成值（年中）"], positive["指标值"])
    )


def test_reasons_reach_the_word_report_and_the_presentation(monkeypatch, tmp_path, henan_analysis):
    from components import reasons
    from jixiao.export.docx import build_selfeval_docx
    from jixiao.monitor.compute import ReasonNote, reason_keys

    flagged = henan_analysis.flagged
    rec = flagged[flagged[m.PROJECT] == "知识产权事业发展"].iloc[0]
    note = ReasonNote(
        *reason_keys(rec[m.UNIT], rec[m.CODE], rec[m.PROJECT]), "项目延期至次年。", "李会计", None
    )
    mapping = reasons.export_map(reasons.marked_frame(flagged, m.UNIT, [note]))
    assert mapping == {"知识产权事业发展": "项目延期至次年。"}
    doc = docx.Document(
        io.BytesIO(build_selfeval_docx(henan_analysis, unit="河南省科协", year=2023, reasons=mapping))
    )
    body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "项目延期至次年。" in body
    # 汇报模式 ends on the reasons of the stored dataset shown
    url = f"sqlite:///{tmp_path / 'present.db'}"
    monkeypatch.setenv("JIXIAO_DB_URL", url)
    s = Store(url)
    r = s.import_file(
        (SAMPLE_DATA / "henan_2023_summary.xlsx").read_bytes(),
        "henan_2023_summary.xlsx",
        unit="河南省科协",
        year=2023,
    )
    from jixiao.monitor.series import save_reason

    save_reason(
        s,
        "河南省科协",
        2023,
        inner_unit=None,
        code=None,
        project="知识产权事业发展",
        text="项目延期至次年。",
        author="李会计",
    )
    s.dispose()
    at = AppTest.from_file(str(APP), default_timeout=60)
    ok(at.run())
    ok(at.switch_page("pages/deviations.py").run())
    if at.session_state[state.STORED_ID] != r.dataset_id:  # the app may open the only stored dataset itself
        ok(at.button(key="sample_deviations").click().run())
        at.session_state[state.STORED_ID] = r.dataset_id
    ok(at.switch_page("pages/presentation.py").run())
    jump = next(sb for sb in at.selectbox if sb.key and "jump" in sb.key)
    assert jump.options[-1].endswith("偏差原因")
    ok(jump.set_value(len(jump.options) - 1).run())
    assert any("1 个偏差项目已说明原因" in cap.value for cap in at.main.caption)


def test_the_flagged_list_carries_the_written_reasons(henan_analysis):
    import openpyxl

    from components import reasons
    from jixiao.export.xlsx import EXPLAINED, flagged_xlsx
    from jixiao.monitor.compute import ReasonNote, reason_keys

    flagged = henan_analysis.flagged
    note = ReasonNote(*reason_keys(None, None, "知识产权事业发展"), "项目延期至次年。", "李会计", None)
    mapping = reasons.export_map(reasons.marked_frame(flagged, m.UNIT, [note]))
    ws = openpyxl.load_workbook(io.BytesIO(flagged_xlsx(henan_analysis, explanations=mapping))).active
    headers = [c.value for c in ws[1]]
    col = headers.index(EXPLAINED)
    names = headers.index("项目名称")
    got = {row[names].value: row[col].value for row in ws.iter_rows(min_row=2)}
    assert got["知识产权事业发展"] == "项目延期至次年。"
    assert sum(v == "未说明" for v in got.values()) == len(got) - 1
    # without explanations the list is as before
    plain = openpyxl.load_workbook(io.BytesIO(flagged_xlsx(henan_analysis))).active
    assert EXPLAINED not in [c.value for c in plain[1]]


def test_the_sample_database_is_removed_when_the_session_leaves_it(monkeypatch, tmp_path):
    import os
    import tempfile
    from pathlib import Path

    from components import monitor_view as mv

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # this test's own temp folder
    stale = tmp_path / f"{mv.SAMPLE_PREFIX}old"
    stale.mkdir()
    os.utime(stale, (0, 0))  # a session that ended long ago
    recent = tmp_path / f"{mv.SAMPLE_PREFIX}other"
    recent.mkdir()  # another session's, still in use

    def folders() -> set[str]:
        return {p.name for p in Path(tmp_path).glob(mv.SAMPLE_PREFIX + "*")}

    at = new_app()
    ok(at.button(key="sample_monitor").click().run())
    first = Path(at.session_state[state.MONITOR_SAMPLE_URL].removeprefix("sqlite:///")).parent
    assert first.parent == tmp_path and folders() == {first.name, recent.name}
    ok(at.button(key="mon_leave_sample").click().run())
    assert at.session_state[state.MONITOR_SAMPLE_URL] is None
    assert folders() == {recent.name}
    ok(at.button(key="sample_monitor").click().run())
    again = Path(at.session_state[state.MONITOR_SAMPLE_URL].removeprefix("sqlite:///")).parent
    assert again != first and folders() == {again.name, recent.name}


def test_a_unit_renamed_between_snapshots_is_said_on_the_page(monkeypatch, tmp_path):
    import openpyxl

    from jixiao.monitor.series import import_snapshot

    url = f"sqlite:///{tmp_path / 'renamed.db'}"
    monkeypatch.setenv("JIXIAO_DB_URL", url)
    s = Store(url)
    for k, day in ((6, 30), (9, 30)):
        name = sample.SNAPSHOT_FILE.format(month=k)
        data = (SAMPLE_DATA / name).read_bytes()
        if k == 9:  # September's table names 科协本级 "市科协本级"
            wb = openpyxl.load_workbook(io.BytesIO(data))
            for row in wb.active.iter_rows():
                for cell in row:
                    if cell.value == "科协本级":
                        cell.value = "市科协本级"
            buf = io.BytesIO()
            wb.save(buf)
            data = buf.getvalue()
        import_snapshot(s, data, name, unit="唐山市科协", year=2023, as_of=date(2023, k, day))
    s.dispose()
    at = new_app()
    # before: 11 projects 年中新增 and 11 已不在最新一期中, and nothing said of the rename
    assert "单位「科协本级」在后一期表中名为「市科协本级」" in text(at)
    assert "年中新增的项目" not in text(at)
