"""The code lists a credit file uses: industries (GB/T 4754-2017 sections), sizes, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    """GB/T 4754-2017 国民经济行业分类, section level (门类), aligned with ISIC Rev. 4 sections."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water supply")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail trade")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water, environment and public facilities management")
    O = "O", _("Resident services, repair and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration, social security and social organisations")
    T = "T", _("International organisations")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    BLOCKED = "blocked", _("Blocked")
    CLOSED = "closed", _("Closed")


STATUSES_NEEDING_REASON = {CustomerStatus.ON_HOLD, CustomerStatus.BLOCKED, CustomerStatus.CLOSED}


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", _("Chinese (Simplified)")
    EN = "en", _("English")


class ContactRole(models.TextChoices):
    FINANCE = "finance", _("Finance / accounts payable")
    PURCHASING = "purchasing", _("Purchasing")
    MANAGEMENT = "management", _("Management")
    LEGAL = "legal", _("Legal")
    OTHER = "other", _("Other")


class DocumentType(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    FINANCIAL_STATEMENT = "financial_statement", _("Financial statement")
    CONTRACT = "contract", _("Contract")
    GUARANTEE = "guarantee", _("Guarantee")
    CREDIT_REPORT = "credit_report", _("Credit report")
    INSURANCE = "insurance", _("Insurance document")
    OTHER = "other", _("Other")


class CommunicationKind(models.TextChoices):
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")
