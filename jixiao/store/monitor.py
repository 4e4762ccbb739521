"""Snapshots and 偏差原因 in the store, for 绩效运行监控 (jixiao.monitor).

A version with an 截至日期 (jx_versions.as_of) is a snapshot; the versions of one unit and year at
several dates form its series. 偏差原因 are rows of jx_reasons per unit, year and project, beside the
datasets and never versions of them, so a new snapshot keeps them. Rows are only added: the latest per
project is in force, the earlier ones are its history, an empty text withdraws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from jixiao.store.db import DatasetRow, ReasonRow, Store, StoreError, VersionRow, _aware, _now, _unreachable


@dataclass(frozen=True)
class SnapshotInfo:
    """One stored snapshot: the latest version of a dataset for one 截至日期."""

    dataset_id: int
    version: int
    kind: str
    as_of: date
    file_name: str
    imported_at: datetime


@dataclass(frozen=True)
class Reason:
    unit: str
    year: int
    code_key: str
    name_key: str
    project: str
    inner_unit: str
    text: str
    author: str
    written_at: datetime


def snapshots(store: Store, unit: str, year: int, kinds: tuple[str, ...] | None = None) -> list[SnapshotInfo]:
    """Every 截至日期 stored for (unit, year), oldest first: per dataset and date the latest
    version. Deleted datasets are left out."""
    try:
        with store.sessions() as s:
            q = (
                select(VersionRow, DatasetRow.kind)
                .join(DatasetRow, DatasetRow.id == VersionRow.dataset_id)
                .where(
                    DatasetRow.unit == unit.strip(),
                    DatasetRow.year == int(year),
                    DatasetRow.deleted_at.is_(None),
                    VersionRow.as_of.is_not(None),
                )
            )
            if kinds:
                q = q.where(DatasetRow.kind.in_(kinds))
            latest: dict[tuple[int, date], tuple[VersionRow, str]] = {}
            for v, kind in s.execute(q).all():
                key = (v.dataset_id, v.as_of)
                if key not in latest or v.version > latest[key][0].version:
                    latest[key] = (v, kind)
            out = [
                SnapshotInfo(v.dataset_id, v.version, kind, v.as_of, v.file_name, _aware(v.imported_at))
                for v, kind in latest.values()
            ]
            return sorted(out, key=lambda i: (i.as_of, i.imported_at))
    except OperationalError as exc:
        raise StoreError(_unreachable(store.url, exc)) from exc


def series(store: Store) -> list[tuple[str, int, int]]:
    """(unit, year, number of 截至日期) for every unit and year with snapshots, latest year first."""
    try:
        with store.sessions() as s:
            rows = s.execute(
                select(DatasetRow.unit, DatasetRow.year, func.count(func.distinct(VersionRow.as_of)))
                .join(VersionRow, VersionRow.dataset_id == DatasetRow.id)
                .where(DatasetRow.deleted_at.is_(None), VersionRow.as_of.is_not(None))
                .group_by(DatasetRow.unit, DatasetRow.year)
                .order_by(DatasetRow.year.desc(), DatasetRow.unit)
            ).all()
            return [(u, int(y), int(n)) for u, y, n in rows]
    except OperationalError as exc:
        raise StoreError(_unreachable(store.url, exc)) from exc


def set_reason(
    store: Store,
    unit: str,
    year: int,
    *,
    code_key: str,
    name_key: str,
    project: str,
    text: str,
    author: str,
    inner_unit: str = "",
) -> Reason:
    """Write (or, with empty text, withdraw) the 偏差原因 of one project of (unit, year)."""
    unit, author, body = (unit or "").strip(), (author or "").strip(), (text or "").strip()
    if not unit:
        raise StoreError("请填写单位名称。")
    if body and not author:
        raise StoreError("请填写说明人。")
    if len(body) > 4000:
        raise StoreError("偏差原因不能超过 4000 字。")
    if not (code_key or name_key):
        raise StoreError("无法识别该项目（没有项目名称或编码）。")
    row = ReasonRow(
        unit=unit,
        year=int(year),
        code_key=code_key[:200],
        name_key=name_key[:600],
        project=(project or "")[:500],
        inner_unit=(inner_unit or "")[:200],
        text=body,
        author=author[:100],
        written_at=_now(),
    )
    with store._write() as s:
        s.add(row)
    return _reason(row)


def reasons(store: Store, unit: str, year: int) -> list[Reason]:
    """The 偏差原因 in force for (unit, year): the latest per project, withdrawn ones left out."""
    try:
        with store.sessions() as s:
            rows = s.scalars(
                select(ReasonRow)
                .where(ReasonRow.unit == unit.strip(), ReasonRow.year == int(year))
                .order_by(ReasonRow.written_at, ReasonRow.id)
            ).all()
    except OperationalError as exc:
        raise StoreError(_unreachable(store.url, exc)) from exc
    latest: dict[tuple[str, str], ReasonRow] = {}
    for r in rows:
        latest[(r.code_key, r.name_key)] = r
    return [_reason(r) for r in latest.values() if r.text]


def reason_history(store: Store, unit: str, year: int) -> list[Reason]:
    """Every reason written for (unit, year), newest first (who changed what, when)."""
    with store.sessions() as s:
        rows = s.scalars(
            select(ReasonRow)
            .where(ReasonRow.unit == unit.strip(), ReasonRow.year == int(year))
            .order_by(ReasonRow.written_at.desc(), ReasonRow.id.desc())
        ).all()
        return [_reason(r) for r in rows]


def _reason(r: ReasonRow) -> Reason:
    return Reason(
        r.unit,
        r.year,
        r.code_key,
        r.name_key,
        r.project,
        r.inner_unit,
        r.text,
        r.author,
        _aware(r.written_at),
    )
