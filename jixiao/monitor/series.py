"""The snapshots and 偏差原因 of one unit's year, from the store, and saving them.

Stored 汇总表 versions with an 截至日期 are one snapshot each; a stored 月度执行表 gives one snapshot
per month with data (up to its 截至日期). Where two give the same date, the later import wins.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from jixiao import model as m
from jixiao.ingest.workbook import load_sheets
from jixiao.monitor import compute
from jixiao.monitor.read import looks_like_monthly, read_monthly, read_monthly_sheets, snapshot_frames
from jixiao.naming import as_of_in, year_in
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.store import monitor as sm
from jixiao.store.db import ImportResult, Store, StoreError, summary_of

MONEY_KINDS = (m.KIND_PROJECT_TABLE, m.KIND_MONTHLY_EXECUTION)
NO_YEAR = "无法从文件中判断年度（标题、表头和月份都没有写年份）：请填写年度。"


def _overrides(options: dict[str, Any] | None) -> dict[str, Any]:
    o = dict(options or {})
    if "columns" in o:
        o["columns"] = {k: int(v) for k, v in o["columns"].items()}
    return o


def snapshots(store: Store, unit: str, year: int) -> tuple[list[compute.Snapshot], list[str]]:
    """(snapshots in import order, Chinese notes on stored files that could not be read)."""
    out: list[compute.Snapshot] = []
    notes: list[str] = []
    infos = sorted(sm.snapshots(store, unit, year, MONEY_KINDS), key=lambda i: i.imported_at)
    for info in infos:
        sf = store.load(info.dataset_id, info.version)
        try:
            if info.kind == m.KIND_MONTHLY_EXECUTION:
                t = read_monthly(sf.data, sf.file_name)
                for as_of, frame in snapshot_frames(t, int(year)):
                    if as_of <= info.as_of:
                        out.append(compute.Snapshot(as_of, frame, sf.file_name))
                continue
            ds = read_dataset(sf.data, sf.file_name, **_overrides(sf.parse_options))
        except m.IngestError as exc:
            notes.append(f"{sf.file_name}（截至 {info.as_of.isoformat()}）无法读取：{exc.message}")
            continue
        if ds.table is None:
            notes.append(f"{sf.file_name}（截至 {info.as_of.isoformat()}）没有项目表。")
            continue
        out.append(compute.Snapshot(info.as_of, ds.table.projects, sf.file_name))
    return out, notes


def indicators(store: Store, unit: str, year: int, settings: Settings | None = None):
    """(截至日期, indicator progress) of the latest 自评表 saved with an 截至日期 for (unit, year), or
    None when there is none."""
    infos = sm.snapshots(store, unit, year, (m.KIND_SELFEVAL_FORMS,))
    if not infos:
        return None
    info = infos[-1]
    sf = store.load(info.dataset_id, info.version)
    ds = read_dataset(sf.data, sf.file_name)
    if ds.kind != m.KIND_SELFEVAL_FORMS or ds.detail is None:
        return None
    return info.as_of, compute.indicator_progress(ds.detail, info.as_of, settings)


def notes_of(store: Store, unit: str, year: int) -> list[compute.ReasonNote]:
    return [
        compute.ReasonNote(r.code_key, r.name_key, r.text, r.author, r.written_at, r.project)
        for r in sm.reasons(store, unit, year)
    ]


def load(
    store: Store, unit: str, year: int, settings: Settings | None = None
) -> tuple[compute.Monitor, list[str]]:
    snaps, notes = snapshots(store, unit, year)
    return compute.build(unit, year, snaps, settings, notes_of(store, unit, year)), notes


def import_snapshot(
    store: Store,
    data: bytes,
    file_name: str,
    *,
    unit: str,
    year: int | None,
    as_of: date | None,
    parse_options: dict | None = None,
    settings: dict | None = None,
) -> ImportResult:
    """Store a 汇总表 as the snapshot at ``as_of``, or a 月度执行表 (its 截至日期 is the end of its
    last month with data unless given). Unreadable files raise IngestError before anything is stored.

    Without ``year`` a 月度执行表 gives its own (title, header, months, file name), else the 截至日期
    does; a year given that differs from the one the file states is kept and the message says so."""
    sheets = load_sheets(data, file_name)
    if not parse_options and looks_like_monthly(sheets):
        t = read_monthly_sheets(sheets, file_name)
        chosen = year or t.year or (as_of.year if as_of else None)
        if chosen is None:
            raise StoreError(NO_YEAR)
        last = snapshot_frames(t, int(chosen))[-1][0]
        result = store.import_file(
            data,
            file_name,
            unit=unit,
            year=chosen,
            kind=m.KIND_MONTHLY_EXECUTION,
            summary={"projects": len(t.projects), "months": t.months, "habit": t.habit},
            settings=settings,
            as_of=as_of or last,
        )
        if t.year and int(chosen) != t.year:
            note = f"注意：文件中标明的年度是 {t.year} 年，已按填写的 {int(chosen)} 年保存，请核对。"
            result = replace(result, message=f"{result.message}{note}")
        return replace(result, year=int(chosen))
    ds = read_dataset(data, file_name, **_overrides(parse_options))
    if ds.table is None:
        raise m.IngestError("这个文件没有项目表，不能作为监控快照。")
    said = ""
    if as_of is None:
        stated = _stated_as_of(ds.table.source, sheets, file_name, year)
        if stated is None:
            raise StoreError(
                "请填写截至日期（如 2023-09-30）：同一单位同一年度的各期数据按截至日期排成序列"
                "（表格标题、文件名、执行数的表头或表下注释写明“截至2023年9月30日”“2023年1-9月”时会自动读取）。"
            )
        as_of, where = stated
        said = f"截至日期 {as_of.isoformat()} 取自{where}，如不对请删除后填写日期重新添加。"
    year = year or as_of.year
    result = store.import_file(
        data,
        file_name,
        unit=unit,
        year=year,
        kind=ds.kind,
        parse_options=parse_options,
        mapping=ds.table.source.mapping,
        settings=settings,
        summary=summary_of(ds.table),
        as_of=as_of,
    )
    return replace(result, year=int(year), message=result.message + said)


def _stated_as_of(source, sheets: list, file_name: str, year: int | None) -> tuple[date, str] | None:
    """The 截至日期 the file states and where: its title or file name ("截至2023年9月30日", "2023年1-9月"),
    the header of its 执行数 or 进度 column ("截至6月30日执行数", "1-6月累计", the year from the title),
    or a note over or under the table ("注：数据截至2023年6月30日")."""
    stem = Path(file_name).stem
    year = year or year_in(source.title) or year_in(stem)
    places = [(source.title, "表格标题"), (stem, "文件名")]
    for key in (m.EXECUTED, m.REPORTED_RATE):
        if source.mapping.get(key):
            places.append((source.mapping[key], f"表头「{source.mapping[key]}」"))
    for sheet in sheets:
        if sheet.name not in (source.sheets or [source.sheet]):
            continue
        for row in [*sheet.rows[:10], *sheet.rows[-10:]]:  # the title block and the notes
            for cell in row:
                if isinstance(cell, str) and ("截至" in cell or "截止" in cell):
                    places.append((cell, f"表中文字「{cell.strip()[:40]}」"))
    for text, where in places:
        found = as_of_in(text, year)
        if found is not None:
            return found, where
    return None


def save_reason(
    store: Store,
    unit: str,
    year: int,
    *,
    inner_unit: object,
    code: object,
    project: str,
    text: str,
    author: str,
):
    code_key, name_key = compute.reason_keys(inner_unit, code, project)
    inner = "" if inner_unit is None or inner_unit != inner_unit else str(inner_unit)
    return sm.set_reason(
        store,
        unit,
        year,
        code_key=code_key,
        name_key=name_key,
        project=project,
        text=text,
        author=author,
        inner_unit=inner,
    )
