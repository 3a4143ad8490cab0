from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.audit.actions import action_label
from creditdesk.core.forms import DayField


class AuditFilterForm(forms.Form):
    customer = forms.IntegerField(required=False, label=_("Customer id"),
                                  widget=forms.NumberInput(attrs={"placeholder": _("Customer id")}))
    actor = forms.CharField(required=False, label=_("User"),
                            widget=forms.TextInput(attrs={"placeholder": _("User name")}))
    action = forms.ChoiceField(required=False, label=_("Action"))
    date_from = DayField(required=False, label=_("From"))
    date_to = DayField(required=False, label=_("To"))

    def __init__(self, *args: object, actions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", _("All actions")), *((a, action_label(a)) for a in actions)]  # type: ignore[attr-defined]
