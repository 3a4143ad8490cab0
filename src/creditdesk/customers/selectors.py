"""Reading credit files: who may see which customer, the searchable list, a customer's group."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from creditdesk.core.permissions import require
from creditdesk.core.types import Viewer
from creditdesk.customers.models import Communication, Contact, Customer, Document

SORTS = {
    "name": "name", "-name": "-name", "code": "code", "-code": "-code", "country": "country",
    "-country": "-country", "status": "status", "-status": "-status", "created": "created_at",
    "-created": "-created_at",
}


def visible_customers(user: Viewer) -> QuerySet[Customer]:
    """Sales see the customers they own; roles with the wider permission see all."""
    if not user.is_authenticated or not user.has_perm("customers.view_customer"):
        return Customer.objects.none()
    if user.has_perm("customers.view_all_customers"):
        return Customer.objects.all()
    return Customer.objects.filter(owner=user)


def can_see(user: Viewer, customer: Customer) -> bool:
    if not user.is_authenticated or not user.has_perm("customers.view_customer"):
        return False
    return user.has_perm("customers.view_all_customers") or customer.owner_id == user.pk


def check_visible(user: Viewer, customer: Customer) -> None:
    """A customer the user may not see does not exist for them."""
    if not can_see(user, customer):
        raise Http404(_("No such customer."))


def get_customer(user: Viewer, pk: int) -> Customer:
    customer = (
        Customer.objects.select_related("owner", "analyst", "collector", "parent", "currency")
        .filter(pk=pk).first()
    )
    if customer is None:
        raise Http404(_("No such customer."))
    check_visible(user, customer)
    return customer


@dataclass(frozen=True)
class CustomerFilter:
    """What the customer list can be searched, narrowed and sorted by."""

    search: str = ""
    status: str = ""
    country: str = ""
    industry: str = ""
    owner_id: int | None = None
    sort: str = "name"


def customer_list(user: Viewer, filters: CustomerFilter) -> QuerySet[Customer]:
    """The list page and the API: both names and every code searched, one query per page."""
    customers = visible_customers(user).select_related("owner", "currency")
    term = filters.search.strip()
    if term:
        upper = term.upper()
        customers = customers.filter(
            Q(name__icontains=term) | Q(local_name__icontains=term) | Q(code__startswith=upper)
            | Q(uscc__startswith=upper) | Q(external_id=term)
        )
    if filters.status:
        customers = customers.filter(status=filters.status)
    if filters.country:
        customers = customers.filter(country=filters.country.upper())
    if filters.industry:
        customers = customers.filter(industry=filters.industry)
    if filters.owner_id:
        customers = customers.filter(owner_id=filters.owner_id)
    return customers.order_by(SORTS.get(filters.sort, "name"), "pk")


def group_ancestors(customer: Customer) -> list[Customer]:
    """From the top of the group down to the customer's parent."""
    chain: list[Customer] = []
    parent_id = customer.parent_id
    while parent_id is not None and len(chain) < 100:
        parent = Customer.objects.only("id", "code", "name", "local_name", "parent_id").get(pk=parent_id)
        chain.insert(0, parent)
        parent_id = parent.parent_id
    return chain


def group_members(root: Customer) -> list[tuple[int, Customer]]:
    """Every company under `root`, depth first, with its depth, one query per level."""
    levels: list[list[Customer]] = [[root]]
    while levels[-1]:
        ids = [c.pk for c in levels[-1]]
        levels.append(list(Customer.objects.filter(parent_id__in=ids).only(
            "id", "code", "name", "local_name", "parent_id", "status").order_by("name")))
    children: dict[int | None, list[Customer]] = {}
    for level in levels[1:]:
        for member in level:
            children.setdefault(member.parent_id, []).append(member)
    ordered: list[tuple[int, Customer]] = []

    def walk(node: Customer, depth: int) -> None:
        ordered.append((depth, node))
        for child in children.get(node.pk, []):
            walk(child, depth + 1)

    walk(root, 0)
    return ordered


def customer_group(customer: Customer) -> list[tuple[int, Customer]]:
    """The whole group the customer belongs to, from its top company down; empty when standalone."""
    root = (group_ancestors(customer) or [customer])[0]
    if root.pk == customer.pk and not customer.children.exists():
        return []
    return group_members(root)


def group_ids(user: Viewer, customer: Customer) -> list[int]:
    """The ids of the customer's whole group (itself alone when standalone), for figures of the group.

    Whoever cannot see every company of the group gets none of its figures, rather than a partial total.
    """
    ids = [member.pk for _depth, member in customer_group(customer)] or [customer.pk]
    if len(ids) > 1 and visible_customers(user).filter(pk__in=ids).count() != len(ids):
        raise PermissionDenied(_("You may not see every company of this group."))
    return ids


def customer_contacts(customer: Customer) -> QuerySet[Contact]:
    return customer.contacts.all()


def customer_documents(user: Viewer, customer: Customer) -> QuerySet[Document]:
    """Documents still in the file; deleted ones stay in the database for the audit trail."""
    require(user, "customers.view_document")
    return customer.documents.filter(deleted_at__isnull=True).select_related("uploaded_by")


def get_document(user: Viewer, customer: Customer, pk: int) -> Document:
    document = customer_documents(user, customer).filter(pk=pk).first()
    if document is None:
        raise Http404(_("No such document."))
    return document


def customer_communications(customer: Customer) -> QuerySet[Communication]:
    return customer.communications.select_related("user", "contact")
