"""Documents go out as attachments, never rendered inline, so an uploaded file cannot run in the app."""

from django.http import FileResponse

from creditdesk.customers.models import Document


def document_response(document: Document) -> FileResponse:
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
