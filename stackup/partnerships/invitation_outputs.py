"""What newly made invitations are handed out as: a spreadsheet (CSV) or printable slips.

Both are made from the links of invitations just created, in the response
to the request that created them; nothing here is stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from stackup.partnerships.models import Round
from stackup.partnerships.services import IssuedInvitation

SLIPS_PER_PAGE = 8
# QR codes take about 20 ms each to make well, so a page of slips is kept to a size that
# is quick to make and to print. Larger numbers are better as a spreadsheet.
MAX_SLIPS_AT_ONCE = 400
CSV_HEADER = ("link", "organisation")
# A cell starting with one of these is a formula to a spreadsheet program.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A text cell that a spreadsheet program will show as text, never run as a formula."""
    text = str(value or "")
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_filename(round_: Round) -> str:
    return f"{slugify(round_.name) or 'round'}-invitations.csv"


def invitations_csv(issued: Iterable[IssuedInvitation]) -> bytes:
    """``link,organisation``, one row per invitation, as UTF-8 that Excel also reads.

    The byte-order mark makes Excel read the file as UTF-8, so names such as
    “Cyngor Sir Ynys Môn” are not garbled; other programs ignore it.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for item in issued:
        organisation = item.invitation.organisation
        writer.writerow(
            [
                spreadsheet_safe(item.url),
                spreadsheet_safe(organisation.name if organisation else ""),
            ]
        )
    return out.getvalue().encode("utf-8-sig")


def qr_svg(url: str, *, label: str) -> SafeString:
    """The link as an inline SVG QR code (error correction M), with an accessible name."""
    svg = segno.make(url, error="m").svg_inline(
        scale=1,
        omitsize=True,
        dark="#0b0c0c",
        light="#ffffff",
        svgclass="app-slip__qr",
        lineclass=None,
    )
    attributes = f'<svg role="img" aria-label="{escape(label)}" '
    return mark_safe(svg.replace("<svg ", attributes, 1))  # noqa: S308 - segno's own markup


@dataclass(frozen=True)
class Slip:
    url: str
    qr: SafeString
    organisation: str


def slips(issued: Iterable[IssuedInvitation], *, qr_label: str) -> list[Slip]:
    return [
        Slip(
            url=item.url,
            qr=qr_svg(item.url, label=qr_label),
            organisation=item.invitation.organisation.name if item.invitation.organisation else "",
        )
        for item in issued
    ]


def pages(items: list[Slip], per_page: int = SLIPS_PER_PAGE) -> list[list[Slip]]:
    return [items[start : start + per_page] for start in range(0, len(items), per_page)]
