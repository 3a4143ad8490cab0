"""Factories for tests: users in a role, customers with valid codes, their contacts and notes."""

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import Group, User

from creditdesk.customers.models import Communication, Contact, Customer
from creditdesk.customers.uscc import uscc_check_character


def valid_uscc(n: int) -> str:
    """A code that passes GB 32100-2015: 91 (enterprise), Shanghai division, a running number."""
    body = f"91310000{n:09d}"
    return body + uscc_check_character(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-1")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """`UserFactory(role="sales")` puts the user in that role's group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"T{n:06d}")
    external_id = factory.Sequence(lambda n: f"ERP-{n}")
    name = factory.Sequence(lambda n: f"Test Trading Co. {n}")
    local_name = factory.Sequence(lambda n: f"测试贸易有限公司{n}")
    uscc = factory.Sequence(valid_uscc)
    country = "CN"
    industry = "F"
    currency_id = "CNY"
    status = "active"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    email = factory.Sequence(lambda n: f"ap{n}@example.cn")


class CommunicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Communication

    customer = factory.SubFactory(CustomerFactory)
    kind = "call"
    occurred_on = dt.date(2026, 11, 2)
    summary = "Called about the November statement."
