from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters import scoring
from core.numbers import format_decimal

POINTS = {"max_digits": 6, "decimal_places": 2}


class InstrumentQuerySet(models.QuerySet):
    def default(self):
        """The instrument a new evaluation is created on unless another is chosen (None when unset)."""
        return self.filter(is_default=True).first()


class Instrument(models.Model):
    """One version of the evaluation's questionnaire: its groups, indicators, maxima and (where it has
    them) questions. An evaluation is made on one instrument; the next cycle's is a copy, edited."""

    FRAMEWORK_2019 = "kla-2019"
    INSTRUMENT_2024 = "kla-2024"

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    first_year = models.PositiveSmallIntegerField(
        _("first evaluation year"), validators=[MinValueValidator(2006), MaxValueValidator(2100)],
        help_text=_("The first evaluation cycle this instrument was used for."),
    )
    is_default = models.BooleanField(
        _("default for new evaluations"), default=False,
        help_text=_("Preselected when an evaluation is created. Only one instrument can be the default."),
    )
    source = models.TextField(_("source"), blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="copies",
        verbose_name=_("copied from"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InstrumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_year", "code"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="instrument_one_default"),
            models.CheckConstraint(condition=Q(first_year__gte=2006, first_year__lte=2100),
                                   name="instrument_first_year_plausible"),
        ]

    def __str__(self):
        return self.name


class Cluster(models.Model):
    """A group of an instrument's indicators: Kelembagaan, Klaster I-V (and Kelana-Dekela from 2024)."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("instrument")
    )
    code = models.CharField(
        _("code"), max_length=8,
        help_text=_("The same code in every instrument for the same group, so years compare across instruments."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["instrument", "order"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="cluster_code_unique_in_instrument"),
            models.UniqueConstraint(fields=["instrument", "order"], name="cluster_order_unique_in_instrument"),
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"


class IndicatorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Indicator(models.Model):
    """An indicator of the current framework. Evaluations copy its maximum when created."""

    class Placement(models.TextChoices):
        VERIFIED = "verified", _("verified")
        PARTLY_VERIFIED = "partly verified", _("partly verified")
        INFERRED = "inferred", _("inferred")

    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("instrument")
    )
    number = models.PositiveSmallIntegerField(
        _("position"), help_text=_("The indicator's place in its instrument's order (1, 2, ...).")
    )
    code = models.CharField(
        _("number"), max_length=8, help_text=_("The instrument's own number of the indicator, e.g. 7 or 21A.")
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("cluster")
    )
    name = models.CharField(_("name"), max_length=300)
    max_points = models.DecimalField(
        _("maximum points"),
        **POINTS,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Used by evaluations created from now on; earlier evaluations keep theirs."),
    )
    placement = models.CharField(
        _("placement in cluster"),
        max_length=20,
        choices=Placement.choices,
        default=Placement.VERIFIED,
        help_text=_("How sure the placement of this indicator in its cluster is."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active indicators are copied into a new evaluation.")
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["instrument", "number"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "number"], condition=Q(is_active=True),
                name="indicator_number_unique_when_active",
            ),
            models.UniqueConstraint(
                fields=["instrument", "code"], condition=Q(is_active=True), name="indicator_code_unique_when_active"
            ),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="indicator_max_points_positive"),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def clean(self):
        super().clean()
        if self.cluster_id and self.instrument_id and self.cluster.instrument_id != self.instrument_id:
            raise ValidationError({"cluster": _("Choose a group of the indicator's own instrument.")})


def data_source_names(data_sources: str) -> list[str]:
    """The agencies named in a question's `data_sources` ("Dinkes; Bappeda"), in order, blanks left out."""
    return [name.strip() for name in data_sources.split(";") if name.strip()]


class Question(models.Model):
    """A question of an indicator (2024 instrument on): scored from 0 to its own maximum."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="questions", verbose_name=_("indicator")
    )
    code = models.CharField(_("number"), max_length=10, help_text=_("The instrument's own number, e.g. 2a."))
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("question"))
    max_points = models.DecimalField(
        _("maximum points"), **POINTS, validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Used by evaluations created from now on; earlier evaluations keep theirs. 0 for a question "
                    "that is asked for information only."),
    )
    data_sources = models.CharField(
        _("data sources"), max_length=300, blank=True,
        help_text=_("The agencies that hold the evidence, separated by semicolons."),
    )
    for_kecamatan = models.BooleanField(_("asks about every kecamatan"), default=False)
    for_kelurahan = models.BooleanField(_("asks about every kelurahan"), default=False)

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="question_code_unique_in_indicator"),
            models.UniqueConstraint(fields=["indicator", "order"], name="question_order_unique_in_indicator"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="question_max_points_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator.code}.{self.code}"

    @property
    def sources(self) -> list[str]:
        return data_source_names(self.data_sources)


class EvaluationQuerySet(models.QuerySet):
    def latest_first(self):
        return self.order_by("-year")


class Evaluation(models.Model):
    """One year's KLA evaluation of the city."""

    class Stage(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
        ADMIN_VERIFICATION = "admin_verification", _("Administrative verification")
        MINISTRY_REVIEW = "ministry_review", _("Ministry review")
        FIELD_VERIFICATION = "field_verification", _("Field verification")
        FINAL = "final", _("Final")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2006), MaxValueValidator(2100)]
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("instrument"),
        help_text=_("The questionnaire this evaluation is scored on; it cannot change afterwards."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SELF_ASSESSMENT)
    target = models.ForeignKey(
        "Predicate", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("target predicate"),
        help_text=_("The predicate the city aims for in this evaluation; every gap is measured to it. Empty: Nindya."),
    )
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Demo data, not a real evaluation.")
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The stages after the self-assessment in which points can be lost, in the cycle's order.
    VERIFICATION_STAGES = (Stage.ADMIN_VERIFICATION, Stage.MINISTRY_REVIEW, Stage.FIELD_VERIFICATION)

    objects = EvaluationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2006, year__lte=2100), name="evaluation_year_plausible"),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_self_assessment_open(self) -> bool:
        """Self-assessment scores are entered during the self-assessment stage only."""
        return self.stage == self.Stage.SELF_ASSESSMENT

    @property
    def is_deduction_open(self) -> bool:
        """Field deductions are recorded during the two verification stages only."""
        return self.stage in self.VERIFICATION_STAGES

    @property
    def is_final(self) -> bool:
        return self.stage == self.Stage.FINAL


class SelfAssessmentQuerySet(models.QuerySet):
    def with_deductions(self):
        """Each row with `deduction_total`: the sum of its field deductions (0 when none)."""
        return self.annotate(
            deduction_total=Coalesce(
                Sum("deductions__points"), Decimal("0.00"), output_field=models.DecimalField(**POINTS)
            )
        )

    def for_scoring(self):
        return self.select_related("indicator", "indicator__cluster").with_deductions().order_by(
            "indicator__cluster__order", "indicator__number"
        )


class SelfAssessment(models.Model):
    """An indicator as scored in one evaluation: the city's own score and the maximum it had then.

    One row per indicator is created with the evaluation; `score` stays empty until entered.
    """

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=_("evaluation")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="self_assessments", verbose_name=_("indicator")
    )
    max_points = models.DecimalField(
        _("maximum points"),
        **POINTS,
        help_text=_("The indicator's maximum when this evaluation was created."),
    )
    score = models.DecimalField(
        _("self-assessment score"),
        **POINTS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    evidence = models.TextField(_("evidence note"), blank=True)
    scored_by_questions = models.BooleanField(
        _("scored by questions"), default=False, editable=False,
        help_text=_("The score is the sum of the indicator's question scores (at most its maximum)."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SelfAssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "indicator__number"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="self_assessment_one_per_indicator"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="self_assessment_max_points_positive"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="self_assessment_score_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=F("max_points")),
                name="self_assessment_score_within_max",
                violation_error_message=_("The score may not exceed the indicator's maximum."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} · {self.indicator}"

    def to_score(self) -> scoring.IndicatorScore:
        """This row as a scoring value; needs `deduction_total` from `with_deductions()`."""
        return scoring.IndicatorScore(
            number=self.indicator.number,
            code=self.indicator.code,
            cluster_code=self.indicator.cluster.code,
            max_points=self.max_points,
            self_score=self.score,
            deductions=self.deduction_total,
            name=self.indicator.name,
        )


class QuestionScore(models.Model):
    """A question as scored in one evaluation: the city's score, evidence note and the maximum it had then.

    One row per question is created with the evaluation; the indicator's score (its `SelfAssessment`)
    is the sum of these, at most the indicator's maximum, and is written by the same save.
    """

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.PROTECT, related_name="question_scores", verbose_name=_("self-assessment")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="scores", verbose_name=_("question")
    )
    max_points = models.DecimalField(
        _("maximum points"), **POINTS, help_text=_("The question's maximum when this evaluation was created.")
    )
    score = models.DecimalField(
        _("self-assessment score"), **POINTS, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    evidence = models.TextField(_("evidence note"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["self_assessment", "question__order"]
        verbose_name = _("question score")
        verbose_name_plural = _("question scores")
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "question"], name="question_score_one_per_question"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="question_score_max_points_not_negative"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="question_score_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=F("max_points")),
                name="question_score_within_max",
                violation_error_message=_("The score may not exceed the question's maximum."),
            ),
        ]

    def __str__(self):
        return f"{self.self_assessment.evaluation} · {self.question}"


class VerifiedScore(models.Model):
    """The score a verification stage gives one question, with the reason for every reduction.

    A question without a verified score in a stage keeps the score it had before that stage. Each save
    also writes the indicator's loss in that stage as a `FieldDeduction` (`from_questions`), so every
    total, chart and report reads one ledger for both instruments.
    """

    STAGE_CHOICES = [choice for choice in Evaluation.Stage.choices if choice[0] in Evaluation.VERIFICATION_STAGES]

    question_score = models.ForeignKey(
        QuestionScore, on_delete=models.PROTECT, related_name="verifications", verbose_name=_("question score")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=STAGE_CHOICES)
    score = models.DecimalField(_("verified score"), **POINTS, validators=[MinValueValidator(Decimal("0"))])
    reason = models.TextField(_("verifier's reason"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question_score", "stage"]
        verbose_name = _("verified score")
        verbose_name_plural = _("verified scores")
        constraints = [
            models.UniqueConstraint(fields=["question_score", "stage"], name="verified_score_one_per_stage"),
            models.CheckConstraint(condition=Q(score__gte=0), name="verified_score_not_negative"),
            models.CheckConstraint(
                condition=Q(stage__in=list(Evaluation.VERIFICATION_STAGES)), name="verified_score_stage_valid"
            ),
        ]

    def __str__(self):
        return f"{self.question_score} · {self.get_stage_display()}: {format_decimal(self.score)}"


class FieldDeduction(models.Model):
    """Points deducted by the verification team, with the juror's written reason.

    The database refuses deductions that add up to more than the self-assessment score
    (trigger `field_deduction_total_within_self_assessment`, migration 0002).
    """

    # Deductions are made in the verification stages only.
    STAGE_CHOICES = [choice for choice in Evaluation.Stage.choices if choice[0] != Evaluation.Stage.SELF_ASSESSMENT]

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.PROTECT, related_name="deductions", verbose_name=_("self-assessment")
    )
    points = models.DecimalField(
        _("points deducted"), **POINTS, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.TextField(_("juror's reason"))
    stage = models.CharField(
        _("stage"), max_length=20, choices=STAGE_CHOICES, default=Evaluation.Stage.FIELD_VERIFICATION
    )
    from_questions = models.BooleanField(
        _("from the question scores"), default=False, editable=False,
        help_text=_("The indicator's loss in this stage, worked out from its verified question scores."),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["self_assessment", "created_at", "pk"]
        verbose_name = _("field deduction")
        verbose_name_plural = _("field deductions")
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="field_deduction_points_positive"),
        ]

    def __str__(self):
        return f"{self.self_assessment}: −{format_decimal(self.points)}"


class PredicateQuerySet(models.QuerySet):
    def as_bands(self) -> list[scoring.Band]:
        return [predicate.to_band() for predicate in self.order_by("lower_bound")]


class Predicate(models.Model):
    """A predicate band (Pratama, Madya, Nindya, Utama, KLA): data, editable by admins."""

    NINDYA = "nindya"

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    lower_bound = models.DecimalField(_("lower bound"), **POINTS, unique=True)
    lower_inclusive = models.BooleanField(
        _("lower bound inclusive"),
        default=False,
        help_text=_("Ticked: a score equal to the bound is in this band. Unticked: the score must be above it."),
    )

    objects = PredicateQuerySet.as_manager()

    class Meta:
        ordering = ["lower_bound"]
        verbose_name = _("predicate")
        verbose_name_plural = _("predicates")
        constraints = [
            models.CheckConstraint(
                condition=Q(lower_bound__gte=0, lower_bound__lte=1000), name="predicate_lower_bound_in_range"
            ),
        ]

    def __str__(self):
        sign = "≥" if self.lower_inclusive else ">"
        return f"{self.name} ({sign} {format_decimal(self.lower_bound)})"

    def to_band(self) -> scoring.Band:
        return scoring.Band(
            code=self.code, name=self.name, lower=self.lower_bound, lower_inclusive=self.lower_inclusive, pk=self.pk
        )
