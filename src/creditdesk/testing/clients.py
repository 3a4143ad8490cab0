"""Test clients acting as a user, by session or by API token, reading the answers in English, the source language."""

from django.contrib.auth.models import User
from django.test import Client

from creditdesk.accounts.services import create_api_token


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    """An ERP or script calling the API with a token of the user's, reading answers in English."""
    _token, plain = create_api_token(user, user, "tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}", HTTP_ACCEPT_LANGUAGE="en")
