"""Synthetic areas: councils inside police force areas, health boards, regions and a country; what a service covers."""

from regions.models import Area, AreaKind

from .shapes import BATCH, PREFIX


def area_plan(count):
    """How ``count`` areas split into countries, regions, forces, health boards and councils."""
    countries = max(1, count // 150)
    regions = max(1, count // 25)
    forces = max(1, count // 9)
    boards = max(1, count // 7)
    councils = count - countries - regions - forces - boards
    if councils < 2:
        raise ValueError("Ask for at least 8 areas: councils need forces, boards, regions and a country around them.")
    return {"countries": countries, "regions": regions, "forces": forces, "boards": boards, "councils": councils}


def make_areas(count):
    plan = area_plan(count)
    areas = []

    def add(kind, slug, name):
        area = Area(slug=f"{PREFIX}-{slug}", kind=kind, name_en=f"Synthetic {name}", membership_inferred=True)
        areas.append(area)
        return area

    countries = [add(AreaKind.COUNTRY, f"country-{i}", f"country {i + 1}") for i in range(plan["countries"])]
    regions = [add(AreaKind.VAWDASV_REGION, f"region-{i}", f"region {i + 1}") for i in range(plan["regions"])]
    forces = [add(AreaKind.POLICE_FORCE_AREA, f"police-{i}", f"police {i + 1}") for i in range(plan["forces"])]
    boards = [add(AreaKind.HEALTH_BOARD, f"health-board-{i}", f"health board {i + 1}") for i in range(plan["boards"])]
    councils = [add(AreaKind.LOCAL_AUTHORITY, f"council-{i}", f"council {i + 1}") for i in range(plan["councils"])]
    Area.objects.bulk_create(areas, batch_size=BATCH)
    created = {a.slug: a for a in Area.objects.filter(slug__startswith=f"{PREFIX}-")}
    for group in (countries, regions, forces, boards, councils):
        group[:] = [created[a.slug] for a in group]

    n = len(councils)

    def parent(group, index):
        # Contiguous blocks of councils, so neighbours share a force, board and region.
        return group[min(len(group) - 1, index * len(group) // n)]

    edges = []
    for i, council in enumerate(councils):
        region = parent(regions, i)
        for group in (forces, boards, regions):
            edges.append((council.pk, parent(group, i).pk))
        country = min(len(countries) - 1, regions.index(region) * len(countries) // len(regions))
        edges.append((council.pk, countries[country].pk))
    for j, region in enumerate(regions):
        edges.append((region.pk, countries[min(len(countries) - 1, j * len(countries) // len(regions))].pk))
    through = Area.within.through
    through.objects.bulk_create(
        [through(from_area_id=a, to_area_id=b) for a, b in dict.fromkeys(edges)], batch_size=BATCH
    )
    return {"countries": countries, "regions": regions, "forces": forces, "boards": boards, "councils": councils}


def service_areas(rng, areas, council_index):
    """The areas one service covers: mostly one council, sometimes wider (indices into ``areas``)."""
    councils = areas["councils"]
    n = len(councils)
    roll = rng.random()
    if roll < 0.78:
        return [councils[council_index]]
    if roll < 0.83:
        width = rng.choice([2, 3])
        return [councils[(council_index + k) % n] for k in range(width)]
    for limit, key in ((0.91, "forces"), (0.94, "boards"), (0.96, "regions"), (1.0, "countries")):
        if roll < limit:
            group = areas[key]
            return [group[min(len(group) - 1, council_index * len(group) // n)]]
    return [councils[council_index]]
