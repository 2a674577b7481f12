import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.forms import LocalDateField
from dekela.models import DATE_SPAN_YEARS, EARLIEST_DATE_YEAR, CriterionStatus
from dekela.services import StatusChange
from kelurahan.forms import KECAMATAN_SELECT_LIMIT
from kelurahan.models import Kecamatan

NOTE_MAX_LENGTH = 2000


def date_range(year: int) -> tuple[dt.date, dt.date]:
    """The first and last date a status of `year` may carry (the database's criterion_status_date_in_its_year_range)."""
    return dt.date(max(year - DATE_SPAN_YEARS, EARLIEST_DATE_YEAR), 1, 1), dt.date(year, 12, 31)


class MatrixFilterForm(forms.Form):
    """The matrix's filters (GET): a kecamatan, and a criterion with the status its cell must have."""

    kecamatan = forms.TypedChoiceField(label=_("Kecamatan"), coerce=int, required=False, empty_value=None)
    criterion = forms.TypedChoiceField(label=_("Criterion"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *CriterionStatus.Status.choices])

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        kecamatan = list(Kecamatan.objects.filter(is_active=True).order_by("code")
                         .values_list("pk", "name")[: KECAMATAN_SELECT_LIMIT + 1])
        if len(kecamatan) > KECAMATAN_SELECT_LIMIT:
            # The national scale (7,000 kecamatan): a code typed instead of a long dropdown.
            self.fields["kecamatan"] = forms.CharField(label=_("Kecamatan code"), required=False, max_length=20)
        else:
            self.fields["kecamatan"].choices = [("", _("All")), *kecamatan]
        self.fields["criterion"].choices = [("", _("All")), *((c.pk, c.short_name) for c in criteria)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") and not cleaned.get("criterion"):
            self.add_error("status", _("Choose the criterion whose status the rows must have."))
        return cleaned

    def kecamatan_id(self) -> int | None:
        value = self.cleaned_data.get("kecamatan")
        if isinstance(value, str):
            value = value.strip()
            return Kecamatan.objects.filter(code=value).values_list("pk", flat=True).first() or 0 if value else None
        return value


class CriteriaRowForm(forms.Form):
    """One matrix row: per recorded criterion its status, date and note, with the version loaded."""

    def __init__(self, *args, criteria, statuses, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.year = year
        self.earliest, self.latest = date_range(year)
        date_help = _("From %(earliest)s to %(latest)s: the year itself or up to %(span)s years before it, not "
                      "before %(floor)s.") % {"earliest": formats.date_format(self.earliest, "SHORT_DATE_FORMAT"),
                                              # The current year's end is not reached yet: no date in the future.
                                              "latest": formats.date_format(min(self.latest, timezone.localdate()),
                                                                            "SHORT_DATE_FORMAT"),
                                              "span": DATE_SPAN_YEARS, "floor": EARLIEST_DATE_YEAR}
        for criterion in criteria:
            stored = statuses.get(criterion.pk)
            pk = criterion.pk
            self.fields[f"status_{pk}"] = forms.ChoiceField(
                label=criterion.name, choices=CriterionStatus.Status.choices,
                initial=stored.status if stored else CriterionStatus.Status.UNKNOWN)
            self.fields[f"date_{pk}"] = LocalDateField(label=_("Date"), required=False, help_text=date_help,
                                                       initial=stored.date if stored else None)
            self.fields[f"note_{pk}"] = forms.CharField(
                label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, initial=stored.note if stored else "",
                widget=forms.TextInput())
            self.fields[f"version_{pk}"] = forms.IntegerField(
                required=False, min_value=1, widget=forms.HiddenInput, initial=stored.version if stored else None)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for criterion in self.criteria:
            day = data.get(f"date_{criterion.pk}")
            if day and day > today:
                self.add_error(f"date_{criterion.pk}", ValidationError(
                    _("The date may not be in the future."), code="future"))
            elif day and day > self.latest:
                self.add_error(f"date_{criterion.pk}", ValidationError(
                    _("The date is after the end of %(year)s: record it in the year it belongs to."),
                    code="after_year", params={"year": self.year}))
            elif day and day < self.earliest:
                self.add_error(f"date_{criterion.pk}", ValidationError(
                    _("The date is before %(earliest)s: a status of %(year)s is dated in that year or up to "
                      "%(span)s years before it, not before %(floor)s."),
                    code="too_early", params={"earliest": formats.date_format(self.earliest, "SHORT_DATE_FORMAT"),
                                              "year": self.year, "span": DATE_SPAN_YEARS,
                                              "floor": EARLIEST_DATE_YEAR}))
        return data

    @property
    def has_bad_version(self) -> bool:
        """A version that is not a number: the form was changed outside its page (400)."""
        return any(name.startswith("version_") for name in self.errors)

    def rows(self):
        """(criterion, status, date, note, version) bound fields per criterion, for the template."""
        return [(criterion, self[f"status_{criterion.pk}"], self[f"date_{criterion.pk}"],
                 self[f"note_{criterion.pk}"], self[f"version_{criterion.pk}"]) for criterion in self.criteria]

    def changes(self) -> list[StatusChange]:
        return [StatusChange(criterion_id=criterion.pk, version=self.cleaned_data[f"version_{criterion.pk}"],
                             status=self.cleaned_data[f"status_{criterion.pk}"],
                             date=self.cleaned_data[f"date_{criterion.pk}"],
                             note=self.cleaned_data[f"note_{criterion.pk}"].strip())
                for criterion in self.criteria]
