import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LocalDateField, LocalIntegerField
from kelurahan.models import KELURAHAN_CODE_REGEX, Kecamatan, Kelurahan, Patbm
from kelurahan.selectors import STATUS_ACTIVE, STATUS_ALL, STATUS_INACTIVE

KECAMATAN_SELECT_LIMIT = 50


class KelurahanFilterForm(forms.Form):
    """The search and filters of the kelurahan list (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name (either spelling) or code")}),
    )
    # A dropdown of the kecamatan while they are few (a city); beyond KECAMATAN_SELECT_LIMIT a text
    # field (name or code) replaces it, so the page stays small with the national 7,000.
    kecamatan = forms.TypedChoiceField(label=_("Kecamatan"), coerce=int, required=False, empty_value=None)
    step = forms.TypedChoiceField(
        label=_("PATBM step"),
        choices=[("", _("All"))] + Patbm.Step.choices,
        coerce=int,
        required=False,
        empty_value=None,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(STATUS_ACTIVE, _("Active")), (STATUS_INACTIVE, _("Inactive")), (STATUS_ALL, _("All"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kecamatan = list(Kecamatan.objects.order_by("code").values_list("pk", "name")[: KECAMATAN_SELECT_LIMIT + 1])
        self.kecamatan_as_text = len(kecamatan) > KECAMATAN_SELECT_LIMIT
        if self.kecamatan_as_text:
            self.fields["kecamatan"] = forms.CharField(
                label=_("Kecamatan"),
                required=False,
                max_length=100,
                widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
            )
        else:
            self.fields["kecamatan"].choices = [("", _("All")), *kecamatan]


class KecamatanForm(forms.ModelForm):
    class Meta:
        model = Kecamatan
        fields = ["code", "name"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.instance.pk and code != self.instance.code and self.instance.kelurahan.exists():
            raise ValidationError(
                _("This kecamatan has kelurahan whose codes start with %(code)s; the code cannot change."),
                code="code_in_use",
                params={"code": self.instance.code},
            )
        return code


class KelurahanForm(forms.ModelForm):
    class Meta:
        model = Kelurahan
        fields = ["code", "name", "alternative_name", "kecamatan"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only active kecamatan take kelurahan (the current one stays selectable when editing).
        current = self.instance.kecamatan_id if self.instance.pk else None
        self.fields["kecamatan"].queryset = Kecamatan.objects.filter(Q(is_active=True) | Q(pk=current))

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean(self):
        cleaned = super().clean()
        code, kecamatan = cleaned.get("code"), cleaned.get("kecamatan")
        # A malformed code gets the format error from the model field instead (checked after clean()).
        well_formed = code and re.fullmatch(KELURAHAN_CODE_REGEX, code)
        if well_formed and kecamatan and not code.startswith(f"{kecamatan.code}."):
            self.add_error(
                "code",
                ValidationError(
                    _("A kelurahan code starts with its kecamatan's code (%(prefix)s.NNNN)."),
                    code="kecamatan_prefix",
                    params={"prefix": kecamatan.code},
                ),
            )
        return cleaned


class PatbmForm(forms.ModelForm):
    """A PATBM step with its date; from terbentuk on the SK number and date are required (as in the DB)."""

    class Meta:
        model = Patbm
        fields = ["step", "step_date", "sk_number", "sk_date", "activist_count", "note"]
        field_classes = {"step_date": LocalDateField, "sk_date": LocalDateField, "activist_count": LocalIntegerField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "step_date": _("When this step happened (not when you enter it)."),
            "sk_number": _("Required from the step formed (SK) on."),
        }

    # The record's version as this form loaded it (0: no record yet); another version at save time
    # means someone else saved in between (see kelurahan.services.patbm_save).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step_date"].required = True
        self.initial["version"] = self.instance.version if self.instance.pk else 0

    def patbm_values(self) -> dict:
        """The cleaned record values and loaded version, as `services.patbm_save` takes them."""
        values = {name: self.cleaned_data[name] for name in self._meta.fields}
        return {**values, "version": self.cleaned_data["version"] or 0}

    def _not_in_future(self, field):
        value = self.cleaned_data.get(field)
        if value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future_date")
        return value

    def clean_step_date(self):
        return self._not_in_future("step_date")

    def clean_sk_date(self):
        return self._not_in_future("sk_date")

    def clean_activist_count(self):
        # "-0" parses as 0; a sign on a count is a typing error, not a number of people.
        if str(self.data.get(self.add_prefix("activist_count"), "")).strip().startswith("-"):
            raise ValidationError(_("The number of activists may not be negative."), code="negative")
        return self.cleaned_data["activist_count"]

    def clean_sk_number(self):
        return self.cleaned_data["sk_number"].strip()

    def clean(self):
        cleaned = super().clean()
        step = cleaned.get("step")
        if step is not None and step >= Patbm.Step.TERBENTUK:
            if not cleaned.get("sk_number") and "sk_number" not in self.errors:
                self.add_error(
                    "sk_number",
                    ValidationError(_("A formed PATBM needs the number of its SK."), code="sk_number_required"),
                )
            if not cleaned.get("sk_date") and "sk_date" not in self.errors:
                self.add_error(
                    "sk_date", ValidationError(_("A formed PATBM needs the date of its SK."), code="sk_date_required")
                )
        return cleaned
