"""A record of every file or batch loaded: who, when, what, how it went."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued for the background worker")
    RUNNING = "running", _("Running in the background")
    STAGED = "staged", _("Checked, ready to apply")
    INVALID = "invalid", _("Has errors, nothing written")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed, nothing written")


class ImportBatch(models.Model):
    """One file or API batch: checked first, then written all at once or not at all.

    A large file is queued and checked (and applied, when asked) by the background worker, which counts
    `rows_checked` of `row_count` as it goes. A rejected file is not kept: the batch keeps its hash and errors.
    """

    kind = models.CharField(_("kind"), max_length=30)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes, an XLSX unpacked)"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    mapping = models.CharField(_("column mapping"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    apply_when_checked = models.BooleanField(_("apply once checked"), default=False)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("applied by"))
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name}"
