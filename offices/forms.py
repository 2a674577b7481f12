"""An operator's answer to one question, and DPMPPA's review of it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clusters import scoring
from clusters.models import QuestionScore
from core.forms import DecimalInput, HiddenDecimalInput, LocalDecimalField, MarksInvalidFields, column_char_field
from offices.models import AnswerReview

VERSION = {"widget": forms.HiddenInput, "min_value": 0, "max_value": 2 ** 31 - 1}


class AnswerForm(MarksInvalidFields, forms.Form):
    """Score (Indonesian number rule, at most the question's maximum) and note of one question, with the
    version and values the page showed, so only what the operator changed is written."""

    score = LocalDecimalField(label=_("Score"), required=False, max_digits=6, decimal_places=2,
                              widget=DecimalInput(attrs={"class": "form-control text-end"}))
    evidence = column_char_field(QuestionScore._meta.get_field("evidence"), label=_("Evidence note"),
                                 required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    version = forms.IntegerField(**VERSION)
    seen_score = LocalDecimalField(required=False, max_digits=6, decimal_places=2, widget=HiddenDecimalInput)
    seen_evidence = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, question_score: QuestionScore, **kwargs):
        self.question_score = question_score
        kwargs.setdefault("initial", {
            "score": question_score.score, "evidence": question_score.evidence, "version": question_score.version,
            "seen_score": question_score.score, "seen_evidence": question_score.evidence})
        super().__init__(*args, **kwargs)
        self.fields["score"].help_text = _("From 0 to %(max)s.") % {
            "max": DecimalInput().format_value(question_score.max_points)}

    def clean_score(self):
        score = self.cleaned_data["score"]
        # The project's one rule for a question's score (negative, "-0", above the maximum, decimals).
        problem = scoring.score_problem(score, maximum=self.question_score.max_points, question=True)
        if problem:
            raise forms.ValidationError(problem.message, code=problem.code)
        return score

    def clean_seen_score(self):
        seen = self.cleaned_data["seen_score"]
        if seen is not None and (seen < 0 or seen.is_signed()):  # no page ever shows one: a damaged form
            raise forms.ValidationError("", code="damaged")
        return seen

    def changed_fields(self) -> frozenset:
        data = self.cleaned_data
        changed = set()
        if data["score"] != data["seen_score"]:
            changed.add("score")
        if data["evidence"] != (data["seen_evidence"] or ""):
            changed.add("evidence")
        return frozenset(changed)


class ReviewForm(MarksInvalidFields, forms.Form):
    """Approve, or return with a note (required), from a page that showed the review at `version`."""

    APPROVE, RETURN = "approve", "return"

    action = forms.ChoiceField(choices=[(APPROVE, _("Approve")), (RETURN, _("Return"))], widget=forms.HiddenInput)
    note = column_char_field(AnswerReview._meta.get_field("note"), label=_("Note for the office"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
                             help_text=_("Required to return the answer: what the office should fix."))
    version = forms.IntegerField(**VERSION)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.RETURN and not (cleaned.get("note") or "").strip():
            self.add_error("note", forms.ValidationError(_("Say what the office should fix."), code="required"))
        return cleaned
