from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from crm.auth.models import Role, UILanguage
from crm.auth.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l


def no_nul(_form, field) -> None:
    """A NUL byte is never part of a name, an address or a password (PostgreSQL refuses it)."""
    if isinstance(field.data, str) and "\x00" in field.data:
        raise ValidationError(_l("This field contains a NUL character, which is not allowed."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), no_nul])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH), no_nul])
    remember = BooleanField(_l("Keep me logged in"))


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), no_nul])


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254), no_nul])
    name = StringField(_l("Name"), validators=[Length(max=200), no_nul])
    role = SelectField(_l("Role"), choices=choices(Role.choices()))
    language = SelectField(_l("Language"), choices=choices(UILanguage.choices()))
    password = PasswordField(_l("Password"), validators=[Length(max=MAX_PASSWORD_LENGTH), no_nul])
    active = BooleanField(_l("Active"), default=True)


class SettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200), no_nul])
    language = SelectField(_l("Language"), choices=choices(UILanguage.choices()))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH), no_nul])
    new = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH), no_nul])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[DataRequired(), EqualTo("new")])


class ConfirmPasswordForm(FlaskForm):
    """The current password, asked again before turning 2FA off or signing out everywhere."""
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(), Length(max=MAX_PASSWORD_LENGTH), no_nul])
