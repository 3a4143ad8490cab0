r"""The Simplified Chinese catalogue covers every string in the code, compiles, and is the one Django uses.

After adding or changing a user-facing string, refresh the catalogue and translate what is new:

    cd src/creditdesk
    ../../.venv/bin/python -m django makemessages -l zh_Hans --no-obsolete \
        --settings=creditdesk.settings -i 'tests/*' -i 'testing/*'

then fill every empty msgstr in locale/zh_Hans/LC_MESSAGES/django.po and remove the "fuzzy" flags
(msgmerge guesses those from similar strings: check them, they are often wrong). Compiled .mo files
are not committed; `make messages` (or the fixture below) builds them.
"""

import contextlib
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from pytest_django.fixtures import Settings

PROJECT = Path(__file__).resolve().parents[2]  # src/creditdesk
LOCALE = "zh_Hans"
CATALOGUE = PROJECT / "locale" / LOCALE / "LC_MESSAGES" / "django.po"
IGNORE = ["tests/*", "testing/*"]
HOW_TO_FIX = (
    "Fix: cd src/creditdesk && ../../.venv/bin/python -m django makemessages -l zh_Hans --no-obsolete "
    "--settings=creditdesk.settings -i 'tests/*' -i 'testing/*', then translate every empty msgstr in "
    f"locale/{LOCALE}/LC_MESSAGES/django.po and remove the fuzzy flags after checking the guessed text."
)
# %(name)s style, and bare %s / %d / %% (no space flag, so "90% of" in prose is not a placeholder)
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[-#0+]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def where(entry: polib.POEntry) -> str:
    first = f"{entry.occurrences[0][0]}:{entry.occurrences[0][1]}" if entry.occurrences else "?"
    return f"  {first}  {entry.msgid!r}"


def problems(catalogue: polib.POFile) -> dict[str, list[polib.POEntry]]:
    """Entries a user would see in English, or in a guessed translation, or that the code no longer has."""
    live = [e for e in catalogue if not e.obsolete]
    return {
        "untranslated": [e for e in live if "fuzzy" not in e.flags and not e.translated()],
        "fuzzy (guessed by msgmerge, unchecked)": [e for e in live if "fuzzy" in e.flags],
        "obsolete (no longer in the code)": list(catalogue.obsolete_entries()),
    }


def report(catalogue: polib.POFile, title: str) -> str:
    parts = [title]
    for kind, entries in problems(catalogue).items():
        if entries:
            parts.append(f"{len(entries)} {kind}:")
            parts.extend(where(e) for e in entries)
    parts.append(HOW_TO_FIX)
    return "\n".join(parts)


def assert_complete(catalogue: polib.POFile, title: str) -> None:
    if any(problems(catalogue).values()):
        pytest.fail(report(catalogue, title), pytrace=False)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """makemessages over a copy of the source tree, merged into a copy of the committed catalogue."""
    copy = tmp_path_factory.mktemp("i18n") / "creditdesk"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"))
    with override_settings(LOCALE_PATHS=[copy / "locale"]), contextlib.chdir(copy):
        call_command("makemessages", locale=[LOCALE], ignore_patterns=IGNORE, verbosity=0)
    return polib.pofile(str(copy / "locale" / LOCALE / "LC_MESSAGES" / "django.po"))


@pytest.fixture(scope="session")
def compiled() -> Path:
    """The .mo Django reads, built from the committed .po when missing or older (as `make messages` does)."""
    with contextlib.chdir(PROJECT):
        call_command("compilemessages", locale=[LOCALE], ignore_patterns=[".venv", "static", "node_modules"],
                     verbosity=0)
    mo = CATALOGUE.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= CATALOGUE.stat().st_mtime
    return mo


@pytest.fixture
def chinese(compiled: Path, settings: Settings) -> Iterator[None]:
    """Chinese active, with Django's catalogue cache emptied so the freshly compiled file is read."""
    settings.LOCALE_PATHS = list(django_settings.LOCALE_PATHS)
    with translation.override("zh-hans"):
        yield


def test_every_string_in_the_code_has_a_checked_translation(regenerated: polib.POFile) -> None:
    assert len(regenerated) > 100, "makemessages found almost nothing: did it scan the project?"
    assert_complete(regenerated, f"{CATALOGUE.relative_to(PROJECT)} is behind the code:")


def test_committed_catalogue_compiles_and_is_complete() -> None:
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert catalogue.metadata["Language"] == LOCALE
    assert catalogue.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert_complete(catalogue, f"{CATALOGUE.relative_to(PROJECT)}:")


def placeholders(texts: Iterable[str]) -> set[str]:
    return {p for text in texts for p in PLACEHOLDER.findall(text)}


def test_translations_keep_every_placeholder_and_use_one_plural_form() -> None:
    wrong = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        expected = placeholders([entry.msgid, entry.msgid_plural or ""])
        if entry.msgid_plural:
            if set(entry.msgstr_plural) != {0}:
                wrong.append(f"  {entry.msgid!r}: Chinese has one plural form, msgstr[0] only")
            translations = list(entry.msgstr_plural.values())
        else:
            translations = [entry.msgstr]
        for text in translations:
            if text and placeholders([text]) != expected:
                wrong.append(f"  {entry.msgid!r} → {text!r}: placeholders {sorted(placeholders([text]))}, "
                             f"expected {sorted(expected)}")
    if wrong:
        pytest.fail("\n".join(["Translations that would break formatting:", *wrong]), pytrace=False)


@pytest.mark.usefixtures("chinese")
def test_chinese_pages_use_the_compiled_catalogue() -> None:
    from creditdesk.customers.choices import CustomerStatus, Industry
    from creditdesk.customers.models import Customer

    assert translation.get_language() == "zh-hans"
    assert translation.gettext("Customers") == "客户"
    assert translation.gettext("Credit manager") == "信用经理"
    assert translation.gettext("Audit trail") == "审计轨迹"
    assert str(Customer._meta.verbose_name) == "客户"
    assert str(Customer._meta.get_field("uscc").verbose_name) == "统一社会信用代码"
    assert str(CustomerStatus.BLOCKED.label) == "冻结"
    assert str(Industry.F.label) == "批发和零售业"
    assert translation.ngettext("%(counter)s customer", "%(counter)s customers", 5) % {"counter": 5} == "共 5 个客户"
    page = Template("{% load i18n %}{% blocktranslate with number=2 total=7 %}Page {{ number }} of {{ total }}"
                    "{% endblocktranslate %}").render(Context())
    assert page == "第 2 页，共 7 页"
    with translation.override("en"):
        assert translation.gettext("Customers") == "Customers"


@pytest.mark.usefixtures("chinese")
def test_chinese_column_titles_of_every_import_are_distinct() -> None:
    """Imports accept the Chinese column titles, so two fields must never share one."""
    from creditdesk.imports.kinds import KINDS
    from creditdesk.imports.services import normalise_header

    assert KINDS, "no import kinds registered"
    clashes = []
    for kind in KINDS.values():
        seen: dict[str, str] = {}
        for field_name, label in kind.columns.items():
            headers = [field_name]
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    headers.append(str(label))
            for header in map(normalise_header, headers):
                if seen.setdefault(header, field_name) != field_name:
                    clashes.append(f"  {kind.name}: “{header}” is both {seen[header]} and {field_name}")
    if clashes:
        pytest.fail("\n".join(["Column titles that map to two fields:", *clashes]), pytrace=False)
