"""The coverage matrix and the stated gaps as CSV, through the one formula-safe writer."""

from directory import csv_safe


def write_matrix_csv(stream, matrix):
    """One row per council: its grouping; for each risk level the count, how many of those are open without a
    conviction, how many services here state no risk level, and the cell's state (covered / unstated / gap); then
    the count for each tier."""
    writer = csv_safe.writer(stream)
    risk_columns = []
    for level in matrix.risk_levels:
        risk_columns += [
            f"risk:{level.slug}",
            f"risk:{level.slug}:without_conviction",
            f"risk:{level.slug}:risk_level_not_stated",
            f"risk:{level.slug}:state",
        ]
    writer.writerow(
        ["area", "grouping", "as_of"]
        + risk_columns
        + [f"tier:{tier.value}" for tier in matrix.tiers]
        + ["risk_levels_with_no_service", "risk_levels_with_only_unstated_services"]
    )
    for group in matrix.groups:
        for row in group.rows:
            cells = []
            for level in matrix.risk_levels:
                cell = row.by_risk[level]
                cells += [cell.count, cell.open_count, cell.unstated_count, cell.state]
            writer.writerow(
                [row.area.slug, group.area.slug if group.area else "", matrix.options.as_of.isoformat()]
                + cells
                + [row.by_tier[tier].count for tier in matrix.tiers]
                + [";".join(level.slug for level in row.risk_gaps), ";".join(lv.slug for lv in row.unstated_levels)]
            )


def write_gaps_csv(stream, matrix, checks):
    """Computed gaps (council × risk level with no service), then the gaps documents state."""
    writer = csv_safe.writer(stream)
    writer.writerow(["kind", "area", "risk_level", "tier", "as_of", "statement", "data_agrees", "source"])
    for row in matrix.rows:
        for level in row.risk_gaps:
            writer.writerow(["computed", row.area.slug, level.slug, "", matrix.options.as_of.isoformat(), "", "", ""])
        for level in row.unstated_levels:
            writer.writerow(
                ["risk_level_not_stated", row.area.slug, level.slug, "", matrix.options.as_of.isoformat(), "", "", ""]
            )
    for check in checks:
        gap = check.gap
        writer.writerow(
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
