"""Synthetic standards assessments and stated gaps: what the commissioners' pages read besides services."""

import datetime

from directory.models import AssessmentItem, ChecklistType, Rating, StandardsAssessment, StatedGap

from .shapes import BATCH, PREFIX


def make_assessments(rng, service_ids, document, today):
    picked = rng.sample(service_ids, k=max(1, len(service_ids) // 40))
    assessments = StandardsAssessment.objects.bulk_create(
        [
            StandardsAssessment(
                slug=f"{PREFIX}-assessment-{k}",
                service_id=sid,
                assessed_on=today - datetime.timedelta(days=rng.randint(30, 900)),
                assessor="Synthetic assessor",
                checklist_type=rng.choice(ChecklistType.values),
                document=document,
                section="Standards",
                quote=f"Synthetic assessment {k}.",
            )
            for k, sid in enumerate(picked)
        ],
        batch_size=BATCH,
    )
    assessments = StandardsAssessment.objects.filter(slug__startswith=f"{PREFIX}-assessment-")
    AssessmentItem.objects.bulk_create(
        [
            AssessmentItem(
                assessment=assessment,
                number=f"{n // 5 + 1}.{n % 5 + 1}",
                position=n,
                question=f"Synthetic standard {n + 1}?",
                rating=rng.choice(Rating.values),
            )
            for assessment in assessments
            for n in range(rng.randint(10, 25))
        ],
        batch_size=BATCH,
    )
    return len(picked)


def make_stated_gaps(rng, area_groups, risks, document, today):
    gaps = StatedGap.objects.bulk_create(
        [
            StatedGap(
                slug=f"{PREFIX}-gap-{k}",
                statement=f"Synthetic: no high-risk provision in {force.name_en.removeprefix('Synthetic ')}.",
                as_of=today - datetime.timedelta(days=rng.randint(0, 1500)),
                document=document,
                section="Gaps",
                quote=f"Synthetic gap {k}.",
            )
            for k, force in enumerate(area_groups["forces"])
        ]
    )
    gaps = list(StatedGap.objects.filter(slug__startswith=f"{PREFIX}-gap-").order_by("pk"))
    StatedGap.areas.through.objects.bulk_create(
        [
            StatedGap.areas.through(statedgap_id=gap.pk, area_id=force.pk)
            for gap, force in zip(gaps, area_groups["forces"], strict=True)
        ]
    )
    StatedGap.risk_levels.through.objects.bulk_create(
        [StatedGap.risk_levels.through(statedgap_id=g.pk, risklevel_id=risks["high"].pk) for g in gaps]
    )
    return len(gaps)
