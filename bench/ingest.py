"""Ingest benchmark: `inspect` (bytes -> every metric, flag, finding and the JSON document) against
`pandas.read_excel(engine="openpyxl")` alone on the same file, timed in the same run.

    .venv/bin/python bench/ingest.py            # 1,000 and 50,000 rows
    .venv/bin/python bench/ingest.py 1000 5000  # other sizes

Prints a Markdown table; the ratio is inspect / openpyxl read (lower is better; the target at
50,000 rows is <= 0.25).
"""

from __future__ import annotations

import io
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jixiao.model import SUMMARY_HEADERS  # noqa: E402
from jixiao.report import dumps, inspect_bytes  # noqa: E402

UNITS = ["科协本级", "科工中心", "进修学院", "科技馆", "学会服务中心", "科普中心"]


def build_workbook(rows: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目单位自评汇总表")
    ws.append(["某省科学技术协会"])
    ws.append(["2023年度项目单位自评汇总表"])
    header = list(SUMMARY_HEADERS)
    header.insert(1, "单位")
    ws.append(header)
    total_b = total_e = 0.0
    for i in range(rows):
        budget = rnd.randint(100, 500_000) / 100
        executed = round(budget * rnd.choice([1, 1, 0.98, 0.9, 0.75, 0.5, 0]), 2)
        out = rnd.choice([1, 1, 0.95, 0.9])
        rate = executed / budget
        score = round(10 * min(rate, 1) + 20 + 40 * out + 30, 2)
        printed = f"{rate * 100:.2f}%" if i % 7 == 0 else rate
        ws.append(
            [
                i + 1,
                UNITS[i % len(UNITS)],
                f"项目{i + 1:06d}",
                budget,
                executed,
                printed,
                1,
                "/",
                out,
                1,
                1,
                score,
                "是" if rate < 0.9 or out < 1 else "否",
            ]
        )
        total_b += budget
        total_e += executed
    ws.append([None, None, "合计", round(total_b, 2), round(total_e, 2), total_e / total_b])
    ws.append(["注：预算执行率 = 全年执行数 ÷ 全年预算数。"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


CHILD = """
import sys
sys.path.insert(0, {root!r})
from jixiao.report import inspect_bytes
data = open({path!r}, "rb").read()
if {parse}:
    inspect_bytes(data, "bench.xlsx")
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
"""


def peak_rss_mb(path: str, parse: bool) -> float:
    """Peak resident memory of a fresh process (calamine's Rust memory included, unlike tracemalloc)."""
    code = CHILD.format(root=str(Path(__file__).resolve().parent.parent), path=path, parse=parse)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def main(sizes: list[int]) -> None:
    print(
        "| 行数 | openpyxl 读取 (s) | inspect 全流程 (s) | 比值 inspect/openpyxl | Python 堆峰值 (MB) "
        "| 进程峰值 RSS (MB，括号内为解析所增) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        data = build_workbook(n)
        repeat = 3  # best of three for both: this machine's timings wander by a third
        baseline = best_of(lambda d=data: pd.read_excel(io.BytesIO(d), engine="openpyxl", header=2), repeat)
        # exactly what `python -m jixiao inspect FILE --json` does, short of writing to stdout
        ours = best_of(lambda d=data: dumps(inspect_bytes(d, "bench.xlsx")), repeat)
        tracemalloc.start()
        inspect_bytes(data, "bench.xlsx")
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as fh:
            fh.write(data)
            fh.flush()
            rss_base, rss_parse = peak_rss_mb(fh.name, False), peak_rss_mb(fh.name, True)
        print(
            f"| {n:,} | {baseline:.2f} | {ours:.2f} | {ours / baseline:.2f} | {peak:.0f} | "
            f"{rss_parse:.0f} (+{rss_parse - rss_base:.0f}) |",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 50_000])
