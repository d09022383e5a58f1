"""The intake questionnaire: schema and loader for ``engine/data/questionnaire.yaml``.

The file's format is explained in its header comment. Loading validates it with pydantic
(unknown keys rejected, every model frozen) and checks its integrity: unique step ids, linkIds
and option codes, options only on ``choice``/``multi`` items, a range on every ``integer`` item,
a widget that fits the type, and ``show_when`` conditions that point to an EARLIER item with a
value that item can take.

The web app iterates the result to render its forms::

    q = load_questionnaire()
    for step in q.steps:
        for item in step.items:
            item.link_id, item.type, item.widget, item.text
            for option in item.options:
                option.code, option.label

Pure Python: no web framework import.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

ItemType = Literal["integer", "boolean", "choice", "multi"]
Widget = Literal["number", "yes_no", "radio", "checkboxes", "body_map"]
Scalar = bool | int | str

#: Which widgets can ask which item type.
_WIDGETS_FOR_TYPE: Mapping[str, frozenset[str]] = {
    "integer": frozenset({"number"}),
    "boolean": frozenset({"yes_no"}),
    "choice": frozenset({"radio"}),
    "multi": frozenset({"checkboxes", "body_map"}),
}

QUESTIONNAIRE_FILE = "questionnaire.yaml"


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed; the message names the file, entry and field."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Frozen):
    """One answer option of a ``choice`` or ``multi`` item: its spec ``code`` and ``label``."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    help: str | None = None
    #: A "none of these" style code that cannot be combined with other codes (multi only).
    exclusive: bool = False


class ShowWhen(_Frozen):
    """Ask an item only when an earlier answer allows it.

    Exactly one of ``equals`` (the earlier answer must be this value) or ``not_in`` (the earlier
    answer must not be one of these codes) is given. ``if_unanswered`` says whether the item is
    asked while the earlier item has no answer.
    """

    item: str
    equals: Scalar | None = None
    not_in: tuple[Scalar, ...] | None = None
    if_unanswered: bool = False

    @model_validator(mode="after")
    def _one_test(self) -> ShowWhen:
        if (self.equals is None) == (self.not_in is None):
            raise ValueError("give exactly one of 'equals' or 'not_in'")
        return self

    def holds(self, answers: Mapping[str, object]) -> bool:
        """True when the item should be asked given ``answers`` (linkId -> value)."""
        if self.item not in answers:
            return self.if_unanswered
        value = answers[self.item]
        if self.equals is not None:
            return _same(value, self.equals)
        assert self.not_in is not None  # guaranteed by _one_test
        return not any(_same(value, v) for v in self.not_in)


def _same(a: object, b: object) -> bool:
    # bool is a subclass of int in Python; True must not equal 1 here.
    return type(a) is type(b) and a == b


class Item(_Frozen):
    """One question. ``link_id`` is the answer key (``linkId`` in the file and the spec)."""

    link_id: str = Field(alias="linkId", pattern=r"^[a-z][a-z0-9_]*$")
    type: ItemType
    widget: Widget
    text: str = Field(min_length=1)
    help: str | None = None
    min: int | None = None
    max: int | None = None
    unit: str | None = None
    optional: bool = False
    project_only: bool = False
    options: tuple[Option, ...] = ()
    show_when: ShowWhen | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Item:
        if self.widget not in _WIDGETS_FOR_TYPE[self.type]:
            allowed = ", ".join(sorted(_WIDGETS_FOR_TYPE[self.type]))
            raise ValueError(f"widget {self.widget!r} does not fit type {self.type!r} ({allowed})")
        if self.type == "integer":
            if self.min is None or self.max is None or self.min > self.max:
                raise ValueError("an integer item needs min <= max")
        elif self.min is not None or self.max is not None or self.unit is not None:
            raise ValueError("min, max and unit are for integer items only")
        if self.type in ("choice", "multi"):
            codes = [o.code for o in self.options]
            if len(codes) < 2:
                raise ValueError("a choice or multi item needs at least two options")
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise ValueError(f"duplicate option codes: {', '.join(dupes)}")
        elif self.options:
            raise ValueError("options are for choice and multi items only")
        if self.type != "multi" and any(o.exclusive for o in self.options):
            raise ValueError("'exclusive' options are for multi items only")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        """The allowed option codes, in display order (empty for integer/boolean items)."""
        return tuple(o.code for o in self.options)

    @property
    def exclusive_codes(self) -> tuple[str, ...]:
        """Codes that cannot be combined with any other code (e.g. ``none``)."""
        return tuple(o.code for o in self.options if o.exclusive)

    def label_for(self, code: str) -> str:
        """The patient-facing label of ``code``; raises KeyError for an unknown code."""
        for option in self.options:
            if option.code == code:
                return option.label
        raise KeyError(f"{self.link_id}: unknown code {code!r}")


class Step(_Frozen):
    """One page of the form: a single topic with its ordered items."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    intro: str | None = None
    items: tuple[Item, ...] = Field(min_length=1)


class Questionnaire(_Frozen):
    """The whole questionnaire: ordered steps, each with ordered items."""

    version: str
    source: str = Field(min_length=1)
    #: The body-map regions (YAML anchor shared by the region items); kept for reference.
    regions: tuple[Option, ...] = ()
    steps: tuple[Step, ...] = Field(min_length=1)

    _by_id: dict[str, Item] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _integrity(self) -> Questionnaire:
        step_ids = [s.id for s in self.steps]
        dupes = sorted({s for s in step_ids if step_ids.count(s) > 1})
        if dupes:
            raise ValueError(f"duplicate step ids: {', '.join(dupes)}")
        seen: dict[str, Item] = {}
        for step in self.steps:
            for item in step.items:
                if item.link_id in seen:
                    raise ValueError(f"step {step.id!r}: duplicate linkId {item.link_id!r}")
                if item.show_when is not None:
                    _check_show_when(step.id, item, seen)
                seen[item.link_id] = item
        return self

    def model_post_init(self, context: object, /) -> None:
        self._by_id.update({i.link_id: i for s in self.steps for i in s.items})

    @property
    def items(self) -> tuple[Item, ...]:
        """Every item in form order (steps in order, items in order)."""
        return tuple(self._by_id.values())

    @property
    def link_ids(self) -> tuple[str, ...]:
        """Every linkId in form order."""
        return tuple(self._by_id)

    def item(self, link_id: str) -> Item:
        """The item with this linkId; raises KeyError when there is none."""
        return self._by_id[link_id]

    def get(self, link_id: str) -> Item | None:
        """The item with this linkId, or None."""
        return self._by_id.get(link_id)

    def step_of(self, link_id: str) -> Step:
        """The step that asks ``link_id``; raises KeyError when no step does."""
        for step in self.steps:
            if any(i.link_id == link_id for i in step.items):
                return step
        raise KeyError(link_id)


def _check_show_when(step_id: str, item: Item, earlier: Mapping[str, Item]) -> None:
    cond = item.show_when
    assert cond is not None
    where = f"step {step_id!r}, item {item.link_id!r}, show_when"
    gate = earlier.get(cond.item)
    if gate is None:
        raise ValueError(f"{where}: {cond.item!r} is not an earlier item")
    values = [cond.equals] if cond.equals is not None else list(cond.not_in or ())
    for value in values:
        if gate.type == "boolean":
            ok = isinstance(value, bool)
        elif gate.type == "choice":
            ok = isinstance(value, str) and value in gate.codes
        elif gate.type == "integer":
            ok = type(value) is int
        else:  # multi answers are lists: a scalar test on them is meaningless
            ok = False
        if not ok:
            raise ValueError(f"{where}: {value!r} is not a value {cond.item!r} can take")


def parse_questionnaire(data: object, *, origin: str = QUESTIONNAIRE_FILE) -> Questionnaire:
    """Validate parsed YAML ``data`` into a frozen :class:`Questionnaire`.

    Raises :class:`QuestionnaireError` naming ``origin`` and the failing entry and field.
    """
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(
                part
                for part in (
                    ".".join(str(p) for p in err["loc"]),
                    err["msg"].removeprefix("Value error, "),
                )
                if part
            )
            for err in exc.errors()
        )
        raise QuestionnaireError(f"{origin}: {problems}") from None


def _cache_dir() -> Path:
    """Where the parsed YAML is cached: ``$PAINPATH_DATA_DIR/cache`` or ``~/.cache/painpath``."""
    data_dir = os.environ.get("PAINPATH_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "painpath"


def read_questionnaire_data(*, use_cache: bool = True) -> object:
    """The parsed (not yet validated) YAML of the bundled questionnaire.

    Importing PyYAML and parsing the file costs ~15 ms of the CLI's 300 ms cold-start budget,
    so the parsed data is cached as JSON under a name made of the SHA-256 of the file's bytes:
    an edited file gets a new name, so a stale cache is never read. Only the parsing is
    cached; the pydantic validation runs on every load. An unusable cache is ignored.
    """
    raw = resources.files("painpath.engine").joinpath("data", QUESTIONNAIRE_FILE).read_bytes()
    path = _cache_dir() / f"questionnaire-{hashlib.sha256(raw).hexdigest()[:32]}.json"
    if use_cache:
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            pass
    import yaml  # only when the cache misses

    try:
        data = yaml.load(raw.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(f"{QUESTIONNAIRE_FILE}: not valid YAML: {exc}") from None
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, path)  # atomic: a reader never sees half a file
        except (OSError, TypeError, ValueError):
            pass
    return data


@functools.cache
def load_questionnaire() -> Questionnaire:
    """The bundled questionnaire (``engine/data/questionnaire.yaml``), loaded once and cached.

    Returns a frozen :class:`Questionnaire`; raises :class:`QuestionnaireError` if the bundled
    file is malformed (a packaging bug, caught by the test suite).
    """
    return parse_questionnaire(read_questionnaire_data())
