"""Writing output files so that an interrupted run never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                        dir=self.path.parent)
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
        import shutil

        shutil.rmtree(self.staging, ignore_errors=True)
        if self.created:
            try:
                self.path.rmdir()  # only if still empty: a directory we made for nothing
            except OSError:
                pass
