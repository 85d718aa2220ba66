"""Writers on one SQLite database take turns, queued on a file lock: the senders, and the
answers sent through the invitees' links.

SQLite lets one writer in at a time, and a writer that finds the database locked sleeps in
SQLite's busy handler: a millisecond at least, then longer, while the other sender's write
(a message's verdict, the next one's ``sending`` mark, the commit) takes a tenth of that.
Two senders, each writing once per message, collided often enough to leave a quarter of a
two-core machine idle (bench/README.md). Waiting in a blocking ``flock()`` on a file next to
the database instead, the second sender wakes the moment the first is done.

An answer's transaction takes its turn too (``write_turn``), at its first write: answers
waiting in the busy handler behind the sender threads' writes made the slowest hundredth of
them three to four times slower than the median (bench/README.md). SQLite's lock still
guards the database against every writer, and a writer that takes no turn (an organiser's
edit, an import) still waits in the busy handler as before. On PostgreSQL, and for a
database in memory, a turn is taken at once, as on a system without ``flock()`` (Windows),
where SQLite's busy handler alone keeps the writers apart.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class WriteTurns:
    """One writer's place in the queue of writers; a sender opens one per batch, closes it after.

    The lock belongs to the open file, not to the process: each batch opens its own, so
    sender threads of one process, and processes forked from it, queue like any two senders.
    """

    def __init__(self, lock_path: str | None) -> None:
        self._fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600) if lock_path else None

    @classmethod
    def for_connection(cls, bind: Connection | Engine) -> "WriteTurns":
        return cls(lock_path(bind))

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

    def wait(self) -> None:
        """Wait for this writer's turn and keep it until ``close`` (again: kept already)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


#: Where ``write_turn`` puts a session's turns, for its first write to wait for.
_TURNS = "rsvp.write_turns"


@contextmanager
def write_turn(session: Session | scoped_session[Session]) -> Iterator[None]:
    """The block's writes wait for their turn at the first of them, as SQLite's lock would,
    and keep it to the end of the block; a block that raises is rolled back in it."""
    plain = session() if isinstance(session, scoped_session) else session
    plain.info[_TURNS] = turns = WriteTurns.for_connection(plain.get_bind())
    try:
        yield
    except BaseException:
        plain.rollback()
        raise
    finally:
        del plain.info[_TURNS]
        turns.close()


@sa_event.listens_for(Session, "do_orm_execute")
def _statement_waits_for_turn(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _wait_for_turn(state.session)


@sa_event.listens_for(Session, "before_flush")
def _wait_for_turn(session: Session, *_: object) -> None:
    if (turns := session.info.get(_TURNS)) is not None:
        turns.wait()


def lock_path(bind: Connection | Engine) -> str | None:
    """The lock file beside an SQLite database file, or None where there is no queue."""
    url = bind.engine.url
    database = url.database or ""
    if fcntl is None or url.get_backend_name() != "sqlite" or database in ("", ":memory:") \
            or database.startswith("file:"):
        return None
    return database + "-senders.lock"
