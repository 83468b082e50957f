"""The phone as an inclinometer: the movements it measures validly, how it is held, and which
of the DeviceOrientation angles changes. static/js/inclinometer.js turns the change of that angle
between two still holds into degrees."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PhoneHold:
    axis: str  # "beta" (tilt forward and back), "gamma" (tilt to the side), "alpha" (turning)
    place: str  # where the phone goes, in plain words
    move: str  # what to do once the start is taken


FOREHEAD = "Sit tall. Hold the phone upright with its back flat against your forehead."
TOP_OF_HEAD = (
    "Sit tall. Lay the phone flat on top of your head, screen up, its long side pointing "
    "to your nose."
)

# The movements the clinical reference data (shared/reference/clinical-notes.md, R19-R23) finds
# a phone on the head or back measures well enough at home; every other movement is typed only.
PHONE_MEASURABLE: dict[str, PhoneHold] = {
    "cervical_flexion": PhoneHold(
        "beta", FOREHEAD, "Bend your head forward, chin to chest, as far as is comfortable."
    ),
    "cervical_extension": PhoneHold(
        "beta", FOREHEAD, "Tip your head back to look up, as far as is comfortable."
    ),
    "cervical_lateral_flexion": PhoneHold(
        "gamma",
        TOP_OF_HEAD,
        "Tip your ear towards that shoulder, as far as is comfortable, without turning.",
    ),
    "cervical_rotation": PhoneHold(
        "alpha",
        TOP_OF_HEAD,
        "Turn your head to that side, as far as is comfortable. (Turning is read by the "
        "phone's compass, less exact than tilting: keep away from metal and magnets.)",
    ),
    "lumbar_flexion": PhoneHold(
        "beta",
        "Stand tall. Hold the phone upright with its back flat against the middle of your "
        "lower back.",
        "Bend forward slowly, as far as is comfortable, knees straight.",
    ),
}
