"""Sign-in forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovTextInput
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        validators=[InputRequired("Enter your email address"), Length(max=254)],
        widget=GovTextInput(),
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password"), Length(max=256)],
        widget=GovPasswordInput(),
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code. It changes every 30 seconds.",
        validators=[InputRequired("Enter the 6-digit code"), Length(max=20)],
        widget=GovTextInput(),
    )
