"""What the guarded worker costs: the same read in this process and in the worker, on the workbooks
bench/ingest.py builds.

    .venv/bin/python bench/worker.py            # 1,000 and 50,000 rows

"calamine" is the bare read; "in-process" is ``worker.parse`` (the XML scan, calamine and the sheet facts); "worker, warm" is
``worker.run`` when the spare child is ready (a pause between uploads, as in use); "worker, cold" starts
its interpreter on demand (two uploads at the same moment). Best of five.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import build_workbook  # noqa: E402

from jixiao.ingest import excel, worker  # noqa: E402


def best(fn, before=lambda: None, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        before()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(sizes: list[int]) -> None:
    print(
        "| 行数 | calamine 读取 (s) | 进程内读取，含 XML 检查 (s) | 隔离进程读取，预热 (s) | 开销 "
        "| 隔离进程读取，冷启动 (s) | 开销 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        data = build_workbook(n)
        calamine = best(lambda d=data: excel.read_sheets(d))
        inproc = best(lambda d=data: worker.parse("xlsx", d, "bench.xlsx"))
        worker.run("xlsx", data, "bench.xlsx")  # starts the spare
        warm = best(lambda d=data: worker.run("xlsx", d, "bench.xlsx"), before=lambda: time.sleep(0.5))
        cold = best(lambda d=data: worker.run("xlsx", d, "bench.xlsx"), before=worker._close_spare)
        print(
            f"| {n:,} | {calamine:.3f} | {inproc:.3f} | {warm:.3f} | {(warm - inproc) * 1000:+.0f} ms "
            f"| {cold:.3f} | {(cold - inproc) * 1000:+.0f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 50_000])
