"""`rsvp event share`, `unshare` and `create --owner`: the team page's rules on the command line."""

from sqlalchemy import select

from rsvp.auth.models import Organiser
from rsvp.events.models import Event, EventMember
from rsvp.extensions import db
from tests.test_cli import EVENT_TOML


def _roles(slug: str) -> dict[str, str]:
    return dict(db.session.execute(
        select(Organiser.email, EventMember.role)
        .join(EventMember, EventMember.organiser_id == Organiser.id)
        .join(Event, Event.id == EventMember.event_id).where(Event.slug == slug)).all())


def test_share_puts_an_organiser_on_the_team_and_tells_them(runner, create_event,
                                                           create_organiser, smtp_server):
    event = create_event()
    create_organiser("kollegin@example.org")
    result = runner.invoke(args=["event", "share", event.slug, "kollegin@example.org",
                                 "--role", "viewer"])
    assert result.exit_code == 0, result.output
    assert _roles(event.slug)["kollegin@example.org"] == "viewer"
    assert smtp_server.wait_for(1)[0].rcpt_tos == ["kollegin@example.org"]


def test_share_invites_an_address_without_an_account(runner, create_event, smtp_server):
    event = create_event()
    result = runner.invoke(args=["event", "share", event.slug, "neu@example.org"])
    assert result.exit_code == 0, result.output
    body = smtp_server.wait_for(1)[0].message.get_body(("plain",)).get_content()
    assert "/password/set/" in body
    assert _roles(event.slug)["neu@example.org"] == "editor"


def test_unshare_takes_a_member_off_the_team(runner, create_event, create_organiser):
    event = create_event()
    create_organiser("kollegin@example.org")
    runner.invoke(args=["event", "share", event.slug, "kollegin@example.org"])
    result = runner.invoke(args=["event", "unshare", event.slug, "kollegin@example.org"])
    assert result.exit_code == 0, result.output
    assert "kollegin@example.org" not in _roles(event.slug)


def test_unshare_refuses_the_last_owner(runner, create_event):
    event = create_event()
    result = runner.invoke(args=["event", "unshare", event.slug, "buero@example.org"])
    assert result.exit_code == 1
    assert "last owner" in result.output
    assert _roles(event.slug) == {"buero@example.org": "owner"}


def test_create_with_an_owner_gives_them_the_event(runner, tmp_path, create_organiser,
                                                   smtp_server):
    owner = create_organiser("kollegin@example.org")
    path = tmp_path / "event.toml"
    path.write_text(EVENT_TOML, encoding="utf-8")
    result = runner.invoke(args=["event", "create", "--file", str(path), "--owner",
                                 "kollegin@example.org"])
    assert result.exit_code == 0, result.output
    assert _roles("bundeskonferenz") == {"kollegin@example.org": "owner"}
    assert db.session.scalar(select(Event.owner_id)) == owner.id


def test_create_without_an_owner_leaves_the_event_to_the_admins(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(EVENT_TOML, encoding="utf-8")
    assert runner.invoke(args=["event", "create", "--file", str(path)]).exit_code == 0
    assert _roles("bundeskonferenz") == {}
