"""The rundown (直播脚本): ordered segments with a product, talking points, a planned duration and
cues — commands run through the controller (and so journaled) when the segment starts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from console.errors import UserError
from console.show.commands import Command, command_from_dict
from console.show.promotions import Promotions
from console.show.state import ShowState


@dataclass(frozen=True)
class Segment:
    id: str
    title: str
    planned_s: float
    product_id: str = ""
    talking_points: tuple[str, ...] = ()
    cues: tuple[dict[str, Any], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "product_id": self.product_id or None,
            "talking_points": list(self.talking_points),
            "planned_s": self.planned_s,
            "cues": [dict(c) for c in self.cues],
        }


def cue_command(cue: dict[str, Any], promotions: Promotions) -> Command:
    """``{"template": "coupon-199-30"}`` (plus overrides) or a plain command dict."""
    cue = dict(cue)
    if "template" in cue:
        return promotions.command(str(cue.pop("template")), **cue)
    return command_from_dict(cue)


class Rundown:
    def __init__(self, segments: list[Segment] | None = None) -> None:
        self.segments: list[Segment] = list(segments or [])
        ids = [s.id for s in self.segments]
        if len(ids) != len(set(ids)):
            raise UserError("rundown: duplicate segment ids: make them unique")

    def __len__(self) -> int:
        return len(self.segments)

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    def __getitem__(self, index: int) -> Segment:
        return self.segments[index]

    def index_of(self, segment: int | str) -> int:
        if isinstance(segment, int) and not isinstance(segment, bool):
            if 0 <= segment < len(self.segments):
                return segment
            raise UserError(
                f"no segment #{segment}: the rundown has {len(self.segments)} (0-based)"
            )
        for index, seg in enumerate(self.segments):
            if seg.id == segment:
                return index
        raise UserError(f"no segment {segment!r} in the rundown: check the id")

    def cue_commands(self, index: int, promotions: Promotions) -> list[Command]:
        return [cue_command(c, promotions) for c in self.segments[index].cues]

    @property
    def planned_total_s(self) -> float:
        return sum(s.planned_s for s in self.segments)

    @classmethod
    def from_dict(
        cls,
        data: Any,
        promotions: Promotions | None = None,
        product_ids: set[str] | None = None,
        source: str = "rundown.json",
    ) -> Rundown:
        """Load and check: known products and templates, cues that parse."""
        if isinstance(data, dict):
            data = data.get("segments")
        if not isinstance(data, list):
            raise UserError(f'{source}: expected {{"segments": [...]}}: fix the file')
        segments = []
        for index, item in enumerate(data, 1):
            where = f"{source}: segment #{index}"
            if not isinstance(item, dict):
                raise UserError(f"{where} is not an object")
            sid = str(item.get("id") or f"seg-{index}")
            title = str(item.get("title") or "").strip()
            if not title:
                raise UserError(f"{where} has no title")
            planned = item.get("planned_s", 0)
            if not isinstance(planned, int | float) or isinstance(planned, bool) or planned < 0:
                raise UserError(f"{where}: planned_s must be seconds >= 0, got {planned!r}")
            product_id = str(item.get("product_id") or "")
            if product_id and product_ids is not None and product_id not in product_ids:
                raise UserError(f"{where}: unknown product {product_id!r}: add it to the catalog")
            points = item.get("talking_points") or []
            if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
                raise UserError(f"{where}: talking_points must be a list of text")
            cues = item.get("cues") or []
            if not isinstance(cues, list) or not all(isinstance(c, dict) for c in cues):
                raise UserError(f"{where}: cues must be a list of objects")
            for cue in cues:
                try:
                    cue_command(cue, promotions or Promotions())
                except UserError as exc:
                    raise UserError(f"{where} ({sid}): cue {cue}: {exc}") from None
            segments.append(
                Segment(sid, title, float(planned), product_id, tuple(points), tuple(cues))
            )
        return cls(segments)

    def to_dict(self) -> dict[str, Any]:
        return {"segments": [s.to_dict() for s in self.segments]}


def segment_elapsed(state: ShowState, now: float) -> float:
    """Seconds since the current segment started (0 before the first)."""
    return state.rundown.elapsed(now) if state.rundown else 0.0


def overrun(state: ShowState, now: float) -> float:
    """Seconds the current segment is over its planned duration (0 if not)."""
    return state.rundown.overrun(now) if state.rundown else 0.0
