from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import PageForm
from ..sharing.service import INVITE_LENGTH


class LinkForm(PageForm):
    code = StringField(
        _l("Invite code"),
        validators=[
            DataRequired(message=_l("Please enter the code your client gave you.")),
            Length(
                max=20,
                message=_l("A code has %(length)d letters and digits.", length=INVITE_LENGTH),
            ),
        ],
        description=_l(
            "%(length)d letters and digits, for example KM7Q-3XPA. The dash is optional.",
            length=INVITE_LENGTH,
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
