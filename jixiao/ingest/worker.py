"""Every uploaded file is parsed in a child process with a memory cap, a CPU-time cap and a wall-clock
limit, so a file that makes a parser abort, allocate gigabytes or spin costs a message, never the
server or another user's session.

The child is a fresh interpreter (``python -I -c``) that imports only this package's pandas-free
readers and python-calamine, then waits on its stdin. One spare child is always started ahead, so
a read does not wait for an interpreter to start; each child serves one file and exits, so limits
are per file and nothing a hostile file did survives it. The request (on stdin) and the reply (in a
temporary file under the child's file-size limit) are ``marshal`` data (bytes, str, numbers, lists,
tuples, dicts): compact, quick, and unable to run code in the parent the way a pickle from a
subverted child could. At most MAX_CONCURRENT reads run at once.
"""

from __future__ import annotations

import atexit
import logging
import marshal
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from jixiao.ingest.caps import MAX_TOTAL_CELLS, STOPPED, ReadError

log = logging.getLogger("jixiao.ingest")

MEMORY = 3 * 1024**3  # bytes of address space
CPU_SECONDS = 60
WALL_SECONDS = 90
# Reads at once (more wait their turn): each may take MEMORY, so uploads cannot add up past the machine.
MAX_CONCURRENT = max(2, os.cpu_count() or 2)
MAX_REPLY = 512 * 1024**2  # bytes of marshal data: 10 million cells of the grid cap take ~150 MB

AGAIN = "请在 Excel/WPS 中打开后另存为 .xlsx 再上传。"
TOO_BIG = f"{STOPPED}读取需要的内存超出上限（{MEMORY // 1024**3} GB），文件可能已损坏或含有异常结构。{AGAIN}"
TOO_SLOW = f"{STOPPED}读取耗时超过上限，文件可能已损坏或含有异常结构。{AGAIN}"
CRASHED = f"{STOPPED}读取程序异常退出，文件可能已损坏或含有异常结构。{AGAIN}"

_EXIT_TOO_BIG = 3
# POSIX signals; elsewhere (no resource limits there) they never end a child.
_SIGXCPU, _SIGKILL, _SIGXFSZ = (getattr(signal, n, 0) or 999 for n in ("SIGXCPU", "SIGKILL", "SIGXFSZ"))
_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding the jixiao package
_BOOT = (
    "import os, sys; sys.path[:0] = sys.argv[1].split(os.pathsep); "
    "from jixiao.ingest.worker import _child; _child()"
)


def _path() -> str:
    """This package first, then the server's own import path (without the current folder, which -I
    leaves out on purpose): a server started with PYTHONPATH finds calamine in the child too."""
    return os.pathsep.join([_ROOT, *(p for p in sys.path if p and os.path.isabs(p) and p != _ROOT)])


def parse(kind: str, data: bytes, filename: str) -> Any:
    """The read itself, as the child runs it (callable in-process for benchmarks and tests)."""
    found = _read(kind, data, filename)
    return found if kind == "docx" else within_total(found)


def within_total(sheets: list) -> list:
    """The sheets, in order, while their cells together stay within MAX_TOTAL_CELLS; a note on the
    first says what was left out. Each sheet is within the grid cap already: the first is always kept."""
    total = 0
    for n, (_, rows, *_) in enumerate(sheets):
        total += sum(map(len, rows))
        if total > MAX_TOTAL_CELLS and n > 0:
            kept = sheets[:n]
            kept[0][3].insert(
                0,
                f"工作簿的单元格总数超过 {MAX_TOTAL_CELLS:,} 个，只读取了前 {n} 个工作表"
                f"（共 {len(sheets)} 个）。",
            )
            return kept
    return sheets


def _read(kind: str, data: bytes, filename: str) -> Any:
    if kind == "xlsx":
        from jixiao.ingest.excel import read_xlsx

        # In the child, dates are turned into text only if the reply cannot carry them (see _child).
        return read_xlsx(data, overlap=_in_child, plain=not _in_child)
    if kind == "xls":
        from jixiao.ingest.excel import read_sheets

        return read_sheets(data, plain=not _in_child)
    if kind == "csv":
        from jixiao.ingest.textgrid import read_csv

        return [read_csv(data, filename)]
    if kind == "html":
        from jixiao.ingest.htmltable import read_html

        return read_html(data)
    if kind == "xml2003":
        from jixiao.ingest.xml2003 import read_xml2003

        return read_xml2003(data)
    if kind == "mhtml":
        from jixiao.ingest.mhtml import read_mhtml

        return read_mhtml(data)
    if kind == "docx":
        from jixiao.ingest.docx import docx_text

        return docx_text(data)
    if kind == "docx_tables":
        from jixiao.ingest.docx import docx_tables

        return docx_tables(data)
    raise ReadError(f"不支持的文件类型：{kind}")


_in_child = False  # set in the guarded child: its limits contain calamine while the XML is scanned


# --- the parent's side ---------------------------------------------------------------------------
_lock = threading.Lock()
_spare: subprocess.Popen | None = None
_slots = threading.BoundedSemaphore(MAX_CONCURRENT)
BUSY = f"{STOPPED}服务器正在读取其他文件，请稍后再上传。"


def _start() -> subprocess.Popen:
    # The reply goes to a file, not a pipe: the child's file-size limit caps it, so a child gone wrong
    # cannot make the server read gigabytes.
    reply, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115 (closed in _outputs)
    proc = subprocess.Popen(
        [sys.executable, "-I", "-c", _BOOT, _path(), str(MEMORY), str(CPU_SECONDS), str(MAX_REPLY)],
        stdin=subprocess.PIPE,
        stdout=reply,
        stderr=err,
        start_new_session=True,  # a Ctrl-C meant for the server does not reach a read in progress
        env={**os.environ, "RUST_BACKTRACE": "0"},  # a panic's first line is enough for the log
    )
    proc.reply, proc.err = reply, err  # type: ignore[attr-defined]
    return proc


def _outputs(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    """The reply (empty when over MAX_REPLY) and the last 2 KB of the child's stderr; closes both files."""
    reply, err = proc.reply, proc.err  # type: ignore[attr-defined]
    try:
        size = reply.seek(0, os.SEEK_END)
        reply.seek(0)
        out = reply.read() if size <= MAX_REPLY else b""
        err.seek(max(0, err.seek(0, os.SEEK_END) - 2048))
        return out, err.read()
    finally:
        reply.close()
        err.close()


def _take() -> subprocess.Popen:
    """The spare child if it is still waiting, else a new one."""
    global _spare
    with _lock:
        proc, _spare = _spare, None
    if proc is not None and proc.poll() is not None:
        _outputs(proc)  # a spare that died waiting (killed by an operator, out of memory)
        proc = None
    return proc or _start()


def _restock() -> None:
    """Start the next spare once a read is over: started during the read it would compete with it for
    the CPU, and it is ready long before the next upload."""
    global _spare
    with _lock:
        if _spare is not None:
            return
        try:
            _spare = _start()
        except OSError as exc:  # out of processes: the next read starts its own child
            log.warning("could not start a spare reader: %s", exc)


@atexit.register
def _close_spare() -> None:
    global _spare
    with _lock:
        proc, _spare = _spare, None
    if proc is None:
        return
    if proc.poll() is None:
        proc.stdin.close()  # EOF: the child exits without reading anything
        try:
            proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _outputs(proc)


def run(kind: str, data: bytes, filename: str) -> Any:
    """``parse`` in a guarded child. Raises ReadError with a Chinese message for anything that goes
    wrong; the details go to the server log."""
    if not _slots.acquire(timeout=WALL_SECONDS):
        log.warning("reading %r: no free reader slot after %d s", filename, WALL_SECONDS)
        raise ReadError(BUSY)
    try:
        return _run(kind, data, filename)
    finally:
        _slots.release()


def _run(kind: str, data: bytes, filename: str) -> Any:
    request = marshal.dumps((kind, data, filename))
    try:
        proc = _take()
    except OSError as exc:
        log.error("cannot start the reader process: %s", exc)
        raise ReadError(f"{STOPPED}服务器暂时无法启动读取进程，请稍后再试。") from exc
    if not _exchange(proc, request):
        _outputs(proc)
        _restock()
        log.warning("reading %r (%s, %d bytes) passed %d s; stopped", filename, kind, len(data), WALL_SECONDS)
        raise ReadError(TOO_SLOW)
    out, err = _outputs(proc)
    _restock()
    if proc.returncode == 0 and out:
        try:
            status, payload = marshal.loads(out)
        except (ValueError, EOFError, TypeError) as exc:
            log.error("reader reply for %r unreadable (%d bytes)", filename, len(out))
            raise ReadError(CRASHED) from exc
        if status == "ok":
            return payload
        raise ReadError(TOO_BIG if status == "memory" else str(payload))
    message = _why(proc.returncode, err)
    log.warning(
        "reading %r (%s, %d bytes) ended with code %s: %s",
        filename,
        kind,
        len(data),
        proc.returncode,
        err[-600:].decode("utf-8", "replace").strip(),
    )
    raise ReadError(message)


def _exchange(proc: subprocess.Popen, request: bytes) -> bool:
    """Send the request and wait for the child to exit; False when WALL_SECONDS ran out first (the
    child is then killed). The wait blocks until the exit itself: ``Popen.wait(timeout)`` polls and
    notices an exit up to 50 ms late, on every upload."""
    late = threading.Event()

    def stop() -> None:
        late.set()
        proc.kill()

    timer = threading.Timer(WALL_SECONDS, stop)
    timer.start()
    try:
        try:
            proc.stdin.write(request)
            proc.stdin.close()
        except (BrokenPipeError, ValueError):  # the child is gone (killed, or died starting)
            pass
        proc.wait()
    finally:
        timer.cancel()
    return not late.is_set()


def _why(code: int, err: bytes) -> str:
    if code in (-_SIGXCPU, -_SIGKILL):
        return TOO_SLOW
    if code in (-_SIGXFSZ, _EXIT_TOO_BIG, 0):  # 0 with no reply: it was over MAX_REPLY
        return TOO_BIG
    if b"memory allocation" in err or b"MemoryError" in err or b"Cannot allocate" in err:
        return TOO_BIG
    return CRASHED


# --- the child's side ----------------------------------------------------------------------------
def _child() -> None:
    global _in_child
    _in_child = True
    memory, cpu, reply_cap = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    # Imported before the limits and before the request arrives: the spare child is warm.
    import python_calamine  # noqa: F401

    from jixiao.ingest import excel, textgrid  # noqa: F401

    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (reply_cap, reply_cap))
    except (ImportError, ValueError, OSError):  # no such limits on this platform: isolation only
        pass
    request = sys.stdin.buffer.read()
    if not request:
        return  # the parent closed a spare it no longer needs
    try:
        kind, data, filename = marshal.loads(request)
        del request
        reply: tuple[str, Any] = ("ok", parse(kind, data, filename))
    except ReadError as exc:
        reply = ("error", exc.message)
    except MemoryError:
        reply = ("memory", "")
    except RecursionError:
        reply = ("error", CRASHED)
    except BaseException as exc:
        # pyo3 turns a Rust panic into PanicException, a BaseException: a damaged file, not a bug here.
        if type(exc).__name__ != "PanicException":
            raise
        reply = ("error", CRASHED)
    try:
        try:
            out = marshal.dumps(reply)
        except ValueError:
            # calamine's dates and times, left as they are by parse() in the child: most sheets have
            # none, and looking at every cell for them costs more than this second try
            if kind not in ("xlsx", "xls") or reply[0] != "ok":
                raise
            out = marshal.dumps(("ok", excel.plain_sheets(reply[1])))
    except ValueError:  # a value type the readers should have turned into text: say so in the log
        sys.stderr.write(f"unmarshallable reply for {kind}\n")
        out = marshal.dumps(("error", CRASHED))
    except MemoryError:
        os._exit(_EXIT_TOO_BIG)
    try:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    except OSError:  # over the file-size limit (Python ignores SIGXFSZ and raises EFBIG instead)
        os._exit(_EXIT_TOO_BIG)
    # Tearing down the interpreter would free every cell one by one: the parent is waiting for the exit.
    os._exit(0)
