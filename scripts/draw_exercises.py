"""Draw the library exercises: one SVG per exercise, start and end position side by side.

.venv/bin/python -m scripts.draw_exercises            writes static/exercises/<slug>.svg
.venv/bin/python -m scripts.draw_exercises --png DIR  also renders each to DIR/<slug>.png
.venv/bin/python -m scripts.draw_exercises --docs     also the README's two, at phone width

A figure is a stick figure posed by angles (degrees: 0 points right, 90 up) and, for hands and
feet that must touch something, by where they go (the elbow or knee is then found by two-link
inverse kinematics). Coordinates are in figure units with the floor at y = 0 and y going up;
the SVG flips them. The limbs on the far side are drawn fainter.
"""

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from selfcare.clinical import EXERCISE_LIBRARY

OUT_DIR = Path(__file__).resolve().parent.parent / "static" / "exercises"
DOCS = Path(__file__).resolve().parent.parent / "docs"
DOCS_EXAMPLES = ("chin_tuck", "cat_cow")

# Body proportions, in figure units.
TRUNK, NECK, HEAD = 56, 7, 10
UPPER_ARM, FOREARM = 26, 24
THIGH, SHIN, FOOT = 36, 34, 9
SHOULDER_HALF, HIP_HALF = 15, 8  # half widths, seen from the front
STROKE = 3
FAINT = "0.45"
PANEL_GAP = 34
MARGIN = 10
LABEL_SPACE = 20
# CSS pixels per figure unit: one scale for all, so every drawing has the same line width.
SCALE = 1.25


def direction(angle: float) -> tuple[float, float]:
    radians = math.radians(angle)
    return math.cos(radians), math.sin(radians)


def along(point, angle: float, length: float):
    dx, dy = direction(angle)
    return point[0] + dx * length, point[1] + dy * length


def reach(root, target, first: float, second: float, bend: int):
    """The middle joint of a two-segment limb from `root` toward `target`; `bend` (+1 or -1)
    picks on which side the joint folds. An out-of-reach target gets a straight limb."""
    dx, dy = target[0] - root[0], target[1] - root[1]
    distance = min(max(math.hypot(dx, dy), abs(first - second) + 0.01), first + second - 0.01)
    toward = math.degrees(math.atan2(dy, dx))
    cosine = (first**2 + distance**2 - second**2) / (2 * first * distance)
    opening = math.degrees(math.acos(max(-1.0, min(1.0, cosine))))
    joint = along(root, toward + bend * opening, first)
    end_angle = math.degrees(math.atan2(target[1] - joint[1], target[0] - joint[0]))
    return joint, along(joint, end_angle, second)


def limb(root, spec, first: float, second: float):
    """A limb from `root`: `spec` is (angle, angle) for each segment, or (x, y, bend) for
    where its end goes."""
    if len(spec) == 2:
        joint = along(root, spec[0], first)
        return joint, along(joint, spec[1], second)
    return reach(root, spec[:2], first, second, spec[2])


@dataclass
class Pose:
    """One position of the figure. Angles are absolute, not relative to the parent segment."""

    hip: tuple[float, float]
    trunk: float = 90  # from the hips to the shoulders
    bend: float = 0  # how much the back rounds (+) or arches (-), for a figure facing right
    neck: float = 90
    gaze: float | None = None  # where the face points (side view); across the neck if None
    arm: tuple = (-90, -90)  # near arm
    arm2: tuple | None = None  # far arm; the same as the near one if None
    leg: tuple = (-90, -90)
    leg2: tuple | None = None
    foot: float | None = 0  # angle of the near foot from the ankle; None: pointing at us
    foot2: float | None = None
    # Segments seen end-on look shorter (a thigh pointing at us, a trunk seen from the feet).
    trunk_len: float = TRUNK
    neck_len: float = NECK
    thigh_len: float = THIGH
    near_thigh_len: float | None = None  # a near thigh pointing at us; as thigh_len if None
    legs: bool = True  # False: head and shoulders only, sitting on the line below
    face: bool = True
    front: bool = False  # seen from the front: shoulders and hips have a width
    turn: float = 0  # front view: how far the face is turned, -1 (left) to 1 (right)
    face_down: bool = False  # front view: looking down


@dataclass
class Props:
    """Things drawn with the figure, in the same units."""

    rollers: list = field(default_factory=list)  # (x, y) of a foam roller's centre
    walls: list = field(default_factory=list)  # x of a wall (or door frame), full height
    chair: tuple | None = None  # side view: (x of the seat's back edge, seat height)
    stool: tuple | None = None  # front view: (half width, seat height)
    floor: bool = True  # False for a view from above
    straps: list = field(default_factory=list)  # lists of points a towel or strap runs along
    arrows: list = field(default_factory=list)  # ((x1, y1), (x2, y2)) movement arrows


ROLLER = 8


@dataclass
class Drawing:
    start: Pose
    end: Pose
    start_props: Props = field(default_factory=Props)
    end_props: Props | None = None  # the same as the start's if None
    what: str = ""  # what the drawing shows, for its <title>


class Canvas:
    """Collects path commands in figure units and gives their bounding box."""

    def __init__(self):
        self.strong: list[str] = []
        self.faint: list[str] = []
        self.points: list[tuple[float, float]] = []

    def _xy(self, point) -> str:
        self.points.append(point)
        return f"{point[0]:.1f} {-point[1]:.1f}"

    def line(self, *points, faint: bool = False) -> None:
        commands = "M" + " L".join(self._xy(p) for p in points)
        (self.faint if faint else self.strong).append(commands)

    def curve(self, start, control, end) -> None:
        self.strong.append(f"M{self._xy(start)} Q{self._xy(control)} {self._xy(end)}")

    def circle(self, centre, radius: float, faint: bool = False) -> None:
        # Two arcs make a circle in a path; the bounding box gets its four extremes.
        for dx, dy in ((radius, 0), (-radius, 0), (0, radius), (0, -radius)):
            self.points.append((centre[0] + dx, centre[1] + dy))
        x, y = centre[0], -centre[1]
        commands = (
            f"M{x - radius:.1f} {y:.1f} a{radius} {radius} 0 1 0 {2 * radius} 0"
            f" a{radius} {radius} 0 1 0 {-2 * radius} 0"
        )
        (self.faint if faint else self.strong).append(commands)

    def dot(self, point) -> None:
        self.strong.append(f"M{self._xy(point)} h0")

    def box(self):
        xs = [p[0] for p in self.points]
        ys = [p[1] for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


def perpendicular(angle: float) -> float:
    return angle + 90


def draw_pose(canvas: Canvas, pose: Pose) -> None:
    hip = pose.hip
    shoulder = along(hip, pose.trunk, pose.trunk_len)
    middle = along(hip, pose.trunk, pose.trunk_len / 2)
    control = along(middle, perpendicular(pose.trunk), pose.bend * 2)
    canvas.curve(hip, control, shoulder)
    neck_top = along(shoulder, pose.neck, pose.neck_len)
    canvas.line(shoulder, neck_top)
    head = along(neck_top, pose.neck, HEAD)
    canvas.circle(head, HEAD)
    if pose.face:
        (draw_front_face if pose.front else draw_side_face)(canvas, pose, head)
    if pose.front:
        across = perpendicular(pose.trunk) - 180  # towards the figure's right, on our left
        shoulders = [along(shoulder, across, width) for width in (SHOULDER_HALF, -SHOULDER_HALF)]
        hips = [along(hip, across, HIP_HALF), along(hip, across, -HIP_HALF)]
        canvas.line(*shoulders)
        canvas.line(*hips)
    else:
        shoulders, hips = [shoulder, shoulder], [hip, hip]
    arms = [pose.arm, pose.arm2 or pose.arm]
    legs = [pose.leg, pose.leg2 or pose.leg]
    feet = [pose.foot, pose.foot if pose.foot2 is None else pose.foot2]
    if pose.front:
        feet = [pose.foot, pose.foot2]
    # The far side first, so the near limbs are drawn over it.
    for side in (1, 0):
        faint = side == 1 and not pose.front
        elbow, hand = limb(shoulders[side], arms[side], UPPER_ARM, FOREARM)
        canvas.line(shoulders[side], elbow, hand, faint=faint)
        if not pose.legs:
            continue
        thigh = pose.thigh_len if side == 1 or pose.near_thigh_len is None else pose.near_thigh_len
        knee, ankle = limb(hips[side], legs[side], thigh, SHIN)
        toes = [] if feet[side] is None else [along(ankle, feet[side], FOOT)]
        canvas.line(hips[side], knee, ankle, *toes, faint=faint)


def draw_side_face(canvas: Canvas, pose: Pose, head) -> None:
    gaze = pose.neck - 90 if pose.gaze is None else pose.gaze
    canvas.line(along(head, gaze, HEAD), along(head, gaze, HEAD + 4))  # the nose
    eye = along(along(head, gaze, HEAD * 0.5), pose.neck, HEAD * 0.25)
    canvas.dot(eye)


def draw_front_face(canvas: Canvas, pose: Pose, head) -> None:
    across = perpendicular(pose.neck) - 180
    centre = along(head, across, -pose.turn * HEAD * 0.55)
    eye_line = along(centre, pose.neck, -HEAD * 0.25 if pose.face_down else HEAD * 0.2)
    for offset in (-0.38, 0.38):
        canvas.dot(along(eye_line, across, offset * HEAD * (1 - abs(pose.turn) * 0.4)))
    nose_top = along(eye_line, pose.neck, -HEAD * 0.25)
    canvas.line(nose_top, along(nose_top, pose.neck, -HEAD * 0.35))


def draw_props(canvas: Canvas, props: Props, box) -> None:
    for centre in props.rollers:
        canvas.circle(centre, ROLLER)
    for x in props.walls:
        canvas.line((x, 0), (x, 165))
    if props.chair:
        back, seat = props.chair
        canvas.line((back, seat + 42), (back, 0))
        canvas.line((back, seat), (back + 34, seat), (back + 34, 0))
    if props.stool:
        half, seat = props.stool
        canvas.line((-half, 0), (-half, seat), (half, seat), (half, 0))
    for points in props.straps:
        canvas.line(*points)


def arrow(canvas: Canvas, start, end) -> None:
    angle = math.degrees(math.atan2(end[1] - start[1], end[0] - start[0]))
    canvas.line(start, end)
    canvas.line(along(end, angle + 150, 6), end, along(end, angle - 150, 6))


def panel(pose: Pose, props: Props) -> Canvas:
    canvas = Canvas()
    draw_pose(canvas, pose)
    draw_props(canvas, props, None)
    for start, end in props.arrows:
        arrow(canvas, start, end)
    return canvas


def svg_text(drawing: Drawing, title: str) -> str:
    props = [drawing.start_props, drawing.end_props or drawing.start_props]
    panels = [panel(drawing.start, props[0]), panel(drawing.end, props[1])]
    boxes = [canvas.box() for canvas in panels]
    width = max(box[2] - box[0] for box in boxes) + 2 * MARGIN
    top = max(box[3] for box in boxes) + MARGIN  # where y = 0 (the floor) goes in the SVG
    bottom = min(0, *(box[1] for box in boxes))
    height = top - bottom + MARGIN + LABEL_SPACE
    paths, labels = [], []
    for index, (canvas, box) in enumerate(zip(panels, boxes, strict=True)):
        left = index * (width + PANEL_GAP)
        # Each figure centred in its panel; the floor at the same height in both.
        shift = left + (width - (box[2] - box[0])) / 2 - box[0]
        paths.append(f'<g transform="translate({shift:.1f} {top:.1f})">')
        if props[index].floor:
            paths.append(f'<path d="M{box[0] - 8:.1f} 0 H{box[2] + 8:.1f}"/>')
        if canvas.faint:
            paths.append(f'<path stroke-opacity="{FAINT}" d="{" ".join(canvas.faint)}"/>')
        paths.append(f'<path d="{" ".join(canvas.strong)}"/>')
        paths.append("</g>")
        label_y = top - bottom + MARGIN + 13
        label = ("Start", "End")[index]
        labels.append(f'<text x="{left + width / 2:.1f}" y="{label_y:.1f}">{label}</text>')
    middle = width + PANEL_GAP / 2
    paths.append(f'<path d="M{middle - 9:.1f} {top / 2:.1f} h18 m-6 -6 l6 6 l-6 6"/>')
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * width + PANEL_GAP:.0f}'
            f' {height:.0f}" width="{(2 * width + PANEL_GAP) * SCALE:.0f}"'
            f' height="{height * SCALE:.0f}" role="img">',
            f"<title>{title}</title>",
            # An <img> does not take the page's colours, so a dark page's drawing asks by itself.
            "<style>@media (prefers-color-scheme: dark) { svg { color: #e6e6e6 } }</style>",
            f'<g fill="none" stroke="currentColor" stroke-width="{STROKE}"'
            ' stroke-linecap="round" stroke-linejoin="round">',
            *paths,
            "</g>",
            '<g fill="currentColor" font-family="sans-serif" font-size="14" text-anchor="middle">',
            *labels,
            "</g>",
            "</svg>",
            "",
        ]
    )


def render(drawing: Drawing, name: str) -> str:
    return svg_text(drawing, f"{name}: {drawing.what}")


# Positions used by several exercises. Lying figures have the head on the left.
STANDING = {"hip": (0, 70), "arm": (-95, -85)}
SITTING = {"hip": (0, 37), "leg": (0, -90), "arm": (24, 44, -1)}  # hands on the thighs
CHAIR = Props(chair=(-16, 33))
# Seen from the front, the neck exercises show the head and shoulders, sitting on a bench.
SITTING_FRONT = {
    "hip": (0, 2),
    "front": True,
    "legs": False,
    "arm": (-100, -80),
    "arm2": (-80, -100),
}

ON_BACK = {"hip": (0, 10), "trunk": 180, "neck": 180, "gaze": 90, "arm": (-5, 0)}
KNEES_UP = {"leg": (42, 0.5, 1), "foot": 0}
ON_HANDS_AND_KNEES = {
    "hip": (0, 37),
    "trunk": 14,
    "neck": 10,
    "gaze": -60,
    "arm": (56, 0, 1),
    "leg": (-33, 6, 1),  # the shin rests on the floor, the ankle a little up on the instep
    "foot": 195,
}


ABOVE_ON_BACK = {
    "hip": (0, 0),
    "front": True,
    "arm": (170, 180),
    "arm2": (10, 0),
    "foot": -90,
    "foot2": -90,
}


def pose(*bases: dict, **changes) -> Pose:
    merged = {}
    for base in bases:
        merged |= base
    return Pose(**(merged | changes))


def knee_of(hip, spec, thigh=THIGH):
    return limb(hip, spec, thigh, SHIN)[0]


def shoulder_of(hip, trunk):
    return along(hip, trunk, TRUNK)


def _figure_four(far_leg, far_foot: float, **changes) -> Pose:
    """On the back with the near ankle resting on the far knee (the near thigh points out
    toward us, so it looks short)."""
    knee = knee_of(ON_BACK["hip"], far_leg)
    return pose(
        ON_BACK,
        near_thigh_len=16,
        leg=(knee[0] + 2, knee[1] + 4, 1),
        foot=90,
        leg2=far_leg,
        foot2=far_foot,
        **changes,
    )


def _strap_stretch(leg, foot: float, hands) -> tuple[Pose, Props]:
    """On the back, a towel from both hands round the sole of the near foot."""
    ankle = limb(ON_BACK["hip"], leg, THIGH, SHIN)[1]
    sole = along(ankle, foot, FOOT * 0.6)
    figure = pose(ON_BACK, neck=176, leg=leg, foot=foot, **KNEES_UP_FAR, arm=(*hands, 1))
    return figure, Props(straps=[[hands, sole]])


KNEES_UP_FAR = {"leg2": (42, 0.5, 1), "foot2": 0}
HAMSTRING_START = _strap_stretch((100, 8), 90, (-12, 34))
HAMSTRING_END = _strap_stretch((66, 66), -20, (-10, 40))


DRAWINGS = {
    "foam_roll_thoracic": Drawing(
        pose(ON_BACK, hip=(28, 24), trunk=186, neck=176, **KNEES_UP, arm=(-10, 30, 1)),
        pose(ON_BACK, hip=(22, 25), trunk=184, neck=178, **KNEES_UP, arm=(-16, 30, 1)),
        Props(rollers=[(-14, 8)]),
        Props(rollers=[(2, 8)], arrows=[((-12, 40), (8, 40))]),
        what="lying with the foam roller under the shoulder blades, hips lifted and hands behind"
        " the head; roll slowly until the roller is at the bottom of the ribs",
    ),
    "foam_roll_thoracic_extension": Drawing(
        pose(ON_BACK, trunk=166, neck=170, **KNEES_UP, arm=(-52, 30, 1)),
        pose(ON_BACK, trunk=176, bend=-6, neck=188, **KNEES_UP, arm=(-60, 16, 1)),
        Props(rollers=[(-30, 8)]),
        what="lying with the roller across the mid back, hips on the floor and hands behind the"
        " head; arch gently back over the roller",
    ),
    "foam_roll_lats": Drawing(
        pose(
            ON_BACK,
            hip=(0, 12),
            trunk=170,
            neck=175,
            gaze=-60,
            arm=(172, 175),
            leg=(5, -5),
            leg2=(30, -60),
            foot=85,
            foot2=0,
        ),
        pose(
            ON_BACK,
            hip=(16, 12),
            trunk=172,
            neck=175,
            gaze=-60,
            arm=(174, 176),
            leg=(5, -5),
            leg2=(30, -60),
            foot=85,
            foot2=0,
        ),
        Props(rollers=[(-48, 8)]),
        Props(rollers=[(-22, 8)], arrows=[((-40, 40), (-18, 40))]),
        what="lying on one side with the roller under the armpit and that arm stretched overhead;"
        " roll down toward the bottom of the ribs",
    ),
    "foam_roll_glutes": Drawing(
        pose(
            hip=(0, 22),
            trunk=105,
            bend=2,
            arm=(-24, 0, -1),
            leg=(40, 44, -1),
            foot=-30,
            leg2=(40, 0.5, 1),
            foot2=0,
        ),
        pose(
            hip=(-10, 22),
            trunk=112,
            bend=2,
            arm=(-34, 0, -1),
            leg=(30, 44, -1),
            foot=-30,
            leg2=(30, 0.5, 1),
            foot2=0,
        ),
        Props(rollers=[(0, 8)]),
        Props(rollers=[(0, 8)], arrows=[((10, -6), (-10, -6))]),
        what="sitting on the roller with one ankle crossed over the other knee, leaning toward"
        " that side; roll the buttock slowly",
    ),
    "foam_roll_hamstrings": Drawing(
        pose(hip=(0, 20), trunk=118, arm=(-26, 0, -1), leg=(-4, -4), foot=80),
        pose(hip=(-26, 20), trunk=118, arm=(-52, 0, -1), leg=(-4, -4), foot=80),
        Props(rollers=[(50, 8)]),
        Props(rollers=[(-8, 8)], arrows=[((20, -8), (-4, -8))]),
        what="sitting with the roller under the back of the thighs and hands on the floor behind;"
        " roll from just above the knees to the buttocks",
    ),
    "chin_tuck": Drawing(
        pose(SITTING, neck=62, gaze=0),
        pose(SITTING, neck=98, gaze=0),
        CHAIR,
        Props(chair=(-16, 33), arrows=[((30, 110), (16, 110))]),
        what="sitting tall with the head pushed forward, then gliding the head straight back"
        " into a double chin, eyes level",
    ),
    "upper_trap_stretch": Drawing(
        pose(SITTING_FRONT),
        pose(SITTING_FRONT, neck=122, arm=(22, 1, 1)),
        what="seen from the front, sitting with one hand holding the seat, then tilting the other"
        " ear toward the other shoulder",
    ),
    "levator_scapulae_stretch": Drawing(
        pose(SITTING_FRONT),
        pose(SITTING_FRONT, neck=62, turn=0.6, face_down=True, arm=(10, 84, 1)),
        what="seen from the front, sitting, then turning the head toward one armpit, looking"
        " down and guiding the head with the hand",
    ),
    "neck_side_bend": Drawing(
        pose(SITTING_FRONT),
        pose(SITTING_FRONT, neck=62),
        what="seen from the front, sitting, then tilting the ear toward the shoulder",
    ),
    "neck_rotation": Drawing(
        pose(SITTING_FRONT),
        pose(SITTING_FRONT, turn=0.85),
        what="seen from the front, sitting, then turning the head to look over one shoulder with"
        " the chin level",
    ),
    "doorway_pec_stretch": Drawing(
        pose(STANDING, hip=(-24, 70), arm=(0, 90)),
        pose(
            STANDING,
            hip=(14, 68),
            trunk=84,
            arm=(2, 146, 1),
            leg=(34, 0.5, 1),
            foot=0,
            leg2=(-30, 0.5, 1),
            foot2=0,
        ),
        Props(walls=[2]),
        what="forearms on the door frame at shoulder height, then stepping through until the"
        " chest stretches",
    ),
    "open_book": Drawing(
        pose(
            hip=(0, 0),
            trunk=180,
            neck=180,
            gaze=90,
            arm=(92, 92),
            arm2=(88, 88),
            leg=(90, 0),
            foot=0,
        ),
        pose(
            hip=(0, 0),
            trunk=180,
            neck=182,
            gaze=-90,
            arm=(-100, -105),
            arm2=(88, 88),
            leg=(90, 0),
            foot=0,
        ),
        Props(floor=False),
        what="seen from above, lying on one side with the knees bent and the arms forward, then"
        " sweeping the top arm open to the other side with the eyes following it",
    ),
    "cat_cow": Drawing(
        pose(ON_HANDS_AND_KNEES, bend=9, neck=-32, gaze=-100),
        pose(ON_HANDS_AND_KNEES, bend=-7, neck=45, gaze=20),
        what="on hands and knees, rounding the whole back up with the head down, then letting it"
        " sag with the head lifting",
    ),
    "childs_pose": Drawing(
        pose(ON_HANDS_AND_KNEES),
        pose(
            ON_HANDS_AND_KNEES,
            hip=(-26, 20),
            trunk=-6,
            bend=5,
            neck=-35,
            gaze=-110,
            arm=(80, 1, 1),
            leg=(-27, 178),
            foot=195,
        ),
        what="from hands and knees, sitting the hips back toward the heels with the arms"
        " reaching forward",
    ),
    "knee_to_chest": Drawing(
        pose(ON_BACK, **KNEES_UP),
        pose(
            ON_BACK, neck=176, leg=(118, -30), foot=60, leg2=(42, 0.5, 1), foot2=0, arm=(-14, 38, 1)
        ),
        what="lying on the back with the knees bent, then hugging one knee toward the chest",
    ),
    "knee_rolls": Drawing(
        # From above, knees pointing at the ceiling look short; fallen to one side, full length.
        pose(ABOVE_ON_BACK, thigh_len=12, leg=(-84, -90), leg2=(-96, -90)),
        pose(ABOVE_ON_BACK, leg=(-12, -160), leg2=(-24, -168)),
        Props(floor=False),
        what="seen from above, lying on the back with the arms out and the knees bent together,"
        " then letting both knees roll to one side",
    ),
    "pelvic_tilt": Drawing(
        pose(ON_BACK, bend=-3, **KNEES_UP),
        pose(ON_BACK, hip=(0, 11), **KNEES_UP),
        Props(),
        Props(arrows=[((-18, 30), (-18, 18))]),
        what="lying on the back with the knees bent and a small hollow under the low back, then"
        " flattening the low back into the floor by tilting the pelvis",
    ),
    "prone_press_up": Drawing(
        pose(hip=(0, 11), trunk=0, neck=0, gaze=-90, arm=(40, 1, -1), leg=(180, 180), foot=-160),
        pose(
            hip=(0, 9),
            trunk=32,
            bend=-5,
            neck=50,
            gaze=-10,
            arm=(40, 1, -1),
            leg=(180, 180),
            foot=-160,
        ),
        what="lying face down with the hands under the shoulders, then pressing the chest up"
        " while the hips stay down",
    ),
    "piriformis_stretch": Drawing(
        _figure_four((42, 0.5, 1), 0),
        _figure_four((95, 0), 90, neck=175, arm=(-2, 30, 1)),
        what="lying on the back with one ankle on the other knee, then drawing that thigh toward"
        " the chest",
    ),
    "hamstring_stretch": Drawing(
        HAMSTRING_START[0],
        HAMSTRING_END[0],
        HAMSTRING_START[1],
        HAMSTRING_END[1],
        what="lying on the back with a towel round one foot, then straightening that leg up"
        " until the back of the thigh stretches",
    ),
    "hip_flexor_stretch": Drawing(
        pose(
            STANDING,
            hip=(0, 37),
            arm=(-80, -60),
            leg=(36, 0.5, 1),
            foot=0,
            leg2=(-33, 6, 1),
            foot2=195,
        ),
        pose(
            STANDING,
            hip=(10, 35),
            trunk=93,
            arm=(-80, -60),
            leg=(38, 0.5, 1),
            foot=0,
            leg2=(-33, 6, 1),
            foot2=195,
        ),
        Props(),
        Props(arrows=[((26, 70), (44, 70))]),
        what="kneeling on one knee with the other foot forward, then tucking the pelvis under and"
        " shifting forward until the front of the hip stretches",
    ),
    "thoracic_wall_extension": Drawing(
        pose(STANDING, hip=(4, 70), neck=92, arm=(10, 158, -1), leg=(8, 0.5, 1)),
        pose(STANDING, hip=(4, 70), neck=92, arm=(85, 92), leg=(8, 0.5, 1)),
        Props(walls=[-6]),
        what="standing with the back against a wall and the hands linked on the head, then"
        " reaching up with the low back flat to the wall",
    ),
}


def drawings_by_slug() -> dict[str, str]:
    """Every library exercise's SVG text, by slug."""
    return {item.slug: render(DRAWINGS[item.slug], item.name) for item in EXERCISE_LIBRARY}


def main(argv: list[str]) -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for slug, text in drawings_by_slug().items():
        (OUT_DIR / f"{slug}.svg").write_text(text)
    print(f"wrote {len(EXERCISE_LIBRARY)} drawings to {OUT_DIR}")
    if "--png" in argv:
        render_pngs(Path(argv[argv.index("--png") + 1]))
    if "--docs" in argv:
        render_docs()


def _chromium_page(playwright, **context):
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return browser, browser.new_page(**context)


def render_pngs(folder: Path) -> None:
    """Each drawing as a PNG through Chromium, to look at them."""
    from playwright.sync_api import sync_playwright

    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser, page = _chromium_page(playwright, device_scale_factor=2)
        for path in sorted(OUT_DIR.glob("*.svg")):
            page.set_content(f"<body style='margin:0;background:#fff'>{path.read_text()}</body>")
            page.locator("svg").screenshot(path=str(folder / f"{path.stem}.png"))
        browser.close()
    print("rendered to", folder)


def render_docs() -> None:
    """Two drawings as a phone shows them (390 CSS pixels wide, twice the pixels), for docs/."""
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import PHONE

    with sync_playwright() as playwright:
        browser, page = _chromium_page(playwright, viewport=PHONE, device_scale_factor=2)
        for slug in DOCS_EXAMPLES:
            svg = (OUT_DIR / f"{slug}.svg").read_text()
            page.set_content(
                "<body style='margin:0;padding:16px;background:#fff;font-family:sans-serif'>"
                f"<figure style='margin:0'>{svg}</figure></body>"
            )
            page.evaluate("document.querySelector('svg').style.maxWidth = '100%'")
            page.locator("figure").screenshot(path=str(DOCS / f"illustration-{slug}.png"))
            print("wrote", DOCS / f"illustration-{slug}.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
