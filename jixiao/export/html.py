"""One self-contained HTML report: KPIs, sentences, every chart, the flagged list, the findings, the rules.

Works offline: plotly.js is inlined once in <head> and each chart is drawn by a small script from its
JSON; there is no <link>, no src= or href= to the network, no web font (the CSS names the CJK fonts
the reader's machine has). Printing gives A4 pages: the page is 180 mm wide on screen too, so the
charts are drawn at the width they print at, each section starts a new page and tables repeat their
header rows.

Everything that comes from an uploaded file (project and unit names, findings, the file name) is
HTML-escaped here; the figure builders escape the names they put into plotly labels, and the figure
JSON has every "</" written as "<\\/" so no text can close the script it sits in.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

from jixiao import model as m
from jixiao.export import common as b
from jixiao.fmt import is_missing, num, pct, to_float, wan
from jixiao.summary.flags import FLAG_LABELS, LOW_EXECUTION, NO_RATE, OVER_EXECUTION

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from jixiao.final_accounts.figures import FinalAccounts
    from jixiao.summary.analysis import Analysis


from components import charts as ch
from components import final_charts as fch
from components.theme import FONT_FAMILY, GRID, INK, MUTED, PALETTE, RED

MAX_CHART_ROWS = 20  # bars per project chart; the tables below list every project
MAX_CHART_HEIGHT = 820  # px: with its heading, one A4 page at the printed width (180 mm ≈ 680 px)
MAX_TABLE_ROWS = 2000
PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}

H = {
    "kpis": "主要指标",
    "summary": "主要情况",
    "execution": "预算执行",
    "flagged": "偏差项目",
    "scores": "得分分析",
    "final": "部门决算图表",
    "findings": "审核发现",
    "notes": "口径与公式",
}

CSS = f"""
:root {{ --ink: {INK}; --muted: {MUTED}; --accent: {PALETTE[0]}; --grid: {GRID}; --red: {RED}; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; background: #f5f7fa; color: var(--ink); font-family: {FONT_FAMILY};
  font-size: 15px; line-height: 1.65; }}
main {{ max-width: 180mm; margin: 0 auto; background: #fff; padding: 12mm 0; }}
header, section {{ padding: 0 4mm; }}
h1 {{ font-size: 26px; margin: 0 0 6px; line-height: 1.3; }}
h2 {{ font-size: 21px; margin: 28px 0 12px; padding-bottom: 6px; border-bottom: 3px solid var(--accent); }}
h3 {{ font-size: 17px; margin: 22px 0 6px; }}
.meta {{ color: var(--muted); font-size: 13px; margin: 0; }}
.note {{ color: var(--muted); font-size: 13px; margin: 4px 0 10px; }}
.kpis {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin: 8px 0 14px; }}
.kpi {{ border: 1px solid #d5dae1; border-radius: 6px; padding: 8px 10px; background: #f0f4f8; }}
.kpi .label {{ color: var(--muted); font-size: 13px; }}
.kpi .value {{ font-size: 22px; font-weight: 700; line-height: 1.3; white-space: nowrap; }}
.kpi .unit {{ font-size: 13px; font-weight: 400; color: var(--muted); margin-left: 2px; }}
.kpi .value.bad {{ color: var(--red); }}
.kpi .sub {{ color: var(--muted); font-size: 11px; }}
ul.sentences {{ padding-left: 1.2em; margin: 6px 0; }}
p.sentence {{ margin: 6px 0 12px; }}
figure {{ margin: 6px 0 16px; break-inside: avoid; page-break-inside: avoid; }}
.chart {{ width: 100%; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 13px; margin: 6px 0 16px; }}
th, td {{ border: 1px solid var(--grid); padding: 4px 6px; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; word-break: break-word; white-space: pre-line; }}
th {{ background: var(--accent); color: #fff; font-weight: 600; }}
td.num {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
td.bad {{ color: var(--red); font-weight: 700; }}
tr.error td {{ background: #fdecec; }}
tr.warning td {{ background: #fff6dd; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; page-break-inside: avoid; }}
.empty {{ color: var(--muted); }}
@page {{ size: A4; margin: 14mm 15mm; }}
@media print {{
  body {{ background: #fff; font-size: 12pt; }}
  main {{ max-width: none; width: 180mm; padding: 0; margin: 0; }}
  header, section {{ padding: 0; }}
  section {{ break-before: page; page-break-before: always; }}
  h2, h3 {{ break-after: avoid; page-break-after: avoid; }}
  .modebar-container {{ display: none !important; }}
  .kpi {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  th, tr.error td, tr.warning td {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
@media (max-width: 640px) {{
  main {{ padding: 4mm 0; }}
  .kpis {{ grid-template-columns: repeat(2, 1fr); }}
}}
"""

# Redraw each chart at the printed width before printing (the screen may be narrower than A4).
SCRIPT_PRINT = """
window.addEventListener('beforeprint', function () {
  document.querySelectorAll('.chart').forEach(function (el) {
    if (window.Plotly && el.data) { Plotly.Plots.resize(el); }
  });
});
"""


def esc(x: object) -> str:
    """Escape one piece of text for HTML; missing values show as '—'."""
    if x is None or (not isinstance(x, str) and is_missing(x)):
        return "—"
    return html.escape(str(x), quote=True)


# --- charts --------------------------------------------------------------------------------------
class _Charts:
    """Numbered chart placeholders and the scripts that draw them."""

    def __init__(self) -> None:
        self.n = 0
        self.titles: list[str] = []

    def figure(self, fig: go.Figure, title: str, note: str = "") -> str:
        self.n += 1
        self.titles.append(title)
        fig = _untitled(fig)
        height = fig.layout.height
        if height is not None and height > MAX_CHART_HEIGHT:
            fig.update_layout(height=MAX_CHART_HEIGHT)
        fig.update_layout(autosize=True, width=None)
        payload = pio.to_json(fig, validate=False, pretty=False)
        payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
        config = json.dumps(PLOTLY_CONFIG)
        div_id = f"chart-{self.n}"
        note_html = f'<p class="note">{esc(note)}</p>' if note else ""
        return (
            f'<figure><h3>{esc(title)}</h3>{note_html}<div id="{div_id}" class="chart"></div>'
            f"<script>(function(){{var f={payload};"
            f'Plotly.newPlot("{div_id}",f.data,f.layout,{config});}})();</script></figure>'
        )


def _untitled(fig: go.Figure) -> go.Figure:
    """The HTML heading carries the title (printable, searchable); plotly draws none."""
    fig = fig.__class__(fig)  # a copy: the caller's figure may be cached by the dashboard
    if fig.layout.title.text:
        top = fig.layout.margin.t
        fig.update_layout(title_text="", margin_t=max(30, (top or 70) - 40))
    return fig


# --- pieces --------------------------------------------------------------------------------------
def _kpis(analysis: Analysis) -> str:
    rate = analysis.totals.get("execution_rate")
    bad_rate = rate is not None and rate < analysis.settings.low_threshold - 1e-9
    cards = []
    for k in b.kpis(analysis):
        cls = " bad" if k.label == "总体执行率" and bad_rate else ""
        unit = f'<span class="unit">{esc(k.unit)}</span>' if k.unit else ""
        sub = f'<div class="sub">{esc(k.note)}</div>' if k.note else ""
        cards.append(
            f'<div class="kpi"><div class="label">{esc(k.label)}</div>'
            f'<div class="value{cls}">{esc(k.value)}{unit}</div>{sub}</div>'
        )
    return '<div class="kpis">' + "".join(cards) + "</div>"


def _table(
    headers: list[str],
    rows: list[list[tuple[str, str]]],
    widths: list[int] | None = None,
    row_classes: list[str] | None = None,
) -> str:
    """``rows`` hold (escaped html, css class) pairs."""
    cols = ""
    if widths:
        cols = "<colgroup>" + "".join(f'<col style="width:{w}%">' for w in widths) + "</colgroup>"
    head = "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead>"
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        cells = "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>" for v, c in row)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table>{cols}{head}<tbody>{''.join(body)}</tbody></table>"


def _limited(frame: pd.DataFrame, what: str) -> tuple[pd.DataFrame, str]:
    if len(frame) <= MAX_CHART_ROWS:
        return frame, ""
    return frame.head(MAX_CHART_ROWS), f"图中仅列出{what}的 {MAX_CHART_ROWS} 个项目（共 {len(frame)} 个）。"


def _execution_section(analysis: Analysis, charts: _Charts) -> str:
    p = analysis.projects
    st = analysis.settings
    tp = analysis.time_progress
    out = [f"<section><h2>{H['execution']}</h2>"]
    if not len(p):
        return out[0] + '<p class="empty">没有项目。</p></section>'
    ordered = p.assign(_r=pd.to_numeric(p[m.EXECUTION_RATE], errors="coerce"))
    ordered = ordered.sort_values("_r", na_position="last", kind="stable")
    shown, note = _limited(ordered, "执行率最低")
    out.append(charts.figure(ch.execution_bars(shown, st, tp), ch.T["execution_bars"], note))
    if analysis.units is not None and len(analysis.units):
        out.append(charts.figure(ch.unit_execution_bars(analysis.units, st, tp), ch.T["unit_bars"]))
    out.append(charts.figure(ch.traffic_light(p, st), ch.T["traffic_light"]))
    by_budget = p.assign(_b=pd.to_numeric(p[m.BUDGET], errors="coerce"))
    by_budget = by_budget.sort_values("_b", ascending=False, na_position="last", kind="stable")
    shown, note = _limited(by_budget, "预算数最大")
    out.append(charts.figure(ch.budget_vs_executed(shown), ch.T["budget_vs_executed"], note))
    out.append(_projects_table(analysis))
    out.append("</section>")
    return "".join(out)


def _projects_table(analysis: Analysis) -> str:
    p = analysis.projects
    units = analysis.table.has_units
    headers = [
        "行号",
        *(["单位"] if units else []),
        "项目名称",
        "预算数（万元）",
        "执行数（万元）",
        "执行率",
        "得分",
        "等级",
    ]
    widths = [7, *([14] if units else []), 33 if units else 41, 13, 13, 11, 9, 7]
    low = analysis.settings.low_threshold
    rows = []
    recs = m.records(
        p, [m.SHEET_ROW, m.UNIT, m.PROJECT, m.BUDGET, m.EXECUTED, m.EXECUTION_RATE, m.SCORE, m.GRADE]
    )
    for rec in recs[:MAX_TABLE_ROWS]:
        rate = to_float(rec[m.EXECUTION_RATE])
        bad = rate is not None and (rate < low - 1e-9 or rate > 100 + 1e-9)
        row = [(esc(int(rec[m.SHEET_ROW])), "num")]
        if units:
            row.append((esc(rec[m.UNIT]), ""))
        row += [
            (esc(b.project_name(rec[m.PROJECT])), ""),
            (esc(wan(to_float(rec[m.BUDGET]))), "num"),
            (esc(wan(to_float(rec[m.EXECUTED]))), "num"),
            (esc(pct(rate)), "num bad" if bad else "num"),
            (esc(num(to_float(rec[m.SCORE]))), "num"),
            (esc(rec[m.GRADE]), ""),
        ]
        rows.append(row)
    note = (
        f'<p class="note">仅列出前 {MAX_TABLE_ROWS} 个项目，完整清单见 Excel。</p>'
        if len(p) > MAX_TABLE_ROWS
        else ""
    )
    return "<h3>项目明细</h3>" + _table(headers, rows, widths) + note


def _flagged_section(analysis: Analysis, charts: _Charts, reasons: Mapping[str, str] | None = None) -> str:
    flagged = analysis.flagged
    out = [f"<section><h2>{H['flagged']}</h2>"]
    if not len(flagged):
        out.append('<p class="empty">没有项目触发偏差规则。</p></section>')
        return "".join(out)
    out.append(f'<p class="note">共 {len(flagged)} 个项目触发偏差规则，按执行率从低到高排列。</p>')
    out.append(charts.figure(ch.flag_reasons(flagged, FLAG_LABELS), ch.T["flag_reasons"]))
    df = flagged.assign(_r=pd.to_numeric(flagged[m.EXECUTION_RATE], errors="coerce"))
    df = df.sort_values("_r", na_position="last", kind="stable")
    units = analysis.table.has_units
    headers = ["行号", *(["单位"] if units else []), "项目名称", "执行率", "偏差类型", "原因说明"]
    widths = [7, *([12] if units else []), 22 if units else 27, 11, 14, 34 if units else 41]
    if reasons is not None:  # the 偏差原因 units typed, beside the rules' reasons
        headers.append("单位说明")
        widths = [*widths[:-1], widths[-1] - 14, 14]
    rows = []
    for rec in m.records(df, [m.SHEET_ROW, m.UNIT, m.PROJECT, m.CODE, "_r", m.FLAGS])[:MAX_TABLE_ROWS]:
        flags = rec[m.FLAGS]
        bad = any(x.code in (LOW_EXECUTION, OVER_EXECUTION, NO_RATE) for x in flags)
        row = [(esc(int(rec[m.SHEET_ROW])), "num")]
        if units:
            row.append((esc(rec[m.UNIT]), ""))
        row += [
            (esc(b.project_name(rec[m.PROJECT])), ""),
            (esc(pct(to_float(rec["_r"]))), "num bad" if bad else "num"),
            (esc("、".join(FLAG_LABELS.get(x.code, x.code) for x in flags)), ""),
            (esc("\n".join(x.reason for x in flags)), ""),
        ]
        if reasons is not None:
            row.append((esc(b.explained(reasons, rec, b.project_name(rec[m.PROJECT]))), ""))
        rows.append(row)
    out.append(_table(headers, rows, widths))
    out.append("</section>")
    return "".join(out)


def _scores_section(analysis: Analysis, charts: _Charts) -> str:
    p = analysis.projects
    scores = pd.to_numeric(p[m.COMPUTED_SCORE], errors="coerce") if len(p) else pd.Series(dtype=float)
    has_reported = (
        bool(pd.to_numeric(p[m.REPORTED_SCORE], errors="coerce").notna().any()) if len(p) else False
    )
    if not scores.notna().any() and not has_reported:
        return ""
    out = [f"<section><h2>{H['scores']}</h2>"]
    s = analysis.scores
    if s:
        out.append(
            f'<p class="sentence">金额加权平均分 {esc(num(s.get("mean_budget_weighted")))} 分，简单平均分 '
            f"{esc(num(s.get('mean_simple')))} 分；权重：{esc(analysis.choice.scheme.describe())}"
            f"（{esc(analysis.choice.scheme.label)}）。</p>"
        )
    if analysis.components is not None and not analysis.components.empty and scores.notna().any():
        ordered = p.assign(_s=scores).sort_values("_s", na_position="last", kind="stable")
        shown, note = _limited(ordered, "得分最低")
        fig = ch.score_components(shown, analysis.components, analysis.choice.scheme)
        out.append(charts.figure(fig, ch.T["components"], note))
    if has_reported and scores.notna().any():
        out.append(charts.figure(ch.reported_vs_computed(p), ch.T["reported_vs_computed"]))
    out.append(charts.figure(ch.grade_distribution(p), ch.T["grades"]))
    out.append("</section>")
    return "".join(out)


def _findings_section(analysis: Analysis) -> str:
    out = [f"<section><h2>{H['findings']}</h2>"]
    if not analysis.findings:
        return out[0] + '<p class="empty">审核未发现问题。</p></section>'
    problems = b.problem_findings(analysis)
    out.append(f'<p class="note">共 {len(analysis.findings)} 条，其中错误和警告 {len(problems)} 条。</p>')
    rows, classes = [], []
    for f in analysis.findings:
        rows.append(
            [
                (esc(m.SEVERITY_LABELS.get(f.severity, f.severity)), ""),
                (esc(f.where), ""),
                (esc(f.message), ""),
            ]
        )
        classes.append(f.severity if f.severity in ("error", "warning") else "")
    out.append(_table(["级别", "位置", "说明"], rows, [9, 33, 58], classes))
    out.append("</section>")
    return "".join(out)


def _notes_section(analysis: Analysis) -> str:
    from jixiao.export.xlsx import notes_rows

    rows = []
    for key, text in notes_rows(analysis):
        if not key and not text:
            continue
        if key.startswith("【"):
            rows.append([(f"<b>{esc(key.strip('【】'))}</b>", ""), ("", "")])
        else:
            rows.append([(esc(key), ""), (esc(text), "")])
    return f"<section><h2>{H['notes']}</h2>" + _table(["项目", "内容"], rows, [26, 74]) + "</section>"


def _final_section(fa: FinalAccounts, year: int, charts: _Charts) -> str:
    from jixiao.final_accounts import figures as fam
    from jixiao.final_accounts import narrative
    from jixiao.final_accounts import read as fa_read

    texts = narrative.chart_texts(fa, year)
    unit = f"{fa.unit} " if fa.unit else ""
    out = [
        f"<section><h2>{H['final']}</h2>",
        f'<p class="note">{esc(unit)}{esc(fa_read.year_label(year))}，单位：万元。</p>',
    ]
    for chart in fam.CHARTS:
        out.append(charts.figure(fch.figure(fa, chart, year), fam.CHART_TITLES[chart]))
        if texts.get(chart):
            out.append(f'<p class="sentence">{esc(texts[chart])}</p>')
        out.append(_final_table(fch.table(fa, chart, year)))
    extra = [texts.get(narrative.BASIC, ""), texts.get(narrative.ADMIN, "")]
    extra = [t for t in extra if t]
    if extra:
        out.append(
            "<h3>基本支出与机关运行经费</h3>" + "".join(f'<p class="sentence">{esc(t)}</p>' for t in extra)
        )
    out.append("</section>")
    return "".join(out)


def _final_table(df: pd.DataFrame) -> str:
    headers = [str(c) for c in df.columns]
    rows = []
    for rec in df.to_dict("records"):
        row = []
        for c in df.columns:
            v = rec[c]
            if c == df.columns[0]:
                row.append((esc(v), ""))
            elif "%" in str(c):
                row.append((esc(pct(to_float(v))), "num"))
            else:
                row.append((esc(wan(to_float(v))), "num"))
        rows.append(row)
    first = 100 - 15 * (len(headers) - 1)
    return _table(headers, rows, [first, *[15] * (len(headers) - 1)])


# --- entry point ---------------------------------------------------------------------------------
def build_html(
    analysis: Analysis | None,
    *,
    final_accounts: FinalAccounts | None = None,
    unit: str | None = None,
    year: int | None = None,
    today: date | None = None,
    reasons: Mapping[str, str] | None = None,
) -> str:
    """The report as one HTML document (str). ``reasons``: the 偏差原因 units typed, a column of the
    flagged list ("未说明" where missing). ``unit`` / ``year`` default to what the table's title and
    file name say; ``final_accounts`` adds 图1–图7 with their sentences and tables. Without a project
    table (``analysis`` None) the report is 图1–图7 alone."""
    if analysis is None and final_accounts is None:
        raise ValueError("build_html needs a project table or 决算 figures")
    unit = b.guess_unit(analysis, final_accounts) if unit is None else unit
    year = b.guess_year(analysis, final_accounts) if year is None else year
    today = today or date.today()
    charts = _Charts()
    title = b.heading(unit, year)
    meta = [f"生成日期：{today.year}年{today.month}月{today.day}日"]
    if analysis is not None:
        src = analysis.table.source
        meta[:0] = [
            f"数据来源：{src.file}" + (f"（工作表「{src.sheet}」）" if src.sheet else ""),
            f"权重方案：{analysis.choice.scheme.label}",
        ]
    parts: list[Any] = [
        "<header>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{" ｜ ".join(esc(x) for x in meta)}</p>',
    ]
    if analysis is not None:
        parts += [
            f"<h2>{H['kpis']}</h2>",
            _kpis(analysis),
            f"<h3>{H['summary']}</h3>",
            '<ul class="sentences">'
            + "".join(f"<li>{esc(t)}</li>" for t in b.project_sentences(analysis))
            + "</ul>",
        ]
    parts.append("</header>")
    if analysis is not None:
        parts += [
            _execution_section(analysis, charts),
            _flagged_section(analysis, charts, reasons),
            _scores_section(analysis, charts),
        ]
    if final_accounts is not None:
        fa_year = b.final_accounts_year(final_accounts, year)
        if fa_year is not None:
            parts.append(_final_section(final_accounts, fa_year, charts))
    if analysis is not None:
        parts += [_findings_section(analysis), _notes_section(analysis)]
    body = "".join(parts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        f"</head><body><main>{body}</main><script>{SCRIPT_PRINT}</script></body></html>\n"
    )
