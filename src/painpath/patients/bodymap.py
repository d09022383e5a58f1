"""Geometry of PainPath's body map: a simple outline seen from the front and from the back.

The drawing is ours (straight-edged shapes, no anatomy detail): its only job is to let a person
point at the spec's 19 regions (``shared/spec/intake-core.yaml``). Each region is one or more
polygons; a region seen from both sides (outer hip, outer thigh, lower leg, foot) has a polygon
in each view and both toggle the same check box.

Left and right are the PATIENT's: in the front view the person faces us, so their right side is
on the left of the picture; in the back view their left is on the left of the picture.

Coordinates are SVG user units. Each figure is 160 wide, centred on x = 80; the back view is
shifted right by ``BACK_OFFSET``. The whole drawing is ``VIEWBOX``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

View = Literal["front", "back"]

FIGURE_WIDTH = 160
BACK_OFFSET = 180
VIEWBOX = "0 0 340 470"

Point = tuple[float, float]


@dataclass(frozen=True)
class Shape:
    """One polygon of one region: ``region`` is the spec code, ``points`` the SVG attribute."""

    region: str
    view: View
    points: str


def _mirror(points: list[Point]) -> list[Point]:
    return [(FIGURE_WIDTH - x, y) for x, y in points]


def _svg_points(points: list[Point], dx: float) -> str:
    return " ".join(f"{x + dx:g},{y:g}" for x, y in points)


# Shapes drawn on the LEFT half of the picture (x < 80); the other side is their mirror image.
_FRONT_LEFT_OF_PICTURE: dict[str, list[Point]] = {
    "outer_hip": [(46, 195), (56, 195), (56, 240), (47, 240)],
    "groin": [(58, 212), (79, 224), (79, 244), (58, 240)],
    "outer_thigh": [(47, 244), (56, 244), (60, 322), (52, 322)],
    "front_thigh": [(57, 246), (79, 248), (77, 322), (61, 322)],
    "lower_leg": [(53, 330), (77, 330), (75, 402), (60, 402)],
    "foot": [(58, 406), (75, 406), (76, 424), (48, 424)],
}
_BACK_LEFT_OF_PICTURE: dict[str, list[Point]] = {
    "low_back": [(52, 148), (68, 148), (68, 192), (49, 192)],
    "outer_hip": [(46, 196), (56, 196), (56, 240), (47, 240)],
    "buttock": [(58, 196), (79, 196), (79, 240), (58, 240)],
    "outer_thigh": [(47, 244), (56, 244), (60, 322), (52, 322)],
    "back_thigh": [(57, 246), (79, 246), (77, 322), (61, 322)],
    "lower_leg": [(53, 330), (77, 330), (75, 402), (60, 402)],
    "foot": [(58, 406), (75, 406), (75, 424), (58, 424)],
}
_LOW_BACK_CENTER: list[Point] = [(70, 148), (90, 148), (90, 192), (70, 192)]


def _build() -> tuple[Shape, ...]:
    shapes: list[Shape] = []
    # Front view: the person faces us, so the left of the picture is their RIGHT side.
    for name, pts in _FRONT_LEFT_OF_PICTURE.items():
        shapes.append(Shape(f"{name}_right", "front", _svg_points(pts, 0)))
        shapes.append(Shape(f"{name}_left", "front", _svg_points(_mirror(pts), 0)))
    # Back view: we see their back, so the left of the picture is their LEFT side.
    shapes.append(Shape("low_back_center", "back", _svg_points(_LOW_BACK_CENTER, BACK_OFFSET)))
    for name, pts in _BACK_LEFT_OF_PICTURE.items():
        shapes.append(Shape(f"{name}_left", "back", _svg_points(pts, BACK_OFFSET)))
        shapes.append(Shape(f"{name}_right", "back", _svg_points(_mirror(pts), BACK_OFFSET)))
    return tuple(shapes)


#: Every region polygon, front view first.
SHAPES: tuple[Shape, ...] = _build()

_TORSO: list[Point] = [
    (44, 62), (116, 62), (112, 150), (114, 195), (116, 242), (44, 242), (46, 195), (48, 150),
]  # fmt: skip
_ARM: list[Point] = [(44, 64), (32, 70), (22, 150), (18, 212), (28, 214), (34, 152), (44, 110)]
_LEG: list[Point] = [(46, 242), (80, 242), (78, 326), (76, 404), (58, 404), (52, 326)]
_FOOT: list[Point] = [(56, 404), (77, 404), (78, 426), (46, 426)]
_NECK: list[Point] = [(72, 44), (88, 44), (88, 62), (72, 62)]


def outline_polygons(view: View) -> tuple[str, ...]:
    """The silhouette's polygons (``points`` attributes) for ``view``; the head is a circle."""
    dx = 0 if view == "front" else BACK_OFFSET
    parts = [_TORSO, _NECK, _ARM, _mirror(_ARM), _LEG, _mirror(_LEG), _FOOT, _mirror(_FOOT)]
    return tuple(_svg_points(p, dx) for p in parts)


def regions_drawn() -> set[str]:
    """The region codes that have at least one polygon (a test compares it with the spec)."""
    return {s.region for s in SHAPES}


@dataclass(frozen=True)
class Figure:
    """What the template needs to draw one view: title, outline, head, side labels."""

    view: View
    title_x: float
    head_cx: float
    outline: tuple[str, ...]
    #: (x, text key) of the side labels under the legs: "right"/"left" is the PATIENT's side.
    left_of_picture_side: Literal["left", "right"]
    left_label_x: float
    right_label_x: float


def figures() -> tuple[Figure, Figure]:
    """The front and back figures, in drawing order."""
    front = Figure("front", 80, 80, outline_polygons("front"), "right", 60, 100)
    back_dx = BACK_OFFSET
    back = Figure(
        "back", 80 + back_dx, 80 + back_dx, outline_polygons("back"), "left", 60 + back_dx,
        100 + back_dx,
    )  # fmt: skip
    return front, back
