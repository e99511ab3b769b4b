from __future__ import annotations

from stackup.frameworks import selectors
from stackup.frameworks.management.base import FrameworkCommand


class Command(FrameworkCommand):
    help = """\
List every stored framework version: its id, version, title, how many themes
and items it has, and whether a round uses it.

Example:
  stackup list_frameworks
"""

    def handle(self, *args, **options) -> None:
        rows = [
            (
                framework.slug,
                str(framework.version),
                framework.title,
                str(framework.theme_count),
                str(framework.item_count),
                "yes" if framework.is_in_use() else "no",
            )
            for framework in selectors.framework_list()
        ]
        if not rows:
            self.stdout.write(
                "No frameworks are stored. Load one with: stackup load_framework FILE"
            )
            return
        header = ("Id", "Version", "Title", "Themes", "Items", "In use")
        widths = [max(len(row[column]) for row in [header, *rows]) for column in range(6)]
        numeric = {1, 3, 4}

        def line(row: tuple[str, ...]) -> str:
            cells = [
                cell.rjust(width) if column in numeric else cell.ljust(width)
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            return "  ".join(cells).rstrip()

        self.stdout.write(line(header))
        self.stdout.write(line(tuple("-" * width for width in widths)))
        for row in rows:
            self.stdout.write(line(row))
