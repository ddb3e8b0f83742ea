"""The hexagon map of Wales: one tile per council, coloured and patterned by its coverage."""

import math
from dataclasses import dataclass

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
