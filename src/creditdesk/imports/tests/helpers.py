"""What the import tests share: the background worker, run as its command runs it."""

import signal

from django.core.management import call_command

WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_worker() -> None:
    """`creditdesk db_worker --batch`: every task queued is run, then the worker exits, its signal handlers undone."""
    handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
