"""The JSON document ``inspect`` prints, built from an Analysis (money 万元, percent, 2 decimals)."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from itertools import repeat
from typing import Any, BinaryIO

import numpy as np
import orjson
import pandas as pd

from jixiao import model as m
from jixiao.fmt import pct, round_array, round_half_up, wan
from jixiao.perf import gc_paused
from jixiao.read import read_dataset
from jixiao.settings import Settings
from jixiao.summary.analysis import Analysis, analyze
from jixiao.summary.schemes import parse_scheme_arg


def _r(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round_half_up(f, 2)


def _rounded(series) -> np.ndarray:
    """A money/percent column as float64 rounded half-up to 2 decimals, missing as NaN."""
    return round_array(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), 2)


def _floats(values: np.ndarray) -> list[float | None]:
    """NaN → None, in C: an object array takes the floats, the NaN places take None."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _s(x: Any) -> str | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return str(x)


CHUNK_ROWS = 5000  # rows turned into dicts (and JSON text) at a time

ROW_KEYS = (
    "sheet_row",
    "seq",
    "unit",
    "code",
    "project",
    "budget",
    "executed",
    "execution_rate",
    "reported_execution_rate",
    "reported_score",
    "computed_score",
    "grade",
    "self_flag",
    "flags",
)


class Rows(Sequence):
    """The document's project rows, held as the columns they come from.

    A row is a dict only while someone looks at it; the JSON writer (``write_json``) turns a few
    thousand at a time into text. Number columns stay float64 arrays until then, so a province-wide
    table is never held twice, as 50,000 dicts or as a million Python floats."""

    def __init__(self, columns: list[list[Any] | np.ndarray]):
        self._columns = columns
        self._n = len(columns[0]) if columns else 0

    def __len__(self) -> int:
        return self._n

    def _part(self, start: int, stop: int) -> list[list[Any]]:
        return [_floats(c[start:stop]) if isinstance(c, np.ndarray) else c[start:stop] for c in self._columns]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        return _row(tuple(c[0] for c in self._part(i, i + 1)))

    def __iter__(self):
        for start in range(0, self._n, CHUNK_ROWS):
            for values in zip(*self._part(start, start + CHUNK_ROWS)):
                yield _row(values)

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def chunks(self, size: int):
        """Rows as dicts, ``size`` at a time, flags left as Flag tuples (the writer converts them)."""
        for start in range(0, self._n, size):
            part = zip(*self._part(start, start + size))
            yield list(map(dict, map(zip, repeat(ROW_KEYS), part)))


def _row(values: tuple) -> dict[str, Any]:
    row = dict(zip(ROW_KEYS, values))
    row["flags"] = [{"code": f.code, "reason": f.reason} for f in row["flags"]]
    return row


def _texts(series) -> list[str | None]:
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        # pandas' text columns hold str or a missing marker: only the missing places need turning into None
        out = series.tolist()
        for i in np.flatnonzero(series.isna().to_numpy()).tolist():
            out[i] = None
        return out
    return [x if type(x) is str or x is None else _s(x) for x in series.tolist()]


def _choices_doc(src: m.Source) -> dict[str, Any]:
    """The columns passed over when several fitted a field, the report year, hidden rows left out."""
    out: dict[str, Any] = {}
    if src.candidates:
        out["passed_over"] = {
            f: [src.headers[c] if c < len(src.headers) else "" for c in cols]
            for f, cols in src.candidates.items()
        }
        out["report_year"] = src.report_year
    if src.combined_sheets:
        out["combined_sheets"] = list(src.combined_sheets)
    if src.hidden_left_out or src.include_hidden:
        out["hidden_left_out"] = src.hidden_left_out
        out["include_hidden"] = src.include_hidden
    return out


def analysis_doc(a: Analysis, lazy_rows: bool = False) -> dict[str, Any]:
    """The document. ``rows`` is a plain list of dicts, unless ``lazy_rows``: then a ``Rows`` view
    over the columns, for a writer (``write_json``) that never needs them all as dicts at once."""
    src = a.table.source
    p = a.projects
    rows = Rows(
        [
            [int(x) for x in p[m.SHEET_ROW].tolist()],
            *(_texts(p[c]) for c in (m.SEQ, m.UNIT, m.CODE)),
            _texts(p[m.PROJECT]),
            *(
                _rounded(p[c])
                for c in (
                    m.BUDGET,
                    m.EXECUTED,
                    m.EXECUTION_RATE,
                    m.REPORTED_RATE,
                    m.REPORTED_SCORE,
                    m.COMPUTED_SCORE,
                )
            ),
            _texts(p[m.GRADE]),  # pandas 3 keeps a missing grade as NaN: JSON has no NaN
            [None if x is None or x != x else bool(x) for x in p[m.SELF_FLAG].tolist()],
            p[m.FLAGS].tolist(),
        ]
    )
    units = [
        {
            "unit": u["unit"],
            "projects": int(u["projects"]),
            "budget": _r(u["budget"]),
            "executed": _r(u["executed"]),
            "execution_rate": _r(u["execution_rate"]),
            "mean_simple": _r(u["mean_simple"]),
            "mean_budget_weighted": _r(u["mean_budget_weighted"]),
        }
        for u in m.records(a.units)
    ]
    scores = None
    if a.scores:
        scores = {k: _r(a.scores[k]) for k in ("mean_simple", "mean_budget_weighted", "share_90_plus")}
    reported_totals = [
        {
            "sheet_row": int(t[m.SHEET_ROW]),
            "kind": t[m.TOTAL_KIND],
            "label": t[m.TOTAL_LABEL],
            "unit": _s(t[m.UNIT]),
            "budget": _r(t[m.BUDGET]),
            "executed": _r(t[m.EXECUTED]),
            "reported_score": _r(t[m.REPORTED_SCORE]),
        }
        for t in m.records(a.table.totals)
    ]
    return {
        "kind": a.table.kind,
        "source": {
            "file": src.file,
            "sheet": src.sheet,
            "header_rows": list(src.header_rows),
            "amount_unit": src.amount_unit,
            "columns": {f: src.mapping.get(f) for f in src.columns},
            **_choices_doc(src),
        },
        "scheme": {
            "name": a.choice.scheme.key,
            "label": a.choice.scheme.label,
            "requested": a.choice.requested,
            "weights": {k: v for k, v in a.choice.scheme.weights.items()},
            "reproduced_rows": a.choice.reproduced,
            "comparable_rows": a.choice.comparable,
            "candidates": a.choice.candidates,
        },
        "projects": len(a.projects),
        **({"excluded_values": a.excluded_values} if a.excluded_values else {}),
        "totals": {k: _r(v) for k, v in a.totals.items()},
        "scores": scores,
        "units": units,
        "reported_totals": reported_totals,
        "rows": rows if lazy_rows else list(rows),
        "findings": [f.to_dict() for f in a.findings],
    }


PRETTY_ROWS = 2000  # above this many rows the JSON is for programs: compact, written by orjson


def _plain(x: Any) -> Any:
    if type(x) is m.Flag:  # first, and by type: called for each of tens of thousands of flags
        return {"code": x[0], "reason": x[1]}
    if isinstance(x, Rows):
        return list(x)
    if isinstance(x, m.Flag):
        return {"code": x.code, "reason": x.reason}
    raise TypeError(f"{type(x).__name__} is not JSON serializable")


def dumps(doc: dict[str, Any]) -> str:
    return dump_bytes(doc).decode("utf-8")


def dump_bytes(doc: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    write_json(doc, buf)
    return buf.getvalue()


def write_json(doc: dict[str, Any], out: BinaryIO) -> None:
    """The CLI's JSON as UTF-8: indented, for a document a person may read; compact for a
    province-wide table, written to ``out`` a few thousand rows at a time, so neither the rows nor
    the text are ever held whole."""
    if len(doc.get("rows", ())) <= PRETTY_ROWS:
        out.write(json.dumps(doc, ensure_ascii=False, indent=1, default=_plain).encode("utf-8"))
        return
    with gc_paused():  # the rows' dicts, 50,000 of them, would set off full collections (a third of the time)
        _write_rows_json(doc, out)


def _write_rows_json(doc: dict[str, Any], out: BinaryIO) -> None:
    out.write(b"{")
    for n, (key, value) in enumerate(doc.items()):
        out.write((b"," if n else b"") + orjson.dumps(key) + b":")
        if isinstance(value, Rows):
            out.write(b"[")
            for k, chunk in enumerate(value.chunks(CHUNK_ROWS)):
                if k:
                    out.write(b",")
                out.write(memoryview(orjson.dumps(chunk, default=_plain))[1:-1])
            out.write(b"]")
        else:
            out.write(orjson.dumps(value, default=_plain))
    out.write(b"}")


def inspect_bytes(
    data: bytes,
    filename: str,
    scheme: str = "auto",
    settings: Settings | None = None,
    overrides: dict[str, Any] | None = None,
    lazy_rows: bool = False,
) -> dict[str, Any]:
    """Read any supported file, recompute and audit it. Raises IngestError / SchemeError for bad input.
    ``overrides`` are read_dataset's (report_year, include_hidden, sheet, …). The document is plain
    JSON data; with ``lazy_rows`` (the CLI's JSON output) its rows stay columns until written."""
    requested = parse_scheme_arg(scheme)
    settings = settings or Settings()
    if isinstance(requested, str):
        settings = settings.with_(scheme=requested)
    else:
        settings = settings.with_(scheme="custom", custom_weights=dict(requested.weights))
    with gc_paused():
        ds = read_dataset(data, filename, **(overrides or {}))
        if ds.table is None:
            return {"kind": ds.kind, **(ds.extra_doc or {})}
        doc = analysis_doc(analyze(ds.table, settings), lazy_rows=lazy_rows)
    if ds.extra_doc:
        doc.update(ds.extra_doc)
    return doc


def summary_text(doc: dict[str, Any]) -> str:
    lines = (
        [f"文件：{doc['source']['file']}（工作表「{doc['source']['sheet']}」）"] if "source" in doc else []
    )
    if "totals" in doc:
        t = doc["totals"]
        lines.append(
            f"项目 {doc['projects']} 个，预算 {wan(t['budget'])} 万元，执行 {wan(t['executed'])} 万元，执行率 {pct(t['execution_rate'])}"
        )
    if doc.get("scores"):
        s = doc["scores"]
        lines.append(
            f"金额加权平均分 {s['mean_budget_weighted']}，简单平均分 {s['mean_simple']}，90分以上占 {pct(s['share_90_plus'])}"
        )
    for f in doc.get("findings", []):
        lines.append(f"[{m.SEVERITY_LABELS.get(f['severity'], f['severity'])}] {f['where']}：{f['message']}")
    return "\n".join(lines)
