"""The criteria the Kelana-Dekela questions ask about, and their status per kelurahan or kecamatan and year."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import Question
from evidence import filetypes
from evidence.models import StoredFile
from kelurahan.models import Kecamatan, Kelurahan


class CriterionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_scope(self, scope: str):
        """The active criteria of one scope, in their order, with the question they feed (one query)."""
        return self.active().filter(scope=scope).select_related("question__indicator").order_by("order", "code")


class Criterion(models.Model):
    """What a Kelana (kecamatan) or Dekela (kelurahan) question counts: e.g. "has a Forum Anak".

    Data, loaded from `dekela/data/` and edited in the admin, so the next instrument can change it. A
    `patbm` criterion is never typed: it is read from the PATBM records (covered from *terbentuk*)."""

    class Scope(models.TextChoices):
        KELURAHAN = "kelurahan", _("kelurahan")
        KECAMATAN = "kecamatan", _("kecamatan")

    class Source(models.TextChoices):
        RECORDED = "recorded", _("recorded per year")
        PATBM = "patbm", _("PATBM records")

    code = models.CharField(_("code"), max_length=30, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    short_name = models.CharField(_("short name"), max_length=40, help_text=_("The matrix's column heading."))
    name = models.CharField(_("name"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"))
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="criteria",
        verbose_name=_("question"), help_text=_("The Kelana-Dekela question whose percentage this criterion gives."),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.RECORDED)
    is_active = models.BooleanField(_("active"), default=True)

    objects = CriterionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["scope", "order", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["kelurahan", "kecamatan"]), name="criterion_scope_known"),
            models.CheckConstraint(condition=Q(source__in=["recorded", "patbm"]), name="criterion_source_known"),
            models.CheckConstraint(condition=~Q(source="patbm") | Q(scope="kelurahan"),
                                   name="criterion_patbm_is_per_kelurahan"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_recorded(self) -> bool:
        return self.source == self.Source.RECORDED


# A status's date (when the criterion was met or checked) lies in the status's year or at most this many
# years before it (a Forum Anak formed in 2012 still counts in 2025), and never before 2000.
DATE_SPAN_YEARS = 20
EARLIEST_DATE_YEAR = 2000


class CriterionStatus(models.Model):
    """Whether one kelurahan (or kecamatan) met one criterion in one year, with the date and a note.

    No row means unknown. Exactly one of kelurahan and kecamatan is set (the criterion's scope)."""

    class Status(models.TextChoices):
        MET = "met", _("met")
        NOT_MET = "not_met", _("not met")
        UNKNOWN = "unknown", _("unknown")

    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="statuses", verbose_name=_("criterion")
    )
    kelurahan = models.ForeignKey(
        Kelurahan, on_delete=models.PROTECT, null=True, blank=True, related_name="criterion_statuses",
        verbose_name=_("kelurahan"),
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, null=True, blank=True, related_name="criterion_statuses",
        verbose_name=_("kecamatan"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNKNOWN)
    date = models.DateField(
        _("date"), null=True, blank=True,
        help_text=_("When it was met (or checked): in the year itself or up to 20 years before it, not before "
                    "2000 and not in the future."))
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "criterion__order"]
        verbose_name = _("criterion status")
        verbose_name_plural = _("criterion statuses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kelurahan__isnull=False) & Q(kecamatan__isnull=True))
                | (Q(kelurahan__isnull=True) & Q(kecamatan__isnull=False)),
                name="criterion_status_one_place",
            ),
            models.CheckConstraint(condition=Q(status__in=["met", "not_met", "unknown"]),
                                   name="criterion_status_known"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="criterion_status_year_range"),
            models.CheckConstraint(
                condition=Q(date__isnull=True) | (
                    Q(date__year__lte=F("year")) & Q(date__year__gte=F("year") - DATE_SPAN_YEARS)
                    & Q(date__year__gte=EARLIEST_DATE_YEAR)),
                name="criterion_status_date_in_its_year_range"),
            models.UniqueConstraint(fields=["criterion", "kelurahan", "year"], condition=Q(kelurahan__isnull=False),
                                    name="criterion_status_one_per_kelurahan_year"),
            models.UniqueConstraint(fields=["criterion", "kecamatan", "year"], condition=Q(kecamatan__isnull=False),
                                    name="criterion_status_one_per_kecamatan_year"),
        ]

    def __str__(self):
        return f"{self.criterion} · {self.kelurahan or self.kecamatan} · {self.year}"


class CriterionEvidenceQuerySet(models.QuerySet):
    def of(self, *, criterion: Criterion, year: int, kelurahan: Kelurahan | None = None,
           kecamatan: Kecamatan | None = None):
        """One status's evidence (a criterion of one place and year), newest first, with who uploaded it."""
        place = {"kelurahan": kelurahan} if kelurahan is not None else {"kecamatan": kecamatan}
        return (self.filter(criterion=criterion, year=year, **place).select_related("uploaded_by")
                .order_by("-uploaded_at", "-pk"))


class CriterionEvidence(StoredFile):
    """A document behind a criterion's status (one kelurahan or kecamatan, one criterion, one year), stored and
    checked as the questions' evidence is (`evidence.services.uploads_store`). Kept whatever the status becomes:
    nothing here is deleted, a newer document is added beside the older ones."""

    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="evidence",
                                  verbose_name=_("criterion"))
    kelurahan = models.ForeignKey(Kelurahan, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="criterion_evidence", verbose_name=_("kelurahan"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="criterion_evidence", verbose_name=_("kecamatan"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)

    objects = CriterionEvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "criterion__order", "uploaded_at"]
        verbose_name = _("criterion evidence")
        verbose_name_plural = _("criterion evidence")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kelurahan__isnull=False) & Q(kecamatan__isnull=True))
                | (Q(kelurahan__isnull=True) & Q(kecamatan__isnull=False)),
                name="criterion_evidence_one_place",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="criterion_evidence_year_range"),
            models.CheckConstraint(condition=~Q(title=""), name="criterion_evidence_title_not_empty"),
            models.CheckConstraint(condition=Q(size__gt=0), name="criterion_evidence_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=list(filetypes.KINDS)), name="criterion_evidence_kind_allowed"),
        ]
        indexes = [models.Index(fields=["criterion", "year"], name="criterion_evidence_status_idx")]

    def __str__(self):
        return self.title
