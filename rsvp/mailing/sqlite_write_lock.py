"""Senders on one SQLite database take turns at writing, queued on a file lock.

SQLite lets one writer in at a time, and a writer that finds the database locked sleeps in
SQLite's busy handler: a millisecond at least, then longer, while the other sender's write
(a message's verdict, the next one's ``sending`` mark, the commit) takes a tenth of that.
Two senders, each writing once per message, collided often enough to leave a quarter of a
two-core machine idle (bench/README.md). Waiting in a blocking ``flock()`` on a file next to
the database instead, the second sender wakes the moment the first is done.

The turns order the senders' own writes only. SQLite's lock still guards the database
against every writer, and a writer that takes no turn (a web request recording an answer)
still waits in the busy handler as before. On PostgreSQL, and for a database in memory,
a turn is taken at once, as on a system without ``flock()`` (Windows), where SQLite's busy
handler alone keeps the writers apart.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class WriteTurns:
    """One sender's place in the queue of writers; open one per batch, close it after.

    The lock belongs to the open file, not to the process: each batch opens its own, so
    sender threads of one process, and processes forked from it, queue like any two senders.
    """

    def __init__(self, lock_path: str | None) -> None:
        self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600) if lock_path else None

    @classmethod
    def for_connection(cls, connection: Connection) -> "WriteTurns":
        return cls(lock_path(connection))

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this sender's turn and hold it while the block writes and commits."""
        if self._fd is None:
            yield
            return
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lock_path(connection: Connection) -> str | None:
    """The lock file beside an SQLite database file, or None where there is no queue."""
    url = connection.engine.url
    database = url.database or ""
    if fcntl is None or url.get_backend_name() != "sqlite" or database in ("", ":memory:") \
            or database.startswith("file:"):
        return None
    return database + "-senders.lock"
