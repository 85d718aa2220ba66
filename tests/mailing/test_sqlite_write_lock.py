"""Senders on one SQLite database queue for their writes on a file lock beside it."""

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select

from rsvp.extensions import db
from rsvp.mailing.delivery import deliver_due
from rsvp.mailing.models import Message, MessageStatus
from rsvp.mailing.sqlite_write_lock import WriteTurns, lock_path, write_turn
from tests.conftest import skip_unless_sqlite
from tests.mailing.conftest import queued_event


def test_the_lock_file_lies_beside_an_sqlite_database(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'rsvp.sqlite3'}")
    with engine.connect() as connection:
        assert lock_path(connection) == str(tmp_path / "rsvp.sqlite3-senders.lock")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_a_database_in_memory_has_no_queue(url):
    with create_engine(url).connect() as connection:
        assert lock_path(connection) is None


def test_a_second_sender_gets_its_turn_the_moment_the_first_is_done(tmp_path):
    path = str(tmp_path / "db-senders.lock")
    first, second = WriteTurns(path), WriteTurns(path)
    order: list[str] = []

    def other_sender() -> None:
        with second.turn():
            order.append("second writes")

    with first.turn():
        thread = threading.Thread(target=other_sender)
        thread.start()
        time.sleep(0.2)
        order.append("first done")
    thread.join(timeout=2)
    assert order == ["first done", "second writes"]
    first.close()
    second.close()


def test_a_block_that_raises_in_its_turn_is_rolled_back_before_the_turn_is_given_up(
        app, create_event):
    event = create_event(title="Before")
    with pytest.raises(RuntimeError), write_turn(db.session):
        event.title = "Changed in the turn"
        db.session.flush()
        raise RuntimeError("the answer broke a rule")
    assert not db.session().in_transaction()
    assert db.session.get(type(event), event.id).title == "Before"


def test_a_sender_on_sqlite_records_nothing_and_sends_nothing_until_its_turn(
        app, app_config, smtp_server, create_event):
    skip_unless_sqlite(app_config, "the queue is SQLite's; PostgreSQL senders write at once")
    event = queued_event(create_event, 3)
    reports = []

    def sender() -> None:
        with app.app_context():
            reports.append(deliver_due(db.session, db.session.merge(event, load=True)))
            db.session.remove()

    with db.engine.connect() as connection:
        other = WriteTurns.for_connection(connection)
    with other.turn():
        thread = threading.Thread(target=sender)
        thread.start()
        time.sleep(0.5)
        # The sender has claimed and rendered, but waits for its turn to mark the first
        # message "sending": nothing may reach the server unrecorded.
        assert smtp_server.received == []
        assert db.session.scalar(select(func.count()).select_from(Message).where(
            Message.status != MessageStatus.QUEUED)) == 0
        db.session.rollback()
    other.close()
    thread.join(timeout=10)
    assert [r.sent for r in reports] == [3]
    assert len(smtp_server.received) == 3
