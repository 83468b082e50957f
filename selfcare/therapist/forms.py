from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import PageForm
from ..sharing.service import INVITE_LENGTH


class LinkForm(PageForm):
    code = StringField(
        "Invite code",
        validators=[
            DataRequired(message="Please enter the code your client gave you."),
            Length(max=20, message=f"A code has {INVITE_LENGTH} letters and digits."),
        ],
        description="8 letters and digits, for example KM7Q-3XPA. The dash is optional.",
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
