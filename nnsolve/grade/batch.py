"""Grading a class: find the submission files, grade them in order, feed every output.

Nothing class-sized is kept: results stream from the grader to the outputs one at a time, in
file-name order, and only totals and the bounded item analysis stay behind. With several
workers the files go to a process pool in chunks, results taken in order; each worker holds
one key for the whole batch (forked from the parent with the shared solutions already solved),
so an answer key is solved once per variant and worker, never once per student.

A file that cannot be graded is a result with an `error`, never an exception: one bad file
does not stop a batch, nor does a worker process that dies grading it. An exception that does
stop it (Ctrl-C, a full disk) discards every staged output, so nothing half-written is left
behind.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nnsolve.errors import NnsolveError
from nnsolve.grade.outputs.summary import BatchSummary
from nnsolve.grade.report import GradeResult
from nnsolve.grade.reveal import revealed

SUFFIXES = (".yaml", ".yml")


def submission_files(paths: Iterable[Path]) -> list[Path]:
    """Every submission named, in file-name order: files as given, directories searched
    recursively for *.yaml and *.yml (hidden files and directories skipped, as are
    symbolic links to directories), each file once."""
    found: dict[str, Path] = {}
    for path in map(Path, paths):
        candidates = _yaml_files(path) if path.is_dir() else [path]
        for file in candidates:
            found.setdefault(_identity(file), file)
    return sorted(found.values())


def _identity(file: Path) -> str:
    """What makes two names one submission: the regular file they lead to. Anything else (a
    link to a device, a loop of links) is its own row, which says what is wrong with it;
    realpath, unlike Path.resolve, does not raise on a loop."""
    real = os.path.realpath(file)
    return real if os.path.isfile(real) else os.path.abspath(file)


def _yaml_files(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                yield Path(root) / name


def grade_safely(path: str, key) -> GradeResult:
    """Grade one file; whatever goes wrong becomes the result's error, not an exception.

    The grader already turns bad input into an `invalid` result; this also covers a bug of
    ours on some odd file, so that it costs one row and not the class, and that row still
    names the file and, where the file says it, the student (NNSOLVE_DEBUG=1 re-raises it
    with its traceback).
    """
    from nnsolve.grade.grader import grade_file

    try:
        return grade_file(path, key)
    except NnsolveError as exc:
        return failed(path, str(exc))
    except Exception as exc:
        if os.environ.get("NNSOLVE_DEBUG"):
            raise
        return failed(path, f"this file could not be graded ({type(exc).__name__}: "
                            f"{str(exc)[:200]}); a person must grade it")


def failed(path: str, reason: str) -> GradeResult:
    """A row for a file that could not be graded, with whoever the file says it is from."""
    from nnsolve.grade.unreadable import identity_from_file

    student, name, problem = identity_from_file(path)
    return GradeResult(student, name, problem, path, error=reason)


# --- worker processes ------------------------------------------------------------------

#: the key a worker grades with: inherited from the parent when the pool forks (solutions
#: already cached), loaded from its path in the worker otherwise
_worker_key = None
_worker_failure: str | None = None


def _init_worker(key_paths: list[str], seed: str | None = None) -> None:
    """Make sure this worker has a key. Ctrl-C is left to the parent, which stops the pool."""
    global _worker_key, _worker_failure
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker_key is not None:
        return
    from nnsolve.grade.key import Key

    try:
        _worker_key = Key.from_paths(key_paths, seed=seed)
    except Exception as exc:  # raising here would make the pool respawn workers forever
        _worker_failure = f"cannot load the key {', '.join(key_paths)}: {exc}"


def _grade_in_worker(path: str) -> GradeResult:
    if _worker_key is None:
        return GradeResult(None, None, None, path, error=_worker_failure or "no key loaded")
    return grade_safely(path, _worker_key)


def _warm(key) -> None:
    """Solve what every student shares (problems without variables) before forking, so the
    workers start with those solutions instead of each solving them again."""
    import nnsolve.grade.grader  # noqa: F401  (and the grading modules with it)

    for problem in getattr(key, "problems", {}).values():
        if not problem.variables:
            try:
                key.solution(problem, None)
            except NnsolveError:
                pass  # each submission of that problem will say why


def chunk_size(files: int, workers: int) -> int:
    """Big enough to amortise the pickling round trips, small enough to keep workers busy
    to the end and the progress bar moving."""
    return max(1, min(32, files // (workers * 8)))


#: why a file whose worker died twice was not graded
WORKER_DIED = ("the worker process grading this file died twice (killed, or out of memory); "
               "a person must grade it")


def _grade_chunk(paths: list[str], renderers: tuple = (),
                 reveal: str = "answers") -> list[GradeResult] | list[tuple]:
    """The chunk's results; with `renderers` (one per output, None for an output that renders
    itself), each as (result, what each renderer made of it as `reveal` shows it), so that
    rendering is done in the workers and the parent only writes."""
    results = [_grade_in_worker(path) for path in paths]
    if not renderers:
        return results
    return [(result, rendered(result, renderers, reveal)) for result in results]


def rendered(result: GradeResult, renderers: tuple, reveal: str) -> tuple:
    shown = revealed(result, reveal)
    return tuple(None if render is None else render(shown) for render in renderers)


class BatchGrader:
    """Grades files in this process (workers=1) or in a pool started on entering.

    The pool is started before anything else runs threads (the progress bar does), so
    forking it is safe. A worker that dies (the OOM killer, a `kill -9`) breaks the pool:
    every chunk it held is graded again, file by file, in a spare one-worker pool where a
    second death can only be that file's, which then becomes an `invalid` row; the main pool
    is started afresh for the rest. The batch always finishes.
    """

    def __init__(self, key, workers: int = 1, renderers: tuple = (), reveal: str = "answers"):
        self.key = key
        self.workers = max(1, workers)
        self.pool = None
        self.spare = None
        #: what the workers render of each result for the outputs (see `_grade_chunk`)
        self.renderers = tuple(renderers) if any(r is not None for r in renderers) else ()
        self.reveal = reveal

    def __enter__(self) -> "BatchGrader":
        if self.workers > 1:
            _warm(self.key)
            self.pool = self._start(self.workers)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for pool in (self.pool, self.spare):
            if pool is not None:
                _stop(pool, wait=exc_type is None)
        self.pool = self.spare = None

    def _start(self, workers: int):
        """A pool whose workers are forked now, holding the key already solved."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _worker_key
        _worker_key = self.key
        try:
            pool = ProcessPoolExecutor(workers, multiprocessing.get_context(),
                                       initializer=_init_worker,
                                       initargs=(self.key.paths, self.key.seed))
            pool.submit(os.getpid)  # a forking pool starts all its workers on the first task
        finally:
            _worker_key = None
        return pool

    def results(self, files: list[Path]) -> Iterator[GradeResult]:
        for graded in self.graded(files):
            yield graded[0]

    def graded(self, files: list[Path]) -> Iterator[tuple[GradeResult, tuple | None]]:
        """(result, what the workers rendered of it, or None where nothing was) in file
        order."""
        names = [str(f) for f in files]
        if self.pool is None or len(names) < 2:
            for name in names:
                yield grade_safely(name, self.key), None
            return
        for item in self._pooled(names):
            yield item if self.renderers else (item, None)

    def _pooled(self, names: list[str]) -> Iterator[GradeResult]:
        """Results in file order, a few chunks per worker in flight at a time."""
        from collections import deque
        from concurrent.futures.process import BrokenProcessPool

        size = chunk_size(len(names), self.workers)
        chunks = iter([names[i:i + size] for i in range(0, len(names), size)])
        pending: deque = deque()

        def fill() -> None:
            while len(pending) < self.workers * 2:
                chunk = next(chunks, None)
                if chunk is None:
                    return
                pending.append((chunk, self.pool, self._submit(chunk)))

        fill()
        while pending:
            chunk, pool, future = pending.popleft()
            try:
                graded = future.result()
            except BrokenProcessPool:
                if pool is self.pool:  # the first to notice starts a new one
                    _stop(self.pool, wait=False)
                    self.pool = self._start(self.workers)
                graded = [self._retry(name) for name in chunk]
            yield from graded
            fill()

    def _submit(self, chunk: list[str]):
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self.pool.submit(_grade_chunk, chunk, self.renderers, self.reveal)
        except BrokenProcessPool:  # broken before its failure reached us
            _stop(self.pool, wait=False)
            self.pool = self._start(self.workers)
            return self.pool.submit(_grade_chunk, chunk, self.renderers, self.reveal)

    def _retry(self, name: str) -> GradeResult:
        """Grade one file again, alone in the spare pool: if its worker dies again, it was
        this file."""
        from concurrent.futures.process import BrokenProcessPool

        if self.spare is None:
            self.spare = self._start(1)
        try:
            return self.spare.submit(_grade_chunk, [name], self.renderers,
                                     self.reveal).result()[0]
        except BrokenProcessPool:
            _stop(self.spare, wait=False)
            self.spare = None
            result = failed(name, WORKER_DIED)
            return (result, None) if self.renderers else result


def _stop(pool, wait: bool) -> None:
    """Shut a pool down; unless waiting for it, its workers are ended at once (Ctrl-C)."""
    if not wait:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            if process.is_alive():
                process.terminate()
    pool.shutdown(wait=wait, cancel_futures=not wait)


# --- the run -------------------------------------------------------------------------

def run_batch(results: Iterable, outputs: list,
              on_result: Callable[[GradeResult], None] = lambda result: None, *,
              reveal: str = "answers") -> BatchSummary:
    """Feed every result to every output, then let each write what needs the whole batch.
    The outputs get each result as `reveal` lets a student see it; the summary (the item
    analysis) gets it whole. `results` are GradeResults, or (result, rendered) pairs from
    `BatchGrader.graded`, where `rendered` holds what the workers rendered for each output
    that has a `render` (None: the output renders it itself).

    On any exception (Ctrl-C included) every output discards what it staged and the
    exception goes on; outputs already finished keep their complete files.
    """
    summary = BatchSummary()
    try:
        for item in results:
            result, pieces = item if isinstance(item, tuple) else (item, None)
            summary.add(result)
            shown = revealed(result, reveal)
            for i, output in enumerate(outputs):
                piece = pieces[i] if pieces is not None else None
                if piece is not None:
                    output.add(shown, piece)
                else:
                    output.add(shown)
            on_result(result)
        for output in outputs:
            output.finish(summary)
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    return summary


@contextmanager
def stop_cleanly_on_signals() -> Iterator[None]:
    """Let `kill` (SIGTERM) and a closed terminal (SIGHUP) unwind like Ctrl-C does, so staged
    outputs are discarded on the way out instead of left behind (exit status 128 + the
    signal, as for a process killed by it). SIGKILL cannot be caught: what it leaves is
    cleaned by the next run."""
    def stop(signum, frame):
        raise SystemExit(128 + signum)

    caught = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s]
    try:
        previous = {signum: signal.signal(signum, stop) for signum in caught}
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def progress(total: int, console) -> Iterator[Callable[[GradeResult], None]]:
    """A transient progress bar on `console` (stderr) when it is an interactive terminal
    without NO_COLOR; otherwise (or with no console) nothing at all, so logs and pipes stay
    clean."""
    if console is None or not console.is_terminal or console.is_dumb_terminal or \
            os.environ.get("NO_COLOR"):
        yield lambda result: None
        return
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    columns = (TextColumn("grading"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[invalid]} invalid"), TimeElapsedColumn(),
               TimeRemainingColumn())
    # stdout is routed above the bar only when it is the same screen: a redirected stdout
    # (`> grades.json`) must keep receiving the results, not the terminal
    with Progress(*columns, console=console, transient=True,
                  redirect_stdout=sys.stdout.isatty(), redirect_stderr=False) as bar:
        task = bar.add_task("grading", total=total, invalid=0)
        invalid = 0

        def advance(result: GradeResult) -> None:
            nonlocal invalid
            invalid += result.error is not None
            bar.update(task, advance=1, invalid=invalid)

        yield advance
