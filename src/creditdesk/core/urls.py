from django.urls import path

from creditdesk.core import views

urlpatterns = [path("", views.home, name="home")]
