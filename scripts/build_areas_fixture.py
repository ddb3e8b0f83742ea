"""Build fixtures/areas.json from sources/reference/areas.json.

Run from the project root: python scripts/build_areas_fixture.py [path/to/areas.json]
The reference file is the source; the fixture is what load_directory loads.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = ROOT / "sources" / "reference" / "areas.json"

# Localities: the reference gives their districts only in a note ("usually
# understood as ..."); they are recorded as inferred memberships.
LOCALITY_DISTRICTS = {
    "west-cumbria": ["allerdale", "copeland"],
    "south-cumbria": ["barrow-in-furness", "south-lakeland"],
    "north-cumbria": ["carlisle", "eden"],
}


def build(reference):
    areas = reference["areas"]
    within = {a["slug"]: [] for a in areas}
    for a in areas:
        for key in ("parent", "police_force", "health_board", "vawdasv_region", "successor"):
            if a.get(key):
                within[a["slug"]].append(a[key])
    for locality, districts in LOCALITY_DISTRICTS.items():
        for district in districts:
            within[district].append(locality)
    out = []
    for a in areas:
        fields = {
            "slug": a["slug"],
            "kind": a["kind"],
            "name_en": a["name_en"],
            "name_cy": a.get("name_cy") or "",
            "gss_code": a.get("gss_code") or "",
            "gss_code_confirmed": a.get("gss_code_confirmed", True),
            "membership_inferred": a.get("membership_inferred", False),
            "since": a.get("since"),
            "style": a.get("style", ""),
            "note": a.get("note", ""),
            "sources": "\n".join(a.get("sources", [])),
            "successor": [a["successor"]] if a.get("successor") else None,
            "within": [[slug] for slug in dict.fromkeys(within[a["slug"]])],
        }
        out.append({"model": "regions.area", "fields": fields})
    return out


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REFERENCE
    reference = json.loads(path.read_text(encoding="utf-8"))
    # Areas are listed containers first so natural keys resolve in one pass.
    fixture = build(reference)
    (ROOT / "fixtures" / "areas.json").write_text(
        json.dumps(fixture, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(fixture)} areas")


if __name__ == "__main__":
    main()
