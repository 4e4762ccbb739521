"""Datasets that last: SQLAlchemy 2 over SQLite (default, WAL) or PostgreSQL (JIXIAO_DB_URL).

A stored dataset is a series (unit, year, kind) with versions; each version keeps the original file
bytes, their hash, and the parse settings / column mapping used, so what a page shows is always
re-derived from the original by the same engine. Imports are one transaction each; delete is soft.

A version may carry an 截至日期 (``as_of``): a snapshot for 绩效运行监控; reading snapshots and the
偏差原因 (jx_reasons) is in jixiao/store/monitor.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    create_engine,
    event,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from jixiao import model as m
from jixiao.store.errors import StoreError
from jixiao.store.faults import failure_message, fit_to_column, migrate_under_lock, over_length, unreachable

SCHEMA_VERSION = 2  # 2: jx_versions.as_of, jx_reasons
DEFAULT_DB_PATH = Path("data") / "jixiao.db"
ENV_URL = "JIXIAO_DB_URL"


class Base(DeclarativeBase):
    pass


class SchemaVersion(Base):
    __tablename__ = "jx_schema_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class DatasetRow(Base):
    __tablename__ = "jx_datasets"
    __table_args__ = (UniqueConstraint("unit", "year", "kind", name="uq_dataset_unit_year_kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(300))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class VersionRow(Base):
    __tablename__ = "jx_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "version", name="uq_version_dataset_version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("jx_datasets.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    file_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    parse_options: Mapped[dict] = mapped_column(JSON)  # sheet / header_rows / columns / amount_unit
    mapping: Mapped[dict] = mapped_column(JSON)  # field -> header text, as detected or corrected
    settings: Mapped[dict] = mapped_column(JSON)  # scheme and thresholds in force at import
    summary: Mapped[dict] = mapped_column(JSON)  # projects, budget, executed, rate: for listings
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    as_of: Mapped[date | None] = mapped_column(Date, nullable=True)  # 截至日期 of a snapshot


class ReasonRow(Base):
    """One 偏差原因 as written. Rows are never updated: the latest per project is the reason in force,
    the earlier ones are its history (an empty text withdraws it)."""

    __tablename__ = "jx_reasons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit: Mapped[str] = mapped_column(String(200), index=True)
    year: Mapped[int] = mapped_column(Integer)
    # how the project is recognised in every snapshot (jixiao.monitor keys: by 项目编码, by name)
    code_key: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(600))
    project: Mapped[str] = mapped_column(String(500))  # as shown when written
    inner_unit: Mapped[str] = mapped_column(String(200))  # the table's own 单位, "" when none
    text: Mapped[str] = mapped_column(String(4000))
    author: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class DatasetInfo:
    id: int
    unit: str
    year: int
    kind: str
    label: str
    version: int  # the current version
    versions: int
    projects: int | None
    budget: float | None
    executed: float | None
    execution_rate: float | None
    imported_at: datetime
    deleted: bool
    file_name: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "year": self.year,
            "kind": self.kind,
            "label": self.label,
            "version": self.version,
            "versions": self.versions,
            "projects": self.projects,
            "imported_at": self.imported_at.isoformat(timespec="seconds"),
            "deleted": self.deleted,
        }


@dataclass(frozen=True)
class VersionInfo:
    dataset_id: int
    version: int
    file_name: str
    file_hash: str
    imported_at: datetime
    summary: dict
    current: bool
    as_of: date | None = None  # 截至日期 of a 监控 snapshot


@dataclass(frozen=True)
class StoredFile:
    dataset_id: int
    version: int
    file_name: str
    data: bytes
    parse_options: dict
    mapping: dict
    settings: dict


@dataclass(frozen=True)
class ImportResult:
    dataset_id: int
    version: int
    duplicate: bool  # identical bytes were already stored for this unit/year/kind: nothing added
    message: str
    year: int | None = None  # the year stored under, when the caller let the file decide it


def default_url() -> str:
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    DEFAULT_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DB_PATH.resolve()}"


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


class Store:
    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.is_sqlite = self.url.startswith("sqlite")
        try:
            self.engine = self._make_engine()
            migrate_under_lock(self.engine, self._migrate)
        # ImportError: the URL names a driver not installed; ValueError: a port that is not a number
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(_unreachable(self.url, exc)) from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    # --- setup ------------------------------------------------------------------------------
    def _make_engine(self) -> Engine:
        if self.is_sqlite:
            engine = create_engine(self.url, connect_args={"timeout": 30, "check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn, _record):
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            @event.listens_for(engine, "begin")
            def _begin(conn):
                # IMMEDIATE takes the write lock at the start, so two importers never both read
                # "version 3 is the latest" and then collide.
                conn.exec_driver_sql("BEGIN IMMEDIATE")

            return engine
        return create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=10)

    def _migrate(self) -> None:
        Base.metadata.create_all(self.engine)  # new tables (jx_reasons) appear here, in place
        with Session(self.engine) as s:
            # Current already: no row lock, so a read-only database still opens for browsing.
            row = s.get(SchemaVersion, 1)
            if row is not None and row.version == SCHEMA_VERSION:
                return
        with Session(self.engine) as s, s.begin():
            row = s.get(SchemaVersion, 1, with_for_update=not self.is_sqlite)
            if row is None:
                s.add(SchemaVersion(id=1, version=SCHEMA_VERSION))
            elif row.version > SCHEMA_VERSION:
                raise StoreError(
                    f"数据库结构版本为 {row.version}，比本程序支持的 {SCHEMA_VERSION} 新，请升级 jixiao。"
                )
            elif row.version < SCHEMA_VERSION:
                # One step per version, each safe to run twice; the row lock above (BEGIN IMMEDIATE on
                # SQLite) keeps two processes from migrating at once.
                if row.version < 2:
                    self._add_column(s, "jx_versions", "as_of", "DATE")
                row.version = SCHEMA_VERSION

    @staticmethod
    def _add_column(s: Session, table: str, column: str, sql_type: str) -> None:
        have = {c["name"] for c in inspect(s.connection()).get_columns(table)}
        if column not in have:
            s.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))

    def schema_version(self) -> int:
        with Session(self.engine) as s:
            return s.get(SchemaVersion, 1).version

    def dispose(self) -> None:
        self.engine.dispose()

    # --- writing ----------------------------------------------------------------------------
    def import_file(
        self,
        data: bytes,
        file_name: str,
        *,
        unit: str,
        year: int,
        kind: str = m.KIND_PROJECT_TABLE,
        label: str | None = None,
        parse_options: dict | None = None,
        mapping: dict | None = None,
        settings: dict | None = None,
        summary: dict | None = None,
        as_of: date | None = None,
        _between_steps=None,
    ) -> ImportResult:
        """Store one import as a new version of (unit, year, kind), in one transaction. With ``as_of``
        the version is a snapshot at that 截至日期 (which must fall in ``year``)."""
        unit = (unit or "").strip()
        if not unit:
            raise StoreError("请填写单位名称。")
        too_long = over_length(DatasetRow.__table__, unit=unit, label=label)
        if too_long:
            raise StoreError(too_long)
        file_name = fit_to_column(file_name, VersionRow.__table__.c.file_name)
        if not (1990 <= int(year) <= 2100):
            raise StoreError(f"年度“{year}”不在 1990–2100 之间。")
        if as_of is not None and as_of.year != int(year):
            raise StoreError(f"截至日期 {as_of.isoformat()} 不在 {int(year)} 年内。")
        digest = file_hash(data)
        for attempt in range(5):
            try:
                return self._import_once(
                    data,
                    file_name,
                    digest,
                    unit,
                    int(year),
                    kind,
                    label,
                    parse_options,
                    mapping,
                    settings,
                    summary,
                    as_of,
                    _between_steps,
                )
            except IntegrityError:
                # Another session created the same dataset or version number first: try again.
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
            except DBAPIError as exc:  # read-only, disk full, server gone …: told apart
                raise StoreError(_unreachable(self.url, exc)) from exc
        raise AssertionError("unreachable")

    def _import_once(
        self,
        data,
        file_name,
        digest,
        unit,
        year,
        kind,
        label,
        parse_options,
        mapping,
        settings,
        summary,
        as_of,
        between,
    ) -> ImportResult:
        with self.sessions() as s, s.begin():
            ds = s.scalar(
                select(DatasetRow)
                .where(DatasetRow.unit == unit, DatasetRow.year == year, DatasetRow.kind == kind)
                .with_for_update()
            )
            if ds is not None:
                # The same bytes read the same way are the same dataset; read with other corrections
                # (sheet, header rows, columns, 金额单位) they are a new version.
                options = _jsonable(parse_options or {})
                same = next(
                    (
                        v
                        for v in s.scalars(
                            select(VersionRow).where(
                                VersionRow.dataset_id == ds.id, VersionRow.file_hash == digest
                            )
                        )
                        if (v.parse_options or {}) == options and v.as_of == as_of
                    ),
                    None,
                )
                if same is not None:
                    if ds.deleted_at is not None:
                        ds.deleted_at = None
                    return ImportResult(
                        ds.id,
                        same.version,
                        True,
                        f"这个文件已经导入过（{unit} {year}年，第 {same.version} 版），没有重复保存。",
                    )
            else:
                ds = DatasetRow(
                    unit=unit,
                    year=year,
                    kind=kind,
                    label=label or f"{unit} {year}年 {m.KIND_LABELS.get(kind, kind)}",
                    current_version=0,
                    created_at=_now(),
                )
                s.add(ds)
                s.flush()
            if between:
                between("dataset")
            latest = s.scalar(select(func.max(VersionRow.version)).where(VersionRow.dataset_id == ds.id)) or 0
            version = latest + 1
            s.add(
                VersionRow(
                    dataset_id=ds.id,
                    version=version,
                    file_name=file_name,
                    file_hash=digest,
                    file_bytes=data,
                    parse_options=_jsonable(parse_options or {}),
                    mapping=_jsonable(mapping or {}),
                    settings=_jsonable(settings or {}),
                    summary=_jsonable(summary or {}),
                    imported_at=_now(),
                    as_of=as_of,
                )
            )
            s.flush()
            if between:
                between("version")
            later = None
            if as_of is not None:
                later = s.scalar(
                    select(func.max(VersionRow.as_of)).where(
                        VersionRow.dataset_id == ds.id, VersionRow.as_of > as_of
                    )
                )
            if later is None:
                # a snapshot older than one already stored fills in the series; the dataset still
                # shows its latest state
                ds.current_version = version
            ds.deleted_at = None
            if label:
                ds.label = label
            when = f"（截至 {as_of.isoformat()}）" if as_of else ""
            return ImportResult(ds.id, version, False, f"已保存为 {unit} {year}年 第 {version} 版{when}。")

    def rename(self, dataset_id: int, label: str) -> None:
        label = (label or "").strip()
        if not label:
            raise StoreError("名称不能为空。")
        with self._write() as s:
            self._get(s, dataset_id).label = label[:300]

    def delete(self, dataset_id: int) -> None:
        with self._write() as s:
            self._get(s, dataset_id).deleted_at = _now()

    def restore(self, dataset_id: int) -> None:
        with self._write() as s:
            self._get(s, dataset_id).deleted_at = None

    def set_current_version(self, dataset_id: int, version: int) -> None:
        with self._write() as s:
            ds = self._get(s, dataset_id)
            exists = s.scalar(
                select(VersionRow.id).where(VersionRow.dataset_id == ds.id, VersionRow.version == version)
            )
            if exists is None:
                raise StoreError(f"没有第 {version} 版。")
            ds.current_version = version

    # --- reading ----------------------------------------------------------------------------
    def list_datasets(self, *, include_deleted: bool = False, kind: str | None = None) -> list[DatasetInfo]:
        try:
            with self.sessions() as s:
                q = select(DatasetRow)
                if not include_deleted:
                    q = q.where(DatasetRow.deleted_at.is_(None))
                if kind:
                    q = q.where(DatasetRow.kind == kind)
                datasets = s.scalars(q.order_by(DatasetRow.year.desc(), DatasetRow.unit)).all()
                counts = dict(
                    s.execute(
                        select(VersionRow.dataset_id, func.count()).group_by(VersionRow.dataset_id)
                    ).all()
                )
                out = []
                for ds in datasets:
                    cur = s.scalar(
                        select(VersionRow).where(
                            VersionRow.dataset_id == ds.id, VersionRow.version == ds.current_version
                        )
                    )
                    if cur is None:
                        continue
                    summ = cur.summary or {}
                    out.append(
                        DatasetInfo(
                            id=ds.id,
                            unit=ds.unit,
                            year=ds.year,
                            kind=ds.kind,
                            label=ds.label,
                            version=ds.current_version,
                            versions=counts.get(ds.id, 0),
                            projects=summ.get("projects"),
                            budget=summ.get("budget"),
                            executed=summ.get("executed"),
                            execution_rate=summ.get("execution_rate"),
                            imported_at=_aware(cur.imported_at),
                            deleted=ds.deleted_at is not None,
                            file_name=cur.file_name,
                        )
                    )
                return out
        except OperationalError as exc:
            raise StoreError(_unreachable(self.url, exc)) from exc

    def versions(self, dataset_id: int) -> list[VersionInfo]:
        with self.sessions() as s:
            ds = self._get(s, dataset_id)
            rows = s.scalars(
                select(VersionRow)
                .where(VersionRow.dataset_id == dataset_id)
                .order_by(VersionRow.version.desc())
            ).all()
            return [
                VersionInfo(
                    ds.id,
                    r.version,
                    r.file_name,
                    r.file_hash,
                    _aware(r.imported_at),
                    r.summary or {},
                    r.version == ds.current_version,
                    r.as_of,
                )
                for r in rows
            ]

    def load(self, dataset_id: int, version: int | None = None) -> StoredFile:
        with self.sessions() as s:
            ds = self._get(s, dataset_id)
            v = version or ds.current_version
            row = s.scalar(
                select(VersionRow).where(VersionRow.dataset_id == dataset_id, VersionRow.version == v)
            )
            if row is None:
                raise StoreError(f"数据集 {dataset_id} 没有第 {v} 版。")
            return StoredFile(
                ds.id,
                row.version,
                row.file_name,
                row.file_bytes,
                row.parse_options,
                row.mapping,
                row.settings,
            )

    def is_deleted(self, dataset_id: int) -> bool:
        with self.sessions() as s:
            return self._get(s, dataset_id).deleted_at is not None

    # --- helpers ----------------------------------------------------------------------------
    def _write(self):
        return _WriteSession(self)

    @staticmethod
    def _get(s: Session, dataset_id: int) -> DatasetRow:
        ds = s.get(DatasetRow, int(dataset_id))
        if ds is None:
            raise StoreError(f"找不到编号为 {dataset_id} 的数据集。")
        return ds


class _WriteSession:
    def __init__(self, store: Store):
        self.store = store

    def __enter__(self) -> Session:
        self.session = self.store.sessions()
        self.tx = self.session.begin()
        return self.session

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.tx.commit()
            else:
                self.tx.rollback()
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError):
            raise StoreError(_unreachable(self.store.url, exc)) from exc
        return False


def _jsonable(d: dict) -> dict:
    return json.loads(json.dumps(d, ensure_ascii=False, default=str))


def _unreachable(url: str, exc: BaseException | None = None) -> str:
    """The Chinese message for a database failure, told apart by its cause (jixiao.store.faults)."""
    if exc is not None:
        return failure_message(url, exc)
    return unreachable(url)


def summary_of(table: m.ProjectTable | None) -> dict[str, Any]:
    """The few numbers a listing shows without re-reading the file."""
    if table is None:
        return {}
    from jixiao.summary.compute import totals

    t = totals(table.projects)
    return {"projects": len(table.projects), **{k: t[k] for k in ("budget", "executed", "execution_rate")}}
