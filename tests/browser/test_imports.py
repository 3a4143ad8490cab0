"""Importing customers from CSV: a file with a bad row shows where and writes nothing; a good file applies.

A large file is checked and written by the background worker; its page follows without being reloaded.
"""

import pytest
from playwright.sync_api import Page, expect

from creditdesk.customers.models import Customer
from creditdesk.customers.uscc import ALPHABET, uscc_check_character
from creditdesk.imports.models import ImportBatch
from creditdesk.imports.tests.helpers import run_worker
from creditdesk.testing.factories import UserFactory

GOOD_BODY = "91110000600012345"  # Beijing division; the factories number theirs under Shanghai (310000)
BAD_BODY = "91120000600067890"
GOOD_USCC = GOOD_BODY + uscc_check_character(GOOD_BODY)
RIGHT_CHECK = uscc_check_character(BAD_BODY)
WRONG_CHECK = ALPHABET[(ALPHABET.index(RIGHT_CHECK) + 1) % len(ALPHABET)]
HEADER = "external_id,name,local_name,uscc,country\n"
FIRST_ROW = f"BT-IMP-1,Beijing Aurora Trading Co. Ltd.,北京极光贸易有限公司,{GOOD_USCC},CN\n"


def csv_file(name: str, second_uscc: str) -> dict[str, object]:
    second_row = f"BT-IMP-2,Tianjin Harbour Supplies Co. Ltd.,天津港湾物资有限公司,{second_uscc},CN\n"
    return {"name": name, "mimeType": "text/csv", "buffer": (HEADER + FIRST_ROW + second_row).encode()}


def upload(page: Page, file: dict[str, object]) -> None:
    page.goto("/imports/upload?kind=customers")
    expect(page.locator("#id_kind")).to_have_value("customers")
    page.select_option("#id_mapping", "creditdesk")
    page.set_input_files("#id_upload", files=[file])
    page.locator("main form.grid button[type=submit]").click()


@pytest.mark.browser
def test_a_bad_row_blocks_the_file_and_a_good_file_applies(
        page: Page, live_server, log_in, english, screenshot) -> None:
    log_in(UserFactory(role="credit_analyst"))
    apply_button = page.locator("form[action$='/apply'] button[type=submit]")

    upload(page, csv_file("customers-bad.csv", BAD_BODY + WRONG_CHECK))

    bad = ImportBatch.objects.get(file_name="customers-bad.csv")
    expect(page).to_have_url(f"{live_server.url}/imports/{bad.pk}/")
    expect(page.locator("#import-status")).to_have_text("Has errors, nothing written")
    expect(page.locator("main h2")).to_have_text("1 problem — nothing was written")
    error_rows = page.locator("#import-errors tr")
    expect(error_rows).to_have_count(2)
    expect(error_rows.nth(1).locator("td")).to_have_text([
        "3", "unified social credit code (uscc)",
        f"Wrong check character “{WRONG_CHECK}”: for {BAD_BODY} it should be “{RIGHT_CHECK}”."])
    expect(apply_button).to_have_count(0)
    assert not Customer.objects.filter(external_id__in=["BT-IMP-1", "BT-IMP-2"]).exists()
    screenshot(page, "import-errors")

    upload(page, csv_file("customers-good.csv", BAD_BODY + RIGHT_CHECK))

    good = ImportBatch.objects.get(file_name="customers-good.csv")
    expect(page).to_have_url(f"{live_server.url}/imports/{good.pk}/")
    expect(page.locator("#import-status")).to_have_text("Checked, ready to apply")
    expect(page.locator("#import-errors")).to_have_count(0)
    assert not Customer.objects.filter(external_id__in=["BT-IMP-1", "BT-IMP-2"]).exists()
    expect(apply_button).to_have_text("Apply the import")
    apply_button.click()

    expect(page).to_have_url(f"{live_server.url}/imports/{good.pk}/")
    expect(page.locator(".messages li.success")).to_have_text("Import applied: 2 created, 0 updated, 0 unchanged.")
    expect(page.locator("#import-status")).to_have_text("Applied")
    expect(apply_button).to_have_count(0)

    aurora = Customer.objects.get(external_id="BT-IMP-1")
    harbour = Customer.objects.get(external_id="BT-IMP-2")
    assert (aurora.uscc, harbour.uscc) == (GOOD_USCC, BAD_BODY + RIGHT_CHECK)
    page.goto("/customers/")
    rows = page.locator("#customer-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="北京极光贸易有限公司").locator("td").first).to_have_text(aurora.code)
    expect(rows.filter(has_text="天津港湾物资有限公司").locator("td").first).to_have_text(harbour.code)


@pytest.mark.browser
def test_a_large_file_is_checked_and_written_in_the_background_while_its_page_shows_how_far_it_got(
        page: Page, live_server, log_in, english, settings, screenshot) -> None:
    settings.CREDITDESK_IMPORT_BACKGROUND_BYTES = 10  # every file counts as large
    log_in(UserFactory(role="credit_analyst"))
    status = page.locator("#import-status")

    upload(page, csv_file("customers-large.csv", BAD_BODY + RIGHT_CHECK))

    batch = ImportBatch.objects.get(file_name="customers-large.csv")
    expect(page).to_have_url(f"{live_server.url}/imports/{batch.pk}/")
    expect(status).to_have_text("Queued for the background worker")
    run_worker()
    expect(status).to_have_text("Checked, ready to apply")  # the page polls: no reload
    expect(page.locator("dl.facts")).to_contain_text("Would create2")
    page.locator("form[action$='/apply'] button[type=submit]").click()

    expect(page.locator(".messages li.info")).to_have_text(
        "The import is written in the background; this page shows how far it has got.")
    expect(status).to_have_text("Queued for the background worker")
    assert not Customer.objects.filter(external_id__in=["BT-IMP-1", "BT-IMP-2"]).exists()
    run_worker()
    expect(status).to_have_text("Applied")
    expect(page.locator("dl.facts")).to_contain_text("Created2")
    assert Customer.objects.filter(external_id__in=["BT-IMP-1", "BT-IMP-2"]).count() == 2
    screenshot(page, "import-applied-in-the-background")
