"""An SMTP server that rejects our login: a clear error, nothing marked sent, a re-run works."""

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageStatus
from tests.smtp import RecordingHandler, free_port

PASSWORD = b"richtig-geheim"


class LoginServer:
    """aiosmtpd demanding AUTH, accepting only ``einladung`` / PASSWORD."""

    def __init__(self) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, auth_require_tls=False,
            auth_required=True, authenticator=self.check)

    @staticmethod
    def check(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and (
            auth_data.login, auth_data.password) == (b"einladung", PASSWORD)
        return AuthResult(success=good, handled=False)


@pytest.fixture
def login_server(app):
    server = LoginServer()
    server.controller.start()
    state = app.extensions["mail"]
    state.port, state.username = server.port, "einladung"
    yield server
    server.controller.stop()


# Plain AUTH without TLS is what this loopback test server does on purpose.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_a_rejected_login_is_a_clear_error_and_nothing_is_marked_sent(
        app, runner, login_server, create_event):
    event = create_event(invitees=3)
    app.extensions["mail"].password = "falsch"
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 1
    assert "rejected the login: 535" in result.output
    assert login_server.handler.received == []
    statuses = set(db.session.scalars(select(Message.status)))
    assert statuses == {MessageStatus.QUEUED}

    app.extensions["mail"].password = PASSWORD.decode()
    again = runner.invoke(args=["send", event.slug])
    assert again.exit_code == 0, again.output
    assert len(login_server.handler.received) == 3
