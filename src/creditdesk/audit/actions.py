"""What each audit action code means, in words a credit manager reads."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTIONS: dict[str, Promise] = {
    "customer.create": _("Customer created"),
    "customer.update": _("Customer changed"),
    "contact.create": _("Contact added"),
    "contact.update": _("Contact changed"),
    "contact.delete": _("Contact removed"),
    "document.upload": _("Document uploaded"),
    "document.delete": _("Document removed"),
    "communication.create": _("Communication logged"),
    "exchange_rate.create": _("Exchange rate added"),
    "exchange_rate.update": _("Exchange rate changed"),
    "import.stage": _("File checked"),
    "import.apply": _("Import applied"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "user.create": _("User created"),
    "user.update": _("User changed"),
    "user.roles": _("User roles changed"),
    "user.delete": _("User deleted"),
    "demo_data.load": _("Demo portfolio loaded"),
    "demo_history.load": _("Demo ledger history loaded"),
    "invoice.create": _("Invoice recorded"),
    "payment.create": _("Payment recorded"),
    "credit_note.create": _("Credit note recorded"),
    "allocation.create": _("Payment allocated"),
    "allocation.reverse": _("Allocation reversed"),
    "sales_order.create": _("Sales order recorded"),
    "invoice.update": _("Invoice changed"),
    "payment.update": _("Payment changed"),
    "credit_note.update": _("Credit note changed"),
    "sales_order.update": _("Sales order changed"),
    "credit_limit.request": _("Credit limit requested"),
    "credit_check.approved": _("Order approved by the credit check"),
    "credit_check.watch": _("Order approved by the credit check, to watch"),
    "credit_check.blocked": _("Order blocked by the credit check"),
    "credit_check.release": _("Blocked order released (override)"),
    "credit_check.reject": _("Blocked order rejected"),
    "credit_check.lapse": _("Release of a blocked order lapsed"),
    "credit_check.cancelled": _("Checked order cancelled"),
    "credit_check.invoiced": _("Checked order invoiced"),
    "credit_limit.approve": _("Credit limit approval given"),
    "credit_limit.approved": _("Credit limit approved"),
    "credit_limit.active": _("Credit limit in force"),
    "credit_limit.expired": _("Credit limit expired"),
    "credit_limit.withdrawn": _("Credit limit withdrawn"),
    "credit_limit.rejected": _("Credit limit rejected"),
    "customer.hold": _("Customer put on credit hold"),
    "customer.release": _("Credit hold released"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))
