"""Which kind of file is this? Route bytes to the right reader and return one Dataset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jixiao import model as m
from jixiao.ingest.summary import read_project_table
from jixiao.ingest.workbook import load_sheets


@dataclass
class Dataset:
    kind: str
    table: m.ProjectTable | None  # the project table every dashboard page shows (forms roll up into one)
    detail: Any = None  # FormsDataset / FinalAccounts for the pages of that kind
    extra_doc: dict[str, Any] | None = None  # what the CLI adds for that kind


def read_dataset(data: bytes, filename: str, **overrides: Any) -> Dataset:
    sheets = load_sheets(data, filename)
    table = read_project_table(sheets, filename, **overrides)
    return Dataset(m.KIND_PROJECT_TABLE, table)
