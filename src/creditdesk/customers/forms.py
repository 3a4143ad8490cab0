"""Forms for the credit file; they only collect input, the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from creditdesk.core.forms import DateInput
from creditdesk.customers.choices import CustomerStatus, Industry
from creditdesk.customers.models import Communication, Contact, Customer, Document


class CustomerForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), required=False,
                             widget=forms.TextInput(attrs={"size": 60}))

    class Meta:
        model = Customer
        fields = [
            "name", "local_name", "code", "external_id", "uscc", "registration_number", "tax_number", "country",
            "industry", "size", "founded_on", "address", "language", "currency", "payment_terms_days", "status",
            "owner", "analyst", "collector", "parent",
        ]
        widgets = {"founded_on": DateInput(), "address": forms.Textarea(attrs={"rows": 2}),
                   "parent": forms.NumberInput()}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave empty to number automatically.")
        self.fields["parent"].help_text = _("Internal id of the parent company, if the customer belongs to a group.")
        staff = get_user_model().objects.filter(is_active=True).order_by("username")
        for name in ("owner", "analyst", "collector"):
            self.fields[name].queryset = staff  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        """Model validation runs in the service, with the rules forms do not know."""


class ContactForm(forms.ModelForm):
    def _post_clean(self) -> None:
        """Leave the instance untouched: the service compares it with the new values and audits the change."""

    class Meta:
        model = Contact
        fields = ["name", "title", "role", "email", "phone", "language", "is_primary", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(label=_("File"))

    class Meta:
        model = Document
        fields = ["doc_type", "title", "issued_on", "expires_on"]
        widgets = {"issued_on": DateInput(), "expires_on": DateInput()}


class DeleteDocumentForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CommunicationForm(forms.ModelForm):
    class Meta:
        model = Communication
        fields = ["kind", "occurred_on", "contact", "summary", "follow_up_on"]
        widgets = {"occurred_on": DateInput(), "follow_up_on": DateInput(),
                   "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["contact"].queryset = customer.contacts.all()  # type: ignore[attr-defined]


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    country = forms.CharField(required=False, label=_("Country"), max_length=2)
    industry = forms.ChoiceField(required=False, label=_("Industry"))
    sort = forms.CharField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["status"].choices = [("", _("All statuses")), *CustomerStatus.choices]  # type: ignore[attr-defined]
        self.fields["industry"].choices = [("", _("All industries")), *Industry.choices]  # type: ignore[attr-defined]
