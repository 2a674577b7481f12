from decimal import Decimal

from django import forms
from django.conf import settings
from django.forms import modelformset_factory
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from clusters.models import Evaluation, FieldDeduction, SelfAssessment
from clusters.services import ScoreChange
from clusters.tables import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, TableError, read_table
from core.forms import DecimalInput, HiddenDecimalInput, LocalDecimalField, column_char_field
from core.numbers import format_decimal


class SelfAssessmentForm(forms.ModelForm):
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

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"

    def clean_score(self):
        score = self.cleaned_data["score"]
        row = self.instance
        if score is None:
            if getattr(row, "deduction_total", 0):
                raise forms.ValidationError(
                    _("This indicator has deductions; it needs a score."), code="required_by_deductions"
                )
            return score
        if score < 0 or score.is_signed():  # "-0" too: a sign on a score is a typing error
            raise forms.ValidationError(_("The score may not be negative."), code="negative")
        if score > row.max_points:
            raise forms.ValidationError(
                _("At most %(maximum)s points: the indicator's maximum."),
                code="above_maximum",
                params={"maximum": format_decimal(row.max_points)},
            )
        deductions = getattr(row, "deduction_total", Decimal("0"))
        if score < deductions:
            raise forms.ValidationError(
                _("At least %(deductions)s points: the deductions already recorded for this indicator."),
                code="below_deductions",
                params={"deductions": format_decimal(deductions)},
            )
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


def _table_error_message(error: TableError) -> str:
    max_mb = settings.IMPORT_MAX_BYTES / (1024 * 1024)
    copy_the_table = _("Copy only the table into a new workbook, or save it as CSV.")
    code, params = error.code, error.params
    if code == "too_large":
        return _("The file is larger than %(size)s MB.") % {"size": number_format(max_mb, 1)}
    if code == "empty":
        return _("The file is empty.")
    if code == "no_rows":
        return _("The file has no rows.")
    if code == "too_many_rows":
        return _("The file has more than %(rows)s rows.") % {"rows": settings.IMPORT_MAX_ROWS}
    if code == "too_many_columns":
        return _("The file has more than %(columns)s columns.") % {"columns": MAX_COLUMNS}
    if code == "too_many_cells":
        return _("The sheet has more than %(cells)s cells (formatted empty cells count too).") % {
            "cells": number_format(params.get("cells", MAX_CELLS), force_grouping=True)} + " " + copy_the_table
    if code == "archive_too_large":
        return _("The workbook is too large or too complex once unpacked to be an import table.") + " " + copy_the_table
    if code == "cell_too_long":
        return _("A cell in line %(line)s holds more than %(characters)s characters.") % {
            "line": params["line"], "characters": number_format(MAX_CELL_CHARS, force_grouping=True)}
    if code == "bad_number_cell":
        return _("Cell %(cell)s holds “%(value)s”, which is not a number. Type the number again, or empty the "
                 "cell.") % params
    if code == "no_sheets":
        return _("The workbook has no worksheet.")
    if code == "broken_xlsx":
        return _("The file looks like an XLSX workbook but is damaged. Open it in Excel and save it again as .xlsx "
                 "or .csv.")
    if code == "broken_csv":
        return _("The CSV file cannot be read from line %(line)s on. Save it again from Excel as .csv.") % params
    return _("The file is neither an XLSX workbook nor a CSV text file. Save it from Excel as .xlsx or .csv.")


class SpreadsheetUploadForm(forms.Form):
    """An XLSX or CSV upload, recognised by its content; `cleaned_data["table"]` is the parsed table.

    The file is read in memory and never stored.
    """

    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_table_error_message(TableError("", code="too_large")), code="too_large")
        try:
            self.cleaned_data["table"] = read_table(
                upload.read(), max_bytes=settings.IMPORT_MAX_BYTES, max_rows=settings.IMPORT_MAX_ROWS
            )
        except TableError as error:
            raise forms.ValidationError(_table_error_message(error), code=error.code) from error
        return upload
