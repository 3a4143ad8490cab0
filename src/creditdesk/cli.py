"""The `creditdesk` console script: Django's management commands with the project's settings."""

import os
import sys

ALIASES = {"import": "import_data"}


def main(argv: list[str] | None = None) -> None:
    """Run a management command; `demo-data` and `import` map to their module names."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditdesk.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        name = args[1]
        args[1] = ALIASES.get(name, name.replace("-", "_") if not name.startswith("-") else name)
    args[0] = "creditdesk"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
