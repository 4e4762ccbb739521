"""What the guarded worker costs: the same read in this process and in the worker, on the workbooks
bench/ingest.py builds.

    .venv/bin/python bench/worker.py            # 1,000 and 50,000 rows

"calamine" is the bare read; "in-process" is ``worker.parse`` (the XML scan, calamine and the sheet facts); "worker, warm" is
``worker.run`` when the spare child is ready (a pause between uploads, as in use); "worker, cold" starts
its interpreter on demand (two uploads at the same moment). Best of 9 (1,000 rows) or 5 rounds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import build_workbook  # noqa: E402

from jixiao.ingest import excel, worker  # noqa: E402


def paired(data: bytes, repeat: int) -> tuple[float, float, float, float]:
    """Best of ``repeat`` for each way, the four taken in turn within each round so that the load of a
    shared machine falls on all of them alike."""
    ways = {
        "calamine": (lambda: None, lambda: excel.read_sheets(data)),
        "inproc": (lambda: None, lambda: worker.parse("xlsx", data, "bench.xlsx")),
        # the spare child is ready after a pause, as between two uploads
        "warm": (lambda: time.sleep(0.5), lambda: worker.run("xlsx", data, "bench.xlsx")),
        # no spare: two uploads at the same moment
        "cold": (worker._close_spare, lambda: worker.run("xlsx", data, "bench.xlsx")),
    }
    best = dict.fromkeys(ways, float("inf"))
    worker.run("xlsx", data, "bench.xlsx")  # starts the spare
    for _ in range(repeat):
        for name, (before, fn) in ways.items():
            before()
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
        worker.run("xlsx", data, "bench.xlsx")  # a spare again for the next round
    return best["calamine"], best["inproc"], best["warm"], best["cold"]


def main(sizes: list[int]) -> None:
    print(
        "| 行数 | calamine 读取 (s) | 进程内读取，含 XML 检查 (s) | 隔离进程读取，预热 (s) | 开销 "
        "| 隔离进程读取，冷启动 (s) | 开销 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        data = build_workbook(n)
        calamine, inproc, warm, cold = paired(data, 9 if n <= 10_000 else 5)
        print(
            f"| {n:,} | {calamine:.3f} | {inproc:.3f} | {warm:.3f} | {(warm - inproc) * 1000:+.0f} ms "
            f"| {cold:.3f} | {(cold - inproc) * 1000:+.0f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 50_000])
