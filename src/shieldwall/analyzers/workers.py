"""Worker processes for per-file analysis, where a worker that dies loses one file.

A file whose analysis kills its process (the kernel's out-of-memory killer, a
crash in an extension) must cost that file only, never the results of the
others. Each worker takes a chunk of items and sends one result per item back
over its own pipe as soon as it has it (a pipe write is synchronous: nothing is
left in a buffer when the process dies). When a worker dies, the item it was on
is reported through `on_death`, the rest of its chunk goes back to the queue,
and a new worker takes over."""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_OK = "ok"
_ERROR = "error"


def _serve(
    conn: Connection,
    func: Callable[[T], R],
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
) -> None:
    """The worker's loop: chunks in, one (status, value) message per item out."""
    if initializer is not None:
        initializer(*initargs)
    while True:
        chunk: list[T] | None = conn.recv()
        if chunk is None:
            return
        for item in chunk:
            try:
                conn.send((_OK, func(item)))
            except Exception as exc:  # a bug: the parent raises it, as in one process
                try:
                    conn.send((_ERROR, exc))
                except Exception:  # the exception itself does not pickle
                    conn.send((_ERROR, RuntimeError(f"{type(exc).__name__}: {exc}")))
                return


def exit_description(code: int | None) -> str:
    """`killed by SIGSEGV`, `killed by SIGKILL, perhaps out of memory`, `exit code 1`..."""
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (", perhaps out of memory" if name == "SIGKILL" else "")
    return f"exit code {code}"


class _Worker(Generic[T]):
    def __init__(self, ctx: Any, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.process.start()
        child.close()  # only the worker holds its end: EOF here means it is gone
        self.pending: deque[T] = deque()

    def give(self, chunk: list[T] | None) -> None:
        self.pending.extend(chunk or ())
        self.conn.send(chunk)

    def stop(self, grace: float = 0.0) -> None:
        self.conn.close()
        self.process.join(grace)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


def isolated_map(
    func: Callable[[T], R],
    chunks: Sequence[list[T]],
    processes: int,
    on_death: Callable[[T, str], R],
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> list[R]:
    """`func` over every item of `chunks` in `processes` workers, in no particular order.

    An item whose worker dies is given to `on_death(item, how it died)` instead. An
    exception `func` raises is raised here, as it would be in one process."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    queue: deque[list[T]] = deque(c for c in chunks if c)
    workers: list[_Worker[T]] = []
    out: list[R] = []
    args = (func, initializer, initargs)
    try:
        while queue or workers:
            while queue and len(workers) < processes:
                worker: _Worker[T] = _Worker(ctx, _serve, args)
                worker.give(queue.popleft())
                workers.append(worker)
            ready = wait([w.conn for w in workers])
            for worker in [w for w in workers if w.conn in ready]:
                try:
                    status, value = worker.conn.recv()
                except (EOFError, OSError):  # the worker died
                    worker.stop(grace=5.0)  # reaped, so that its exit status is known
                    workers.remove(worker)
                    if worker.pending:
                        item = worker.pending.popleft()
                        out.append(on_death(item, exit_description(worker.process.exitcode)))
                    if worker.pending:
                        queue.appendleft(list(worker.pending))
                    continue
                if status == _ERROR:
                    raise value
                worker.pending.popleft()
                out.append(value)
                if not worker.pending:
                    if queue:
                        worker.give(queue.popleft())
                    else:
                        worker.give(None)
                        worker.stop(grace=5.0)
                        workers.remove(worker)
    finally:
        for worker in workers:
            worker.stop()
    return out
