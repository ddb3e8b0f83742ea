"""The hexagon map of Wales: one tile per council, patterned by its weakest risk level, with each level's mark."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from .coverage import Row

# Tile positions (column, row) for the 22 principal areas, north to south
# (odd rows are offset half a tile, as in a pointy-topped hex grid), with
# each area's ISO 3166-2:GB code as its label.
WALES_TILES = {
    "isle-of-anglesey": (1, 0, "AGY"),
    "gwynedd": (0, 1, "GWN"),
    "conwy": (1, 1, "CWY"),
    "denbighshire": (2, 1, "DEN"),
    "flintshire": (3, 1, "FLN"),
    "ceredigion": (1, 2, "CGN"),
    "powys": (2, 2, "POW"),
    "wrexham": (3, 2, "WRX"),
    "pembrokeshire": (0, 3, "PEM"),
    "carmarthenshire": (1, 3, "CMN"),
    "merthyr-tydfil": (2, 3, "MTY"),
    "blaenau-gwent": (3, 3, "BGW"),
    "monmouthshire": (4, 3, "MON"),
    "swansea": (1, 4, "SWA"),
    "neath-port-talbot": (2, 4, "NTL"),
    "rhondda-cynon-taf": (3, 4, "RCT"),
    "caerphilly": (4, 4, "CAY"),
    "torfaen": (5, 4, "TOF"),
    "bridgend": (1, 5, "BGE"),
    "vale-of-glamorgan": (2, 5, "VGL"),
    "cardiff": (3, 5, "CRF"),
    "newport": (4, 5, "NWP"),
}
HEX_SIZE = 46  # centre to corner, in SVG units


@dataclass(frozen=True)
class Tile:
    row: Row
    x: float
    y: float
    points: str
    label: str

    @property
    def gap_count(self):
        return len(self.row.risk_gaps)

    @property
    def unstated_count(self):
        return len(self.row.unstated_levels)

    @property
    def state(self):
        """The weakest of the council's risk-level cells (``STATES``, weakest first): the tile's pattern."""
        states = {cell.state for cell in self.row.by_risk.values()}
        return next((state for state in STATES if state in states), "covered")

    @property
    def marks(self):
        """One mark per risk level, lowest first ("✓ C ✗"): what each level's cell says, in the legend's marks."""
        return " ".join(MARKS[cell.state] for cell in self.row.by_risk.values())

    @property
    def description(self):
        """The tile in words, level by level: "Cardiff: standard risk: 2 services (1 without a conviction); …"."""
        levels = "; ".join(f"{level.label}: {describe(cell)}" for level, cell in self.row.by_risk.items())
        return f"{self.row.area.name}: {levels}"


# A cell's states, weakest first (``Cell.state``), and the mark each has on the map (the legend explains them).
# ``not_known``: no service on a date before the earliest source, when nothing is known (not a gap).
STATES = ["gap", "not_known", "unstated", "stale", "conviction_only", "covered"]
MARKS = {"gap": "✗", "not_known": "–", "unstated": "?", "stale": "!", "conviction_only": "C", "covered": "✓"}


def describe(cell):
    """A risk-level cell in words, as exactly as the matrix says it."""
    if cell.is_gap:
        return gettext("no service")
    if cell.not_known:
        return gettext("not known: no source is this early")
    if cell.only_unstated:
        return ngettext(
            "only %(n)s service whose risk levels or councils are not stated",
            "only %(n)s services whose risk levels or councils are not stated",
            cell.unstated_count,
        ) % {"n": cell.unstated_count}
    words = ngettext("%(n)s service", "%(n)s services", cell.count) % {"n": cell.count}
    if cell.only_with_conviction:
        words = gettext("%(words)s, none open without a conviction or court order") % {"words": words}
    else:
        words = gettext("%(words)s (%(open)s without a conviction)") % {"words": words, "open": cell.open_count}
    if cell.only_stale:
        if cell.not_confirmed_since:
            return gettext("%(words)s — not confirmed since %(date)s") % {
                "words": words,
                "date": cell.not_confirmed_since,
            }
        return gettext("%(words)s — not confirmed by any dated source") % {"words": words}
    return words


def hex_tiles(matrix):
    """The Welsh councils as hexagon tiles, with the risk levels each has no service for."""
    width = math.sqrt(3) * HEX_SIZE
    tiles = []
    for row in matrix.rows:
        position = WALES_TILES.get(row.area.slug)
        if position is None:
            continue
        column, line, code = position
        x = width * (column + (0.5 if line % 2 else 0)) + width
        y = HEX_SIZE * 1.5 * line + HEX_SIZE * 1.2
        corners = [
            (x + HEX_SIZE * math.cos(math.radians(60 * k - 30)), y + HEX_SIZE * math.sin(math.radians(60 * k - 30)))
            for k in range(6)
        ]
        points = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in corners)
        tiles.append(Tile(row=row, x=round(x, 1), y=round(y, 1), points=points, label=code))
    return tiles


MAP_VIEWBOX = "0 0 640 560"
