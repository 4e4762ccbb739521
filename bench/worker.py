"""What the guarded worker costs: the same read in this process and in the worker, on the workbooks
bench/ingest.py builds.

    .venv/bin/python bench/worker.py            # 1,000 and 50,000 rows

"calamine" is the bare read; "in-process" is ``worker.parse`` (the XML scan, calamine and the sheet
facts); "worker, warm" is ``worker.run`` when the spare child is ready (a pause between uploads, as in
use); "worker, cold" starts its interpreter on demand (two uploads at the same moment).

Each is given as wall-clock seconds and as CPU seconds (this process plus its children: for the worker,
the child's read and its interpreter's start). On a shared machine the CPU time is the steadier figure.
The four are taken in turn within each round, best of 9 (1,000 rows) or 5 rounds.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import build_workbook  # noqa: E402

from jixiao.ingest import excel, worker  # noqa: E402


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def paired(data: bytes, repeat: int) -> dict[str, tuple[float, float]]:
    """name -> (best wall seconds, best CPU seconds)."""
    ways = {
        "calamine": (lambda: None, lambda: excel.read_sheets(data)),
        "inproc": (lambda: None, lambda: worker.parse("xlsx", data, "bench.xlsx")),
        # the spare child is ready after a pause, as between two uploads
        "warm": (lambda: time.sleep(0.5), lambda: worker.run("xlsx", data, "bench.xlsx")),
        # no spare: two uploads at the same moment
        "cold": (worker._close_spare, lambda: worker.run("xlsx", data, "bench.xlsx")),
    }
    wall = dict.fromkeys(ways, float("inf"))
    cpu = dict.fromkeys(ways, float("inf"))
    worker.run("xlsx", data, "bench.xlsx")  # starts the spare
    for _ in range(repeat):
        for name, (before, fn) in ways.items():
            before()
            t0, c0 = time.perf_counter(), _cpu()
            fn()
            wall[name] = min(wall[name], time.perf_counter() - t0)
            cpu[name] = min(cpu[name], _cpu() - c0)
        worker.run("xlsx", data, "bench.xlsx")  # a spare again for the next round
    return {name: (wall[name], cpu[name]) for name in ways}


def main(sizes: list[int]) -> None:
    print(
        "| 行数 | calamine 读取 | 进程内读取，含 XML 检查 | 隔离进程，预热 | 开销 | 隔离进程，冷启动 | 开销 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        r = paired(build_workbook(n), 9 if n <= 10_000 else 5)
        cells = [f"{r[k][0]:.3f} s（CPU {r[k][1]:.3f}）" for k in ("calamine", "inproc", "warm", "cold")]
        extra = [
            f"{(r[k][0] - r['inproc'][0]) * 1000:+.0f} ms（CPU {(r[k][1] - r['inproc'][1]) * 1000:+.0f}）"
            for k in ("warm", "cold")
        ]
        print(
            f"| {n:,} | {cells[0]} | {cells[1]} | {cells[2]} | {extra[0]} | {cells[3]} | {extra[1]} |",
            flush=True,
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 50_000])
