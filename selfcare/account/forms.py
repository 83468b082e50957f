from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(message="Name it after where you'll use it."), Length(max=60)],
        description="For example “my spreadsheet” or “watch app”.",
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[InputRequired(message="Please enter your password to confirm.")],
        render_kw={"autocomplete": "current-password"},
    )
