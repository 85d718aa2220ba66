"""The event's mail timeline: what went out when, what is planned next; planning a send."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.submissions import once
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.mailing.kinds import Audience, MessageKind
from rsvp.mailing.services import AUDIENCE_NAMES
from rsvp.outcome import Agent
from rsvp.schedule.models import PLANNABLE_KINDS, Anchor, PlannedSend, PlanState
from rsvp.schedule.operations import plan_send, unplan_send
from rsvp.schedule.services import (
    ScheduleError,
    plan_spec,
    planned_sends,
    sent_rounds,
)

WHEN_CHOICES = [SelectChoice("before_deadline", _l("before the RSVP deadline")),
                SelectChoice("before_start", _l("before the start")),
                SelectChoice("after_end", _l("after the end")),
                SelectChoice("at", _l("at a date and time"))]


#: The kinds as the organiser reads them, not as codes.
KIND_NAMES = {MessageKind.SAVE_THE_DATE: _l("Save the date"),
              MessageKind.INVITATION: _l("Invitation"), MessageKind.REMINDER: _l("Reminder"),
              MessageKind.CONFIRMATION: _l("Confirmation"),
              MessageKind.UPDATE: _l("Message to a group")}
#: When a relative planned send goes, by its anchor: "7 days before the RSVP deadline".
RELATIVE_TIMES = {Anchor.DEADLINE: _l("%(duration)s before the RSVP deadline"),
                  Anchor.START: _l("%(duration)s before the start"),
                  Anchor.END: _l("%(duration)s after the end")}


def plan_time(plan: PlannedSend) -> str:
    """How a planned send's time was given, in words: '7 Tage vor dem Anmeldeschluss'."""
    if plan.at is not None or plan.anchor is None:
        return _("at a date and time")
    return RELATIVE_TIMES[Anchor(plan.anchor)] % {
        "duration": duration_words(abs(plan.offset_seconds or 0))}


def duration_words(seconds: int) -> str:
    """'2 Tage, 12 Stunden' / '2 days, 12 hours'."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [ngettext("%(num)d day", "%(num)d days", days) if days else "",
             ngettext("%(num)d hour", "%(num)d hours", hours) if hours else "",
             ngettext("%(num)d minute", "%(num)d minutes", minutes) if minutes else ""]
    return ", ".join(p for p in parts if p) or ngettext("%(num)d minute", "%(num)d minutes", 0)


class PlanForm(Form):
    """A planned send as the organiser enters it; the rules are the schedule's own."""

    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, KIND_NAMES[k])
                                              for k in PLANNABLE_KINDS])
    when = SelectField(_l("When"), choices=WHEN_CHOICES)
    value = StringField(_l("Duration or time"), validators=[DataRequired(), Length(max=40)],
                        description=_l("7d, 2d or 12h; a time as 01.09.2027 09:00"))
    audience = SelectField(_l("To"), choices=[SelectChoice("", _l("the kind's default")),
                                              *(SelectChoice(a.value, AUDIENCE_NAMES[a])
                                                for a in Audience)])
    tag = StringField(_l("Tag"), validators=[Optional(), Length(max=100)])
    subject = StringField(_l("Subject (update)"), validators=[Optional(), Length(max=500)])
    body = TextAreaField(_l("Text (update)"), validators=[Optional(), Length(max=20000)])

    def raw(self) -> dict[str, str | None]:
        return {"kind": self.kind.data, self.when.data: self.value.data,
                "to": self.audience.data or None, "tag": self.tag.data,
                "subject": self.subject.data, "body": self.body.data}


@bp.get("/events/<slug>/schedule")
def schedule(slug: str, form: PlanForm | None = None) -> str:
    """The timeline: rounds sent, planned sends with their due time, runs and missed ones."""
    event = load_event(slug)
    plans = planned_sends(db.session, event)
    upcoming = sorted((p for p in plans if p.state is PlanState.PLANNED),
                      key=lambda p: (p.due_at(event) is None, p.due_at(event) or event.ends_at))
    return render_template("dashboard/schedule.html", event=event, form=form or PlanForm(),
                           rounds=sent_rounds(db.session, event), upcoming=upcoming,
                           past=[p for p in plans if p.state is not PlanState.PLANNED],
                           describe_time=plan_time, audience_names=AUDIENCE_NAMES)


@bp.post("/events/<slug>/schedule")
@once
def schedule_add(slug: str) -> BaseResponse | tuple[str, int]:
    """Plan a send from the form."""
    event = load_event(slug, needs=Permission.SEND)
    form = PlanForm()
    if not form.validate_on_submit():
        return schedule(slug, form), 400
    try:
        plan_send(db.session, event, plan_spec(form.raw(), event.zone),
                  by=Agent.organiser(current_user.id))
    except ScheduleError as exc:
        db.session.rollback()
        form.value.errors = [str(exc)]
        return schedule(slug, form), 400
    audit(AuditAction.SEND_PLANNED, event, kind=form.kind.data, when=form.when.data,
          value=form.value.data)
    db.session.commit()
    flash(_("The send is planned."), "success")
    return redirect(url_for("dashboard.schedule", slug=event.slug), 303)


@bp.post("/events/<slug>/schedule/<id:plan_id>/remove")
@once
def schedule_remove(slug: str, plan_id: int) -> BaseResponse:
    """Take a planned send off the plan."""
    event = load_event(slug, needs=Permission.SEND)
    if not Form().validate_on_submit():
        abort(400)
    try:
        unplan_send(db.session, event, plan_id, by=Agent.organiser(current_user.id))
    except ScheduleError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        audit(AuditAction.SEND_UNPLANNED, event, plan=plan_id)
        db.session.commit()
        flash(_("The planned send is cancelled."), "success")
    return redirect(url_for("dashboard.schedule", slug=event.slug), 303)
