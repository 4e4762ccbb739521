"""All exports at once: the files of one analysis, as a dict, a zip, or written by the CLI."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao import model as m
from jixiao.export.common import FILES
from jixiao.export.html import build_html
from jixiao.export.pptx import build_pptx
from jixiao.export.xlsx import build_xlsx

if TYPE_CHECKING:
    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.summary.analysis import Analysis


def build_all(
    analysis: Analysis,
    *,
    final_accounts: FinalAccounts | None = None,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
) -> dict[str, bytes]:
    """{"report.pptx": …, "report.xlsx": …, "report.html": …} (the HTML UTF-8 encoded)."""
    return {
        FILES["pptx"]: build_pptx(analysis, unit=unit, year=year, final_accounts=final_accounts, today=today),
        FILES["xlsx"]: build_xlsx(analysis),
        FILES["html"]: build_html(
            analysis, final_accounts=final_accounts, unit=unit, year=year, today=today
        ).encode("utf-8"),
    }


def build_zip(analysis: Analysis, **kwargs: Any) -> bytes:
    """The three files in one zip, for a single download button."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in build_all(analysis, **kwargs).items():
            z.writestr(name, data)
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
) -> dict[str, str]:
    """Read ``path``, analyse it under ``scheme`` and write the three files into ``out_dir``.

    Raises IngestError / SchemeError for input that cannot be used (the CLI turns them into exit 2).
    """
    from jixiao.final_accounts.template import load_figures
    from jixiao.read import read_dataset
    from jixiao.settings import Settings
    from jixiao.summary.analysis import analyze
    from jixiao.summary.schemes import parse_scheme_arg

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
    if ds.table is None:
        raise m.IngestError("文件已读取，但其中没有可以导出的项目表。")
    analysis = analyze(ds.table, settings)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = build_all(analysis, final_accounts=fa, unit=unit, year=year, today=today)
    written: dict[str, str] = {}
    for key, name in FILES.items():
        (out / name).write_bytes(files[name])
        written[key] = str(out / name)
    return written
