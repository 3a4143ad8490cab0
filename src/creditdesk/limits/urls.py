from django.urls import path

from creditdesk.limits import views

app_name = "limits"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("reviews/", views.reviews, name="reviews"),
    path("blocked-orders/", views.blocked_orders, name="blocked-orders"),
    path("blocked-orders/<int:pk>/release", views.check_release, name="check-release"),
    path("blocked-orders/<int:pk>/reject", views.check_reject, name="check-reject"),
    path("watch/", views.watch, name="watch"),
    path("watch/<int:pk>/note", views.check_note, name="check-note"),
    path("<int:pk>/approve", views.limit_approve, name="approve"),
    path("<int:pk>/reject", views.limit_reject, name="reject"),
    path("customers/<int:pk>/request", views.limit_request, name="request"),
    path("customers/<int:pk>/hold", views.hold, name="hold"),
    path("customers/<int:pk>/release-hold", views.release, name="release-hold"),
]
