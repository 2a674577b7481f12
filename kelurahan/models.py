from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Kemendagri codes: province.city.kecamatan(.kelurahan), e.g. 32.71.01 and 32.71.01.1001.
KECAMATAN_CODE_REGEX = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$"
KELURAHAN_CODE_REGEX = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"


class Kecamatan(models.Model):
    code = models.CharField(
        _("Kemendagri code"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(KECAMATAN_CODE_REGEX, _("Use the Kemendagri format NN.NN.NN, e.g. 32.71.01."))],
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=KECAMATAN_CODE_REGEX), name="kecamatan_code_format"),
        ]

    def __str__(self):
        return self.name


class KelurahanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_patbm_step(self):
        """Each kelurahan with `patbm_step`; a kelurahan without a PATBM record is at step 1."""
        return self.select_related("kecamatan").annotate(
            patbm_step=Coalesce("patbm__step", Value(Patbm.Step.BELUM_ADA))
        )


class Kelurahan(models.Model):
    code = models.CharField(
        _("Kemendagri code"),
        max_length=13,
        unique=True,
        validators=[
            RegexValidator(KELURAHAN_CODE_REGEX, _("Use the Kemendagri format NN.NN.NN.NNNN, e.g. 32.71.01.1001."))
        ],
    )
    name = models.CharField(_("name"), max_length=100)
    alternative_name = models.CharField(
        _("alternative spelling"), max_length=100, blank=True, help_text=_("e.g. the 2025 spelling.")
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="kelurahan", verbose_name=_("kecamatan")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive kelurahan leave the coverage count but keep their history.")
    )

    objects = KelurahanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("kelurahan")
        verbose_name_plural = _("kelurahan")
        # Covering the coverage count per kecamatan (selectors.coverage_totals): read from the index alone.
        indexes = [models.Index(fields=["kecamatan", "is_active"], name="kelurahan_kecamatan_active")]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=KELURAHAN_CODE_REGEX), name="kelurahan_code_format"),
        ]

    def __str__(self):
        return self.name


class Patbm(models.Model):
    """The PATBM (community child-protection network) of one kelurahan and its formation step."""

    class Step(models.IntegerChoices):
        BELUM_ADA = 1, _("none yet")
        SOSIALISASI = 2, _("outreach held")
        AKTIVIS_TERIDENTIFIKASI = 3, _("activists identified")
        TERLATIH = 4, _("activists trained")
        TERBENTUK = 5, _("formed (SK)")
        AKTIF = 6, _("active")

    kelurahan = models.OneToOneField(
        Kelurahan, on_delete=models.PROTECT, related_name="patbm", verbose_name=_("kelurahan")
    )
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.BELUM_ADA)
    step_date = models.DateField(_("date of this step"), null=True, blank=True)
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    activist_count = models.PositiveIntegerField(_("number of activists"), default=0)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kelurahan__code"]
        verbose_name = _("PATBM")
        verbose_name_plural = _("PATBM")
        # Each kelurahan's step from the index alone (selectors.coverage_totals joins 83,000 kelurahan to it).
        indexes = [models.Index(fields=["kelurahan", "step"], name="patbm_kelurahan_step")]
        constraints = [
            models.CheckConstraint(condition=Q(step__gte=1, step__lte=6), name="patbm_step_known"),
            models.CheckConstraint(
                condition=Q(step__lt=5) | (Q(sk_date__isnull=False) & ~Q(sk_number="")),
                name="patbm_formed_has_sk",
                violation_error_message=_("A formed PATBM needs the SK number and date."),
            ),
        ]

    def __str__(self):
        return f"PATBM {self.kelurahan}"
