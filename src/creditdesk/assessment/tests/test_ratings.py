"""External ratings in the credit file: each agency's scale mapped onto our classes 1 … 10, a rating recorded only
in a grade its agency's scale knows (the refusal names the grades), audited, imported from CSV/XLSX all-or-nothing,
and fetched through an online agency's adapter registered at run time.

The seeded scales map S&P and Fitch AAA … AA- onto class 1, BBB- onto 4, B- onto 8, the CCC range onto 9 and
default onto 10; Moody's the same way (Baa3 → 4, C → 10).
"""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from creditdesk.assessment.models import AgencyScale, ExternalRating
from creditdesk.assessment.providers import PROVIDERS, RatingProvider, RatingRecord, register_provider
from creditdesk.assessment.services import fetch_ratings, record_rating
from creditdesk.assessment.tests.factories import ExternalRatingFactory
from creditdesk.audit.actions import action_label
from creditdesk.audit.models import AuditEntry
from creditdesk.customers.services import delete_document, upload_document
from creditdesk.imports.models import ImportStatus
from creditdesk.imports.services import run_import
from creditdesk.testing.factories import CustomerFactory, UserFactory

RATED_ON = dt.date(2026, 3, 15)
SP_GRADES = ("AAA, AA+, AA, AA-, A+, A, A-, BBB+, BBB, BBB-, BB+, BB, BB-, B+, B, B-, CCC+, CCC, CCC-, CC, C, SD, "
             "D")
HEADER = "customer,agency,grade,rated_on,outlook\n"


@pytest.fixture
def customer(db):
    return CustomerFactory(code="C100001", external_id="ERP-1", name="Suzhou Textiles")


def rating(**changes) -> dict:
    return {"agency": "S&P", "grade": "BBB-", "rated_on": RATED_ON, "outlook": "stable", **changes}


def refusal(actor, customer, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        record_rating(actor, customer, rating(**changes))
    return caught.value.message_dict


def rating_entries() -> list[tuple[str, dict, str]]:
    return [(e.action, e.changes, e.reason)
            for e in AuditEntry.objects.filter(action__startswith="external_rating.").order_by("id")]


# --- the agencies' scales ----------------------------------------------------------------------------------------

def test_the_three_agencies_scales_are_mapped_onto_ten_classes(db):
    def classes(agency: str) -> list[list[str]]:
        grades: dict[int, list[str]] = {}
        for scale in AgencyScale.objects.filter(agency=agency).order_by("rating_class", "pk"):
            grades.setdefault(scale.rating_class, []).append(scale.grade)
        return [grades[number] for number in range(1, 11)]

    assert classes("S&P") == [["AAA", "AA+", "AA", "AA-"], ["A+", "A", "A-"], ["BBB+", "BBB"], ["BBB-"], ["BB+", "BB"],
                              ["BB-"], ["B+", "B"], ["B-"], ["CCC+", "CCC", "CCC-", "CC", "C"], ["SD", "D"]]
    assert classes("Moody's") == [["Aaa", "Aa1", "Aa2", "Aa3"], ["A1", "A2", "A3"], ["Baa1", "Baa2"], ["Baa3"],
                                  ["Ba1", "Ba2"], ["Ba3"], ["B1", "B2"], ["B3"], ["Caa1", "Caa2", "Caa3", "Ca"], ["C"]]
    assert classes("Fitch")[9] == ["RD", "D"]
    assert AgencyScale.objects.count() == 23 + 21 + 23


def test_the_database_keeps_one_class_per_agency_grade_whatever_the_case(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyScale.objects.create(agency="s&p", grade="bbb-", rating_class=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyScale.objects.create(agency="Dagong", grade="AAA", rating_class=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExternalRatingFactory(rating_class=0)


# --- recording a rating ------------------------------------------------------------------------------------------

def test_a_rating_is_mapped_through_its_agencys_scale_and_audited(analyst, customer):
    recorded = record_rating(analyst, customer, rating(agency="s&p", grade="bbb-"))

    assert (recorded.agency, recorded.grade, recorded.rating_class, recorded.source, recorded.entered_by) == (
        "S&P", "BBB-", 4, "entered", analyst)  # kept as the scale spells it
    assert rating_entries() == [("external_rating.create", {
        "customer": [None, customer.pk], "agency": [None, "S&P"], "grade": [None, "BBB-"], "rating_class": [None, 4],
        "rated_on": [None, "2026-03-15"], "outlook": [None, "stable"], "source": [None, "entered"]}, "")]
    assert AuditEntry.objects.get(action="external_rating.create").customer_id == customer.pk
    assert action_label("external_rating.create") == "External rating recorded"
    assert action_label("external_rating.correct") == "External rating corrected"


@pytest.mark.parametrize(("agency", "grade", "rating_class"), [
    ("S&P", "AAA", 1), ("S&P", "A-", 2), ("S&P", "BB", 5), ("S&P", "B-", 8), ("S&P", "CC", 9), ("S&P", "SD", 10),
    ("Moody's", "Aa3", 1), ("Moody's", "Baa3", 4), ("Moody's", "Caa2", 9), ("Moody's", "C", 10),
    ("Fitch", "BB-", 6), ("Fitch", "RD", 10), ("FITCH", " b+ ", 7),
])
def test_each_agency_grade_lands_in_its_class(analyst, customer, agency, grade, rating_class):
    assert record_rating(analyst, customer, rating(agency=agency, grade=grade)).rating_class == rating_class


def test_an_unknown_grade_is_refused_naming_the_agencys_grades(analyst, customer):
    assert refusal(analyst, customer, grade="Baa3") == {"grade": [
        f"“Baa3” is not a grade of S&P; its grades are: {SP_GRADES}."]}
    assert ExternalRating.objects.count() == 0


def test_an_agency_without_a_scale_is_refused_naming_the_agencies(analyst, customer):
    assert refusal(analyst, customer, agency="Dagong", grade="AAA") == {"agency": [
        "No scale is kept for the agency “Dagong”; the agencies are: Fitch, Moody's, S&P."]}


def test_every_problem_of_a_rating_is_named_at_once(analyst, customer):
    elsewhere = upload_document(analyst, CustomerFactory(), SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"),
                                {"doc_type": "credit_report", "title": "Report"})
    assert refusal(analyst, customer, grade="Z", rated_on=timezone.localdate() + dt.timedelta(days=1),
                   document=elsewhere) == {
        "grade": [f"“Z” is not a grade of S&P; its grades are: {SP_GRADES}."],
        "rated_on": ["A rating cannot be dated in the future."],
        "document": ["The report must be one of this customer's documents."],
    }
    assert refusal(analyst, customer, outlook="rosy", grade="") == {
        "grade": ["This field cannot be blank."], "outlook": ["Value 'rosy' is not a valid choice."]}


def test_the_agencys_report_must_still_be_in_the_credit_file(analyst, manager, customer):
    report = upload_document(analyst, customer, SimpleUploadedFile("r.pdf", b"%PDF-1.4 r"),
                             {"doc_type": "credit_report", "title": "S&P report 2026"})
    assert record_rating(analyst, customer, rating(document=report)).document == report
    delete_document(manager, report, "Wrong customer's report.")
    report.refresh_from_db()
    assert refusal(analyst, customer, rated_on=dt.date(2026, 3, 16), document=report) == {
        "document": ["The report must be one of this customer's documents."]}


def test_one_rating_per_customer_agency_and_day(analyst, customer):
    record_rating(analyst, customer, rating())
    assert refusal(analyst, customer, agency="S&P", grade="BB+") == {"rated_on": [
        "This customer already has a rating by S&P on 2026-03-15."]}
    record_rating(analyst, customer, rating(agency="Fitch"))  # another agency the same day
    record_rating(analyst, CustomerFactory(), rating())  # another customer


def test_a_later_change_of_the_mapping_leaves_recorded_classes_alone(analyst, customer):
    recorded = record_rating(analyst, customer, rating())
    AgencyScale.objects.filter(agency="S&P", grade="BBB-").update(rating_class=5)
    recorded.refresh_from_db()
    assert recorded.rating_class == 4
    assert record_rating(analyst, customer, rating(rated_on=dt.date(2026, 6, 30))).rating_class == 5


@pytest.mark.parametrize("role", ["sales", "collector", "auditor", "cfo"])
def test_roles_that_do_not_keep_credit_files_cannot_record_ratings(db, customer, role):
    with pytest.raises(PermissionDenied):
        record_rating(UserFactory(username=f"u_{role}", role=role), customer, rating())


# --- the external-ratings import ---------------------------------------------------------------------------------

def feed(actor, text: str, name: str = "ratings.csv"):
    return run_import(actor, "external-ratings", name, text.encode())


def errors(batch) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]


GOOD_FILE = HEADER + (
    "C100001,S&P,BBB-,2026-03-15,stable\n"
    "ERP-2,moody's,baa1,2026-01-31,\n"  # by external id, any case, no outlook
    "C100001,Fitch,BB+,2026-02-28,Negative\n"  # the outlook by its label
)


def test_a_ratings_file_records_each_rating_mapped_and_audited(analyst, customer):
    other = CustomerFactory(external_id="ERP-2")

    batch = feed(analyst, GOOD_FILE)

    assert (batch.status, errors(batch), batch.created_count) == (ImportStatus.APPLIED, [], 3)
    assert sorted(ExternalRating.objects.values_list("customer", "agency", "grade", "rating_class", "rated_on",
                                                     "outlook", "source", "entered_by")) == sorted([
        (customer.pk, "S&P", "BBB-", 4, RATED_ON, "stable", "imported", analyst.pk),
        (other.pk, "Moody's", "Baa1", 3, dt.date(2026, 1, 31), "", "imported", analyst.pk),
        (customer.pk, "Fitch", "BB+", 5, dt.date(2026, 2, 28), "negative", "imported", analyst.pk),
    ])
    assert [(action, reason) for action, _changes, reason in rating_entries()] == [
        ("external_rating.create", f"Import #{batch.pk} ratings.csv")] * 3


def test_the_same_file_again_writes_nothing_and_a_changed_grade_is_a_correction(analyst, customer):
    CustomerFactory(external_id="ERP-2")
    feed(analyst, GOOD_FILE)

    again = feed(analyst, GOOD_FILE)
    assert (again.status, again.created_count, again.updated_count, again.unchanged_count) == ("applied", 0, 0, 3)

    corrected = feed(analyst, GOOD_FILE.replace("S&P,BBB-,2026-03-15,stable", "S&P,BB+,2026-03-15,negative"),
                     "restated.csv")
    assert (corrected.created_count, corrected.updated_count, corrected.unchanged_count) == (0, 1, 2)
    assert rating_entries()[3:] == [("external_rating.correct", {
        "grade": ["BBB-", "BB+"], "rating_class": [4, 5], "outlook": ["stable", "negative"]},
        f"Import #{corrected.pk} restated.csv")]
    assert ExternalRating.objects.get(customer=customer, agency="S&P").rating_class == 5


def test_a_file_with_bad_rows_writes_nothing_and_names_every_bad_cell(analyst, customer):
    rows = [
        "NOBODY,S&P,A,2026-01-15,",
        "C100001,Dagong,AA,2026-01-15,",
        "C100001,S&P,A0,2026-01-15,",
        "C100001,S&P,A,15/01/2026,",
        "C100001,S&P,A,2026-01-15,rosy",
        "C100001,S&P,A,2026-02-15,stable",
        "C100001,s&p,a-,2026-02-15,",  # the same agency and day as the row before, however written
        "C100001,Fitch,A,2099-01-01,",
        "C100001,Moody's,,2026-01-15,",
        "C100001,Moody's,A1,,",
    ]

    batch = feed(analyst, HEADER + "\n".join(rows) + "\n")

    assert batch.status == ImportStatus.INVALID
    assert errors(batch) == [
        (2, "customer", "No customer with external id or number “NOBODY”."),
        (3, "agency", "No scale is kept for the agency “Dagong”; the agencies are: Fitch, Moody's, S&P."),
        (4, "grade", f"“A0” is not a grade of S&P; its grades are: {SP_GRADES}."),
        (5, "rated_on", "“15/01/2026” is not a date (use YYYY-MM-DD)."),
        (6, "outlook", "“rosy” is not one of: positive, stable, negative, developing."),
        (9, "rated_on", "A rating cannot be dated in the future."),
        (10, "grade", "This field cannot be blank."),
        (11, "rated_on", "Required."),
        (8, "rated_on", "Duplicate of row 7."),
    ]
    assert ExternalRating.objects.count() == 0


def test_a_workbook_with_column_titles_imports_like_a_csv(analyst, customer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Customer", "Agency", "Grade", "Rated on"])
    sheet.append(["C100001", "Moody's", "Ba3", dt.datetime(2026, 5, 31)])
    content = io.BytesIO()
    workbook.save(content)

    batch = run_import(analyst, "external-ratings", "ratings.xlsx", content.getvalue())

    assert (batch.status, errors(batch)) == (ImportStatus.APPLIED, [])
    assert ExternalRating.objects.values_list("agency", "grade", "rating_class", "rated_on", "outlook").get() == (
        "Moody's", "Ba3", 6, dt.date(2026, 5, 31), "")


def test_a_long_file_takes_as_many_queries_as_a_short_one(analyst):
    def queries_for(count: int) -> int:
        customers = [CustomerFactory() for _ in range(count)]
        text = HEADER + "".join(f"{c.code},S&P,A,2026-01-15,\n" for c in customers)
        with CaptureQueriesContext(connection) as queries:
            batch = feed(User.objects.get(pk=analyst.pk), text)
        assert (batch.status, batch.created_count) == (ImportStatus.APPLIED, count)
        return len(queries)

    assert queries_for(3) == queries_for(30)


def test_only_someone_who_may_record_ratings_may_import_them(db, customer):
    with pytest.raises(PermissionDenied):
        feed(UserFactory(username="li.sales", role="sales"), GOOD_FILE)


# --- online agencies ---------------------------------------------------------------------------------------------

@pytest.fixture
def agency_online():
    """An adapter registered for the test only: two ratings of any customer, as an agency's service would send."""

    @register_provider
    class Sample(RatingProvider):
        name = "sample"
        label = "Sample agency"  # type: ignore[assignment]
        records = [RatingRecord("S&P", "bb", dt.date(2026, 4, 30), "positive"),
                   RatingRecord("Moody's", "Ba1", dt.date(2026, 4, 1))]

        def fetch(self, customer):
            return list(self.records)

    yield Sample
    del PROVIDERS["sample"]


def test_a_registered_provider_is_found_by_its_name(agency_online):
    assert isinstance(PROVIDERS["sample"], agency_online)


def test_fetched_ratings_are_mapped_recorded_and_audited_like_typed_ones(analyst, customer, agency_online):
    fetched = fetch_ratings(analyst, customer, "sample")

    assert [(r.agency, r.grade, r.rating_class, r.rated_on, r.outlook, r.source) for r in fetched] == [
        ("S&P", "BB", 5, dt.date(2026, 4, 30), "positive", "provider"),
        ("Moody's", "Ba1", 5, dt.date(2026, 4, 1), "", "provider")]
    assert [(action, reason) for action, _changes, reason in rating_entries()] == [
        ("external_rating.create", "sample")] * 2


def test_a_fetch_skips_what_is_on_file_and_refuses_all_for_one_unmappable_record(analyst, customer, agency_online):
    ExternalRatingFactory(customer=customer, agency="S&P", grade="BB+", rating_class=5, rated_on=dt.date(2026, 4, 30))
    assert [r.agency for r in fetch_ratings(analyst, customer, "sample")] == ["Moody's"]
    assert fetch_ratings(analyst, customer, "sample") == []

    agency_online.records = [RatingRecord("Fitch", "A", dt.date(2026, 5, 1)),
                             RatingRecord("Fitch", "A0", dt.date(2026, 5, 2))]
    with pytest.raises(ValidationError) as caught:
        fetch_ratings(analyst, customer, "sample")
    assert list(caught.value.message_dict) == ["grade"]
    assert ExternalRating.objects.filter(agency="Fitch").count() == 0


def test_an_unknown_provider_is_refused(analyst, customer):
    with pytest.raises(ValidationError) as caught:
        fetch_ratings(analyst, customer, "nowhere")
    assert caught.value.message_dict == {"provider": ["No rating provider is called “nowhere”."]}
