"""The roles of a credit department and the permissions each one holds."""

from django.utils.translation import gettext_lazy as _

READ_EVERYTHING = [
    "customers.view_customer",
    "customers.view_all_customers",
    "customers.view_contact",
    "customers.view_document",
    "customers.view_communication",
    "audit.view_auditentry",
    "currencies.view_exchangerate",
    "imports.view_importbatch",
    "receivables.view_invoice",
    "receivables.view_payment",
    "receivables.view_creditnote",
    "receivables.view_allocation",
    "receivables.view_salesorder",
    "limits.view_creditlimit",
    "limits.view_limitapproval",
    "limits.view_authorityband",
    "limits.view_checkpoint",
    "limits.view_creditcheck",
    "assessment.view_financialstatement",
]
READ_LEDGER = [p for p in READ_EVERYTHING if p.startswith("receivables.")]
KEEP_CREDIT_FILES = [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
    "customers.add_document",
    "customers.delete_document",
    "customers.add_communication",
    "imports.add_importbatch",
    "receivables.add_invoice",
    "receivables.add_payment",
    "receivables.add_creditnote",
    "receivables.add_allocation",
    "receivables.change_allocation",
    "receivables.add_salesorder",
    "limits.add_creditlimit",
    "limits.approve_creditlimit",
    "limits.hold_customer",
    "limits.add_creditcheck",
    "assessment.add_financialstatement",
    "assessment.change_financialstatement",
]

ROLES: dict[str, dict[str, object]] = {
    "admin": {
        "label": _("Administrator"),
        "permissions": [*READ_EVERYTHING, *KEEP_CREDIT_FILES, "currencies.add_exchangerate",
                        "limits.release_creditcheck", "limits.add_authorityband", "limits.change_authorityband",
                        "limits.delete_authorityband", "limits.change_checkpoint", "accounts.manage_users",
                        "auth.view_user", "auth.add_user",
                        "auth.change_user", "auth.view_group"],
    },
    "credit_manager": {
        "label": _("Credit manager"),
        "permissions": [*READ_EVERYTHING, *KEEP_CREDIT_FILES, "currencies.add_exchangerate",
                        "limits.release_creditcheck"],
    },
    "credit_analyst": {
        "label": _("Credit analyst"),
        "permissions": [*READ_EVERYTHING, *KEEP_CREDIT_FILES],
    },
    "collector": {
        "label": _("Collector"),
        "permissions": [
            "customers.view_customer",
            "customers.view_all_customers",
            "customers.view_contact",
            "customers.view_document",
            "customers.view_communication",
            "customers.add_communication",
            "currencies.view_exchangerate",
            *READ_LEDGER,
            "limits.view_creditlimit",
        ],
    },
    "sales": {
        "label": _("Sales"),
        "permissions": [
            "customers.view_customer",
            "customers.view_contact",
            "customers.view_document",
            "customers.view_communication",
            "customers.add_communication",
            "currencies.view_exchangerate",
            "receivables.view_invoice",
            "receivables.view_salesorder",
            "limits.view_creditlimit",
            "limits.view_creditcheck",
        ],
    },
    "cfo": {
        "label": _("CFO / finance director"),
        "permissions": [*READ_EVERYTHING, "limits.approve_creditlimit"],
    },
    "auditor": {
        "label": _("Auditor"),
        "permissions": [*READ_EVERYTHING],
    },
}
