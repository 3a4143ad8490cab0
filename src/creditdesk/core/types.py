"""Who acts: services take a signed-in user; reads also accept the anonymous one."""

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

Actor = User
Viewer = User | AnonymousUser


class AuthedRequest(HttpRequest):
    """Every page but the login page, and every API call, has a signed-in user."""

    user: User
