"""Reading files from users: only regular files, never more than a limit; and writing
files whole or not at all.

A FIFO, a device (/dev/zero) or a socket would block or never end: they are refused before
they are opened. The limit bounds what is read, never what is allocated up front.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

CHUNK = 1 << 20


class NotReadable(Exception):
    """Why a path cannot be read, in a few words ("no such file", "a FIFO, not a file")."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, or NotReadable (also when it holds more than `limit`)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotReadable("no such file") from None
    except PermissionError:
        raise NotReadable("permission denied") from None
    except OSError as exc:
        raise NotReadable(f"cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise NotReadable("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise NotReadable(f"{_kind(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        raise NotReadable(f"larger than the {limit:,}-byte limit")
    chunks: list[bytes] = []
    size = 0
    try:
        with path.open("rb") as handle:
            while size <= limit:
                chunk = handle.read(min(CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
    except PermissionError:
        raise NotReadable("permission denied") from None
    except OSError as exc:
        raise NotReadable(f"cannot read ({exc.strerror or exc})") from None
    if size > limit:  # it grew while being read
        raise NotReadable(f"larger than the {limit:,}-byte limit")
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader never sees half a file (a temporary file in
    the same folder, renamed into place); OSError when it cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        Path(temporary).chmod(0o666 & ~umask)  # mkstemp makes it private; our files are not
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
