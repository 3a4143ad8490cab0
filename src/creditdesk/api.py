"""The JSON API: one NinjaAPI with a router per domain, bearer tokens or the session to log in."""

from ninja import NinjaAPI

api = NinjaAPI(title="CreditDesk API", version="1", urls_namespace="api")
