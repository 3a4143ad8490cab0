from django.urls import path

app_name = "currencies"
urlpatterns: list = []
