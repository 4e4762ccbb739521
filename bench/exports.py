"""Exports at scale: `python -m jixiao export FILE --only KIND` on the workbooks bench/ingest.py builds,
each kind in a fresh process, against `inspect --json` of the same file in a fresh process (the
baseline: reading and checking the file, which every export does first).

    .venv/bin/python bench/exports.py                 # 50,000 and 200,000 rows (200,000: the sheet cap)
    .venv/bin/python bench/exports.py 20000

Prints a Markdown table: wall-clock seconds and peak RSS of the main process (VmHWM; the guarded
worker's memory is its own, capped at 3 GB), and the file written.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from ingest import build_workbook  # noqa: E402

KINDS = ["pptx", "xlsx", "html", "docx"]

CHILD = """
import os, sys
sys.path.insert(0, {root!r})
from jixiao.cli import main
sys.stdout = open(os.devnull, "w", encoding="utf-8")
code = main({argv!r})
sys.stderr.write("\\nVmHWM " + next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")))
sys.exit(code)
"""


def run(argv: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one CLI command in a fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), argv=argv)], capture_output=True, text=True
    )
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed:\n{proc.stderr[-2000:]}")
    return took, int(proc.stderr.rsplit("VmHWM", 1)[1].split()[0]) / 1024


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [50_000, 200_000]
    print("| 行数 | 导出 | 耗时 (s) | 峰值 RSS (MiB) | 文件 (MiB) |")
    print("|---:|---|---:|---:|---:|")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"bench_{n}.xlsx"
            path.write_bytes(build_workbook(n))
            took, rss = run(["inspect", str(path), "--json"])
            print(f"| {n:,} | inspect --json（基线） | {took:.1f} | {rss:.0f} | — |", flush=True)
            for kind in KINDS:
                out = Path(tmp) / kind
                took, rss = run(["export", str(path), "--out", str(out), "--only", kind])
                size = sum(f.stat().st_size for f in out.iterdir()) / 2**20
                print(f"| {n:,} | {kind} | {took:.1f} | {rss:.0f} | {size:.1f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
