"""The default top band (no amount cap, credit manager and CFO, two approvals) always meant one approval from each
of them; existing databases get it as the "each" rule, and so do the requests still waiting under its terms."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

TOP_BAND = {"roles": "credit_manager,cfo", "approvals_required": 2}
TOP_REQUEST = {"approver_roles": "credit_manager,cfo", "approvals_required": 2, "status": "requested"}


def set_rule(apps: StateApps, rule: str) -> None:
    apps.get_model("limits", "AuthorityBand").objects.filter(up_to=None, from_rating=None, **TOP_BAND).update(rule=rule)
    apps.get_model("limits", "CreditLimit").objects.filter(**TOP_REQUEST).update(approval_rule=rule)


def each(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    set_rule(apps, "each")


def any_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    set_rule(apps, "any")


class Migration(migrations.Migration):
    dependencies = [("limits", "0007_approval_rule")]
    operations = [migrations.RunPython(each, any_again)]
