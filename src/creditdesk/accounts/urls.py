from django.urls import path

from creditdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("tokens/<int:token_id>/revoke", views.revoke_token, name="revoke-token"),
]
