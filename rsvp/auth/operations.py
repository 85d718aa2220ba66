"""Account use cases that send mail: a forgotten password, an account an admin creates, and
the mail a new member of an event's team gets.

Each queues its mail (rsvp.mailing.account_mail) and returns an AccountOutcome; the caller
commits and hands it to rsvp.mailing.dispatch.
"""

import secrets

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from rsvp.auth.links import AccountLink, account_link_token
from rsvp.auth.models import Organiser
from rsvp.auth.services import create_organiser, find_organiser
from rsvp.events.models import Event
from rsvp.events.team import ROLE_LABELS
from rsvp.mailing.account_mail import queue_account_message
from rsvp.outcome import AccountOutcome, Agent

#: The path of each link's page; the link goes out as BASE_URL + path + token.
LINK_PATHS = {AccountLink.RESET_PASSWORD: "/password/reset/",
              AccountLink.SET_PASSWORD: "/password/set/"}


def account_link_url(organiser: Organiser, purpose: AccountLink) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}{LINK_PATHS[purpose]}{account_link_token(organiser, purpose)}"


def _queue_link_mail(session: Session, organiser: Organiser, purpose: AccountLink) -> int:
    url = account_link_url(organiser, purpose)
    if purpose is AccountLink.RESET_PASSWORD:
        subject = _("Reset your rsvp password")
        text = render_template("mail/account/reset_password.txt", url=url, organiser=organiser)
    else:
        subject = _("Your rsvp account")
        text = render_template("mail/account/set_password.txt", url=url, organiser=organiser)
    return queue_account_message(session, organiser.id, organiser.email, subject, text)


def request_password_reset(session: Session, email: str) -> AccountOutcome:
    """Mail a reset link if an active account has this address; nothing tells whether it has."""
    organiser = find_organiser(session, email)
    if organiser is None or not organiser.is_active:
        return AccountOutcome()
    return AccountOutcome(organiser_id=organiser.id, account_message_ids=[
        _queue_link_mail(session, organiser, AccountLink.RESET_PASSWORD)])


def send_reset_link(session: Session, organiser: Organiser, *, by: Agent) -> AccountOutcome:
    """An admin sends an organiser a reset link."""
    return AccountOutcome(organiser_id=organiser.id, account_message_ids=[
        _queue_link_mail(session, organiser, AccountLink.RESET_PASSWORD)])


def create_account(session: Session, email: str, *, by: Agent, name: str = "",
                   is_admin: bool = False) -> AccountOutcome:
    """An admin creates an account; its holder gets a link to choose a password (72 hours).

    Raises AccountError for a bad or taken address.
    """
    # Nobody knows this password: the account is usable once its holder has set their own.
    organiser = create_organiser(session, email, secrets.token_urlsafe(32), name=name,
                                 is_admin=is_admin)
    return AccountOutcome(organiser_id=organiser.id, account_message_ids=[
        _queue_link_mail(session, organiser, AccountLink.SET_PASSWORD)])


def queue_team_mail(session: Session, organiser: Organiser, event: Event, role: str, *,
                    invited: bool) -> int:
    """Tell a new team member: with a link to choose a password (72 hours, once) when the
    account was made for them (``invited``), else with the event's address."""
    base = current_app.config["BASE_URL"].rstrip("/")
    values = {"event": event, "role": ROLE_LABELS[role], "organiser": organiser,
              "event_url": f"{base}/events/{event.slug}/"}
    if invited:
        subject = _("You are invited to the team of %(title)s", title=event.title)
        text = render_template("mail/account/team_invitation.txt", **values,
                               url=account_link_url(organiser, AccountLink.SET_PASSWORD))
    else:
        subject = _("You are on the team of %(title)s", title=event.title)
        text = render_template("mail/account/team_added.txt", **values)
    return queue_account_message(session, organiser.id, organiser.email, subject, text)
