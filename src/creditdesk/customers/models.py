"""The credit file (信用档案): customers, their contacts, documents and communications."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from creditdesk.core.bounds import PAYMENT_TERMS_MAX_DAYS, DayRange
from creditdesk.core.fields import LongTextField
from creditdesk.currencies.models import Currency
from creditdesk.customers.choices import (
    CommunicationKind,
    CompanySize,
    ContactRole,
    CustomerStatus,
    DocumentType,
    Industry,
    Language,
)
from creditdesk.customers.uscc import validate_uscc

USER = settings.AUTH_USER_MODEL
FOLLOW_UP_DAYS = 731  # a follow-up is planned at most two years ahead


class Customer(models.Model):
    """A company we sell to on credit, with everything a credit manager needs to know first."""

    code = models.CharField(_("customer number"), max_length=30, unique=True)
    external_id = models.CharField(_("external id"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("legal name"), max_length=200, db_index=True)
    local_name = models.CharField(_("local-language name"), max_length=200, blank=True, db_index=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True,
        validators=[validate_uscc],
    )
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=64, blank=True)
    country = CountryField(_("country"), db_index=True)
    industry = models.CharField(_("industry"), max_length=2, choices=Industry.choices, blank=True, db_index=True)
    size = models.CharField(_("company size"), max_length=10, choices=CompanySize.choices, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True, validators=[DayRange(future_days=0)])
    address = LongTextField(_("address"), blank=True)
    language = models.CharField(_("correspondence language"), max_length=7, choices=Language.choices,
                                default=Language.ZH_HANS)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT, verbose_name=_("invoicing currency"))
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30,
                                                          validators=[MaxValueValidator(PAYMENT_TERMS_MAX_DAYS)])
    allocate_oldest_first = models.BooleanField(
        _("allocate unmatched payments to the oldest due invoices"), default=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_customers", verbose_name=_("sales owner"))
    analyst = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="analysed_customers", verbose_name=_("credit analyst"))
    collector = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="collected_customers", verbose_name=_("collector"))
    status = models.CharField(_("status"), max_length=10, choices=CustomerStatus.choices,
                              default=CustomerStatus.PROSPECT, db_index=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name=_("parent company"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("view_all_customers", _("Can see every customer, not only own ones"))]
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.local_name or self.name}"


class Contact(models.Model):
    """A person at the customer we speak to about orders, invoices and payments."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("customer"))
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=ContactRole.choices, default=ContactRole.FINANCE)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=7, choices=Language.choices, default=Language.ZH_HANS)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = LongTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Document(models.Model):
    """A file kept in the credit file: licence, statements, contracts, guarantees, reports."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="documents",
                                 verbose_name=_("customer"))
    doc_type = models.CharField(_("type"), max_length=20, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, validators=[DayRange(future_days=0)])
    expires_on = models.DateField(_("expires on"), null=True, blank=True, validators=[DayRange()])
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Communication(models.Model):
    """One call, visit, e-mail or meeting with the customer, and when to follow up."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="communications",
                                 verbose_name=_("customer"))
    kind = models.CharField(_("kind"), max_length=10, choices=CommunicationKind.choices)
    occurred_on = models.DateField(_("date"), validators=[DayRange(future_days=0)])
    user = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, verbose_name=_("who"))
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                verbose_name=_("contact"))
    summary = LongTextField(_("summary"))
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True,
                                    validators=[DayRange(future_days=FOLLOW_UP_DAYS)])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("communication")
        verbose_name_plural = _("communications")
        indexes = [models.Index(fields=["customer", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"
