"""A test client signed in as a user and reading the pages in English, the source language."""

from django.contrib.auth.models import User
from django.test import Client


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client
