"""Which kind of file is this? Route bytes to the right reader and return one Dataset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jixiao import model as m
from jixiao.ingest.summary import read_project_table
from jixiao.ingest.workbook import load_sheets

DEFAULT_DEVIATION = 20.0  # percent: 完成值 further than this from 指标值 is a deviation


@dataclass
class Dataset:
    kind: str
    table: m.ProjectTable | None  # the project table every dashboard page shows (forms roll up into one)
    detail: Any = None  # FormsDataset / FinalAccounts for the pages of that kind
    extra_doc: dict[str, Any] | None = None  # what the CLI adds for that kind


def read_dataset(
    data: bytes, filename: str, *, target_deviation: float = DEFAULT_DEVIATION, **overrides: Any
) -> Dataset:
    """Read any supported file. ``overrides`` (sheet, header_rows, columns, amount_unit) apply to
    project tables: they are what a user corrected on the import page."""
    sheets = load_sheets(data, filename)
    if not overrides:
        from jixiao.ingest.forms import looks_like_forms

        if looks_like_forms(sheets):
            from jixiao.form_rollup import forms_doc, forms_to_project_table
            from jixiao.ingest.forms import parse_sheets

            forms = parse_sheets(sheets, filename, deviation=target_deviation / 100.0)
            return Dataset(
                m.KIND_SELFEVAL_FORMS,
                forms_to_project_table(forms),
                forms,
                {"kind": m.KIND_SELFEVAL_FORMS, "forms": forms_doc(forms)},
            )
        from jixiao import final_accounts as fam

        if fam.looks_like_final_accounts(sheets):
            figures, findings = fam.from_sheets(sheets)
            return Dataset(m.KIND_FINAL_ACCOUNTS, None, figures, fam.summary_doc(figures, findings))
    table = read_project_table(sheets, filename, **overrides)
    return Dataset(m.KIND_PROJECT_TABLE, table)
