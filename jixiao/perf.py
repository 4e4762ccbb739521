"""Speed helpers that change no result."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector around a burst of allocations.

    Reading a 50,000-row sheet allocates millions of short-lived lists, tuples and dicts; each
    allocation threshold reached makes the collector walk every live object again, a quarter of the
    whole run. Reference counting still frees everything acyclic; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def lean_arrow_pool() -> None:
    """Arrow's default pool (mimalloc) keeps what pandas' text columns freed mapped, adding about 12 MB
    to the peak of a 50,000-row read (bench/ingest.py, peak RSS); the system allocator, no slower
    here, gives it back. An operator's ARROW_DEFAULT_MEMORY_POOL still decides."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow

    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
