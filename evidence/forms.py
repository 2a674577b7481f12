"""Upload, retitle and remove forms. A file's kind is decided from its content (`filetypes.detect`) and
its size checked against EVIDENCE_MAX_FILE_BYTES before anything is stored."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from evidence import filetypes
from evidence.services import Upload

MAX_FILES_PER_UPLOAD = 20
ACCEPT = ".pdf,.jpg,.jpeg,.png,.xlsx,.docx,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = [item for item in (data if isinstance(data, (list, tuple)) else [data]) if item]
        if not items:
            single(None, initial)  # raises "required"
            return []
        return [single(item, initial) for item in items]


def checked_upload(upload, title: str = "") -> Upload:
    """The upload with its kind, or ValidationError naming the file and what to do."""
    name = upload.name or "?"
    if upload.size > settings.EVIDENCE_MAX_FILE_BYTES:
        raise forms.ValidationError(
            _("%(name)s is larger than %(limit)s. Make it smaller (for example scan at a lower resolution) or "
              "split it."),
            code="too_large", params={"name": name, "limit": filesizeformat(settings.EVIDENCE_MAX_FILE_BYTES)})
    try:
        kind = filetypes.detect(upload)
    except filetypes.FileRefused as refused:
        raise forms.ValidationError("%(name)s: %(reason)s", code=refused.code,
                                    params={"name": name, "reason": refused.message}) from refused
    return Upload(content=upload, name=name, kind=kind, title=title)


class EvidenceUploadForm(forms.Form):
    """One or more files for one answer, titled by the title typed (numbered when several files are sent) or
    else by their file names."""

    files = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, JPEG, PNG, XLSX or DOCX; up to %(count)s files at once.") % {"count": MAX_FILES_PER_UPLOAD},
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False,
        help_text=_("For example “Perwal No. 5 Tahun 2024”; numbered when several files are sent. Empty: the file "
                    "name."),
    )

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(_("Send at most %(count)s files at once."), code="too_many",
                                        params={"count": MAX_FILES_PER_UPLOAD})
        errors, checked = [], []
        for upload in uploads:
            try:
                checked.append(checked_upload(upload))
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            raise forms.ValidationError(errors)
        return checked

    def uploads(self) -> list[Upload]:
        checked = self.cleaned_data["files"]
        title = self.cleaned_data["title"].strip()
        if not title:
            return checked
        if len(checked) == 1:
            return [Upload(content=checked[0].content, name=checked[0].name, kind=checked[0].kind, title=title)]
        # One title for several files: each gets it with its number ("Dokumentasi rapat (2)").
        return [Upload(content=upload.content, name=upload.name, kind=upload.kind,
                       title=f"{title[:190]} ({number})") for number, upload in enumerate(checked, start=1)]


class DocumentVersionForm(forms.Form):
    """A new version of a document, sent from a page that showed the document at `version`."""

    file = forms.FileField(label=_("New version"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2 ** 31 - 1)

    def clean_file(self):
        return checked_upload(self.cleaned_data["file"])


class DocumentTitleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2 ** 31 - 1)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the document a title."), code="required")
        return title


class DocumentRemoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2 ** 31 - 1)
