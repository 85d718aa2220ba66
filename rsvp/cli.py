"""The `rsvp` command: thin click commands over the services.

Each command imports what it uses when it runs, and `rsvp --help` builds no app: the
services pull in SQLAlchemy, Alembic, DKIM, icalendar and the rest, which one command
seldom needs all of (tests/test_cli_startup.py keeps it so).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo

from rsvp.languages import LANGUAGES
from rsvp.mailing.kinds import BULK_KINDS, OVERRIDABLE_KINDS, Audience, MessageKind

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rsvp.checkin.operations import CheckInOutcome
    from rsvp.events.models import Event
    from rsvp.invitees.models import Invitee
    from rsvp.invitees.services import ImportReport
    from rsvp.mailing.content_models import UpdateRound
    from rsvp.outcome import Agent, Outcome
    from rsvp.responses.imports import AnswerImportReport
    from rsvp.schedule.models import PlannedSend

SENDABLE_KINDS = [k.value for k in BULK_KINDS]


def _event(slug: str) -> Event:
    from rsvp.events.services import get_event
    from rsvp.extensions import db

    try:
        return get_event(db.session, slug)
    except LookupError as exc:
        raise click.ClickException(f"{exc}; `rsvp event list` shows the events") from None


organiser_cli = click.Group("organiser", help="Organiser accounts.")
event_cli = click.Group("event", help="Events.")
invitees_cli = click.Group("invitees", help="Invitee lists.")


@organiser_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Shown in the history of answers they record.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--admin", is_flag=True,
              help="May see every event and manage organiser accounts in the browser.")
def organiser_create(email: str, name: str, password_stdin: bool, admin: bool) -> None:
    """Create an organiser account."""
    from rsvp.auth.services import AccountError, create_organiser
    from rsvp.extensions import db

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        organiser = create_organiser(db.session, email, password, name=name, is_admin=admin)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    _audit("account_created", account=organiser.email, admin=admin)
    db.session.commit()
    click.echo(f"Created {'admin' if admin else 'organiser'} {organiser.email}")


@event_cli.command("create")
@click.option("--file", "path", required=True, type=click.Path(exists=True, dir_okay=False,
                                                                  path_type=Path),
              help="A TOML file with the event's keys (see README).")
@click.option("--owner", "owner_email", metavar="EMAIL",
              help="Its owner (without an account, one is made and its holder invited by "
                   "mail); without an owner only admins see the event.")
def event_create(path: Path, owner_email: str | None) -> None:
    """Create an event from a TOML file."""
    from rsvp.auth.services import AccountError
    from rsvp.events.operations import create_event, share_event
    from rsvp.events.services import EventError, read_event_file
    from rsvp.events.team import TeamError
    from rsvp.extensions import db
    from rsvp.outcome import SYSTEM
    from rsvp.schedule.services import ScheduleError

    try:
        event = create_event(db.session, read_event_file(path))
        outcome = (share_event(db.session, event, owner_email, "owner", by=SYSTEM)
                   if owner_email else None)
    except (EventError, ScheduleError, AccountError, TeamError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _audit("event_created", event)
    db.session.commit()
    click.echo(f"Created event {event.slug}: {event.title}")
    if outcome is not None:
        _deliver_account_mail(outcome, f"{owner_email} owns it")


@event_cli.command("share")
@click.argument("slug")
@click.argument("email")
# rsvp.events.team.ROLES, written out: `rsvp --help` imports no model.
@click.option("--role", type=click.Choice(["owner", "editor", "viewer", "checkin"]),
              default="editor", show_default=True)
def event_share(slug: str, email: str, role: str) -> None:
    """Put EMAIL on the event's team (an account is made and its holder invited if need be)."""
    from rsvp.auth.services import AccountError
    from rsvp.events.operations import share_event
    from rsvp.events.team import TeamError
    from rsvp.extensions import db
    from rsvp.outcome import SYSTEM

    event = _event(slug)
    try:
        outcome = share_event(db.session, event, email, role, by=SYSTEM)
    except (AccountError, TeamError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _audit("member_added", event, member=email, role=role)
    db.session.commit()
    _deliver_account_mail(outcome, f"{email} is {role} of {event.slug}")


@event_cli.command("unshare")
@click.argument("slug")
@click.argument("email")
def event_unshare(slug: str, email: str) -> None:
    """Take EMAIL off the event's team (not its last owner)."""
    from rsvp.events.operations import unshare_event
    from rsvp.events.team import TeamError, member_of
    from rsvp.extensions import db
    from rsvp.outcome import SYSTEM

    event = _event(slug)
    member = member_of(db.session, event, _organiser_id(email))
    if member is None:
        raise click.ClickException(f"{email} is not on the team of {event.slug}")
    try:
        unshare_event(db.session, event, member, by=SYSTEM)
    except TeamError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _audit("member_removed", event, member=email)
    db.session.commit()
    click.echo(f"{email} is no longer on the team of {event.slug}")


def _deliver_account_mail(outcome: Outcome, done: str) -> None:
    """Send an account operation's mail now; the change stands even if it cannot go out."""
    from rsvp.auth.models import AccountMessage
    from rsvp.extensions import db
    from rsvp.mailing.dispatch import dispatch

    dispatch(current_app, outcome, wait=True)
    failed = [row.error for row in (db.session.get(AccountMessage, i)
                                    for i in outcome.account_message_ids)
              if row is not None and row.status != "sent"]
    click.echo(f"{done}; " + (f"the mail could not be sent: {failed[0]}" if failed
                              else "told by mail."))
    if failed:
        sys.exit(1)


@event_cli.command("list")
def event_list() -> None:
    """List the events with their number of invitees."""
    from sqlalchemy import func, select

    from rsvp.events.models import Event
    from rsvp.extensions import db
    from rsvp.invitees.models import Invitee

    rows = db.session.execute(
        select(Event.slug, Event.title, Event.starts_at, func.count(Invitee.id))
        .outerjoin(Invitee, Invitee.event_id == Event.id)
        .group_by(Event.id).order_by(Event.starts_at)
    ).all()
    if not rows:
        click.echo("No events yet: `rsvp event create --file EVENT.toml` or `rsvp demo`.")
    for slug, title, starts_at, invited in rows:
        click.echo(f"{slug}\t{starts_at:%Y-%m-%d}\t{invited} invitees\t{title}")


@event_cli.command("cancel")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--no-mail", is_flag=True, help="Close answers only; send no cancellation.")
def event_cancel(slug: str, yes: bool, no_mail: bool) -> None:
    """Call the event off and send everyone who heard of it a cancellation (METHOD:CANCEL)."""
    from rsvp.events.operations import cancel_event
    from rsvp.events.services import EventError
    from rsvp.extensions import db

    event = _event(slug)
    if not yes:
        click.confirm(f"Cancel {event.slug} ({event.title}) for good?", abort=True)
    try:
        outcome = cancel_event(db.session, event, by=_owner(event), notify=not no_mail)
    except EventError as exc:
        raise click.ClickException(str(exc)) from None
    _audit("event_cancelled", event, queued=outcome.queued)
    db.session.commit()
    click.echo(f"Cancelled {event.slug}; answers are closed. "
               f"{outcome.queued} cancellations queued.")
    if outcome.queued:
        _deliver(outcome)


def _owner(event: Event) -> Agent:
    """Who a command acts as: the event's owner, as the answers import names them."""
    from rsvp.outcome import Agent

    return Agent.organiser(event.owner_id)


@invitees_cli.command("import")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
def invitees_import(slug: str, path: Path, dry_run: bool) -> None:
    """Add or update invitees from a CSV file (comma or semicolon, UTF-8 or Windows-1252) or
    an Excel workbook (.xlsx)."""
    from rsvp.extensions import db
    from rsvp.invitees.csvfile import CsvFileError
    from rsvp.invitees.services import import_invitees

    event = _event(slug)
    try:
        report = import_invitees(db.session, event, path.read_bytes(), dry_run=dry_run)
    except CsvFileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    if dry_run:
        db.session.rollback()
    else:
        _audit("invitees_imported", event, added=report.added, updated=report.updated,
               unchanged=report.unchanged, rejected=len(report.rejected))
        db.session.commit()
    _print_import_report(report)
    if report.rejected and not (report.added or report.updated or report.unchanged):
        sys.exit(1)


def _invitee(slug: str, email: str) -> Invitee:
    from rsvp.extensions import db
    from rsvp.invitees.services import invitee_by_email

    try:
        return invitee_by_email(db.session, _event(slug), email)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None


@invitees_cli.command("data")
@click.argument("slug")
@click.argument("email")
def invitees_data(slug: str, email: str) -> None:
    """Print everything stored about one invitee as JSON (a data subject's copy)."""
    from rsvp.extensions import db
    from rsvp.invitees.privacy import invitee_data

    invitee = _invitee(slug, email)
    _audit("invitee_data_exported", invitee.event, invitee)
    db.session.commit()
    click.echo(json.dumps(invitee_data(db.session, invitee), indent=2, ensure_ascii=False))


@invitees_cli.command("erase")
@click.argument("slug")
@click.argument("email")
@click.confirmation_option(prompt="Erase this invitee's personal data for good?")
def invitees_erase(slug: str, email: str) -> None:
    """Erase one invitee's personal data; the anonymous history and counts stay."""
    from rsvp.extensions import db
    from rsvp.invitees.operations import erase_invitee

    invitee = _invitee(slug, email)
    event, erased = invitee.event, invitee.id
    outcome = erase_invitee(db.session, invitee, by=_owner(event))
    _audit("invitee_erased", event, erased=erased, queued=outcome.queued)
    db.session.commit()
    erasure = outcome.erasure
    assert erasure is not None
    click.echo(f"Erased. {erasure.messages_anonymised} messages and "
               f"{erasure.history_rows_kept} history entries kept without personal data.")
    if outcome.promoted:
        click.echo(f"{outcome.promoted} moved up from the waiting list.")
    _deliver_answer_mails(outcome, leave_queued=True)


def _print_import_report(report: ImportReport) -> None:
    verb = "would be" if report.dry_run else "were"
    click.echo(f"{report.added} {verb} added, {report.updated} updated, "
               f"{report.unchanged} unchanged, {len(report.rejected)} rejected.")
    for row in report.rejected:
        where = f" ({row.email})" if row.email else ""
        click.echo(f"  line {row.line}{where}: {row.reason}", err=True)


@click.command("send")
@click.argument("slug")
@click.option("--kind", type=click.Choice(SENDABLE_KINDS), default="invitation", show_default=True)
@click.option("--to", "audience", type=click.Choice([a.value for a in Audience]),
              help="pending: not answered yet; no-response: invited, not answered; accepted; "
                   "declined; all. Default: reminder no-response, confirmation accepted, else all.")
@click.option("--tag", help="Only invitees with this tag.")
@click.option("--subject", help="Update: the subject (placeholders allowed).")
@click.option("--body-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Update: a UTF-8 text file with the message (placeholders allowed).")
@click.option("--translation", "translations", multiple=True,
              type=(click.Choice(LANGUAGES), str,
                    click.Path(exists=True, dir_okay=False, path_type=Path)),
              metavar="LANG SUBJECT FILE",
              help="Update: the subject and text file for invitees reading LANG (de or en); "
                   "without it they get the main text.")
@click.option("--dry-run", is_flag=True, help="Render and count, send nothing.")
@click.option("--retry-failed", is_flag=True,
              help="Queue again the messages of KIND whose text could not be rendered (after "
                   "fixing the text) and send them; nothing else is queued.")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many.")
@click.option("--via", type=click.Choice(["process", "celery"]), default="process",
              show_default=True,
              help="celery: queue chunks for `rsvp worker` processes (RSVP_CELERY_BROKER_URL).")
def send(slug: str, kind: str, audience: str | None, tag: str | None, subject: str | None,
         body_file: Path | None, translations: tuple[tuple[str, str, Path], ...],
         dry_run: bool, retry_failed: bool, limit: int | None, via: str) -> None:
    """Send KIND to every invitee in the audience who has not had it yet."""
    from rsvp.extensions import db
    from rsvp.mailing.services import AudienceError
    from rsvp.mailing.templates_custom import TemplateOverrideError

    event = _event(slug)
    message_kind = MessageKind(kind)
    if retry_failed:
        _retry_render_failures(event, message_kind, via)
        return
    chosen = Audience(audience) if audience else None
    if dry_run:
        _dry_run(event, message_kind, chosen, tag, limit, subject, body_file, translations)
        return
    try:
        outcome = _queue_kind(event, message_kind, chosen, tag, limit, subject, body_file,
                              translations)
    except (AudienceError, TemplateOverrideError) as exc:
        raise click.ClickException(str(exc)) from None
    _audit("group_message_sent" if message_kind is MessageKind.UPDATE else "mail_sent", event,
           kind=kind, queued=outcome.queued)
    db.session.commit()
    if via == "celery":
        _send_via_celery(event, outcome)
        return
    _deliver(outcome, limit=limit)


def _dry_run(event: Event, kind: MessageKind, audience: Audience | None, tag: str | None,
             limit: int | None, subject: str | None, body_file: Path | None,
             translations: tuple[tuple[str, str, Path], ...]) -> None:
    """Render what a send would write, count it, keep nothing; exit 1 if the text fails."""
    from rsvp.extensions import db
    from rsvp.mailing.services import AudienceError, due_invitees
    from rsvp.mailing.templates_custom import TemplateOverrideError

    update = None
    try:
        if kind is MessageKind.UPDATE:
            update = _update_round(event, audience, tag, subject, body_file, translations)
        due = due_invitees(db.session, event, kind, limit, audience=audience, tag=tag,
                           update_round_id=update.id if update else None)
    except (AudienceError, TemplateOverrideError) as exc:
        raise click.ClickException(str(exc)) from None
    failures = sum(not _renders(invitee, kind, update) for invitee in due)
    db.session.rollback()
    click.echo(f"{len(due)} would be sent {kind.value}.")
    if failures:
        click.echo(f"The text cannot be rendered for {failures} of them.", err=True)
        sys.exit(1)


def _renders(invitee: Invitee, kind: MessageKind, update: UpdateRound | None) -> bool:
    """Whether the invitee's mail renders; says why not."""
    from rsvp.mailing.render import render_mail
    from rsvp.mailing.templates_custom import TemplateOverrideError

    try:
        render_mail(invitee, kind, update_round=update)
    except TemplateOverrideError as exc:
        click.echo(f"  {invitee.email}: not rendered: {exc}", err=True)
        return False
    return True


def _retry_render_failures(event: Event, kind: MessageKind, via: str) -> None:
    """Queue again what could not be rendered, and send it."""
    from rsvp.extensions import db
    from rsvp.mailing.operations import resend_render_failures

    outcome = resend_render_failures(db.session, event, kind, by=_owner(event))
    _audit("failed_resent", event, kind=kind.value, queued=outcome.queued)
    db.session.commit()
    click.echo(f"{outcome.queued} {kind.value} messages that could not be rendered are "
               "queued again.")
    if via == "celery":
        _send_via_celery(event, outcome)
    elif outcome.queued:
        _deliver(outcome)


def _queue_kind(event: Event, kind: MessageKind, audience: Audience | None, tag: str | None,
                limit: int | None, subject: str | None, body_file: Path | None,
                translations: tuple[tuple[str, str, Path], ...]) -> Outcome:
    """The operation behind `rsvp send`: a group message for an update, else the kind."""
    from rsvp.extensions import db
    from rsvp.mailing.operations import send_group_message, send_kind

    if kind is not MessageKind.UPDATE:
        return send_kind(db.session, event, kind, by=_owner(event), audience=audience, tag=tag,
                         limit=limit)
    if not subject or body_file is None:
        raise click.UsageError("--kind update needs --subject and --body-file")
    return send_group_message(
        db.session, event, by=_owner(event), subject=subject, body=_read_text(body_file),
        audience=audience or Audience.ALL, tag=tag, limit=limit,
        translations={language: (other_subject, _read_text(path))
                      for language, other_subject, path in translations})


def _deliver(outcome: Outcome, *, limit: int | None = None) -> None:
    """Send what is queued with a progress bar and report; exit 1 if anything is left over.

    A bulk kind also sends what an interrupted run left queued, so a re-run finishes it.
    """
    from rsvp.mailing.dispatch import dispatch
    from rsvp.mailing.smtp import SmtpUnavailable

    label = f"Sending {outcome.kind.value}" if outcome.kind else "Sending"
    with click.progressbar(length=outcome.queued, label=label, file=sys.stderr) as bar:
        try:
            report = dispatch(current_app, outcome, wait=True, limit=limit,
                              on_progress=bar.update)
        except SmtpUnavailable as exc:
            raise click.ClickException(f"{exc}. Nothing was lost: run the command again.") from None
    assert report is not None
    click.echo(f"{report.sent} sent, {report.failed} failed, {report.deferred} deferred.")
    for recipient, error in report.errors:
        click.echo(f"  {recipient}: {error}", err=True)
    if report.failed or report.deferred:
        sys.exit(1)


def _send_via_celery(event: Event, outcome: Outcome) -> None:
    from rsvp.celery_app import app_celery
    from rsvp.mailing.dispatch import hand_to_workers

    try:
        app_celery(current_app)
    except RuntimeError as exc:
        raise click.ClickException(f"{exc}. The messages stay queued.") from None
    tasks = hand_to_workers(outcome)
    what = outcome.kind.value if outcome.kind else "messages"
    click.echo(f"Handed {tasks} chunks of {what} to the workers (`rsvp worker`); "
               f"`rsvp stats {event.slug}` shows the progress.")


@click.command("worker", context_settings={"ignore_unknown_options": True,
                                           "allow_extra_args": True})
@click.option("--beat", is_flag=True,
              help="Also run Celery beat: `rsvp tick` every RSVP_SCHEDULE_TICK_INTERVAL "
                   "seconds (planned sends). Safe on several workers at once.")
@click.pass_context
def worker(ctx: click.Context, beat: bool) -> None:
    """Start a Celery worker that sends queued chunks; extra options go to `celery worker`."""
    from rsvp.celery_app import app_celery

    try:
        celery = app_celery(current_app)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    extra = []
    if beat:
        # Beat keeps its last run times in a file: one per instance, not the working directory.
        schedule = Path(current_app.instance_path) / "celerybeat-schedule"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        extra = ["--beat", f"--schedule={schedule}"]
    celery.worker_main(["worker", "--loglevel=INFO", *extra, *ctx.args])


schedule_cli = click.Group("schedule", help="Planned sends: mail that goes by itself.")


@schedule_cli.command("add")
@click.argument("slug")
@click.option("--kind", required=True, type=click.Choice(SENDABLE_KINDS))
@click.option("--at", help="A time in the event's zone, e.g. 2027-09-01T09:00.")
@click.option("--before-deadline", help="A duration before the RSVP deadline, e.g. 7d.")
@click.option("--before-start", help="A duration before the start, e.g. 2d.")
@click.option("--after-end", help="A duration after the end, e.g. 1d.")
@click.option("--to", "audience", type=click.Choice([a.value for a in Audience]),
              help="As `rsvp send --to`; resolved when it runs.")
@click.option("--tag", help="Only invitees with this tag.")
@click.option("--subject", help="Update: the subject.")
@click.option("--body-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Update: a UTF-8 text file with the message.")
def schedule_add(slug: str, kind: str, at: str | None, before_deadline: str | None,
                 before_start: str | None, after_end: str | None, audience: str | None,
                 tag: str | None, subject: str | None, body_file: Path | None) -> None:
    """Plan KIND for the event: at a time, or relative to its deadline, start or end."""
    from rsvp.extensions import db
    from rsvp.schedule.operations import plan_send
    from rsvp.schedule.services import ScheduleError, plan_spec

    event = _event(slug)
    raw = {"kind": kind, "at": at, "before_deadline": before_deadline, "tag": tag,
           "before_start": before_start, "after_end": after_end, "to": audience,
           "subject": subject, "body": _read_text(body_file) if body_file else None}
    try:
        plan = plan_send(db.session, event, plan_spec(raw, event.zone), by=_owner(event))
    except ScheduleError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _audit("send_planned", event, kind=kind, plan=plan.id)
    db.session.commit()
    click.echo(f"Planned {plan.id}: {_plan_line(event, plan)}")


def _plan_line(event: Event, plan: PlannedSend) -> str:
    from rsvp.i18n import format_short_datetime
    from rsvp.schedule.services import describe_time

    due = plan.due_at(event)
    when = format_short_datetime(due, event, "en") if due else "no deadline set"
    tag = f" tag {plan.tag}" if plan.tag else ""
    return (f"{plan.kind.value} to {plan.audience or 'default'}{tag}, "
            f"{describe_time(plan)}: {when} ({plan.state.value})")


@schedule_cli.command("list")
@click.argument("slug")
def schedule_list(slug: str) -> None:
    """List the event's planned sends with their due time (event's zone) and runs."""
    from rsvp.extensions import db
    from rsvp.schedule.services import planned_sends

    event = _event(slug)
    plans = planned_sends(db.session, event)
    if not plans:
        click.echo("Nothing planned: `rsvp schedule add` plans a send.")
    for plan in plans:
        click.echo(f"{plan.id}\t{_plan_line(event, plan)}")
        for run in plan.runs:
            click.echo(f"\trun {run.started_at:%Y-%m-%d %H:%M} UTC: {run.queued} queued, "
                       f"{run.sent} sent, {run.failed} failed")


@schedule_cli.command("remove")
@click.argument("slug")
@click.argument("plan_id", type=int)
def schedule_remove(slug: str, plan_id: int) -> None:
    """Take a planned send off the plan (it stays listed as cancelled)."""
    from rsvp.extensions import db
    from rsvp.schedule.operations import unplan_send
    from rsvp.schedule.services import ScheduleError

    event = _event(slug)
    try:
        unplan_send(db.session, event, plan_id, by=_owner(event))
    except ScheduleError as exc:
        raise click.ClickException(str(exc)) from None
    _audit("send_unplanned", event, plan=plan_id)
    db.session.commit()
    click.echo(f"Planned send {plan_id} cancelled.")


@click.command("tick")
def tick() -> None:
    """Run every planned send that is due, once, and exit (cron: `* * * * * rsvp tick`)."""
    from rsvp.extensions import db
    from rsvp.schedule.operations import run_due
    from rsvp.schedule.services import settle_runs

    done = run_due(db.session)
    db.session.commit()
    if done.missed:
        click.echo(f"{len(done.missed)} planned sends missed their time; not sent late.")
    click.echo(f"{len(done.ran)} planned sends ran, {done.queued} messages queued.")
    if done.stranded:
        click.echo(f"{done.stranded_count} answers' messages that no sender "
                   "took are sent now.")
    for outcome in done.to_dispatch:
        if outcome.queued:
            _deliver(outcome)
    settle_runs(db.session)
    db.session.commit()


def _update_round(event: Event, audience: Audience | None, tag: str | None,
                  subject: str | None, body_file: Path | None,
                  translations: tuple[tuple[str, str, Path], ...]) -> UpdateRound:
    from rsvp.extensions import db
    from rsvp.mailing.update_rounds import create_update_round

    if not subject or body_file is None:
        raise click.UsageError("--kind update needs --subject and --body-file")
    body = _read_text(body_file)
    return create_update_round(
        db.session, event, subject=subject, body=body,
        audience=(audience or Audience.ALL).value, tag=tag,
        translations={language: (other_subject, _read_text(path))
                      for language, other_subject, path in translations})


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not UTF-8 text") from None


template_cli = click.Group("template", help="Organisers' own subjects and texts per event.")


@template_cli.command("set")
@click.argument("slug")
@click.argument("kind", type=click.Choice(OVERRIDABLE_KINDS))
@click.argument("language", type=click.Choice(LANGUAGES))
@click.option("--subject", default="", help="The subject; empty keeps the default.")
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The plain-text body; without it the default body stays.")
@click.option("--html-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The HTML body; without it the HTML part is made from the text.")
def template_set(slug: str, kind: str, language: str, subject: str, text_file: Path | None,
                 html_file: Path | None) -> None:
    """Check and save a subject and body for KIND in LANGUAGE; errors name their line."""
    from rsvp.extensions import db
    from rsvp.mailing.templates_custom import TemplateOverrideError, save_template_override

    event = _event(slug)
    text = _read_text(text_file) if text_file else ""
    html = _read_text(html_file) if html_file else ""
    try:
        save_template_override(db.session, event, kind, language, subject=subject, text=text,
                               html=html)
    except TemplateOverrideError as exc:
        raise click.ClickException(str(exc)) from None
    _audit("text_saved", event, kind=kind, language=language)
    db.session.commit()
    click.echo(f"Saved the {kind} template ({language}) of {event.slug}.")


@template_cli.command("show")
@click.argument("slug")
def template_show(slug: str) -> None:
    """List the event's own templates."""
    from rsvp.extensions import db
    from rsvp.mailing.templates_custom import list_template_overrides

    overrides = list_template_overrides(db.session, _event(slug))
    if not overrides:
        click.echo("No own templates: every message uses the defaults.")
    for override in overrides:
        click.echo(f"== {override.kind} ({override.language})")
        click.echo(f"Subject: {override.subject or '(default)'}")
        click.echo(override.body_text or "(default body)")
        if override.body_html:
            click.echo("-- HTML --")
            click.echo(override.body_html)


@template_cli.command("reset")
@click.argument("slug")
@click.argument("kind", type=click.Choice(OVERRIDABLE_KINDS))
@click.argument("language", type=click.Choice(LANGUAGES))
def template_reset(slug: str, kind: str, language: str) -> None:
    """Go back to the default template for KIND in LANGUAGE."""
    from rsvp.extensions import db
    from rsvp.mailing.templates_custom import delete_template_override

    event = _event(slug)
    removed = delete_template_override(db.session, event, kind, language)
    if removed:
        _audit("text_reset", event, kind=kind, language=language)
    db.session.commit()
    click.echo("Back to the default." if removed else "There was no own template.")


@template_cli.command("placeholders")
def template_placeholders() -> None:
    """List the placeholders a template may use, e.g. {{ salutation }}."""
    from rsvp.mailing.templates_custom import PLACEHOLDERS

    for name, meaning in PLACEHOLDERS.items():
        click.echo(f"{{{{ {name} }}}}\t{meaning}")


@click.command("link")
@click.argument("slug")
@click.argument("email")
def link(slug: str, email: str) -> None:
    """Print an invitee's RSVP link."""
    from rsvp.extensions import db
    from rsvp.invitees.services import invitee_by_email
    from rsvp.tokens import rsvp_url

    try:
        invitee = invitee_by_email(db.session, _event(slug), email)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(rsvp_url(invitee))


@click.command("stats")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def stats(slug: str, as_json: bool) -> None:
    """Count invitations sent and answers given."""
    from rsvp.events.stats import event_stats
    from rsvp.extensions import db

    figures = event_stats(db.session, _event(slug))
    if as_json:
        click.echo(json.dumps(figures.as_dict()))
        return
    for name, value in figures.as_dict().items():
        if name == "questions":
            # Per answer: "diet vegan 4".
            for key, numbers in value.items():
                for answer, number in numbers.items():
                    click.echo(f"{key} {answer:20} {number}")
            continue
        if isinstance(value, dict):
            # Per kind: "failed reminder 1".
            for kind, number in value.items():
                click.echo(f"{name.split('_')[0]} {kind:20} {number}")
            continue
        click.echo(f"{name:13} {'-' if value is None else value}")


@click.command("export")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (a name ending in .xlsx writes a workbook); standard output "
                   "if left out.")
@click.option("--semicolon", is_flag=True, help="German Excel dialect: ; between fields.")
@click.option("--office", is_flag=True,
              help="For people, not scripts: German column names and words, local times, tags "
                   "(with ; between fields).")
def export(slug: str, output: Path | None, semicolon: bool, office: bool) -> None:
    """Write every invitee with delivery state and answer as CSV or as an Excel workbook.

    The office export and the workbook are in the event's language.
    """
    from flask_babel import force_locale

    from rsvp.extensions import db
    from rsvp.invitees.export import csv_lines, export_rows, office_rows

    event = _event(slug)
    _audit("exported", event, format="xlsx" if output is not None and
           output.suffix.lower() == ".xlsx" else "office-csv" if office else "csv")
    db.session.commit()
    with force_locale(event.language):
        if output is not None and output.suffix.lower() == ".xlsx":
            _export_workbook(event, output)
            return
        rows = office_rows(db.session, event) if office else export_rows(db.session, event)
        _write_lines(csv_lines(rows, delimiter=";" if semicolon or office else ",",
                               bom=output is not None), output)


def _write_lines(lines: Iterator[str], output: Path | None) -> None:
    if output is None:
        for line in lines:
            click.echo(line, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as f:
        f.writelines(lines)
    click.echo(f"Wrote {output}", err=True)


def _export_workbook(event: Event, output: Path) -> None:
    """The office export as an .xlsx workbook."""
    from rsvp.extensions import db
    from rsvp.invitees.export import export_widths, office_values
    from rsvp.invitees.xlsxfile import workbook_bytes

    data = workbook_bytes(office_values(db.session, event), widths=export_widths(),
                          language=event.language, title=event.slug)
    output.write_bytes(data)
    click.echo(f"Wrote {output}", err=True)


bounces_cli = click.Group("bounces", help="Bounce messages that came back after sending.")


@bounces_cli.command("ingest")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def bounces_ingest(path: Path) -> None:
    """Read bounces from a file, a Maildir or a folder of .eml files; mark invitees bounced."""
    from rsvp.bounces.services import ingest_bounces, read_messages
    from rsvp.extensions import db

    report = ingest_bounces(db.session, read_messages(path))
    db.session.commit()
    click.echo(f"{len(report.marked)} invitees marked bounced, {report.delayed} delays ignored, "
               f"{len(report.unmatched)} unmatched, {report.not_bounces} not bounces.")
    for recipient, reason in report.marked:
        click.echo(f"  bounced: {recipient}: {reason}")
    for item in report.unmatched:
        click.echo(f"  unmatched: {item}", err=True)


answers_cli = click.Group("answers", help="Answers taken by phone, letter or mail.")


@answers_cli.command("import")
@click.argument("slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--no-confirmation", is_flag=True, help="Do not mail the invitees a confirmation.")
@click.option("--organiser", "organiser_email",
              help="Who took the answers, for the history (default: the event's owner).")
@click.option("--dry-run", is_flag=True, help="Check and report what would be recorded, "
                                              "write and send nothing.")
def answers_import(slug: str, path: Path, no_confirmation: bool,
                   organiser_email: str | None, dry_run: bool) -> None:
    """Record answers from a CSV file or .xlsx workbook of email and answer (plus guests,
    comment)."""
    from rsvp.extensions import db
    from rsvp.invitees.csvfile import CsvFileError
    from rsvp.responses.imports import import_answers
    from rsvp.responses.services import EventCancelled

    event = _event(slug)
    organiser_id = _organiser_id(organiser_email) if organiser_email else event.owner_id
    try:
        report = import_answers(db.session, event, path.read_bytes(), organiser_id=organiser_id,
                                confirm=not no_confirmation and not dry_run, dry_run=dry_run)
    except CsvFileError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    except EventCancelled:
        raise click.ClickException(f"{event.slug} is cancelled: it takes no answers") from None
    if dry_run:
        db.session.rollback()
    else:
        _audit("answers_imported", event, recorded=report.recorded, unchanged=report.unchanged,
               rejected=len(report.rejected), queued=report.queued)
        db.session.commit()
    _print_answers_report(report, dry_run=dry_run)
    if not dry_run:
        _deliver_answer_mails(report)
    if report.rejected and not (report.recorded or report.unchanged):
        sys.exit(1)


def _print_answers_report(report: AnswerImportReport, *, dry_run: bool) -> None:
    would = "would be " if dry_run else ""
    click.echo(f"{'Dry run, nothing written: ' if dry_run else ''}{report.recorded} answers "
               f"{would}recorded ({report.waitlisted} on the waiting list), "
               f"{report.unchanged} unchanged, {len(report.rejected)} rejected.")
    for row in report.rejected:
        where = f" ({row.email})" if row.email else ""
        click.echo(f"  line {row.line}{where}: {row.reason}", err=True)


def _deliver_answer_mails(outcome: Outcome, *, leave_queued: bool = False) -> None:
    """Send an answer's (or an erasure's) mails now and say how it went; failures stay listed.

    With ``leave_queued``, a server that cannot be reached is only reported: the change is
    done and its mails wait for the next `rsvp send`.
    """
    from rsvp.mailing.dispatch import dispatch
    from rsvp.mailing.smtp import SmtpUnavailable

    try:
        sent = dispatch(current_app, outcome, wait=True)
    except SmtpUnavailable as exc:
        message = (f"{exc}. The change is recorded and its emails queued: `rsvp send` "
                   "delivers them later.")
        if not leave_queued:
            raise click.ClickException(message) from None
        click.echo(message, err=True)
        return
    if sent is not None:
        click.echo(f"{sent.sent} emails sent, {sent.failed} failed, {sent.deferred} deferred.")


def _organiser_id(email: str) -> int:
    from sqlalchemy import func, select

    from rsvp.auth.models import Organiser
    from rsvp.extensions import db

    organiser = db.session.scalar(select(Organiser).where(
        func.lower(Organiser.email) == email.strip().lower()))
    if organiser is None:
        raise click.ClickException(f"no organiser {email!r}; `rsvp organiser create` adds one")
    return organiser.id


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be removed, remove nothing.")
def purge(dry_run: bool) -> None:
    """Remove invitees' personal data of events past their retention period (run daily)."""
    from rsvp.extensions import db
    from rsvp.invitees.operations import purge_expired

    purges = purge_expired(db.session, dry_run=dry_run).purges
    if dry_run:
        db.session.rollback()
    else:
        for p in purges:
            _audit("purged", _event(p.slug), invitees=p.invitees, messages=p.messages,
                   history_rows=p.history_rows)
        db.session.commit()
    if not purges:
        click.echo("Nothing to purge.")
    verb = "would remove" if dry_run else "removed"
    for p in purges:
        click.echo(f"{p.slug} (retention ended {p.due_at:%Y-%m-%d}): {verb} {p.invitees} "
                   f"invitees, {p.messages} message texts and addresses, names and comments "
                   f"from {p.history_rows} history rows; anonymous counts kept.")


@click.command("demo")
def demo() -> None:
    """Create the demo event with a handful of invitees (safe to run again)."""
    from rsvp.demo import load_demo
    from rsvp.extensions import db

    event, added = load_demo(db.session)
    db.session.commit()
    click.echo(f"Demo event {event.slug}: {added} invitees added.")
    if current_app.config["ENV"] == "production":
        return
    from rsvp.demo import demo_organiser

    organiser, password = demo_organiser(db.session, event)
    db.session.commit()
    base = current_app.config["BASE_URL"].rstrip("/")
    click.echo(f"Log in at {base}/login as {organiser.email} with the password {password}")
    click.echo("(a new password each time `rsvp demo` runs; this account owns the demo event).")


@click.command("mailcatcher")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8025, show_default=True)
@click.option("--directory", default="mailcatcher", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Where each received message is kept as a .eml file.")
@click.option("--web-port", default=8026, show_default=True,
              help="Port of the web view of the caught mail (0: none).")
def mailcatcher(host: str, port: int, directory: Path, web_port: int) -> None:
    """Run a local SMTP server that keeps every message instead of delivering it."""
    from rsvp.mailcatcher import serve

    serve(host, port, directory, web_port)


@click.command("checkin")
@click.argument("slug")
@click.argument("code_or_email")
@click.option("--guests", type=click.IntRange(min=0), default=None,
              help="How many of their guests come in now (default: all their answer names).")
@click.option("--undo", is_flag=True, help="Take the person's check-in back instead.")
def checkin(slug: str, code_or_email: str, guests: int | None, undo: bool) -> None:
    """Check one person in at the door, by their check-in code or address."""
    from rsvp.checkin.models import VIA_CLI
    from rsvp.checkin.operations import check_in, check_in_by_code, undo_check_in
    from rsvp.extensions import db
    from rsvp.outcome import SYSTEM

    event = _event(slug)
    if undo:
        outcome = undo_check_in(db.session, SYSTEM, _person(event, code_or_email), via=VIA_CLI)
    elif "@" in code_or_email:
        outcome = check_in(db.session, SYSTEM, _invitee(slug, code_or_email), guests=guests,
                           via=VIA_CLI)
    else:
        outcome = check_in_by_code(db.session, SYSTEM, event, code_or_email, guests=guests,
                                   via=VIA_CLI)
    _audit("check_in_undone" if undo else "checked_in", event, outcome.invitee, ok=outcome.ok,
           refusal=outcome.refusal)
    db.session.commit()
    _print_check_in(event, outcome, undo=undo)


def _person(event: Event, code_or_email: str) -> Invitee:
    from rsvp.extensions import db
    from rsvp.tokens import InvalidToken, invitee_for_checkin_code

    if "@" in code_or_email:
        return _invitee(event.slug, code_or_email)
    try:
        invitee = invitee_for_checkin_code(db.session, code_or_email)
    except InvalidToken:
        raise click.ClickException("unknown or revoked check-in code") from None
    if invitee.event_id != event.id:
        raise click.ClickException("unknown or revoked check-in code")
    return invitee


def _print_check_in(event: Event, outcome: CheckInOutcome, *, undo: bool) -> None:
    from rsvp.checkin.rules import checked_in_by, door_answers_of, expected_guests
    from rsvp.extensions import db
    from rsvp.i18n import format_local_time

    invitee, row = outcome.invitee, outcome.check_in
    if invitee is not None:
        title = f"{invitee.academic_title} " if invitee.academic_title else ""
        click.echo(f"{title}{invitee.full_name}" + (f", {invitee.organisation}"
                                                    if invitee.organisation else ""))
    if outcome.ok and row is not None and invitee is not None:
        action = "Check-in undone" if undo else "Checked in"
        click.echo(f"{action}, with {row.guests} of {expected_guests(invitee)} guests.")
        for question, answer in door_answers_of(db.session, invitee):
            click.echo(f"{question}: {answer}")
        return
    reason = outcome.refusal.value.replace("_", " ") if outcome.refusal else "refused"
    if row is not None and outcome.refusal and outcome.refusal.value == "already_checked_in":
        reason += (f" at {format_local_time(row.checked_in_at, event, 'en')} by "
                   f"{checked_in_by(row) or 'the command line'}")
    raise click.ClickException(f"Refused: {reason}.")


def _audit(action: str, event: Event | None = None, invitee: Invitee | None = None,
           **details: object) -> None:
    """Record a command's action in the audit log, as the operating system's user."""
    from rsvp.audit.models import AuditAction
    from rsvp.audit.services import record
    from rsvp.extensions import db

    record(db.session, AuditAction(action), actor_label=f"cli:{_os_user()}", event=event,
           invitee=invitee, via="cli", details=details)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        return "unknown"


@click.command("audit")
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def audit(slug: str | None, as_json: bool) -> None:
    """Print the event's activity log, oldest first (every event's without SLUG)."""
    from rsvp.audit.services import activity, entry_as_dict
    from rsvp.extensions import db

    event = _event(slug) if slug else None
    for entry in reversed(activity(db.session, event, size=None).entries):
        if as_json:
            click.echo(json.dumps(entry_as_dict(entry), ensure_ascii=False))
            continue
        details = " ".join(f"{k}={v}" for k, v in sorted(entry.details.items()))
        click.echo(f"{entry.at:%Y-%m-%d %H:%M:%S} UTC\t{entry.actor_label or '-'}\t"
                   f"{entry.action}\t{details}\t{entry.via} {entry.remote_addr or ''}".rstrip())


@click.command("participants")
@click.argument("slug")
@click.option("-o", "--output", "path", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .pdf or .xlsx (the format follows the suffix).")
@click.option("--column", "columns", multiple=True,
              help="A column beside the name (repeat it): title, organisation, guests, email, "
                   "checked_in, or q_KEY for a question's answers. Default: title, "
                   "organisation, guests.")
@click.option("--signature", is_flag=True, help="Add a signature column: a sign-in sheet.")
@click.option("--consent", metavar="KEY",
              help="Only those who agreed to this consent question (its key).")
def participants(slug: str, path: Path, columns: tuple[str, ...], signature: bool,
                 consent: str | None) -> None:
    """Write the participant list (accepted, sorted by last name) as PDF or Excel."""
    from rsvp.checkin.participant_list import participants_pdf, participants_xlsx
    from rsvp.extensions import db

    if path.suffix.lower() not in (".pdf", ".xlsx"):
        raise click.BadParameter("the file must end in .pdf or .xlsx", param_hint="-o")
    event = _event(slug)
    sheet, options = _participant_sheet(event, columns, signature, consent)
    content = (participants_xlsx(event, sheet) if path.suffix.lower() == ".xlsx" else
               participants_pdf(event, sheet, options, event.language,
                                current_app.config["PDF_FONT_DIR"]))
    path.write_bytes(content)
    _audit("exported", event, format=f"participants{path.suffix.lower()}",
           people=len(sheet.rows))
    db.session.commit()
    click.echo(f"{len(sheet.rows)} participants written to {path}")


def _participant_sheet(event: Event, columns: tuple[str, ...], signature: bool,
                       consent: str | None):  # type: ignore[no-untyped-def]
    from rsvp.checkin.participant_list import list_sheet
    from rsvp.checkin.participants import (
        COLUMNS,
        chosen_questions,
        consent_questions,
        list_options,
        question_columns,
    )
    from rsvp.checkin.participants import participants as accepted_people
    from rsvp.extensions import db

    language = event.language
    asked = question_columns(db.session, event, language)
    available = [*COLUMNS, *asked]
    unknown = sorted(set(columns) - set(available))
    if unknown:
        raise click.BadParameter(f"no such column: {', '.join(unknown)}; there are "
                                 f"{', '.join(available)}", param_hint="--column")
    if consent is not None and consent not in consent_questions(db.session, event, language):
        raise click.BadParameter(f"{consent} is no consent question of {event.slug}",
                                 param_hint="--consent")
    options = list_options(columns or None, signature=signature, consent=consent,
                           available=available)
    people = accepted_people(db.session, event, consent=options.consent, language=language,
                             questions=chosen_questions(db.session, event, options))
    return list_sheet(event, people, options, language, labels=asked), options


@click.command("badges")
@click.argument("slug")
@click.option("-o", "--output", "path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The PDF file to write.")
@click.option("--layout", type=click.Choice(["labels", "a6"]), default="labels",
              show_default=True,
              help="labels: A4 sheets of 2 x 4 labels of 90 x 54 mm; a6: one A6 page each.")
def badges(slug: str, path: Path, layout: str) -> None:
    """Write a name badge for every accepted person (with their check-in QR code) and every
    guest named in an answer, as PDF."""
    from rsvp.checkin.badges import LAYOUTS, badges_of, badges_pdf
    from rsvp.checkin.participants import participants as accepted_people
    from rsvp.extensions import db

    event = _event(slug)
    found = list(badges_of(accepted_people(db.session, event), event.language))
    path.write_bytes(badges_pdf(event.title, found, LAYOUTS[layout],
                                current_app.config["PDF_FONT_DIR"]))
    _audit("exported", event, format=f"badges-{layout}.pdf", badges=len(found))
    db.session.commit()
    click.echo(f"{len(found)} badges written to {path}")

#: The commands of `rsvp` itself, on the `rsvp` group and on every app's ``app.cli``.
COMMANDS = (organiser_cli, event_cli, invitees_cli, send, link, stats, export, demo,
            mailcatcher, worker, template_cli, purge, answers_cli, bounces_cli, checkin,
            schedule_cli, tick, audit, participants, badges)


def register_commands(app: Flask) -> None:
    """Put the commands on ``app.cli`` too, for `flask --app rsvp` and the tests' runner."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from rsvp import create_app

    return create_app()


def _create_command_app() -> Flask:
    from rsvp import create_app

    return create_app(pages=False)


class _AppCommand(click.Command):
    """A command the app adds (Flask-Migrate's `db`), listed without building the app."""


#: What `rsvp --help` shows for them; the app's own command runs (tests/test_cli_startup.py
#: checks that the two agree).
APP_COMMANDS = {"db": _AppCommand("db", help="Perform database migrations.")}


class RsvpGroup(FlaskGroup):
    """Flask's command group, building the app only for the command that runs.

    FlaskGroup builds the app to list its commands and to find any of them. Here the own
    commands are on the group itself, so `rsvp --help` builds nothing, and each of them runs
    in the app without pages (``create_app(pages=False)``); Flask's commands (run, shell,
    routes) and the app's (db) get the whole app, as before.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, without building the app."""
        self._load_plugin_commands()
        return sorted({*self.commands, *APP_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        """Own commands and the stand-ins without loading plugins or the app."""
        command = self.commands.get(name) if name in _OWN_NAMES else APP_COMMANDS.get(name)
        return command or super().get_command(ctx, name)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """The command to run, with the app it needs built and its context pushed."""
        name, command, rest = super().resolve_command(ctx, args)
        if name == "run" and not _reloader_parent(rest):
            _start_ticker()
        if name in _OWN_NAMES:
            info = ctx.ensure_object(ScriptInfo)
            info.create_app = _create_command_app
            ctx.with_resource(info.load_app().app_context())
        elif isinstance(command, _AppCommand):
            command = super().get_command(ctx, command.name)
            if command is None:
                ctx.fail(f"No such command {name!r}.")
        return name, command, rest


def _reloader_parent(args: list[str]) -> bool:
    """Whether this `rsvp run` only watches files and restarts the real server (its child)."""
    import os

    from flask.helpers import get_debug_flag

    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return False
    debug = "--debug" in args or (get_debug_flag() and "--no-debug" not in args)
    return "--reload" in args or (debug and "--no-reload" not in args)


def _start_ticker() -> None:
    """Planned sends without a broker: a ticker thread beside the app `rsvp run` serves."""
    from rsvp import create_app
    from rsvp.schedule.ticker import start_ticker

    app = create_app(pages=False)
    if app.config["SCHEDULE_TICKER"] and not app.config["CELERY_BROKER_URL"]:
        start_ticker(app)


_OWN_NAMES = frozenset(command.name for command in COMMANDS)
main = RsvpGroup(create_app=_create_app, help="Email invitations with signed RSVP links.")
for _command in COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":
    main()
