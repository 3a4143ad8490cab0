from django.urls import path

from creditdesk.currencies import views

app_name = "currencies"
urlpatterns = [path("", views.rates, name="rates")]
