from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from clusters.models import Predicate
from core.forms import (
    DecimalInput,
    LocalDateField,
    LocalDecimalField,
    LocalIntegerField,
    column_char_field,
    mark_invalid,
)
from core.numbers import format_decimal
from planner import planning
from planner.models import Office, Scenario, ScenarioItem

SAVE, SUGGEST = "save", "suggest"


def locked_target_error(start: planning.Start) -> forms.ValidationError:
    """A target above what the stage still lets change (WHAT CAN STILL CHANGE in planner/planning.py)."""
    ceiling = format_decimal(start.ceiling)
    if start.changeable == planning.CHANGE_NONE:
        message = _("The evaluation is final: the target may be at most the starting score, %(ceiling)s.")
    else:
        message = _("The self-assessment is locked in this stage: the target may be at most %(ceiling)s "
                    "(the starting score plus the recoverable points).")
    return forms.ValidationError(message, code="locked", params={"ceiling": ceiling})


class PlannerForm(forms.Form):
    """The planner: goal, assumed PATBM coverage, and per indicator a target and an effort.

    `rows` are the planner's `PlannerRow`s; each gets `target_<number>` and `effort_<number>` fields.
    """

    goal = forms.ChoiceField(label=_("Goal"))
    extra_kelurahan = LocalIntegerField(label=_("More kelurahan with a PATBM (assumed)"), min_value=0,
                                        initial=0, required=False)
    name = column_char_field(Scenario._meta.get_field("name"), label=_("Scenario name"), required=False)
    action = forms.ChoiceField(choices=[(SAVE, SAVE), (SUGGEST, SUGGEST)], required=False, widget=forms.HiddenInput)

    def __init__(self, *args, rows, predicates, remaining_kelurahan: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.predicates = {predicate.code: predicate for predicate in predicates}
        self.fields["goal"].choices = [
            (p.code, f"{p.name} ({'≥' if p.lower_inclusive else '>'} {format_decimal(p.lower_bound)})")
            for p in predicates
        ]
        self.fields["extra_kelurahan"].max_value = remaining_kelurahan
        self.fields["extra_kelurahan"].validators.append(MaxValueValidator(remaining_kelurahan))
        self.fields["extra_kelurahan"].widget.attrs.update({"data-extra-kelurahan": ""})
        for row in rows:
            start = row.start
            self.fields[f"target_{row.number}"] = LocalDecimalField(
                label=_("Target for indicator %(number)s") % {"number": row.code or row.number},
                min_value=Decimal("0"), max_value=start.max_points, max_digits=6, decimal_places=2,
                initial=row.suggested_target,
                widget=DecimalInput(attrs={"data-target": "", "data-number": row.number,
                                           "data-max": str(start.max_points), "data-base": str(start.base),
                                           "data-ceiling": str(start.ceiling),
                                           "class": "form-control form-control-sm"}),
            )
            self.fields[f"effort_{row.number}"] = forms.TypedChoiceField(
                label=_("Effort for indicator %(number)s") % {"number": row.code or row.number},
                choices=ScenarioItem.Effort.choices, coerce=int, initial=ScenarioItem.Effort.MEDIUM,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def full_clean(self):
        super().full_clean()
        # A target the server refused is marked as such, so the page's own check adds no second message.
        mark_invalid(self, [name for name in self.errors if name.startswith("target_")])

    def row_fields(self):
        return [(row, self[f"target_{row.number}"], self[f"effort_{row.number}"]) for row in self.rows]

    def clean_goal(self) -> Predicate:
        return self.predicates[self.cleaned_data["goal"]]

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_extra_kelurahan(self):
        # "-0" parses as 0; a sign on a count is a typing error, not a number of kelurahan.
        if str(self.data.get(self.add_prefix("extra_kelurahan"), "")).strip().startswith("-"):
            raise forms.ValidationError(_("The number of kelurahan may not be negative."), code="negative")
        return self.cleaned_data["extra_kelurahan"]

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            target = cleaned.get(f"target_{row.number}")
            if target is not None and target.is_signed():  # "-0": a sign on a target is a typing error
                self.add_error(f"target_{row.number}",
                               forms.ValidationError(_("The target may not be negative."), code="negative"))
            elif target is not None and row.start.locked and target > row.start.ceiling:
                self.add_error(f"target_{row.number}", locked_target_error(row.start))
        if cleaned.get("action") == SAVE:
            name = cleaned.get("name")
            if not name:
                self.add_error("name", forms.ValidationError(_("Give the scenario a name."), code="required"))
            elif Scenario.objects.filter(name__iexact=name).exists():
                self.add_error("name", forms.ValidationError(_("A scenario with this name exists already."),
                                                             code="duplicate"))
        return cleaned

    def efforts(self) -> dict[int, int]:
        return {row.number: self.cleaned_data.get(f"effort_{row.number}") or ScenarioItem.Effort.MEDIUM
                for row in self.rows}


class ActionItemForm(forms.ModelForm):
    """One item of an action plan; `version` is the item's version when the form was loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    take_theirs = forms.BooleanField(required=False, label=_("Keep the other person's value"))

    class Meta:
        model = ScenarioItem
        fields = ["target", "office", "due_date", "status"]
        field_classes = {"target": LocalDecimalField, "due_date": LocalDateField}
        widgets = {"target": DecimalInput()}

    def __init__(self, *args, office_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)
        self.conflict = None  # set by the view: the item as someone else saved it meanwhile
        self.fields["office"].queryset = Office.objects.filter(is_active=True)
        if office_choices is not None:  # read once for the whole formset
            self.fields["office"].choices = office_choices
        self.fields["office"].required = True
        self.fields["due_date"].required = True
        for name, field in self.fields.items():
            if name == "take_theirs":
                field.widget.attrs["class"] = "form-check-input"
                continue
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target is not None and target.is_signed():  # "-0": a sign on a target is a typing error
            raise forms.ValidationError(_("The target may not be negative."), code="negative")
        if target is not None and not (0 <= target <= self.instance.max_points):
            raise forms.ValidationError(
                _("The target must be between 0 and the maximum (%(max)s).") % {"max": format_decimal(
                    self.instance.max_points)},
                code="out_of_range")
        return target


ActionPlanFormSet = forms.modelformset_factory(ScenarioItem, form=ActionItemForm, extra=0)
