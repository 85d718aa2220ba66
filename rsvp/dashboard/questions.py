"""The question editor: an event's registration questions, added, changed, ordered, hidden."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.question_form import ERROR_FIELDS, TYPE_CHOICES, QuestionForm, form_data
from rsvp.events.models import Event
from rsvp.events.services import EventError
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.questions.editor import (
    QuestionHasAnswers,
    add_question,
    answer_count,
    move_question,
    remove_question,
    set_hidden,
    update_question,
)
from rsvp.questions.models import Question
from rsvp.questions.queries import questions_of


def _question(event: Event, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


def _to_list(event: Event) -> Response:
    return redirect(url_for("dashboard.questions", slug=event.slug), 303)


@bp.get("/events/<slug>/questions")
def questions(slug: str) -> str:
    """The event's questions in page order, with how many answered each."""
    event = load_event(slug)
    listed = questions_of(db.session, event, hidden=True)
    return render_template("dashboard/questions.html", event=event, questions=listed,
                           answers={q.id: answer_count(db.session, q) for q in listed},
                           language=get_locale().language, action_form=Form(),
                           type_names={c.value: c.label for c in TYPE_CHOICES})


@bp.route("/events/<slug>/questions/new", methods=["GET", "POST"])
def question_new(slug: str):  # type: ignore[no-untyped-def]
    """Add a question at the end of the list."""
    event = load_event(slug, needs=Permission.EDIT)
    return _question_form(event, None, QuestionForm())


@bp.route("/events/<slug>/questions/<id:question_id>/edit", methods=["GET", "POST"])
def question_edit(slug: str, question_id: int):  # type: ignore[no-untyped-def]
    """Change a question; one with answers keeps its key, type and chosen options."""
    event = load_event(slug, needs=Permission.EDIT)
    question = _question(event, question_id)
    form = QuestionForm(data=None if request.method == "POST" else form_data(question))
    return _question_form(event, question, form)


def _question_form(event: Event, question: Question | None, form: QuestionForm):  # type: ignore[no-untyped-def]
    """Save a valid form (a new question when ``question`` is None), else show it again."""
    form.show_if_question.choices = _show_if_choices(event, question)
    if form.validate_on_submit():
        try:
            _save(event, question, form)
        except EventError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            audit(AuditAction.QUESTION_SAVED, event, key=form.key.data,
                  new=question is None)
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return _to_list(event)
    return render_template("dashboard/question_form.html", event=event, form=form,
                           question=question), 400 if form.errors else 200


def _show_if_choices(event: Event, question: Question | None) -> list[tuple[str, str]]:
    """The questions another may depend on: the choices and yes/no questions but itself."""
    others = [q for q in questions_of(db.session, event, hidden=True) if q is not question]
    return [("", _("always")), *((q.key, q.label(get_locale().language)) for q in others
                                 if q.type in ("choice", "multichoice", "yesno"))]


def _save(event: Event, question: Question | None, form: QuestionForm) -> None:
    if question is None:
        add_question(db.session, event, form.raw())
    else:
        update_question(db.session, question, form.raw())


def _attach(form: QuestionForm, error: EventError) -> None:
    """Show a rule's words at the field it names (``question.options[2].key``)."""
    where = (error.field or "").removeprefix("question").lstrip(".")
    name = where.split(".")[0].split("[")[0]
    name = ERROR_FIELDS.get(name, name)
    detail = where if name == "options" and "[" in where else ""
    words = f"{detail}: {error.message}" if detail else str(error.message)
    if name in form:
        form[name].errors = [*form[name].errors, words]
    else:
        form.key.errors = [*form.key.errors, words]


def _checked_post(slug: str, question_id: int) -> tuple[Event, Question]:
    event = load_event(slug, needs=Permission.EDIT)
    question = _question(event, question_id)
    if not Form().validate_on_submit():
        abort(400)
    return event, question


@bp.post("/events/<slug>/questions/<id:question_id>/move")
def question_move(slug: str, question_id: int) -> Response:
    """Move a question one place up or down."""
    event, question = _checked_post(slug, question_id)
    move_question(db.session, question, -1 if request.form.get("direction") == "up" else 1)
    audit(AuditAction.QUESTION_MOVED, event, key=question.key)
    db.session.commit()
    return _to_list(event)


@bp.post("/events/<slug>/questions/<id:question_id>/hide")
def question_hide(slug: str, question_id: int) -> Response:
    """Stop asking a question, keeping its answers; or ask it again."""
    event, question = _checked_post(slug, question_id)
    hidden = request.form.get("hidden") != "no"
    set_hidden(db.session, question, hidden)
    audit(AuditAction.QUESTION_HIDDEN, event, key=question.key, hidden=hidden)
    db.session.commit()
    flash(_("The question is hidden; its answers stay.") if hidden
          else _("The question is asked again."), "success")
    return _to_list(event)


@bp.post("/events/<slug>/questions/<id:question_id>/remove")
def question_remove(slug: str, question_id: int) -> Response:
    """Remove a question nobody has answered; one with answers can only be hidden."""
    event, question = _checked_post(slug, question_id)
    try:
        remove_question(db.session, question)
    except QuestionHasAnswers as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return _to_list(event)
    audit(AuditAction.QUESTION_REMOVED, event, key=question.key)
    db.session.commit()
    flash(_("The question has been removed."), "success")
    return _to_list(event)
