"""The invitee's answer form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from rsvp.fields import WholeNumberField
from rsvp.responses.models import CHOOSABLE_ANSWERS, COMMENT_MAX_LENGTH, Answer


class AnswerForm(FlaskForm):
    response = RadioField(
        _l("Your answer"),
        choices=[SelectChoice(Answer.ACCEPTED.value, _l("Yes, I will attend")),
                 SelectChoice(Answer.DECLINED.value, _l("No, I cannot attend"))],
        validators=[InputRequired(message=_l("Please choose whether you will attend."))],
        # Our own message below instead of WTForms' generic "Not a valid choice".
        validate_choice=False,
    )
    guests = WholeNumberField(
        _l("Accompanying guests"), default=0,
        validators=[Optional(), NumberRange(min=0, message=_l("Please enter a number."))],
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        validators=[Length(max=COMMENT_MAX_LENGTH, message=_l(
            "Please shorten your comment to at most %(max)d characters.", max=COMMENT_MAX_LENGTH))],
    )

    #: Only asked when the event's links are transferable.
    substitute_name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    substitute_email = StringField(_l("Your email address"),
                                   validators=[Optional(), Length(max=320)])

    def __init__(self, *args: object, max_guests: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.max_guests = max_guests

    def validate_response(self, field: RadioField) -> None:
        if field.data not in {a.value for a in CHOOSABLE_ANSWERS}:
            raise ValidationError(_l("Please choose whether you will attend."))

    def validate_guests(self, field: WholeNumberField) -> None:
        guests = field.data or 0
        if guests > self.max_guests:
            raise ValidationError(_l("You may bring at most %(max)d guests.", max=self.max_guests))
        if guests and self.response.data == Answer.DECLINED.value:
            raise ValidationError(_l("Guests can only come along when you attend."))
