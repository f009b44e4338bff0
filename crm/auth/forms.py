from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from crm.auth.models import Role, UILanguage
from crm.auth.services import MIN_PASSWORD_LENGTH
from crm.formutil import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1000)])
    remember = BooleanField(_l("Keep me logged in"))


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(Role.choices()))
    language = SelectField(_l("Language"), choices=choices(UILanguage.choices()))
    password = PasswordField(_l("Password"), validators=[Length(max=1000)])
    active = BooleanField(_l("Active"), default=True)


class SettingsForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    language = SelectField(_l("Language"), choices=choices(UILanguage.choices()))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"),
                        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1000)])
    confirm = PasswordField(_l("Repeat new password"),
                            validators=[DataRequired(), EqualTo("new")])
