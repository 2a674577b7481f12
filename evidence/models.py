"""An evidence document answers one question (one indicator where it has no questions) of one evaluation;
each upload of it is an `EvidenceFile` version. Nothing here is ever deleted: a removed document is hidden
from the current answer and stays in the history with all its versions."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusters.models import QuestionScore, SelfAssessment
from evidence import filetypes


def evidence_storage():
    """The storage the files live in: `STORAGES["evidence"]` (a folder on disk by default, S3 as an option)."""
    return storages["evidence"]


def evidence_path(instance, filename: str) -> str:
    # The service names the file (year/random name + the detected kind's extension), never the user.
    return f"evidence/{filename}"


class EvidenceDocumentQuerySet(models.QuerySet):
    def current(self):
        """The documents that are part of the answer now (not removed)."""
        return self.filter(removed_at__isnull=True)


class EvidenceDocument(models.Model):
    """A document attached to a question's answer (or an indicator's), with its title; its file is the
    newest of its versions."""

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.PROTECT, related_name="evidence_documents", verbose_name=_("indicator")
    )
    question_score = models.ForeignKey(
        QuestionScore, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence_documents",
        verbose_name=_("question"),
        help_text=_("Empty on the 2019-era framework, where evidence belongs to the indicator."),
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("removed by"),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False,
        help_text=_("Raised by every change; a change made from an older page is a conflict."),
    )

    objects = EvidenceDocumentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["self_assessment_id", "question_score_id", "created_at", "pk"]
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="evidence_document_title_not_empty"),
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="evidence_document_removed_with_who",
            ),
        ]
        indexes = [models.Index(fields=["question_score", "removed_at"], name="evidence_doc_question_idx")]

    def __str__(self):
        return self.title

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class StoredFile(models.Model):
    """A file stored by `services.uploads_store` (random name in the evidence storage, kind decided from its
    content): what every model that keeps evidence files shares, so `views.file_response` sends any of them.
    Another app's evidence (the Kelana-Dekela criteria) subclasses it with its own link."""

    KIND_CHOICES = [(kind.code, kind.label) for kind in filetypes.KINDS.values()]

    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path, max_length=255)
    thumbnail = models.FileField(
        _("thumbnail"), storage=evidence_storage, upload_to=evidence_path, max_length=255, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def file_kind(self) -> filetypes.Kind:
        return filetypes.KINDS[self.kind]

    @property
    def download_name(self) -> str:
        """The uploader's file name, with the extension of what the file really is."""
        stem, dot, extension = self.original_name.rpartition(".")
        if dot and f".{extension.lower()}" in self.file_kind.extensions:
            return self.original_name
        return f"{stem or self.original_name}{self.file_kind.extension}"


class EvidenceFile(StoredFile):
    """One uploaded version of a document: the stored file, its kind (from its content), size and checksum."""

    document = models.ForeignKey(
        EvidenceDocument, on_delete=models.PROTECT, related_name="files", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))

    class Meta:
        ordering = ["document_id", "number"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="evidence_file_one_per_version"),
            models.CheckConstraint(condition=Q(number__gte=1), name="evidence_file_version_positive"),
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_file_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=list(filetypes.KINDS)), name="evidence_file_kind_allowed"),
        ]

    def __str__(self):
        return f"{self.document} · v{self.number}"
