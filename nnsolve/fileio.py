"""Files in and out: the one place input files are opened, and output written so that an
interrupted run never leaves half a file behind.

Input comes from anyone, so it is read only from regular files: a symbolic link to
/dev/zero, a FIFO or a socket named `*.yaml` would otherwise grow a read to gigabytes or block
it forever, and a stat of the name says 0 bytes for all of them.
"""

from __future__ import annotations

import errno
import glob
import os
import shutil
import stat
import tempfile
from pathlib import Path

from nnsolve.errors import NnsolveError


def read_regular(path: str | Path, max_bytes: int, *, head: bool = False) -> bytes:
    """The bytes of a regular file of at most `max_bytes`, else NnsolveError naming the file
    (with `head`, the first `max_bytes` of a longer one instead).

    The type is checked before opening (opening a FIFO blocks) and again on the open file
    (the name may have been swapped in between); the size is checked while reading, since
    a file may grow after its size was taken.
    """
    name = str(path)
    try:
        kind = _regular_or_why(os.stat(path).st_mode)
        if kind:
            raise NnsolveError(f"not a regular file ({kind}); only files are read", file=name)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise NnsolveError(f"cannot read file: {_reason(exc)}", file=name) from None
    try:
        kind = _regular_or_why(os.fstat(fd).st_mode)
        if kind:
            raise NnsolveError(f"not a regular file ({kind}); only files are read", file=name)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes and head:
                return b"".join(chunks)[:max_bytes]
            if total > max_bytes:
                raise NnsolveError(f"file is more than {max_bytes:,} bytes; the limit is "
                                   f"{max_bytes:,}", file=name)
    except OSError as exc:
        raise NnsolveError(f"cannot read file: {_reason(exc)}", file=name) from None
    finally:
        os.close(fd)


def _regular_or_why(mode: int) -> str:
    """'' for a regular file, else what it is instead."""
    if stat.S_ISREG(mode):
        return ""
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return kind
    return "not a file"


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a loop of symbolic links"
    return exc.strerror or str(exc)


def _as_open_would(fd: int) -> None:
    """Give a temporary file the mode a plain open() would (0666 less the umask): mkstemp
    makes it 0600, and a gradebook the rest of the course staff cannot read is a surprise."""
    mask = os.umask(0o022)
    os.umask(mask)
    try:
        os.fchmod(fd, 0o666 & ~mask)
    except (AttributeError, OSError):  # no fchmod (Windows) or a file system without modes
        pass


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _as_open_would(fd)
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class StagedFile:
    """A file written bit by bit under a temporary name beside `path`, renamed over it only by
    `commit()`.

    A batch streams rows into it as they are graded; an exception or Ctrl-C before the end
    calls `discard()`, so the destination is either the complete new file or whatever was
    there before, never half of one. Use as a context manager for commit-on-success.
    """

    def __init__(self, path: Path, *, binary: bool = False):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.path.parent.glob(f".{glob.escape(self.path.name)}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by a run killed outright (SIGKILL)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                        dir=self.path.parent)
        _as_open_would(fd)
        options = {} if binary else {"encoding": "utf-8", "newline": ""}
        self.file = os.fdopen(fd, "wb" if binary else "w", **options)
        self.done = False

    def write(self, data) -> None:
        self.file.write(data)

    def commit(self) -> None:
        if self.done:
            return
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.path)
        self.done = True

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        self.file.close()
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def __enter__(self) -> "StagedFile":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


class StagedDir:
    """Files collected in a hidden directory inside `path`, moved into `path` by `commit()`.

    For outputs made of many files (one feedback file per student): none of them replaces an
    older one until the whole batch has succeeded; `discard()` removes the staging directory.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        for stale in self.path.glob(".staging-*"):  # left by a run killed outright (SIGKILL)
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.path))
        self.done = False

    def write(self, name: str, data: str | bytes) -> None:
        """Write one complete file (`name` must be a plain file name)."""
        target = self.staging / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8", newline="")

    def commit(self) -> None:
        if self.done:
            return
        for item in sorted(self.staging.iterdir()):
            os.replace(item, self.path / item.name)
        self.staging.rmdir()
        self.done = True

    def discard(self) -> None:
        if self.done:
            return
        self.done = True
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.created:
            try:
                self.path.rmdir()  # only if still empty: a directory we made for nothing
            except OSError:
                pass


class OutputLock:
    """An exclusive hold on output paths for one run: a second run writing the same gradebook
    or feedback folder is refused instead of both claiming success while one's rows are lost.

    The lock is an advisory `flock` on a hidden file beside each path; the kernel drops it
    when the holder dies, however it dies, so a killed run never leaves a stale lock. The
    stale staging files such a run leaves are cleaned by the next run, under its lock.
    """

    def __init__(self, paths):
        self.paths = [Path(p) for p in paths if p]
        self.held: list[tuple[int, Path]] = []

    def __enter__(self) -> "OutputLock":
        try:
            for path in self.paths:
                self.held.append((self._take(path), self._lock_file(path)))
        except BaseException:
            self.release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.release()

    @staticmethod
    def _lock_file(path: Path) -> Path:
        return path.parent / f".{path.name}.lock"

    def _take(self, path: Path) -> int:
        try:
            import fcntl
        except ImportError:  # no advisory locks on this system: nothing to hold
            return -1
        lock = self._lock_file(path)
        lock.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise NnsolveError(f"another nnsolve run is writing {path} (it holds {lock}); "
                                   "wait for it to finish, or write elsewhere") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(lock).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a file the previous holder removed as we opened it
                return fd
            os.close(fd)

    def release(self) -> None:
        for fd, lock in reversed(self.held):
            if fd >= 0:
                lock.unlink(missing_ok=True)
                os.close(fd)
        self.held = []
