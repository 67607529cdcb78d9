"""Reading a large stack of dataset files in worker processes, one file to a worker at a time.

Each file is read by `load.read_layer`, a function of that file alone, so files can be read
side by side and laid over one another afterwards in the usual order. Only a stack large
enough to gain from it is read so (`PARALLEL_BYTES`, two files at least); a small one, the
bundled dataset above all, is read in this process, with no worker started or imported.

A worker never outlives this process: it watches its parent and exits as soon as it is
gone, however it ended (SIGKILL included), and it leaves Ctrl-C to this process. A file's
problems come back as the same DatasetError, with every located problem, as when it is read
here; a worker that dies unasked leaves its files to be read here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .load import LayerReader, read_layer

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .overlay import Layer

PARALLEL_BYTES = 4_000_000
"""Files this large together take a second or more to read: enough to pay for the workers."""

PARENT_CHECK_SECONDS = 0.1
"""How often a worker looks whether its parent is still there."""


def worker_count(files: int) -> int:
    """How many workers read `files` files: one a file, at most one a CPU (os.cpu_count)."""
    return max(1, min(files, os.cpu_count() or 1))


def _regular_files(paths: Sequence[Path]) -> dict[Path, int]:
    """The paths that are regular files, each once, with their sizes.

    Only these are for workers: a pipe given as /dev/stdin or /dev/fd/N is this process's
    own, and so are a missing file's or a directory's messages.
    """
    sizes: dict[Path, int] = {}
    for path in paths:
        with contextlib.suppress(OSError):
            info = path.stat()
            if stat.S_ISREG(info.st_mode):
                sizes[path] = info.st_size
    return sizes


def reads_in_workers(paths: Sequence[Path]) -> bool:
    """Whether some of these files are read in worker processes: several regular files,
    large together."""
    sizes = _regular_files(paths)
    files = len(sizes)
    return files > 1 and worker_count(files) > 1 and sum(sizes.values()) >= PARALLEL_BYTES


@contextlib.contextmanager
def reading_ahead(paths: Sequence[Path]) -> Iterator[LayerReader]:
    """A LayerReader for `paths` that workers have begun reading, each regular file once,
    all at the start; any other file (a pipe, the bundled one a stack extends) is read in
    this process.

    For a small stack it is `read_layer` itself. Files not begun when the block ends (by
    an error, say) are not read, and the workers end with it.
    """
    if not reads_in_workers(paths):
        yield read_layer
        return
    import multiprocessing  # noqa: PLC0415 - only a large stack starts workers
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    regular = _regular_files(paths)
    pool = ProcessPoolExecutor(
        max_workers=worker_count(len(regular)),
        mp_context=multiprocessing.get_context("spawn"),  # no copy of this process's state
        initializer=watch_parent,
        initargs=(os.getpid(),),
    )
    try:
        pending: dict[Path, Future[Layer]] = {
            path: pool.submit(read_layer, path) for path in regular
        }

        def read(path: Path) -> Layer:
            future = pending.get(path)
            if future is None:
                return read_layer(path)
            try:
                return future.result()
            except BrokenProcessPool:  # a worker was killed: this process reads the file
                return read_layer(path)

        yield read
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def watch_parent(parent: int) -> None:
    """In a worker: exit as soon as the process that started it is gone; ignore Ctrl-C,
    which the parent handles (a worker's parent is then init or a subreaper, never it)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()
