"""Writes of the criteria (reference data) and of their statuses, through one function each."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clusters.models import Instrument, Question
from clusters.services import ScoreChange, evaluation_question_scores_update
from core.conflicts import WriteRefused
from core.loading import LoadReport
from core.versions import EditConflict, claim
from dekela import selectors
from dekela.models import Criterion, CriterionEvidence, CriterionStatus
from evidence import services as evidence_services
from evidence.services import Upload
from kelurahan.models import Kecamatan, Kelurahan

CRITERIA_2024_CSV = Path(__file__).resolve().parent / "data" / "criteria_2024.csv"


def criteria_load(*, report: LoadReport, criteria_csv: Path = CRITERIA_2024_CSV) -> None:
    """Creates the criteria of the 2024 instrument's Kelana-Dekela questions that are missing (by code),
    each linked to its question of the 2024 instrument when that instrument is loaded. Existing criteria
    are kept as they are (an admin may have changed them)."""
    with criteria_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    questions = {
        (question.indicator.code, question.code): question
        for question in Question.objects.filter(indicator__instrument__code=Instrument.INSTRUMENT_2024)
        .select_related("indicator")
    }
    for order, row in enumerate(rows, start=1):
        _, created = Criterion.objects.get_or_create(code=row["code"], defaults={
            "scope": row["scope"], "short_name": row["short_name"], "name": row["name"], "order": order,
            "source": row["source"], "question": questions.get((row["indicator"], row["question"])),
        })
        report.count("criteria", created)


class PlaceInactive(WriteRefused):
    """A deactivated kelurahan or kecamatan keeps its statuses but takes no new ones."""

    def __init__(self, place):
        super().__init__(_("%(place)s is inactive: its criteria cannot be changed.") % {"place": place})


class NotRecordedHere(WriteRefused):
    """A criterion of the other scope, an inactive one or one read from the PATBM records."""

    def __init__(self, pks):
        super().__init__(_("These criteria are not recorded on this page."))
        self.pks = pks


@dataclass(frozen=True)
class StatusChange:
    """A criterion's status as the row form submits it, with the version the form was loaded from
    (None: the form showed no recorded status)."""

    criterion_id: int
    version: int | None
    status: str
    date: dt.date | None
    note: str

    def same_as(self, row: CriterionStatus | None) -> bool:
        if row is None:
            return self.status == CriterionStatus.Status.UNKNOWN and self.date is None and not self.note
        return (row.status, row.date, row.note) == (self.status, self.date, self.note)


@transaction.atomic
def criterion_statuses_save(*, year: int, changes: list[StatusChange], kelurahan: Kelurahan | None = None,
                            kecamatan: Kecamatan | None = None, reason: str = "") -> int:
    """Saves one place's statuses of one year (one matrix row), all or nothing. Returns how many changed.

    A change equal to what is stored is skipped. A changed status is refused when the stored one moved on
    since the form was loaded (or was recorded meanwhile): `EditConflict` names those criteria and nothing
    is saved. Raises `PlaceInactive` for a deactivated place and `NotRecordedHere` for a criterion that is
    not an active recorded criterion of the place's scope; a status recorded meanwhile by someone else
    for the first time ends in the database's IntegrityError (unique per criterion, place and year).
    `reason` is kept in each status's history (an import names its file there).
    """
    if (kelurahan is None) == (kecamatan is None):
        raise ValueError("give exactly one of kelurahan and kecamatan")
    if kelurahan is not None:
        place, scope, where = Kelurahan.objects.get(pk=kelurahan.pk), Criterion.Scope.KELURAHAN, {
            "kelurahan": kelurahan}
    else:
        place, scope, where = Kecamatan.objects.get(pk=kecamatan.pk), Criterion.Scope.KECAMATAN, {
            "kecamatan": kecamatan}
    if not place.is_active:
        raise PlaceInactive(place)
    ids = [change.criterion_id for change in changes]
    allowed = set(Criterion.objects.for_scope(scope).filter(source=Criterion.Source.RECORDED, pk__in=ids)
                  .values_list("pk", flat=True))
    if set(ids) - allowed:
        raise NotRecordedHere(sorted(set(ids) - allowed))
    rows = {row.criterion_id: row for row in
            CriterionStatus.objects.select_for_update().filter(year=year, criterion_id__in=ids, **where)}
    changed = [change for change in changes if not change.same_as(rows.get(change.criterion_id))]
    stale = [change.criterion_id for change in changed
             if (rows.get(change.criterion_id).version if change.criterion_id in rows else None) != change.version]
    stale += [change.criterion_id for change in changed if change.criterion_id not in stale
              and change.criterion_id in rows
              and not claim(CriterionStatus.objects, pk=rows[change.criterion_id].pk, version=change.version)]
    if stale:
        raise EditConflict(stale)
    for change in changed:
        row = rows.get(change.criterion_id)
        if row is None:
            row = CriterionStatus(criterion_id=change.criterion_id, year=year, status=change.status,
                                  date=change.date, note=change.note, **where)
            if reason:
                row._change_reason = reason
            row.save()
            continue
        row.status, row.date, row.note = change.status, change.date, change.note
        row.version += 1  # claimed above
        if reason:
            row._change_reason = reason
        row.save(update_fields=["status", "date", "note", "version", "updated_at"])
    return len(changed)


class NoSuggestion(WriteRefused):
    """The question is not fed by a criterion (or not of this evaluation)."""

    def __init__(self):
        super().__init__(_("This question has no suggested score from the kelurahan records."))


def suggestion_take(*, evaluation, question_score_pk: int, version: int) -> Decimal:
    """Writes the suggested points (recomputed now) as the question's self-assessment score, through the
    clusters' service: stage lock, versions (`version` is the one the page showed) and history kept, the
    indicator's score and the total following. Returns the points written. Raises `NoSuggestion`,
    `StageClosed` and `QuestionScoresChanged` (an `EditConflict`)."""
    suggestion = selectors.suggestion_for(evaluation, question_score_pk)
    if suggestion is None:
        raise NoSuggestion()
    row = suggestion.question_score
    change = ScoreChange(pk=row.pk, version=version, score=suggestion.points, evidence=row.evidence,
                         fields=frozenset({"score"}))
    evaluation_question_scores_update(evaluation=evaluation, changes=[change],
                                      reason=str(TAKEN_REASON))
    return suggestion.points


TAKEN_REASON = _("Taken from the Kelana-Dekela records")


class NotThisPlacesCriterion(WriteRefused):
    """An inactive criterion, or one of the other scope (a tampered address)."""

    def __init__(self):
        super().__init__(_("This criterion is not one of this page's."))


def criterion_evidence_add(*, criterion: Criterion, year: int, uploads: list[Upload], user,
                           kelurahan: Kelurahan | None = None,
                           kecamatan: Kecamatan | None = None) -> list[CriterionEvidence]:
    """Adds one evidence document per upload (checked by `evidence.forms.checked_upload`) to a criterion of one
    place and year, all or nothing, stored as the questions' evidence is. Earlier documents stay. Raises
    `PlaceInactive` for a deactivated place and `NotThisPlacesCriterion` for a criterion that is inactive or
    of the other scope; files stored before a refusal are deleted again (no row points at them)."""
    if (kelurahan is None) == (kecamatan is None):
        raise ValueError("give exactly one of kelurahan and kecamatan")
    if not uploads:
        raise ValueError("criterion_evidence_add needs at least one upload")
    stored = evidence_services.uploads_store(uploads, year=year)
    try:
        with transaction.atomic():
            if kelurahan is not None:
                place, scope, where = Kelurahan.objects.select_for_update().get(pk=kelurahan.pk), \
                    Criterion.Scope.KELURAHAN, {"kelurahan": kelurahan}
            else:
                place, scope, where = Kecamatan.objects.select_for_update().get(pk=kecamatan.pk), \
                    Criterion.Scope.KECAMATAN, {"kecamatan": kecamatan}
            if not place.is_active:
                raise PlaceInactive(place)
            if not Criterion.objects.for_scope(scope).filter(pk=criterion.pk).exists():
                raise NotThisPlacesCriterion()
            rows = []
            for upload, item in zip(uploads, stored, strict=True):
                row = CriterionEvidence(criterion=criterion, year=year, uploaded_by=user,
                                        title=(upload.title.strip() or upload.default_title)[:200], **where,
                                        **evidence_services.stored_fields(upload, item))
                row._history_user = user
                row.save()
                rows.append(row)
    except Exception:
        evidence_services.stored_discard(stored)
        raise
    return rows
