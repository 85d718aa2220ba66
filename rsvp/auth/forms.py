"""The forms of logging in and of accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from rsvp.forms import Form


class LoginForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(message=_l("Please enter your email address.")),
                    Length(max=320)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=1000)],
    )


def _new_password() -> PasswordField:
    return PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Please enter a new password.")),
                    Length(max=1000)])


def _repeat_password() -> PasswordField:
    return PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(message=_l("Please repeat the new password.")),
                    EqualTo("password", message=_l("The two passwords differ."))])


def _code() -> StringField:
    return StringField(
        _l("Code"),
        validators=[InputRequired(message=_l("Please enter the code.")), Length(max=64)])


class ForgotPasswordForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(message=_l("Please enter your email address.")),
                    Length(max=320)])


class SetPasswordForm(Form):
    password = _new_password()
    confirm = _repeat_password()


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=1000)])
    password = _new_password()
    confirm = _repeat_password()


class CodeForm(Form):
    code = _code()


class DisableTwoFactorForm(Form):
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Please enter your password.")), Length(max=1000)])
    code = _code()


class CreateAccountForm(Form):
    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(message=_l("Please enter an email address.")),
                    Length(max=320)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    is_admin = BooleanField(_l("Administrator (manages accounts)"))


class ActionForm(Form):
    """A button that changes something: only its CSRF token."""
