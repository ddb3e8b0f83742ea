"""The coverage matrix and the stated gaps as CSV, through the one formula-safe writer."""

from directory import csv_safe
from directory.models.dates import iso_at_precision
from directory.models.evidence import date_kind


class _Echo:
    """A file-like object whose ``write`` returns the line: ``csv.writer`` then gives each row as text to stream."""

    def write(self, value):
        return value


def write_matrix_csv(stream, matrix):
    """Write ``matrix_csv_lines`` to ``stream``."""
    for line in matrix_csv_lines(matrix):
        stream.write(line)


def write_gaps_csv(stream, matrix, checks):
    """Write ``gaps_csv_lines`` to ``stream``."""
    for line in gaps_csv_lines(matrix, checks):
        stream.write(line)


def matrix_csv_lines(matrix):
    """One row per council: its grouping; for each risk level the count, how many of those are open without a
    conviction, how many services here state no risk level, how many are confirmed within the threshold, the
    newest evidence where none is (``not_confirmed_since``), and the cell's state (``Cell.state``: covered /
    conviction_only / stale / unstated / gap / not_known, before the earliest source); then the count for each tier
    and whether only stale evidence supports it."""
    writer = csv_safe.writer(_Echo())
    risk_columns = []
    for level in matrix.risk_levels:
        risk_columns += [
            f"risk:{level.slug}",
            f"risk:{level.slug}:without_conviction",
            f"risk:{level.slug}:risk_level_not_stated",
            f"risk:{level.slug}:confirmed",
            f"risk:{level.slug}:not_confirmed_since",
            f"risk:{level.slug}:state",
        ]
    yield writer.writerow(
        ["area", "grouping", "as_of"]
        + risk_columns
        + [f"tier:{tier.value}" for tier in matrix.tiers]
        + [f"tier:{tier.value}:not_confirmed_since" for tier in matrix.tiers]
        + ["risk_levels_with_no_service", "risk_levels_with_only_unstated_services"]
    )
    for group in matrix.groups:
        for row in group.rows:
            cells = []
            for level in matrix.risk_levels:
                cell = row.by_risk[level]
                cells += [
                    cell.count,
                    cell.open_count,
                    cell.unstated_count,
                    cell.confirmed_count,
                    _not_confirmed_since(cell),
                    cell.state,
                ]
            yield writer.writerow(
                [row.area.slug, group.area.slug if group.area else "", matrix.options.as_of.isoformat()]
                + cells
                + [row.by_tier[tier].count for tier in matrix.tiers]
                + [_not_confirmed_since(row.by_tier[tier]) for tier in matrix.tiers]
                + [";".join(level.slug for level in row.risk_gaps), ";".join(lv.slug for lv in row.unstated_levels)]
            )


def _not_confirmed_since(cell):
    """The newest evidence of a cell whose every counted service is stale, in ISO 8601 whatever the page's language
    ("2023-11", "2018", "after 2019-04" for an undated document), ``none dated`` where none is dated, or "" where
    some counted service is confirmed within the threshold (or none is counted)."""
    if not cell.only_stale:
        return ""
    return cell.not_confirmed_since_iso or "none dated"


# The gaps CSV's rows for the weaker cell states, by ``Cell.state``.
WEAK_STATES = {
    "gap": "computed",
    "unstated": "risk_level_not_stated",
    "stale": "not_confirmed_since",
    "conviction_only": "only_with_a_conviction_or_order",
}


def gaps_csv_lines(matrix, checks):
    """Computed gaps (council × risk level with no service; on a date before the earliest source none, and one
    ``not_known`` row saying why), risk levels with only services whose risk level is not
    stated, with only services not confirmed within the threshold (the newest evidence in ``statement``), and with
    only services that need a conviction, caution or court order; then the gaps documents state."""
    writer = csv_safe.writer(_Echo())
    yield writer.writerow(["kind", "area", "risk_level", "tier", "as_of", "statement", "data_agrees", "source"])
    as_of = matrix.options.as_of.isoformat()
    if matrix.before_evidence:
        # As precisely as the source is dated (1 January stands for its year): "2013", not "2013-01-01".
        earliest = iso_at_precision(matrix.earliest_evidence, date_kind(matrix.earliest_evidence, None))
        statement = f"before the earliest source ({earliest}): no source describes services then, so no gaps are listed"
        yield writer.writerow(["not_known", "", "", "", as_of, statement, "", ""])
    for row in matrix.rows:
        for state, kind in WEAK_STATES.items():
            for level, cell in row.by_risk.items():
                if cell.state == state:
                    statement = _not_confirmed_since(cell) if state == "stale" else ""
                    yield writer.writerow([kind, row.area.slug, level.slug, "", as_of, statement, "", ""])
    for check in checks:
        gap = check.gap
        yield writer.writerow(
            [
                "stated",
                ";".join(area.slug for area in gap.areas.all()),
                ";".join(level.slug for level in gap.risk_levels.all()),
                gap.tier,
                gap.as_of.isoformat() if gap.as_of else "",
                gap.statement,
                ("yes" if check.agrees else "no" if check.dated else "undated") if check.checkable else "not checkable",
                f"{gap.document.title}, {gap.section}: {gap.quote}",
            ]
        )


# --------------------------------------------------------------------------
# Funding
# --------------------------------------------------------------------------
