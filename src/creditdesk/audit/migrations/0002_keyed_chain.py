"""Every database gets its chain head, and a chain hashed with plain SHA-256 is re-hashed with HMAC under
CREDITDESK_AUDIT_KEY, but only once it verifies as it was: a broken chain stops the migration unchanged."""

from functools import partial
from typing import Any

from django.core.management.base import CommandError
from django.db import migrations, transaction
from django.utils.translation import gettext as _

from creditdesk.audit.chain import (
    GENESIS,
    ChainPoint,
    ChainReport,
    Digest,
    check_chain,
    content_digest,
    keyed,
    link_digest,
    unkeyed,
)
from creditdesk.audit.services import export_head

BATCH = 2000


def checked(entries: Any, heads: Any, digest: Digest) -> ChainReport:
    """The whole chain checked with one way of hashing, on the models as they are at this migration."""
    row = heads.filter(pk=1).first()
    head = ChainPoint(row.position, row.chain_hash) if row is not None else None
    return check_chain(entries.filter(chain_position__isnull=False).order_by("chain_position").iterator(BATCH),
                       entries.filter(chain_position__isnull=True).order_by("id").iterator(BATCH), head,
                       digest=digest)


def rekey_sealed(entries: Any) -> ChainPoint:
    """New content hashes and links for the sealed entries, in chain order; returns the new end."""
    end = ChainPoint(0, GENESIS)
    while batch := list(entries.filter(chain_position__gt=end.position).order_by("chain_position")[:BATCH]):
        for entry in batch:
            entry.content_hash = content_digest(entry)
            entry.chain_hash = link_digest(end.chain_hash, entry)
            end = ChainPoint(entry.chain_position, entry.chain_hash)
        entries.bulk_update(batch, ["content_hash", "chain_hash"])
    return end


def rekey_unsealed(entries: Any) -> None:
    """New content hashes for the entries the next seal will link."""
    last = 0
    while batch := list(entries.filter(chain_position__isnull=True, id__gt=last).order_by("id")[:BATCH]):
        for entry in batch:
            entry.content_hash = content_digest(entry)
        entries.bulk_update(batch, ["content_hash"])
        last = batch[-1].pk


def key_the_chain(apps: Any, schema_editor: Any) -> None:
    """Create the head where nothing is sealed; re-key an unkeyed chain that verifies; refuse one that does not."""
    entries = apps.get_model("audit", "AuditEntry").objects
    heads = apps.get_model("audit", "ChainHead").objects
    if not heads.filter(pk=1).exists() and not entries.filter(chain_position__isnull=False).exists():
        heads.create(pk=1, position=0, chain_hash=GENESIS)
    heads.select_for_update().filter(pk=1).first()  # no sealer extends the chain while it is checked and re-keyed
    if checked(entries, heads, keyed).ok:
        return
    report = checked(entries, heads, unkeyed)
    if not report.ok:
        raise CommandError(_("The audit chain was not keyed, because before keying it is already broken: "
                             "%(broken)s. Nothing was changed; find out what happened with the previous "
                             "release's `creditdesk audit verify`.") % {"broken": report.summary()})
    end = rekey_sealed(entries)
    rekey_unsealed(entries)
    heads.filter(pk=1).update(chain_hash=end.chain_hash)
    if end.position:
        transaction.on_commit(partial(export_head, end))


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(key_the_chain, migrations.RunPython.noop),
    ]
