"""Flask extensions, created here and bound to the app in ``create_app``."""

import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, create_engine
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, scoped_session

if TYPE_CHECKING:
    from flask_limiter import Limiter
    from flask_wtf import CSRFProtect

    csrf: CSRFProtect
    limiter: Limiter

# Named constraints so Alembic can drop and alter them on every backend, SQLite included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
mail = Mail()
login_manager = LoginManager()


def _csrf() -> object:
    from flask_wtf import CSRFProtect

    return CSRFProtect()


def _limiter() -> object:
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    #: Limits are set per view (the answers); storage from RATELIMIT_STORAGE_URI.
    return Limiter(key_func=get_remote_address)


#: The pages' extensions, made when first imported from here (``from rsvp.extensions import
#: limiter``): the `rsvp` commands serve no page and start without Flask-WTF and Flask-Limiter.
_PAGE_EXTENSIONS: dict[str, Callable[[], object]] = {"csrf": _csrf, "limiter": _limiter}
_made = threading.Lock()


def __getattr__(name: str) -> object:
    """Make one of the pages' extensions on first use, once per process."""
    if name not in _PAGE_EXTENSIONS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _made:
        if name not in globals():
            globals()[name] = _PAGE_EXTENSIONS[name]()
    return globals()[name]


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys on, and WAL so readers never wait for the sender."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def ping_after_idle(engine: Engine, seconds: float) -> None:
    """Test a pooled connection before it is used only when it has been idle ``seconds``.

    A connection the database or a firewall dropped while idle is found and replaced before
    a page uses it, as with ``pool_pre_ping``; but a connection back in the pool a moment ago
    is not tested again, which saves a round trip on every request under load. A database
    restarted in mid-traffic fails the requests already on their way (the page says "try
    again", rsvp.errors) and the pool then drops every connection older than the failure.
    """
    @sa_event.listens_for(engine, "checkin")
    def returned(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @sa_event.listens_for(engine, "checkout")
    def taken(dbapi_connection, record, proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool replaces the connection and tries again.
            raise DisconnectionError(str(exc)) from exc


#: The engine each PostgreSQL engine's reads outside a transaction go to (``reading``):
#: emptied with it (``Engine.dispose``), and gone with it, as the keys are weak.
_READ_ENGINES: "weakref.WeakKeyDictionary[Engine, Engine]" = weakref.WeakKeyDictionary()
#: Set on a Session by ``read_without_transaction``; taken by its first statement.
_READS_ONLY = "rsvp.reads_only"


def add_read_engine(engine: Engine, options: dict[str, Any], ping_seconds: float) -> None:
    """A PostgreSQL ``engine``'s twin for ``reading``, made with the same ``options``, its
    connections in autocommit from the start (switching a pooled one there and back cost a
    third of a page's database time)."""
    if engine.dialect.name != "postgresql":
        return
    reader = create_engine(engine.url, **{**options, "isolation_level": "AUTOCOMMIT"})
    ping_after_idle(reader, ping_seconds)
    _READ_ENGINES[engine] = reader
    sa_event.listen(engine, "engine_disposed", _dispose_read_engine)


def _dispose_read_engine(engine: Engine) -> None:
    if (reader := _READ_ENGINES.get(engine)) is not None:
        reader.dispose()


@contextmanager
def reading(session: Session | scoped_session[Session]) -> Iterator[Connection]:
    """A connection for a request that only reads, past the Session's bookkeeping and (on
    PostgreSQL) outside a transaction; a session in one lends its own, with its writes."""
    made = made_session(session)
    if made is not None and made.in_transaction():
        yield made.connection()
        return
    engine = _bind(made)
    with _READ_ENGINES.get(engine, engine).connect() as connection:
        yield connection


def read_without_transaction(session: Session | scoped_session[Session]) -> None:
    """A request that only reads: the session's next reads go outside a transaction on
    PostgreSQL (no BEGIN, no ROLLBACK; SQLite starts none for reads). Never where it writes."""
    made = made_session(session)
    if _bind(made).dialect.name != "postgresql":
        return
    plain = db.session() if made is None else made
    if not plain.in_transaction():
        plain.info[_READS_ONLY] = True


def made_session(session: Session | scoped_session[Session]) -> Session | None:
    """The Session itself; None for ``db.session`` while this request has not made one, which
    then cannot be in a transaction nor have changed anything. A page that only reads makes
    none (making one and closing it at the request's end was a tenth of the invitee page,
    bench/README.md)."""
    if session is db.session and not db.session.registry.has():
        return None
    return session() if isinstance(session, scoped_session) else session


def _bind(session: Session | None) -> Engine:
    """The engine a Session, or ``db.session``'s next (None), reads from."""
    return db.engine if session is None else session.get_bind()  # type: ignore[return-value]


@sa_event.listens_for(Session, "do_orm_execute")
def _reads_without_transaction(state: ORMExecuteState) -> None:
    """Before a marked session's first statement takes its connection: take one in autocommit."""
    session = state.session
    if session.info.pop(_READS_ONLY, False) and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
