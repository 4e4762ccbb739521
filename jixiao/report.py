"""The JSON document ``inspect`` prints, built from an Analysis (money 万元, percent, 2 decimals)."""

from __future__ import annotations

import json
import math
from typing import Any

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


def _rounded_list(series) -> list[float | None]:
    values = round_array(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float), 2)
    return [None if math.isnan(x) else x for x in values.tolist()]


def _s(x: Any) -> str | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return str(x)


def _choices_doc(src: m.Source) -> dict[str, Any]:
    """The columns passed over when several fitted a field, the report year, hidden rows left out."""
    out: dict[str, Any] = {}
    if src.candidates:
        out["passed_over"] = {
            f: [src.headers[c] if c < len(src.headers) else "" for c in cols]
            for f, cols in src.candidates.items()
        }
        out["report_year"] = src.report_year
    if src.hidden_left_out or src.include_hidden:
        out["hidden_left_out"] = src.hidden_left_out
        out["include_hidden"] = src.include_hidden
    return out


def analysis_doc(a: Analysis) -> dict[str, Any]:
    src = a.table.source
    p = a.projects
    keys = (
        "budget",
        "executed",
        "execution_rate",
        "reported_execution_rate",
        "reported_score",
        "computed_score",
    )
    numbers = [_rounded_list(p[c]) for c in (m.BUDGET, m.EXECUTED, m.EXECUTION_RATE, m.REPORTED_RATE)]
    numbers += [_rounded_list(p[c]) for c in (m.REPORTED_SCORE, m.COMPUTED_SCORE)]
    texts = [[_s(x) for x in p[c].tolist()] for c in (m.SEQ, m.UNIT, m.CODE)]
    self_flags = [None if x is None or x != x else bool(x) for x in p[m.SELF_FLAG].tolist()]
    flag_dicts = [[{"code": f.code, "reason": f.reason} for f in fl] for fl in p[m.FLAGS].tolist()]
    rows = []
    columns = zip(
        p[m.SHEET_ROW].tolist(),
        *texts,
        p[m.PROJECT].tolist(),
        *numbers,
        p[m.GRADE].tolist(),
        self_flags,
        flag_dicts,
    )
    for sheet_row, seq, unit, code, project, *rest in columns:
        row = {"sheet_row": int(sheet_row), "seq": seq, "unit": unit, "code": code, "project": project}
        row.update(zip(keys, rest[:6]))
        row["grade"], row["self_flag"], row["flags"] = rest[6], rest[7], rest[8]
        rows.append(row)
    if m.INITIAL_BUDGET in p and p[m.INITIAL_BUDGET].notna().any():
        # 年初预算数 beside the budget the rate uses, only for tables that print it
        for row, x in zip(rows, _rounded_list(p[m.INITIAL_BUDGET])):
            row["initial_budget"] = x
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
        "totals": {k: _r(v) for k, v in a.totals.items()},
        "scores": scores,
        "units": units,
        "reported_totals": reported_totals,
        "rows": rows,
        "findings": [f.to_dict() for f in a.findings],
    }


PRETTY_ROWS = 2000  # above this many rows the JSON is for programs: compact and ASCII-escaped


def dumps(doc: dict[str, Any]) -> str:
    """The CLI's JSON: indented, with Chinese as is, for a document a person may read; compact with
    \\u escapes (the same data, a third of the time) for a province-wide table."""
    if len(doc.get("rows", ())) <= PRETTY_ROWS:
        return json.dumps(doc, ensure_ascii=False, indent=1)
    with gc_paused():
        return json.dumps(doc, separators=(",", ":"))


def inspect_bytes(
    data: bytes, filename: str, scheme: str = "auto", settings: Settings | None = None
) -> dict[str, Any]:
    """Read any supported file, recompute and audit it. Raises IngestError / SchemeError for bad input."""
    requested = parse_scheme_arg(scheme)
    settings = settings or Settings()
    if isinstance(requested, str):
        settings = settings.with_(scheme=requested)
    else:
        settings = settings.with_(scheme="custom", custom_weights=dict(requested.weights))
    with gc_paused():
        ds = read_dataset(data, filename)
        if ds.table is None:
            return {"kind": ds.kind, **(ds.extra_doc or {})}
        doc = analysis_doc(analyze(ds.table, settings))
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
