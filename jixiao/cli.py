"""Command line: ``python -m jixiao inspect FILE --json`` and friends.

Every subcommand prints one JSON document (or a short Chinese summary) and exits 0; input it cannot
read gives exit 2 and one Chinese line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from jixiao.model import IngestError
from jixiao.store.errors import StoreError
from jixiao.summary.schemes import SchemeError

EXIT_BAD_INPUT = 2


def _print_json(doc: Any) -> None:
    from jixiao.report import dump_bytes, write_json

    if not isinstance(doc, dict):
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        return
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a test's StringIO)
        sys.stdout.write(dump_bytes(doc).decode("utf-8") + "\n")
        return
    sys.stdout.flush()
    write_json(doc, buffer)
    buffer.write(b"\n")
    buffer.flush()


def _read_bytes(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise IngestError(f"找不到文件：{path}")
    return p.read_bytes()


def cmd_inspect(args: argparse.Namespace) -> int:
    from jixiao.report import inspect_bytes

    overrides = {"report_year": args.report_year} if args.report_year else {}
    if args.include_hidden:
        overrides["include_hidden"] = True
    doc = inspect_bytes(
        _read_bytes(args.file),
        Path(args.file).name,
        scheme=args.scheme,
        overrides=overrides,
        lazy_rows=bool(args.json),  # written straight from the columns, a few thousand rows at a time
    )
    if args.json:
        _print_json(doc)
    else:
        from jixiao.report import summary_text

        sys.stdout.write(summary_text(doc) + "\n")
    return 0


def cmd_check_text(args: argparse.Namespace) -> int:
    """Recompute every change / share / completion statement of a report's text."""
    from jixiao.final_accounts.statements import check_bytes, summary
    from jixiao.final_accounts.template import load_figures

    figures = None
    if args.figures:
        figures, _ = load_figures(_read_bytes(args.figures), Path(args.figures).name)
    statements = check_bytes(_read_bytes(args.file), Path(args.file).name, figures)
    if args.json:
        _print_json({"statements": [s.to_dict() for s in statements], "summary": summary(statements)})
    else:
        for s in statements:
            sys.stdout.write(f"[{s.status}] {s.text}" + (f" —— {s.note}" if s.note else "") + "\n")
        counts = summary(statements)
        sys.stdout.write("，".join(f"{k}{v}处" for k, v in counts.items()) + "\n")
    return 0


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise IngestError(f"截至日期“{text}”不是 YYYY-MM-DD 格式的日期（如 2023-09-30）。") from None


def cmd_import(args: argparse.Namespace) -> int:
    from jixiao.naming import guess_unit_year
    from jixiao.read import read_dataset
    from jixiao.store.db import Store, summary_of

    data = _read_bytes(args.file)
    name = Path(args.file).name
    as_of = _date(args.as_of) if args.as_of else None
    if as_of is not None or _is_monthly(data, name):
        return _import_snapshot(args, data, name, as_of)
    ds = read_dataset(data, name)  # refuse what cannot be read before it is stored
    title = ds.table.source.title if ds.table is not None else ""
    unit, year = guess_unit_year(title, name)
    unit, year = args.unit or unit, args.year or year
    if not unit or not year:
        raise IngestError("无法从文件中判断单位或年度，请用 --unit 和 --year 指定。")
    store = Store(args.db)
    mapping = ds.table.source.mapping if ds.table is not None else {}
    result = store.import_file(
        data, name, unit=unit, year=year, kind=ds.kind, mapping=mapping, summary=summary_of(ds.table)
    )
    return _print_import(args, result)


def _print_import(args: argparse.Namespace, result) -> int:
    """What `import` prints, for a dataset and for a 监控 snapshot alike."""
    doc = {"dataset_id": result.dataset_id, "version": result.version, "duplicate": result.duplicate}
    if args.json:
        _print_json(doc)
    else:
        sys.stdout.write(result.message + "\n")
    return 0


def _is_monthly(data: bytes, name: str) -> bool:
    from jixiao.ingest.workbook import load_sheets
    from jixiao.monitor.read import looks_like_monthly

    return looks_like_monthly(load_sheets(data, name))


def _import_snapshot(args: argparse.Namespace, data: bytes, name: str, as_of) -> int:
    """A snapshot for 绩效运行监控: a 汇总表 at --as-of, or a 月度执行表 (one column per month)."""
    from jixiao.monitor.series import import_snapshot
    from jixiao.naming import guess_unit_year
    from jixiao.store.db import Store

    unit, year = guess_unit_year("", name)
    # a 月度执行表 (no --as-of) states its own year in its title, header or months
    unit, year = args.unit or unit, args.year or (year or as_of.year if as_of else None)
    if not unit:
        raise IngestError("无法从文件中判断单位，请用 --unit 指定。")
    result = import_snapshot(Store(args.db), data, name, unit=unit, year=year, as_of=as_of)
    return _print_import(args, result)


def cmd_monitor(args: argparse.Namespace) -> int:
    """The monitoring series of one unit's year from the store (绩效运行监控)."""
    from jixiao.monitor import compute
    from jixiao.monitor.series import load
    from jixiao.store.db import Store

    mon, notes = load(Store(args.db), args.unit, args.year)
    for note in notes:
        sys.stderr.write(f"提示：{note}\n")
    if not len(mon.snapshots):
        raise IngestError(
            f"数据库中没有 {args.unit} {args.year}年 的监控数据：请先用 import FILE --as-of YYYY-MM-DD 导入各期数据。"
        )
    if args.json:
        _print_json(compute.to_doc(mon))
    else:
        sys.stdout.write((compute.headline(mon, args.unit) or "") + "\n")
        for row in compute.to_doc(mon)["projects"]:
            band = compute.BAND_LABELS.get(row["band"], "—")
            sys.stdout.write(f"{band}\t{row['unit'] or ''}\t{row['project']}\t{row['gap_points']}\n")
    return 0


def cmd_datasets(args: argparse.Namespace) -> int:
    from jixiao.store.db import Store

    infos = Store(args.db).list_datasets(include_deleted=args.all)
    if args.json:
        _print_json([i.to_dict() for i in infos])
    else:
        for i in infos:
            sys.stdout.write(
                f"{i.id}\t{i.unit}\t{i.year}\t{i.kind}\t第{i.version}版\t{i.projects or 0}个项目\n"
            )
    return 0


def cmd_hash_password(args: argparse.Namespace) -> int:
    import getpass

    from jixiao.auth import ENV_HASH, hash_password

    password = sys.stdin.readline().rstrip("\n") if args.stdin else getpass.getpass("管理员密码：")
    if not password:
        raise IngestError("密码不能为空。")
    sys.stdout.write(f"{ENV_HASH}='{hash_password(password)}'\n")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """report.pptx, report.xlsx, report.html and report.docx (with --figures also final_accounts.docx;
    a 决算 file gives final_accounts.docx alone) into --out; prints their paths as one JSON line."""
    from jixiao.export.bundle import export_file

    written = export_file(
        args.file,
        args.out,
        scheme=args.scheme,
        figures=args.figures,
        unit=args.unit,
        year=args.year,
        only=args.only,
    )
    sys.stdout.write(json.dumps(written, ensure_ascii=False) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao", description="绩效看板：预算执行率、绩效自评与部门决算的检查工具"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("inspect", help="读取一个工作簿，重新计算并审核")
    p.add_argument("file")
    p.add_argument(
        "--scheme", default="auto", help="权重方案：auto、henan、mof 或 custom:执行率=10,产出=50,…"
    )
    p.add_argument("--report-year", type=int, help="报告年度：表中有上年、本年两组列时取该年度的列")
    p.add_argument("--include-hidden", action="store_true", help="计入 Excel 中隐藏的行和列")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("check-text", help="核对决算说明文字中的增减额、增减率、占比和完成预算比例")
    p.add_argument("file", help="报告文字：.txt（UTF-8/GBK）或 .docx")
    p.add_argument(
        "--figures", help="决算数据：JSON（如 liangshan_2023_final_accounts.json）或填好的模板 .xlsx"
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_check_text)

    p = sub.add_parser("import", help="把文件保存到数据库（同一单位、年度、类型再次导入时生成新版本）")
    p.add_argument("file")
    p.add_argument("--unit", help="单位名称（默认从文件标题猜测）")
    p.add_argument("--year", type=int, help="年度（默认从文件标题或文件名猜测）")
    p.add_argument(
        "--as-of",
        help="截至日期 YYYY-MM-DD：作为绩效运行监控的一期数据保存（月度执行表可省略，取最后有数的月末）",
    )
    p.add_argument("--db", help="数据库地址，默认 JIXIAO_DB_URL 或 data/jixiao.db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("monitor", help="绩效运行监控：某单位某年度各期的支出进度与序时进度")
    p.add_argument("--unit", required=True, help="单位名称（与导入时一致）")
    p.add_argument("--year", required=True, type=int, help="年度")
    p.add_argument("--db", help="数据库地址，默认 JIXIAO_DB_URL 或 data/jixiao.db")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_monitor)

    p = sub.add_parser("datasets", help="列出已保存的数据集")
    p.add_argument("--db", help="数据库地址，默认 JIXIAO_DB_URL 或 data/jixiao.db")
    p.add_argument("--all", action="store_true", help="包括已删除的")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_datasets)

    p = sub.add_parser(
        "hash-password", help="生成管理员密码的 scrypt 哈希（设置 JIXIAO_ADMIN_PASSWORD_HASH 用）"
    )
    p.add_argument("--stdin", action="store_true", help="从标准输入读取密码")
    p.set_defaults(func=cmd_hash_password)

    p = sub.add_parser(
        "export",
        help="导出汇报材料：report.pptx、report.xlsx、report.html、report.docx（自评报告）、"
        "final_accounts.docx（部门决算说明）",
    )
    p.add_argument("file")
    p.add_argument("--out", required=True, help="输出目录（不存在时自动创建）")
    p.add_argument(
        "--scheme", default="auto", help="权重方案：auto、henan、mof 或 custom:执行率=10,产出=50,…"
    )
    p.add_argument("--figures", help="部门决算数据（JSON 或填好的模板 .xlsx），加入图1–图7")
    p.add_argument("--unit", help="单位名称（默认从文件标题猜测）")
    p.add_argument("--year", type=int, help="年度（默认从文件标题或文件名猜测）")
    p.add_argument("--only", help="只导出某几种：pptx、xlsx、html、docx（Word 文档），可用逗号分隔")
    p.set_defaults(func=cmd_export)

    # Further subcommands (check-text, import, datasets, export) are added here, one cmd_* each.
    return parser


ENV_LOG = "JIXIAO_LOG"  # set to 1: the reader's details on stderr too
UNEXPECTED = (
    "处理文件时出现意外错误，未能完成。请确认文件是 Excel、CSV 或 Word 表格；如问题持续，请把文件发给维护者"
)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # One Chinese line on stderr for input we cannot use: the reader's details (a crashed worker's
    # own words) are for an operator who asks for them with JIXIAO_LOG=1.
    if os.environ.get(ENV_LOG):
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    else:
        logging.getLogger("jixiao").addHandler(logging.NullHandler())
    try:
        with warnings.catch_warnings():
            if not os.environ.get(ENV_LOG):
                # numpy's "invalid value encountered" over a hostile file's numbers: not for a user
                warnings.simplefilter("ignore", RuntimeWarning)
            return int(args.func(args) or 0)
    except (IngestError, SchemeError, StoreError) as exc:
        sys.stderr.write(f"错误：{exc.message}\n")
        return EXIT_BAD_INPUT
    except (OSError, UnicodeError, ValueError) as exc:
        # Input trouble we did not foresee must still not print a traceback to a user.
        sys.stderr.write(f"错误：无法读取输入（{type(exc).__name__}）。\n")
        return EXIT_BAD_INPUT
    except Exception as exc:
        if not _database_error(exc):
            # a reader's bug met on a hostile file (an OverflowError on a 400-digit number, say): the
            # data-import page says the same; the traceback is in the log (JIXIAO_LOG=1)
            logging.getLogger("jixiao").exception("unexpected error in %s", args.command)
            sys.stderr.write(f"错误：{UNEXPECTED}（{type(exc).__name__}）\n")
            return EXIT_BAD_INPUT
        # a database failure outside Store's own checks (a read, say): its cause, in words
        from jixiao.store.db import ENV_URL
        from jixiao.store.faults import failure_message

        url = getattr(args, "db", None) or os.environ.get(ENV_URL) or "sqlite:///"
        sys.stderr.write(f"错误：{failure_message(url, exc)}\n")
        return EXIT_BAD_INPUT


def _database_error(exc: BaseException) -> bool:
    """SQLAlchemy's errors, without importing SQLAlchemy where no command used the store."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)
