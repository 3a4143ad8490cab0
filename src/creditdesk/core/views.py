"""The overview page a user lands on after login."""

from django.http import HttpResponse
from django.shortcuts import render

from creditdesk.core.selectors import overview
from creditdesk.core.types import AuthedRequest
from creditdesk.customers.choices import CustomerStatus


def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/home.html", {"overview": overview(request.user), "statuses": CustomerStatus.choices})
