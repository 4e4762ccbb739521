"""All exports at once: the files of one analysis (and of 决算 figures), as a dict, a zip, or written by
the CLI."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao import model as m
from jixiao.export.common import FILES, ONLY_KINDS
from jixiao.export.docx import build_selfeval_docx
from jixiao.export.final_docx import build_final_docx
from jixiao.export.html import build_html
from jixiao.export.pptx import build_pptx
from jixiao.export.xlsx import build_xlsx

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.summary.analysis import Analysis


def parse_only(text: str | Iterable[str] | None) -> set[str]:
    """The FILES kinds to build, from --only ("docx" or "pptx,docx"); None or "" is all of them."""
    if text is None or text == "":
        return set(FILES)
    names = text.split(",") if isinstance(text, str) else list(text)
    kinds: set[str] = set()
    for name in (n.strip().lower() for n in names):
        if name not in ONLY_KINDS:
            raise m.IngestError(
                f"--only 只能是 {'、'.join(ONLY_KINDS)}（可用逗号分隔多个），不能是“{name}”。"
            )
        kinds.update(ONLY_KINDS[name])
    return kinds


def build_all(
    analysis: Analysis | None,
    *,
    final_accounts: FinalAccounts | None = None,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
    reasons: Mapping[str, str] | None = None,
    only: Iterable[str] | None = None,
) -> dict[str, bytes]:
    """{"report.pptx": …, "report.xlsx": …, "report.html": …, "report.docx": …} for an analysis (the HTML
    UTF-8 encoded), plus "final_accounts.docx" (部门决算说明) when 决算 figures are given.

    Without an analysis, 决算 figures alone give 图1–图7: the deck (title and 图1–图7), the report, the
    figures as a workbook in the template's layout (it reads back as the same figures) and the 决算说明;
    the 自评报告 needs a project table. ``only``: the FILES kinds wanted (default all)."""
    kinds = set(FILES) if only is None else set(only)
    has_figures = final_accounts is not None and bool(final_accounts.years)
    if analysis is None and not has_figures:
        raise m.IngestError("没有可以导出的数据：需要项目表或部门决算数据。")
    out: dict[str, bytes] = {}
    if "pptx" in kinds:
        out[FILES["pptx"]] = build_pptx(
            analysis, unit=unit, year=year, final_accounts=final_accounts, today=today, reasons=reasons
        )
    if "xlsx" in kinds:
        if analysis is not None:
            out[FILES["xlsx"]] = build_xlsx(analysis, reasons)
        else:
            from jixiao.final_accounts.template import write_template

            out[FILES["xlsx"]] = write_template(final_accounts)
    if "html" in kinds:
        out[FILES["html"]] = build_html(
            analysis, final_accounts=final_accounts, unit=unit, year=year, today=today, reasons=reasons
        ).encode("utf-8")
    if "docx" in kinds and analysis is not None:
        out[FILES["docx"]] = build_selfeval_docx(analysis, unit=unit, year=year, today=today, reasons=reasons)
    if "final_docx" in kinds and has_figures:
        # the figures name their own unit; the report's unit only when they do not
        fa_unit = final_accounts.unit.strip() or unit or None
        out[FILES["final_docx"]] = build_final_docx(final_accounts, year=year, unit=fa_unit, today=today)
    return out


def build_zip(analysis: Analysis | None, **kwargs: Any) -> bytes:
    """Every file in one zip, for a single download button."""
    return zip_files(build_all(analysis, **kwargs))


def kinds_for(analysis: Analysis | None, final_accounts: FinalAccounts | None) -> list[str]:
    """The FILES kinds ``build_all`` writes for this data, in order (a page that caches each file packs
    the zip from them instead of building every file again)."""
    has_figures = final_accounts is not None and bool(final_accounts.years)
    return [k for k in FILES if (k != "docx" or analysis is not None) and (k != "final_docx" or has_figures)]


def zip_files(files: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            # an Office file is a zip already: stored as it is, not deflated a second time
            packed = name.endswith((".xlsx", ".pptx", ".docx"))
            z.writestr(name, data, zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def export_file(
    path: str | Path,
    out_dir: str | Path,
    *,
    scheme: str = "auto",
    figures: str | Path | None = None,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
    only: str | Iterable[str] | None = None,
) -> dict[str, str]:
    """Read ``path``, analyse it under ``scheme`` and write the files into ``out_dir``; returns
    {kind: path}. A 决算 file (the template or a 决算 table) gives 图1–图7 (deck, report, workbook) and the
    部门决算说明.

    Raises IngestError / SchemeError for input that cannot be used (the CLI turns them into exit 2).
    """
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.final_accounts.template import load_figures
    from jixiao.read import read_dataset
    from jixiao.settings import Settings
    from jixiao.summary.analysis import analyze
    from jixiao.summary.schemes import parse_scheme_arg

    kinds = parse_only(only)
    p = Path(path)
    if not p.is_file():
        raise m.IngestError(f"找不到文件：{path}")
    requested = parse_scheme_arg(scheme)
    if isinstance(requested, str):
        settings = Settings(scheme=requested)
    else:
        settings = Settings(scheme="custom", custom_weights=dict(requested.weights))
    fa = None
    if figures:
        fp = Path(figures)
        if not fp.is_file():
            raise m.IngestError(f"找不到文件：{figures}")
        fa, _ = load_figures(fp.read_bytes(), fp.name)
    ds = read_dataset(p.read_bytes(), p.name)
    if fa is None and ds.final_accounts is not None:
        fa = ds.final_accounts  # a 决算 report with its 自评表 annexed: both are exported
    # Any kind whose reading gives a project table exports it; 决算 figures alone export 图1–图7 and the
    # 决算说明.
    analysis = analyze(ds.table, settings) if isinstance(ds.table, m.ProjectTable) else None
    if analysis is None:
        if isinstance(ds.detail, FinalAccounts):
            fa = ds.detail if not unit else dataclasses.replace(ds.detail, unit=unit)
        if fa is None:
            raise m.IngestError("文件已读取，但其中既没有项目表，也没有部门决算数据，没有可以导出的内容。")
        if not fa.years:
            raise m.IngestError("部门决算数据中没有任何年度的数字，无法导出。")
    reasons = None
    if ds.kind in m.FORM_KINDS and ds.detail is not None:
        from jixiao.forms.rollup import stated_reasons

        reasons = stated_reasons(ds.detail)  # the 未完成原因分析 the forms give
    files = build_all(
        analysis, final_accounts=fa, unit=unit, year=year, today=today, only=kinds, reasons=reasons
    )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for key, name in FILES.items():
        if name in files:
            (out / name).write_bytes(files[name])
            written[key] = str(out / name)
    return written
