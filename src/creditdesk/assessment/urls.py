from django.urls import path

from creditdesk.assessment import model_views, views

app_name = "assessment"
urlpatterns = [
    path("customers/<int:pk>/statements", views.statement_enter, name="statement-enter"),
    path("customers/<int:pk>/ratings", views.rating_record, name="rating-record"),
    path("customers/<int:pk>/qualitative", views.answers_save, name="answers-save"),
    path("statements/<int:pk>/correct", views.statement_correct, name="statement-correct"),
    path("customers/<int:pk>/assessments", views.assessment_run, name="run"),
    path("assessments/<int:pk>/override", views.override_request, name="override-request"),
    path("assessments/<int:pk>/override/approve", views.override_approve, name="override-approve"),
    path("assessments/<int:pk>/override/reject", views.override_reject, name="override-reject"),
    path("overrides/", views.overrides, name="overrides"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("models/", model_views.model_register, name="model-register"),
    path("models/<slug:code>/", model_views.model_page, name="model"),
    path("models/<slug:code>/activation", model_views.model_activation, name="model-activation"),
    path("models/<slug:code>/retirement", model_views.model_retirement, name="model-retirement"),
    path("models/<slug:code>/approve", model_views.model_approve, name="model-approve"),
    path("models/<slug:code>/reject", model_views.model_reject, name="model-reject"),
]
