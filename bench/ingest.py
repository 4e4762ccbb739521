"""Ingest benchmark: `python -m jixiao inspect FILE --json` against (a) the raw python-calamine cell read
and (b) `pandas.read_excel(engine="openpyxl")` of the same file, timed in the same run.

    .venv/bin/python bench/ingest.py                  # 1,000, 50,000 and 500,000 rows
    .venv/bin/python bench/ingest.py 1000 50000       # other sizes
    .venv/bin/python bench/ingest.py --no-openpyxl 500000   # skip the (slow) openpyxl side

The files have the shape offices send: two title rows, a two-row header under merged group cells, a
unit column merged down each unit's rows with a 小计 row after each unit, every rate written as text
with a % sign, the 成本指标 column all "/", a 合计 row and notes. Prints a Markdown table: times are best
of three; the ratios are inspect / calamine read and inspect / openpyxl read (lower is better; targets
at 50,000 rows ≤ 2.0 and ≤ 0.12); peak RSS of `inspect --json` in a fresh process (target ≤ 250 MiB),
the guarded worker's memory not included (it is a separate process with its own cap). "其中受保护读取" is
``load_sheets`` alone (bytes → sheets through the guarded worker), the part of inspect that is reading.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS = ["科协本级", "科工中心", "进修学院", "科技馆", "学会服务中心", "科普中心"]
TOP = [
    "序号",
    "单位",
    "项目名称",
    "预算执行情况",
    "",
    "",
    "各项指标得分率",
    "",
    "",
    "",
    "",
    "自评得分",
    "是否有较大偏差",
]
BOTTOM = [
    "",
    "",
    "",
    "全年预算数（万元）",
    "全年执行数（万元）",
    "预算执行率",
    "资金管理",
    "成本指标",
    "产出指标",
    "效益指标",
    "满意度指标",
    "",
    "",
]
WIDTH = len(TOP)


def _col(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def table_rows(rows: int, seed: int = 7) -> tuple[list[list[object]], list[tuple[int, int, int, int]]]:
    """The sheet as rows of cells (str, float, int or None) and merged ranges (0-based inclusive)."""
    rnd = random.Random(seed)
    out: list[list[object]] = [["某省科学技术协会"], ["2023年度项目单位自评汇总表"], list(TOP), list(BOTTOM)]
    merged = [(2, 3, 2, 5), (2, 6, 2, 10)] + [(2, c, 3, c) for c in (0, 1, 2, 11, 12)]
    per_unit = -(-rows // len(UNITS))
    total_b = total_e = 0.0
    i = 0
    for unit in UNITS:
        first = len(out)
        sub_b = sub_e = 0.0
        for _ in range(min(per_unit, rows - i)):
            budget = rnd.randint(100, 500_000) / 100
            executed = round(budget * rnd.choice([1, 1, 0.98, 0.9, 0.75, 0.5, 0]), 2)
            out_rate = rnd.choice([1, 1, 0.95, 0.9])
            rate = executed / budget
            score = round(10 * min(rate, 1) + 20 + 40 * out_rate + 30, 2)
            out.append(
                [
                    i + 1,
                    unit if len(out) == first else None,
                    f"项目{i + 1:06d}",
                    budget,
                    executed,
                    f"{rate * 100:.2f}%",
                    "100.00%",
                    "/",
                    f"{out_rate * 100:.2f}%",
                    "100.00%",
                    "100.00%",
                    score,
                    "是" if rate < 0.9 or out_rate < 1 else "否",
                ]
            )
            sub_b += budget
            sub_e += executed
            i += 1
        if len(out) > first:
            merged.append((first, 1, len(out) - 1, 1))
            out.append(
                [None, None, f"{unit}小计", round(sub_b, 2), round(sub_e, 2), f"{sub_e / sub_b * 100:.2f}%"]
            )
            total_b += sub_b
            total_e += sub_e
    out.append([None, None, "合计", round(total_b, 2), round(total_e, 2), f"{total_e / total_b * 100:.2f}%"])
    out.append(["注：预算执行率 = 全年执行数 ÷ 全年预算数。"])
    return out, merged


def build_workbook(rows: int, seed: int = 7) -> bytes:
    """An .xlsx written directly as XML with a shared-string table, as Excel and WPS save it (openpyxl
    would take minutes for 500,000 rows)."""
    table, merged = table_rows(rows, seed)
    strings: dict[str, int] = {}
    parts = []
    for r, row in enumerate(table, start=1):
        cells = []
        for c, x in enumerate(row):
            if x is None or x == "":
                continue
            ref = f"{_col(c)}{r}"
            if isinstance(x, str):
                k = strings.setdefault(x, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{k}</v></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{x!r}</v></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    merges = "".join(f'<mergeCell ref="{_col(c0)}{r0 + 1}:{_col(c1)}{r1 + 1}"/>' for r0, c0, r1, c1 in merged)
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(parts)}</sheetData><mergeCells count="{len(merged)}">{merges}</mergeCells></worksheet>'
    )
    sst = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>"
    )
    ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}">'
            f'<Relationship Id="rId1" Type="{doc}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{doc}"><sheets><sheet name="项目单位自评汇总表" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}">'
            f'<Relationship Id="rId1" Type="{doc}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{doc}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/sharedStrings.xml": sst,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, text in files.items():
            zf.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def calamine_read(path: str) -> None:
    from python_calamine import CalamineWorkbook

    CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()


def openpyxl_read(path: str) -> None:
    import pandas as pd

    pd.read_excel(path, engine="openpyxl", header=[2, 3])


def inspect_json(path: str) -> None:
    """What `python -m jixiao inspect FILE --json` does in-process, writing to a null stream."""
    from jixiao.cli import main

    with open(os.devnull, "w", encoding="utf-8") as null:
        stdout = sys.stdout
        sys.stdout = null
        try:
            main(["inspect", path, "--json"])
        finally:
            sys.stdout = stdout


CHILD = """
import os, sys
sys.path.insert(0, {root!r})
from jixiao.cli import main
sys.stdout = open(os.devnull, "w", encoding="utf-8")
main(["inspect", {path!r}, "--json"])
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
sys.stderr.write(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def peak_rss_mib(path: str) -> float:
    """Peak resident memory of `inspect --json` in a fresh process (calamine's Rust memory included)."""
    code = CHILD.format(root=str(ROOT), path=path)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(proc.stderr.strip().splitlines()[-1]) / 1024


def engine_only(n: int) -> float:
    """The summary engine alone on sheets already read (rows → figures, flags, findings → JSON text):
    what this package computes, with the guarded read and the upload caps out of the way."""
    from jixiao.ingest.workbook import Sheet
    from jixiao.perf import gc_paused
    from jixiao.report import analysis_doc, write_json
    from jixiao.summary.analysis import analyze
    from jixiao.summary.read import read_project_table

    table, merged = table_rows(n)
    rows = [[("" if x is None else x) for x in r] + [""] * (WIDTH - len(r)) for r in table]
    sheet = Sheet(name="项目单位自评汇总表", rows=rows, merged=merged)

    def run() -> None:
        with gc_paused(), open(os.devnull, "wb") as null:
            write_json(analysis_doc(analyze(read_project_table([sheet], "bench.xlsx")), lazy_rows=True), null)

    return best_of(run, 3 if n <= 100_000 else 2)  # best of two at 500,000: one run wanders by a tenth


def main(argv: list[str]) -> None:
    from jixiao.ingest.workbook import MAX_BYTES, load_sheets
    from jixiao.report import inspect_bytes

    with_openpyxl = "--no-openpyxl" not in argv
    sizes = [int(a) for a in argv if not a.startswith("--")] or [1000, 50_000, 500_000]
    print(
        "| 行数 | 读入项目数 | 文件 (MiB) | calamine 读取 (s) | openpyxl 读取 (s) | inspect --json (s) "
        "| 其中受保护读取 (s) | inspect / calamine | inspect / openpyxl | 峰值 RSS (MiB) | 汇总表引擎 (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    engine: dict[int, float] = {}
    for n in sizes:
        data = build_workbook(n)
        engine[n] = engine_only(n)
        if len(data) > MAX_BYTES:
            print(
                f"| {n:,} | —（文件超过上传上限 {MAX_BYTES // 2**20} MiB） | {len(data) / 2**20:.1f} | — | — | — | — | — | — | — "
                f"| {engine[n]:.2f} |",
                flush=True,
            )
            continue
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            fh.write(data)
            fh.flush()
            repeat = 3 if n <= 100_000 else 1  # best of three: this machine's timings wander by a third
            projects = inspect_bytes(data, "bench.xlsx")["projects"]  # and warm imports, as a server has them
            raw = best_of(lambda p=fh.name: calamine_read(p), repeat)
            ours = best_of(lambda p=fh.name: inspect_json(p), repeat)
            sheets = best_of(lambda d=data: load_sheets(d, "bench.xlsx"), repeat)
            base = (
                best_of(lambda p=fh.name: openpyxl_read(p), 1 if n > 10_000 else repeat)
                if with_openpyxl
                else None
            )
            rss = peak_rss_mib(fh.name)
        opx = f"{base:.2f}" if base else "—"
        opx_ratio = f"{ours / base:.3f}" if base else "—"
        print(
            f"| {n:,} | {projects:,} | {len(data) / 2**20:.1f} | {raw:.2f} | {opx} | {ours:.2f} | {sheets:.2f} "
            f"| {ours / raw:.2f} | {opx_ratio} | {rss:.0f} | {engine[n]:.2f} |",
            flush=True,
        )
    if 50_000 in engine and 500_000 in engine:
        print(
            f"\n汇总表引擎：500,000 行耗时为 50,000 行的 {engine[500_000] / engine[50_000]:.1f} 倍（目标 ≤ 11）。"
        )
    print(
        "“其中受保护读取”：字节 → 工作表（受限子进程中的 calamine 读取与传回）；“汇总表引擎”：已读入的工作表 → "
        "全部数字、标记、审核问题和 JSON 文本（不含读取）。"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
