from django.urls import path

from creditdesk.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit", views.customer_edit, name="edit"),
    path("<int:pk>/contacts/add", views.contact_add, name="contact-add"),
    path("<int:pk>/contacts/<int:contact_id>/edit", views.contact_edit, name="contact-edit"),
    path("<int:pk>/contacts/<int:contact_id>/delete", views.contact_delete, name="contact-delete"),
    path("<int:pk>/documents/upload", views.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:document_id>/file", views.document_download, name="document-download"),
    path("<int:pk>/documents/<int:document_id>/delete", views.document_delete, name="document-delete"),
    path("<int:pk>/communications/add", views.communication_add, name="communication-add"),
    path("<int:pk>/<str:tab>/", views.customer_detail, name="tab"),
]
