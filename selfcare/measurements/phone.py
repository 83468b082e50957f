"""The phone as an inclinometer: the movements it measures validly, how it is held, and about
which of the phone's own axes the movement turns it. static/js/inclinometer.js measures how far
gravity turns about that axis between the start and the end hold."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class PhoneHold:
    # The phone's own axis the movement turns it about (as the browser's motion sensor names
    # them): "z" comes out of the screen, "y" runs along the long side, "x" along the short one.
    # The angle is measured in the plane at right angles to it, the plane the movement is in.
    axis: str
    place: str  # where the phone goes, in plain words; the movement's typed how-to says the same
    move: str  # what to do once the start is taken


# Flat against the head, the screen is in the plane the head moves in: the head turns the phone
# about the axis out of its screen, whichever way up the phone is.
# Each says what the movement's how-to (reference/texts.json) says: translate them alike.
SIDE_OF_HEAD = _l(
    "Sit tall. Hold the phone upright with its back flat against the side of your head, "
    "just in front of your ear."
)
FOREHEAD = _l("Sit tall. Hold the phone upright with its back flat against your forehead.")
# Lying on the back, turning the head tilts a phone on the forehead, which gravity measures;
# sitting, turning is about the vertical and only a compass could read it (poorly, R20).
LYING_DOWN = _l(
    "Lie on your back, facing the ceiling. Lay the phone flat on your forehead, screen up, "
    "its long side pointing to the top of your head."
)

# The movements the clinical reference data (shared/reference/clinical-notes.md, R19-R23) finds
# a phone on the head measures well enough at home; every other movement is typed only.
# Not lumbar flexion: the reference measures it with two inclinometers, top and bottom of the
# low back, held by a helper, and takes the difference; one phone on the low back also reads
# the hips' bending, and would be compared with a norm for the low back alone.
PHONE_MEASURABLE: dict[str, PhoneHold] = {
    "cervical_flexion": PhoneHold(
        "z", SIDE_OF_HEAD, _l("Nod your chin down towards your chest, as far as is comfortable.")
    ),
    "cervical_extension": PhoneHold(
        "z",
        SIDE_OF_HEAD,
        _l("Tip your head back to look at the ceiling, as far as is comfortable."),
    ),
    "cervical_lateral_flexion": PhoneHold(
        "z",
        FOREHEAD,
        _l(
            "Tip your ear towards that shoulder, as far as is comfortable, without lifting the "
            "shoulder or turning your head."
        ),
    ),
    "cervical_rotation": PhoneHold(
        "y",
        LYING_DOWN,
        _l(
            "Turn your head to that side, as far as is comfortable, the back of your head "
            "staying on the bed or floor."
        ),
    ),
}
