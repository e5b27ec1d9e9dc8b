"""Products of a show: validation, CSV/JSON import and export, image fetching.

Importing is two explicit steps so a file with bad rows never half-applies:
``result = import_catalog(path)`` reports every bad row with its line and reason, and
``catalog.apply_import(result)`` refuses (listing all of them) unless ``accept_partial=True``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from console.csvcells import safe_dict, unquote_cell
from console.errors import UserError
from console.show.money import cents_to_text, parse_money

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CSV_COLUMNS = (
    "id",
    "title",
    "selling_points",
    "price",
    "original_price",
    "currency",
    "stock",
    "images",
    "platform_product_id",
    "link",
)
LIST_SEPARATOR = "|"  # inside one CSV cell: selling points and images
MAX_STOCK = 10_000_000


@dataclass(frozen=True)
class Product:
    """One product. Money in integer cents; images are show-relative paths or http(s) URLs."""

    id: str
    title: str
    price_cents: int
    stock: int
    selling_points: tuple[str, ...] = ()
    original_price_cents: int | None = None
    currency: str = "CNY"
    images: tuple[str, ...] = ()
    platform_product_id: str = ""
    link: str = ""

    @property
    def discount_percent(self) -> int | None:
        """Whole percent off the original price (for a badge), or None without one."""
        if not self.original_price_cents or self.original_price_cents <= self.price_cents:
            return None
        return round(
            100 * (self.original_price_cents - self.price_cents) / self.original_price_cents
        )

    def to_dict(self) -> dict[str, Any]:
        """File form: amounts as decimal strings in the currency (``"59.90"``)."""
        return {
            "id": self.id,
            "title": self.title,
            "selling_points": list(self.selling_points),
            "price": cents_to_text(self.price_cents),
            "original_price": (
                cents_to_text(self.original_price_cents)
                if self.original_price_cents is not None
                else None
            ),
            "currency": self.currency,
            "stock": self.stock,
            "images": list(self.images),
            "platform_product_id": self.platform_product_id,
            "link": self.link,
        }


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ImportResult:
    """What a file holds: the valid products and every bad row. Nothing is applied yet."""

    source: str
    valid: list[Product] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def is_url(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


def check_relative_path(ref: str) -> str | None:
    """Reason why ``ref`` is not a portable show-relative path, or None when it is."""
    if not ref:
        return "empty path"
    if "\\" in ref:
        return f"use '/' in paths, not '\\': {ref!r}"
    path = PurePosixPath(ref)
    if path.is_absolute() or re.match(r"^[A-Za-z]:", ref):
        return f"absolute path {ref!r}: use a path relative to the show folder, e.g. images/cup.png"
    if ".." in path.parts:
        return f"path {ref!r} leaves the show folder"
    return None


def product_from_dict(data: Mapping[str, Any]) -> Product:
    """Build and validate a product from its file form. Raises ``ValueError`` with the reason."""
    if not isinstance(data, Mapping):
        raise ValueError("not an object")
    unknown = set(data) - set(CSV_COLUMNS) - {"price_cents", "original_price_cents"}
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(unknown))}")
    pid = str(data.get("id") or "").strip()
    if not pid:
        raise ValueError("missing id")
    if not ID_PATTERN.match(pid):
        raise ValueError(f"bad id {pid!r}: use letters, digits, '.', '_' or '-' (at most 64)")
    title = str(data.get("title") or "").strip()
    if not title:
        raise ValueError("missing title")
    if "price_cents" in data:
        price = _int_field(data["price_cents"], "price_cents")
    elif data.get("price") in (None, ""):
        raise ValueError("missing price")
    else:
        price = _money_field(data["price"], "price")
    if price <= 0:
        raise ValueError(f"price must be positive, got {cents_to_text(price)}")
    original: int | None
    if data.get("original_price_cents") not in (None, ""):
        original = _int_field(data["original_price_cents"], "original_price_cents")
    elif data.get("original_price") not in (None, ""):
        original = _money_field(data["original_price"], "original_price")
    else:
        original = None
    if original is not None and original < price:
        raise ValueError(
            f"original price {cents_to_text(original)} is below the price {cents_to_text(price)}"
        )
    currency = str(data.get("currency") or "CNY").strip().upper()
    if not re.match(r"^[A-Z]{3}$", currency):
        raise ValueError(f"bad currency {currency!r}: use a 3-letter code such as CNY")
    if data.get("stock") in (None, ""):
        raise ValueError("missing stock")
    stock = _int_field(data["stock"], "stock")
    if not 0 <= stock <= MAX_STOCK:
        raise ValueError(f"stock must be 0..{MAX_STOCK}, got {stock}")
    points = _list_field(data.get("selling_points"), "selling_points")
    images = _list_field(data.get("images"), "images")
    for ref in images:
        if not is_url(ref):
            problem = check_relative_path(ref)
            if problem:
                raise ValueError(f"image: {problem}")
    link = str(data.get("link") or "").strip()
    if link and not is_url(link):
        raise ValueError(f"link must start with http:// or https://, got {link!r}")
    return Product(
        id=pid,
        title=title,
        price_cents=price,
        stock=stock,
        selling_points=points,
        original_price_cents=original,
        currency=currency,
        images=images,
        platform_product_id=str(data.get("platform_product_id") or "").strip(),
        link=link,
    )


def _money_field(value: object, name: str) -> int:
    try:
        return parse_money(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _int_field(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.match(r"^\s*-?\d+\s*$", value):
        return int(value)
    raise ValueError(f"{name} must be a whole number, got {value!r}")


def _list_field(value: object, name: str) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        items = value.split(LIST_SEPARATOR)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError(f"{name} must be a list or '{LIST_SEPARATOR}'-separated text")
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{name} must hold text, got {item!r}")
        if item.strip():
            out.append(item.strip())
    return tuple(out)


class Catalog:
    """The products of a show, in order, keyed by id."""

    def __init__(self, products: Iterable[Product] = ()) -> None:
        self._products: dict[str, Product] = {}
        for product in products:
            if product.id in self._products:
                raise UserError(
                    f"duplicate product id {product.id!r} in the catalog: make ids unique"
                )
            self._products[product.id] = product

    def __iter__(self) -> Iterator[Product]:
        return iter(self._products.values())

    def __len__(self) -> int:
        return len(self._products)

    def __contains__(self, product_id: object) -> bool:
        return product_id in self._products

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalog) and list(self) == list(other)

    def get(self, product_id: str) -> Product | None:
        return self._products.get(product_id)

    def __getitem__(self, product_id: str) -> Product:
        try:
            return self._products[product_id]
        except KeyError:
            raise UserError(f"unknown product {product_id!r}: check the catalog") from None

    def search(self, text: str) -> list[Product]:
        """Products whose id, title, selling points or platform id contain ``text`` (any case)."""
        needle = text.strip().casefold()
        if not needle:
            return list(self)
        return [
            p
            for p in self
            if needle in p.id.casefold()
            or needle in p.title.casefold()
            or needle in p.platform_product_id.casefold()
            or any(needle in s.casefold() for s in p.selling_points)
        ]

    def upsert(self, product: Product) -> None:
        self._products[product.id] = product

    def apply_import(self, result: ImportResult, accept_partial: bool = False) -> int:
        """Add or replace the valid products of ``result``; returns how many.

        With bad rows and ``accept_partial=False`` nothing changes and a ``UserError`` lists every
        bad row (line and reason).
        """
        if result.errors and not accept_partial:
            rows = "; ".join(str(e) for e in result.errors)
            raise UserError(
                f"{result.source}: {len(result.errors)} bad row(s), nothing imported: {rows} "
                "— fix the file, or import only the valid rows explicitly"
            )
        for product in result.valid:
            self._products[product.id] = product
        return len(result.valid)

    def to_list(self) -> list[dict[str, Any]]:
        return [p.to_dict() for p in self]

    @classmethod
    def from_list(cls, items: object, source: str = "catalog") -> Catalog:
        """Strict load (a show's own catalog.json): any bad product is an error."""
        if isinstance(items, Mapping) and "products" in items:
            items = items["products"]
        if not isinstance(items, list):
            raise UserError(f"{source}: expected a list of products: fix or re-export the file")
        products = []
        seen: set[str] = set()
        for index, item in enumerate(items, 1):
            try:
                product = product_from_dict(item)
            except ValueError as exc:
                raise UserError(f"{source}: product #{index}: {exc}") from None
            if product.id in seen:
                raise UserError(f"{source}: product #{index}: duplicate id {product.id!r}")
            seen.add(product.id)
            products.append(product)
        return cls(products)


# ---------------------------------------------------------------------------- import / export


def import_catalog(path: str | Path) -> ImportResult:
    """Read a ``.csv`` or ``.json`` product file; every bad row is reported with its line."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"catalog file {path} not found: check the path") from None
    except OSError as exc:
        raise UserError(f"cannot read catalog file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{path.name} is not UTF-8 text: save it as UTF-8 (CSV UTF-8)") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return import_catalog_csv(text, path.name)
    if suffix == ".json":
        return import_catalog_json(text, path.name)
    raise UserError(f"{path.name}: unknown catalog format: use a .csv or .json file")


def import_catalog_csv(text: str, source: str = "catalog.csv") -> ImportResult:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in ("id", "title", "price", "stock") if c not in header]
    if missing:
        raise UserError(
            f"{source}: header lacks column(s) {', '.join(missing)}: the first line must name "
            f"the columns ({','.join(CSV_COLUMNS)})"
        )
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise UserError(
            f"{source}: unknown column(s) {', '.join(unknown)}: use {','.join(CSV_COLUMNS)}"
        )
    rows: list[tuple[int, Any]] = []
    start = reader.line_num + 1  # a record's first line (a quoted cell may span several)
    for cells in reader:
        if len(cells) > len(header):
            rows.append((start, ValueError(f"{len(cells)} cells for {len(header)} columns")))
        elif any(cell.strip() for cell in cells):  # blank lines are skipped
            cells = [unquote_cell(c) for c in cells]  # our own export's formula guard
            rows.append((start, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
        start = reader.line_num + 1
    return _collect(rows, source)


def import_catalog_json(text: str, source: str = "catalog.json") -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{source}: not valid JSON at line {exc.lineno}: {exc.msg}") from None
    if isinstance(data, dict) and isinstance(data.get("products"), list):
        start = re.search(r'"products"\s*:\s*\[', text)
        offset = start.end() - 1 if start else text.index("[")
        items = data["products"]
    elif isinstance(data, list):
        offset = text.index("[")
        items = data
    else:
        raise UserError(f'{source}: expected a list of products or {{"products": [...]}}')
    lines = _json_item_lines(text, offset, len(items))
    return _collect(list(zip(lines, items)), source)


def _json_item_lines(text: str, array_start: int, count: int) -> list[int]:
    """Line number where each element of the JSON array starting at ``array_start`` begins."""
    decoder = json.JSONDecoder()
    pos = array_start + 1
    lines = []
    for _ in range(count):
        while text[pos] in " \t\r\n,":
            pos += 1
        lines.append(text.count("\n", 0, pos) + 1)
        _, pos = decoder.raw_decode(text, pos)
    return lines


def _collect(rows: list[tuple[int, Any]], source: str) -> ImportResult:
    result = ImportResult(source=source)
    first_line: dict[str, int] = {}
    for line, item in rows:
        if isinstance(item, Exception):
            result.errors.append(RowError(line, str(item)))
            continue
        try:
            product = product_from_dict(item)
        except ValueError as exc:
            result.errors.append(RowError(line, str(exc)))
            continue
        if product.id in first_line:
            result.errors.append(
                RowError(
                    line, f"duplicate id {product.id!r} (first on line {first_line[product.id]})"
                )
            )
            continue
        first_line[product.id] = line
        result.valid.append(product)
    return result


def export_catalog(catalog: Iterable[Product], path: str | Path) -> None:
    """Write products to ``.csv`` or ``.json`` (re-importable; amounts as decimal strings)."""
    path = Path(path)
    products = list(catalog)
    if path.suffix.lower() == ".json":
        text = json.dumps([p.to_dict() for p in products], ensure_ascii=False, indent=2) + "\n"
    elif path.suffix.lower() == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for p in products:
            row = p.to_dict()
            row["selling_points"] = LIST_SEPARATOR.join(p.selling_points)
            row["images"] = LIST_SEPARATOR.join(p.images)
            row["original_price"] = row["original_price"] or ""
            writer.writerow(safe_dict(row))  # no cell a spreadsheet would run as a formula
        text = buf.getvalue()
    else:
        raise UserError(f"{path.name}: unknown catalog format: use a .csv or .json file name")
    from console.show.safe_files import write_atomic

    # atomic, and never through a link at the file name (it may be inside a show folder)
    write_atomic(path.parent, path, text.encode("utf-8"))


# ---------------------------------------------------------------------------- images

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def fetch_image(
    url: str,
    dest_dir: str | Path,
    timeout: float = 10.0,
    max_bytes: int = MAX_IMAGE_BYTES,
    allowed_types: Iterable[str] = tuple(IMAGE_TYPES),
    is_public: Callable[[Any], bool] | None = None,
) -> Path:
    """Download a product image into ``dest_dir``; returns the file's path.

    The name is the content's SHA-256 prefix, so fetching twice stores once. Refuses non-http(s)
    URLs, HTTP errors, a declared or sniffed type outside ``allowed_types``, more than
    ``max_bytes``, a picture over 40 MP, a redirect from a public to a private address, and a
    transfer that takes longer than ``timeout`` seconds in total (``console/show/image_fetch.py``;
    ``is_public`` overrides which addresses count as public, for tests).
    """
    from console.show.image_fetch import download_image  # only this touches the network

    data, sniffed = download_image(url, timeout, max_bytes, allowed_types, is_public)
    from console.show.safe_files import write_atomic

    dest = Path(dest_dir)
    target = dest / f"{hashlib.sha256(data).hexdigest()[:16]}.{IMAGE_TYPES[sniffed]}"
    if not (target.is_file() and not target.is_symlink()):
        # never through a link planted in the show folder (images/ or the file itself)
        write_atomic(dest.parent, target, data)
    return target


def localize_images(
    catalog: Catalog,
    show_dir: str | Path,
    fetch: Callable[..., Path] = fetch_image,
) -> list[str]:
    """Fetch every URL image into ``show_dir/images`` and point the product at the local copy.

    Returns one line per image that failed (the product keeps its URL); the rest are replaced.
    """
    show_dir = Path(show_dir)
    problems = []
    for product in list(catalog):
        refs = []
        for ref in product.images:
            if is_url(ref):
                try:
                    local = fetch(ref, show_dir / "images")
                    ref = local.relative_to(show_dir).as_posix()
                except UserError as exc:
                    problems.append(f"{product.id}: {exc}")
            refs.append(ref)
        if tuple(refs) != product.images:
            catalog.upsert(replace(product, images=tuple(refs)))
    return problems
