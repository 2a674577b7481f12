from decimal import Decimal

from django import forms
from django.forms import BaseFormSet, formset_factory, modelformset_factory
from django.utils.translation import gettext_lazy as _

from clusters import scoring
from clusters.models import (
    Evaluation,
    FieldDeduction,
    Instrument,
    Predicate,
    QuestionScore,
    SelfAssessment,
    VerifiedScore,
)
from clusters.services import ScoreChange
from core.forms import DecimalInput, HiddenDecimalInput, LocalDecimalField, MarksInvalidFields, column_char_field
from core.numbers import format_decimal


class SelfAssessmentForm(MarksInvalidFields, forms.ModelForm):
    """One indicator's score and evidence note, with the version and values the form was loaded with.

    `seen_score` / `seen_evidence` tell whether the user changed the row (only changed rows are saved,
    so a row someone else changed meanwhile is left alone unless this user changed it too).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    seen_score = LocalDecimalField(widget=HiddenDecimalInput, required=False, max_digits=6, decimal_places=2)
    seen_evidence = forms.CharField(widget=forms.HiddenInput, required=False)
    take_theirs = forms.BooleanField(required=False, label=_("Keep the other person's value"))

    class Meta:
        model = SelfAssessment
        fields = ["score", "evidence"]
        field_classes = {"score": LocalDecimalField}
        widgets = {
            "score": DecimalInput(attrs={"class": "form-control text-end", "data-score-input": ""}),
            "evidence": forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance
        self.initial.update(version=row.version, seen_score=row.score, seen_evidence=row.evidence)
        self.fields["take_theirs"].widget.attrs["class"] = "form-check-input"
        self.conflict = None  # set by the view: the other person's newest save of this row
        if getattr(row, "scored_by_questions", False):
            # The sum of the questions: entered on the indicator's question page, never typed here.
            self.fields["score"].disabled = True
        if row.max_points is not None:
            # The page (score-entry.js) refuses a score above the maximum while typing, in the server's words.
            above = scoring.score_problem(row.max_points + Decimal("0.01"), maximum=row.max_points,
                                          question=isinstance(row, QuestionScore))
            self.fields["score"].widget.attrs.update({
                "data-max": str(row.max_points), "data-max-message": above.message,
                "data-negative-message": _("The score may not be negative."),
            })

    def clean_score(self):
        score = self.cleaned_data["score"]
        row = self.instance
        problem = scoring.score_problem(
            score, maximum=row.max_points, deductions=getattr(row, "deduction_total", None) or Decimal("0"),
            question=isinstance(row, QuestionScore),
        )
        if problem:
            raise forms.ValidationError(problem.message, code=problem.code)
        return score

    def changed_fields(self) -> frozenset:
        """The fields the user changed from what the form showed: only these are saved."""
        data = self.cleaned_data
        return frozenset(name for name in ("score", "evidence") if data[name] != data[f"seen_{name}"])

    def user_changed(self) -> bool:
        return bool(self.changed_fields())

    def to_change(self) -> ScoreChange:
        data = self.cleaned_data
        return ScoreChange(pk=self.instance.pk, version=data["version"], score=data["score"], evidence=data["evidence"],
                           fields=self.changed_fields(), seen_score=data["seen_score"],
                           seen_evidence=data["seen_evidence"])


SelfAssessmentFormSet = modelformset_factory(
    SelfAssessment, form=SelfAssessmentForm, extra=0, edit_only=True, can_delete=False
)


class QuestionScoreForm(SelfAssessmentForm):
    """One question's score and evidence note; the same change tracking as an indicator's."""

    class Meta(SelfAssessmentForm.Meta):
        model = QuestionScore
        widgets = {
            "score": DecimalInput(attrs={"class": "form-control text-end", "data-score-input": ""}),
            "evidence": forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
        }


QuestionScoreFormSet = modelformset_factory(
    QuestionScore, form=QuestionScoreForm, extra=0, edit_only=True, can_delete=False
)


class VerifiedScoreForm(MarksInvalidFields, forms.Form):
    """One question's score in the evaluation's current verification stage, with the reason for a reduction.

    Left empty, the question keeps the score it had before the stage. `before` (the score when the stage
    began) is given by the formset: a stage can only lower a score, and a lower one needs a reason.
    """

    id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    score = LocalDecimalField(
        label=_("Verified score"), required=False, max_digits=6, decimal_places=2,
        widget=DecimalInput(attrs={"class": "form-control text-end", "data-verified-input": ""}),
    )
    reason = column_char_field(
        VerifiedScore._meta.get_field("reason"), label=_("Reason for the reduction"), required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control"}),
    )

    def __init__(self, *args, before: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.before = before

    def clean(self):
        cleaned = super().clean()
        if "score" in cleaned:
            problem = scoring.verification_problem(cleaned["score"], cleaned.get("reason") or "", before=self.before)
            if problem:
                self.add_error(problem.field, forms.ValidationError(problem.message, code=problem.code))
        return cleaned


class BaseVerifiedScoreFormSet(BaseFormSet):
    """`befores`: each question score's score when the stage began, by id; a posted form gets the one of
    the id it carries (the view has checked the ids are the page's own)."""

    def __init__(self, *args, befores: dict[int, Decimal], **kwargs):
        self.befores = befores
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        if self.is_bound:
            pk = int(self.data.get(f"{self.prefix}-{index}-id") or 0)
        else:
            pk = self.initial[index]["id"]
        return {**super().get_form_kwargs(index), "before": self.befores.get(pk, Decimal("0"))}


VerifiedScoreFormSet = formset_factory(VerifiedScoreForm, formset=BaseVerifiedScoreFormSet, extra=0)


class EvaluationCreateForm(forms.Form):
    """The instrument a new evaluation is scored on (the default one preselected)."""

    instrument = forms.ModelChoiceField(
        label=_("Instrument"), queryset=Instrument.objects.order_by("-first_year", "name"), empty_label=None,
        widget=forms.RadioSelect,
    )
    target = forms.ModelChoiceField(
        label=_("Target predicate"), queryset=Predicate.objects.order_by("lower_bound"), empty_label=None,
        help_text=_("Every gap on the evaluation's pages is measured to it; an administrator can change it later."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = Instrument.objects.default()
        if default is not None:
            self.initial.setdefault("instrument", default.pk)
        nindya = Predicate.objects.filter(code=Predicate.NINDYA).first()
        if nindya is not None:
            self.initial.setdefault("target", nindya.pk)
        self.fields["target"].widget.attrs["class"] = "form-select"


class DeductionForm(forms.ModelForm):
    """Points deducted for one indicator and the juror's reason; `version` guards against lost edits."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    class Meta:
        model = FieldDeduction
        fields = ["points", "reason"]
        field_classes = {"points": LocalDecimalField}
        widgets = {
            "points": DecimalInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, self_assessment: SelfAssessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.self_assessment = self_assessment
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def clean_points(self):
        points = self.cleaned_data["points"]
        if points is None or points <= 0:
            raise forms.ValidationError(_("Deduct more than 0 points."), code="not_positive")
        # The other deductions of this indicator, as stored now; the database checks it again on save.
        others = sum(
            (d.points for d in self.self_assessment.deductions.all() if d.pk != self.instance.pk), Decimal("0")
        )
        score = self.self_assessment.score or Decimal("0")
        if others + points > score:
            raise forms.ValidationError(
                _("At most %(available)s points: deductions may not exceed the self-assessment score (%(score)s)."),
                code="above_self_assessment",
                params={
                    "available": format_decimal(max(score - others, Decimal("0"))),
                    "score": format_decimal(score),
                },
            )
        return points

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write the juror's reason."), code="required")
        return reason


class StageForm(forms.Form):
    """Moves an evaluation to another stage; reopening a final evaluation needs a reason."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Evaluation.Stage.choices)
    # Kept as the history record's change reason (simple_history's varchar(100)).
    reason = column_char_field(
        Evaluation.history.model._meta.get_field("history_change_reason"),
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation
        self.initial.setdefault("stage", evaluation.stage)

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("stage")
        reopening = self.evaluation.is_final and stage and stage != Evaluation.Stage.FINAL
        if reopening and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason",
                forms.ValidationError(_("Say why this final evaluation is reopened."), code="reason_required"),
            )
        return cleaned
