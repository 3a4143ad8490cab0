"""The real public data sets beside the project (`../shared/data/`), read in place, never copied in."""

from pathlib import Path

from django.conf import settings

SHARED_DATA = Path(settings.PROJECT_DIR).parent / "shared" / "data"
IBM_INVOICES = SHARED_DATA / "ibm-late-payments" / "invoices-dev.csv"
