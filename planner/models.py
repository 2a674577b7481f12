"""The path to a predicate: responsible offices, the PATBM assumption rule, scenarios and action plans."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from clusters.models import POINTS, Evaluation, Indicator, Predicate
from core.numbers import format_decimal


class Office(models.Model):
    """A perangkat daerah (city office) that can own indicators of the action plan."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office (perangkat daerah)")
        verbose_name_plural = _("offices (perangkat daerah)")

    def __str__(self):
        return self.name


class IndicatorOffice(models.Model):
    """Which office is responsible for an indicator; the default owner of its action-plan items."""

    indicator = models.OneToOneField(
        Indicator, on_delete=models.CASCADE, related_name="responsible", verbose_name=_("indicator")
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("office"))

    class Meta:
        ordering = ["indicator__number"]
        verbose_name = _("responsible office")
        verbose_name_plural = _("responsible offices")

    def __str__(self):
        return f"{self.indicator.code}: {self.office}"


class PatbmRuleQuerySet(models.QuerySet):
    def current(self):
        """The rule in force: the most recently created one (None when there is none)."""
        return self.select_related("indicator").order_by("-pk").first()


class PatbmRule(models.Model):
    """A local assumption, not a KemenPPPA rule: how many points more PATBM coverage adds to the
    indicator that credits it, in a scenario. Admins set it; the planner shows it openly."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("crediting indicator"),
        help_text=_("The indicator whose score PATBM coverage raises."),
    )
    points_per_percent = models.DecimalField(
        _("points per percentage point of coverage"), **POINTS, validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Added to the crediting indicator for each percentage point of kelurahan coverage, "
                    "never beyond the indicator's maximum."),
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PatbmRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("PATBM rule (local assumption)")
        verbose_name_plural = _("PATBM rules (local assumption)")
        constraints = [
            models.CheckConstraint(condition=Q(points_per_percent__gte=0), name="patbm_rule_points_not_negative"),
        ]

    def __str__(self):
        return _("%(points)s points per percentage point → indicator %(number)s") % {
            "points": format_decimal(self.points_per_percent), "number": self.indicator.code}


class ScenarioQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related("evaluation", "predicate", "created_by").order_by("-updated_at", "pk")


class Scenario(models.Model):
    """A named set of target scores per indicator for one evaluation, towards a predicate.
    Once made an action plan, its items carry an owner office, a due date and a status."""

    name = models.CharField(_("name"), max_length=120)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="scenarios",
                                   verbose_name=_("evaluation"))
    predicate = models.ForeignKey(Predicate, on_delete=models.PROTECT, related_name="+", verbose_name=_("goal"))
    extra_kelurahan = models.PositiveSmallIntegerField(
        _("more kelurahan with a PATBM"), default=0,
        help_text=_("Assumed kelurahan with a PATBM formed beyond today's."),
    )
    patbm_points = models.DecimalField(
        _("PATBM points"), **POINTS, default=Decimal("0"),
        help_text=_("Computed with the PATBM rule in force when the scenario was saved."),
    )
    patbm_indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("crediting indicator"))
    is_action_plan = models.BooleanField(_("action plan"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(Lower("name"), name="scenario_name_unique",
                                    violation_error_message=_("A scenario with this name exists already.")),
            models.CheckConstraint(condition=Q(patbm_points__gte=0), name="scenario_patbm_points_not_negative"),
        ]

    def __str__(self):
        return self.name


class ScenarioItem(models.Model):
    """One indicator of a scenario: where it starts, the target, and (in an action plan) who and when."""

    class Effort(models.IntegerChoices):
        LOW = 1, _("low")
        MEDIUM = 2, _("medium")
        HIGH = 3, _("high")

    class Status(models.TextChoices):
        NOT_STARTED = "belum_mulai", _("not started")
        IN_PROGRESS = "berjalan", _("in progress")
        DONE = "selesai", _("done")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="items", verbose_name=_("scenario"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    base = models.DecimalField(_("starting score"), **POINTS)
    recoverable = models.DecimalField(_("recoverable points"), **POINTS, default=Decimal("0"))
    target = models.DecimalField(_("target"), **POINTS)
    effort = models.PositiveSmallIntegerField(_("effort"), choices=Effort.choices, default=Effort.MEDIUM)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, null=True, blank=True, related_name="items",
                               verbose_name=_("responsible office"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    in_plan = models.BooleanField(
        _("in the action plan"), default=False,
        help_text=_("Set when the scenario's action plan is saved with this indicator in it."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every save; a form saved from an older version is a conflict."),
    )

    class Meta:
        ordering = ["scenario", "indicator__number"]
        verbose_name = _("scenario item")
        verbose_name_plural = _("scenario items")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "indicator"], name="scenario_item_one_per_indicator"),
            models.CheckConstraint(condition=Q(target__gte=0) & Q(target__lte=F("max_points")),
                                   name="scenario_item_target_within_max",
                                   violation_error_message=_("The target must be between 0 and the maximum.")),
            models.CheckConstraint(condition=Q(base__gte=0) & Q(base__lte=F("max_points")),
                                   name="scenario_item_base_within_max"),
            models.CheckConstraint(condition=Q(status__in=["belum_mulai", "berjalan", "selesai"]),
                                   name="scenario_item_status_valid"),
            models.CheckConstraint(condition=Q(effort__in=[1, 2, 3]), name="scenario_item_effort_valid"),
        ]

    def __str__(self):
        return f"{self.scenario} · {self.indicator.code}"

    @property
    def gain(self) -> Decimal:
        return self.target - self.base
