"""Upload, preview and apply: a file is checked first and written only when the user confirms.

A large file is checked (and, once confirmed, written) by the background worker; its page polls for progress.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from creditdesk.core.forms import show_errors
from creditdesk.core.permissions import require
from creditdesk.core.types import AuthedRequest
from creditdesk.imports.forms import UploadForm
from creditdesk.imports.models import ImportStatus
from creditdesk.imports.readers import ImportLimitExceeded
from creditdesk.imports.selectors import import_batches
from creditdesk.imports.services import apply_staged, get_kind, receive_upload

IN_BACKGROUND = (ImportStatus.QUEUED, ImportStatus.RUNNING)


def import_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(import_batches(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page})


def upload(request: AuthedRequest) -> HttpResponse:
    require(request.user, "imports.add_importbatch")
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = receive_upload(request.user, kind=data["kind"], upload=data["upload"], encoding=data["encoding"],
                                   mapping=data["mapping"], apply=False)
            return redirect("imports:detail", batch.pk)
        except ValidationError as error:
            show_errors(form, error)
            status = error.status if isinstance(error, ImportLimitExceeded) else 200
    return render(request, "imports/upload.html", {"form": form}, status=status)


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(import_batches(request.user), pk=pk)
    kind = get_kind(batch.kind)
    errors = [{**error, "column": kind.column_label(error["column"])} for error in batch.errors]
    return render(request, "imports/detail.html", {"batch": batch, "kind": kind, "errors": errors,
                                                   "can_apply": batch.status == ImportStatus.STAGED,
                                                   "in_background": batch.status in IN_BACKGROUND})


@require_POST
def apply(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(import_batches(request.user), pk=pk)
    try:
        batch = apply_staged(request.user, batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:detail", batch.pk)
    if batch.status == ImportStatus.QUEUED:
        messages.info(request, _("The import is written in the background; this page shows how far it has got."))
    elif batch.status == ImportStatus.APPLIED:
        messages.success(request, _("Import applied: %(created)d created, %(updated)d updated, "
                                    "%(unchanged)d unchanged.")
                         % {"created": batch.created_count, "updated": batch.updated_count,
                            "unchanged": batch.unchanged_count})
    else:
        messages.error(request, _("Nothing was written: see the errors below."))
    return redirect("imports:detail", batch.pk)
