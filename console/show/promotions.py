"""Prepared promotions (promotions.json): coupon, flash-sale, lottery and poll templates.

A template holds what the team decided before the show, in yuan as people write it
(``"threshold": "199", "discount": "30"``); :meth:`Promotions.command` turns it into the command
that launches it, so a rundown cue or a launcher button just names the template id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from console.errors import UserError
from console.show.commands import (
    Command,
    LaunchCoupon,
    OpenLottery,
    StartFlashSale,
    StartPoll,
)
from console.show.money import parse_money

TEMPLATE_TYPES = ("coupon", "flash_sale", "lottery", "poll")
_MONEY_FIELDS = {
    "threshold": "threshold_cents",
    "discount": "discount_cents",
    "sale_price": "sale_price_cents",
    "prize_value": "prize_value_cents",
}


@dataclass(frozen=True)
class Template:
    id: str
    type: str
    title: str
    fields: dict[str, Any]


def _template_command(template: Template, overrides: dict[str, Any]) -> Command:
    data = dict(template.fields)
    data.update(overrides)
    for yuan_name, cents_name in _MONEY_FIELDS.items():
        if yuan_name in data:
            value = data.pop(yuan_name)
            try:
                data[cents_name] = parse_money(value)
            except ValueError as exc:
                raise UserError(f"promotion {template.id!r}: {yuan_name}: {exc}") from None
    for name in ("product_ids", "options"):
        if isinstance(data.get(name), list):
            data[name] = tuple(data[name])
    cls: type[Command] = {
        "coupon": LaunchCoupon,
        "flash_sale": StartFlashSale,
        "lottery": OpenLottery,
        "poll": StartPoll,
    }[template.type]
    if template.type == "coupon":
        data.setdefault("title", template.title)
    try:
        return cls(**data)
    except TypeError as exc:
        raise UserError(f"promotion {template.id!r} ({template.type}): {exc}") from None


class Promotions:
    def __init__(self, templates: list[Template] | None = None) -> None:
        self._templates: dict[str, Template] = {}
        for template in templates or []:
            if template.id in self._templates:
                raise UserError(
                    f"promotions: duplicate template id {template.id!r}: make ids unique"
                )
            self._templates[template.id] = template

    def __iter__(self) -> Iterator[Template]:
        return iter(self._templates.values())

    def __len__(self) -> int:
        return len(self._templates)

    def __contains__(self, template_id: object) -> bool:
        return template_id in self._templates

    def get(self, template_id: str) -> Template:
        try:
            return self._templates[template_id]
        except KeyError:
            raise UserError(
                f"no promotion template {template_id!r}: add it to promotions.json or fix the cue"
            ) from None

    def command(self, template_id: str, **overrides: Any) -> Command:
        """The launch command for a template (overrides e.g. ``quantity=`` win)."""
        return _template_command(self.get(template_id), overrides)

    @classmethod
    def from_dict(cls, data: Any, source: str = "promotions.json") -> Promotions:
        if isinstance(data, dict):
            data = data.get("templates")
        if not isinstance(data, list):
            raise UserError(f'{source}: expected {{"templates": [...]}}: fix the file')
        templates = []
        for index, item in enumerate(data, 1):
            if not isinstance(item, dict):
                raise UserError(f"{source}: template #{index} is not an object")
            fields = dict(item)
            tid = str(fields.pop("id", "") or "")
            ttype = str(fields.pop("type", "") or "")
            title = str(fields.pop("title", "") or "")
            if not tid:
                raise UserError(f"{source}: template #{index} has no id")
            if ttype not in TEMPLATE_TYPES:
                raise UserError(
                    f"{source}: template {tid!r}: type {ttype!r} is not one of {', '.join(TEMPLATE_TYPES)}"
                )
            template = Template(tid, ttype, title, fields)
            _template_command(template, {})  # structural check now, not mid-show
            templates.append(template)
        return cls(templates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "templates": [{"id": t.id, "type": t.type, "title": t.title, **t.fields} for t in self]
        }
