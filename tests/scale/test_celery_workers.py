"""`rsvp send --via celery` and answers' confirmations, with real `rsvp worker` processes,
Redis and PostgreSQL."""

import time
from collections import Counter

import redis
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageStatus
from tests.responses.links import answer
from tests.scale.conftest import wait_until_final


def send_via_celery(runner, event) -> None:
    result = runner.invoke(args=["send", event.slug, "--via", "celery"])
    assert result.exit_code == 0, result.output
    assert "chunks of invitation" in result.output


def test_two_workers_deliver_a_batch_of_2000_each_exactly_once(runner, smtp_server, workers,
                                                               create_event, import_people):
    event = create_event()
    import_people(event, 2000)
    send_via_celery(runner, event)
    workers.start("one")
    workers.start("two")
    counts = wait_until_final(120, workers)
    assert counts == {"sent": 2000}
    received = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(received) == 2000 and set(received.values()) == {1}
    both = workers.log()
    assert both.count("succeeded") >= 2, both


def test_a_worker_killed_mid_chunk_loses_nothing_and_another_finishes(runner, smtp_server,
                                                                      workers, create_event,
                                                                      import_people):
    smtp_server.handler.data_delay = 0.02  # a chunk of 100 takes over two seconds
    event = create_event()
    import_people(event, 300)
    send_via_celery(runner, event)
    workers.start("doomed")
    deadline = time.monotonic() + 30
    while len(smtp_server.received) < 30:
        assert time.monotonic() < deadline, workers.log()
        time.sleep(0.02)
    workers.kill("doomed")
    killed_at = len(smtp_server.received)
    assert killed_at < 100, "the kill came too late to be mid-chunk"
    workers.start("rescuer")
    assert wait_until_final(90, workers) == {"sent": 300}
    received = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(received) == 300
    # At most the one message in flight at the kill can arrive twice, and it says so.
    twice = {address for address, n in received.items() if n > 1}
    flagged = set(db.session.scalars(select(Message.recipient).where(Message.maybe_duplicate)))
    assert len(twice) <= 1 and twice <= flagged and len(flagged) <= 1


def test_451s_are_delivered_after_retries_and_a_550_fails_with_its_reason(runner, smtp_server,
                                                                          workers, create_event,
                                                                          import_people):
    offered = Counter()
    deferred = {f"person{i}@example.org" for i in range(5, 10)}

    def reply(address: str) -> str | None:
        offered[address] += 1
        if address == "person1@example.org":
            return "550 5.1.1 <person1@example.org>: user unknown"
        if address in deferred and offered[address] <= 2:
            return "451 4.7.1 Greylisted, try again later"
        return None
    smtp_server.handler.rcpt_reply = reply
    event = create_event()
    import_people(event, 40)
    send_via_celery(runner, event)
    workers.start("one")
    assert wait_until_final(60, workers) == {"sent": 39, "failed": 1}
    rows = {r.recipient: r for r in db.session.execute(
        select(Message.recipient, Message.status, Message.attempts, Message.last_error))}
    assert rows["person1@example.org"].status is MessageStatus.FAILED
    assert rows["person1@example.org"].last_error == (
        "550 5.1.1 <person1@example.org>: user unknown")
    for address in deferred:
        assert rows[address].status is MessageStatus.SENT and rows[address].attempts == 3
        assert len(smtp_server.to(address)) == 1


def test_answers_close_together_reach_the_workers_as_one_chunk_and_each_is_confirmed_once(
        app, client, smtp_server, workers, create_event, import_people, redis_url):
    app.config["MAIL_SENDER_GATHER"] = 30.0
    event = create_event()
    import_people(event, 5)
    first, *others = db.session.scalars(select(Invitee).order_by(Invitee.id)).all()
    assert answer(client, first).status_code == 303
    for invitee in others:
        assert answer(client, invitee).status_code == 303
    app.extensions["rsvp_senders"].drain(10.0)
    # The first answer after a quiet moment goes at once, the four behind it together.
    assert redis.Redis.from_url(redis_url).llen(app.config["CELERY_QUEUE"]) == 2
    workers.start("one")
    assert wait_until_final(60, workers) == {"sent": 5}
    received = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert received == {f"person{i}@example.org": 1 for i in range(1, 6)}
