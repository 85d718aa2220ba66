"""SpamAssassin on the messages of a full venue and a cancellation, as on the other kinds."""

import shutil

import pytest

from rsvp.extensions import db
from rsvp.mailing.services import deliver_due
from rsvp.responses.operations import answer_by_link
from tests.mailing.test_deliverability import SPAM_LIMIT, spam_score


def answer_and_send(person, answer):  # type: ignore[no-untyped-def]
    outcome = answer_by_link(db.session, person, answer)
    db.session.commit()
    deliver_due(db.session, person.event, message_ids=outcome.message_ids)


@pytest.mark.skipif(shutil.which("spamassassin") is None,
                    reason="spamassassin is not installed (.ci/run installs it)")
@pytest.mark.parametrize("language", ["de", "en"])
def test_waitlisted_promoted_and_cancellation_score_below_one(
        runner, smtp_server, conference, create_invitee, language, backend):
    if backend is not None:
        pytest.skip("the score does not depend on the database; scored once, on SQLite")
    conference.capacity = 1
    first = create_invitee(conference, language=language, email="erste@example.org")
    second = create_invitee(conference, language=language, email=f"gast.{language}@example.org")
    db.session.commit()
    answer_and_send(first, "accepted")
    answer_and_send(second, "accepted")
    answer_and_send(first, "declined")
    assert runner.invoke(args=["event", "cancel", conference.slug, "--yes"]).exit_code == 0
    scores = {}
    for received in smtp_server.received:
        if second.email in received.rcpt_tos:
            scores[received.message["Subject"][:40]] = spam_score(received.raw)
    print(f"\nSpamAssassin ({language}):")
    for subject, (score, tests) in scores.items():
        print(f"  {score:5.2f}  {subject}  [{tests}]")
    assert len(scores) == 3
    assert all(score < SPAM_LIMIT for score, _ in scores.values()), scores
