"""Page speed at scale: an AppTest rerun of every page with 50,000 projects loaded, against the
rerun of the empty 总览 page timed in the same run (the baseline: Streamlit's own cost), and the
largest number of marks any chart of the page draws.

    .venv/bin/python bench/pages.py            # 50,000 projects
    .venv/bin/python bench/pages.py 5000

Prints a Markdown table; the targets at 50,000 projects: every rerun < 1 s, the upload shows its
first chart (数据导入 upload, then 总览) in < 5 s, no chart draws more than a few hundred marks.
"""

from __future__ import annotations

import io
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import build_workbook  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

# Every page of app.py, read from it so the benchmark cannot miss one.
PAGES = {
    title: path
    for path, title in re.findall(r'\("(pages/[a-z_]+\.py)", "([^"]+)"', (ROOT / "app.py").read_text("utf-8"))
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@contextmanager
def server_like_navigation():
    """AppTest runs a page file alone from its second run on when a pages/ folder exists; the server
    keeps running app.py (see tests/conftest.py, apptest_navigation)."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init
    try:
        yield
    finally:
        PagesManager.__init__ = original


def timed_rerun(at: AppTest, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
        assert not at.exception, [e.value for e in at.exception]
    return statistics.median(times)


def marks(at: AppTest) -> int:
    """The most marks (bars, points, tiles, slices) any chart on the page draws."""
    import json

    most = 0
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec or "{}")
        n = 0
        for trace in spec.get("data", []):
            n += max((len(trace.get(k) or ()) for k in ("x", "y", "labels", "values", "ids")), default=0)
        most = max(most, n)
    return most


def main(rows: int) -> None:
    data = build_workbook(rows)
    # Two stored years of the same size, so 历年对比 and 单位对比 compare 2 x `rows` projects.
    db = Path(tempfile.mkdtemp()) / "bench.db"
    os.environ["JIXIAO_DB_URL"] = f"sqlite:///{db}"
    from jixiao.read import read_dataset
    from jixiao.store.db import Store, summary_of

    store = Store()
    for year, seed in ((2022, 3), (2023, 7)):
        content = build_workbook(rows, seed=seed)
        table = read_dataset(content, "bench.xlsx").table
        store.import_file(content, "bench.xlsx", unit="某省科协", year=year, summary=summary_of(table))
    store.dispose()
    with server_like_navigation():
        empty = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        empty.run()
        baseline = timed_rerun(empty)

        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page(PAGES["数据导入"]).run()
        t0 = time.perf_counter()
        at.file_uploader(key="upload_file").set_value(
            (f"bench_{rows}.xlsx", io.BytesIO(data).getvalue(), XLSX)
        ).run()
        upload = time.perf_counter() - t0
        assert not at.exception, [e.value for e in at.exception]
        at.switch_page(PAGES["总览"]).run()
        first = time.perf_counter() - t0
        print(
            f"{rows:,} 个项目；上传并解析 {upload:.2f} s，到总览第一张图 {first:.2f} s（目标 < 5 s）；"
            f"基线（空白总览页重跑）{baseline:.3f} s\n"
        )
        print("| 页面 | 重跑耗时 (s) | 相对基线 | 目标 < 1 s | 单图最多图元 |")
        print("|---|---:|---:|:---:|---:|")
        for name, path in PAGES.items():
            at.switch_page(path).run()
            t = timed_rerun(at)
            print(
                f"| {name} | {t:.2f} | {t / baseline:.1f}× | {'✓' if t < 1.0 else '✗'} | {marks(at)} |",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
