"""Downloads of a round's results: JSON, PDF, ODS, a ZIP of CSVs, and each table as CSV.

The same people may download as may read the report (:func:`stackup.results.access.
results_round`): coordinators and partner leads for closed and published rounds, viewers for
published ones only, helpers never (403), anyone without a role in the partnership 404, and
signed-out visitors are sent to sign in. A round without results (draft or open) has nothing
to download: 404. Each download compares with the same earlier round as the report pages, so
its numbers are the ones on the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from stackup.results import exports
from stackup.results.access import results_round
from stackup.results.document import has_results, previous_round, results_document

CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
PDF = "application/pdf"
ZIP = "application/zip"


def _document(request: HttpRequest, slug: str, round_id: int) -> dict[str, Any]:
    _access, round_ = results_round(request.user, slug, round_id)
    if not has_results(round_):
        raise Http404("This round has no results yet")
    return results_document(round_, compare_to=previous_round(round_))


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _view(
    name: str,
    make: Callable[[dict[str, Any]], bytes],
    content_type: str,
    extension: str,
    suffix: str = "",
):
    @never_cache
    @login_required
    @require_safe
    def view(request: HttpRequest, slug: str, round_id: int) -> HttpResponse:
        document = _document(request, slug, round_id)
        return _download(
            make(document), content_type, exports.export_filename(document, extension, table=suffix)
        )

    view.__name__ = name
    return view


download_json = _view("download_json", exports.json_bytes, JSON, "json")
download_pdf = _view("download_pdf", exports.pdf_bytes, PDF, "pdf")
download_ods = _view("download_ods", exports.ods_bytes, ODS, "ods")
download_zip = _view("download_zip", exports.csv_zip, ZIP, "zip", suffix="csv")


@never_cache
@login_required
@require_safe
def download_csv(request: HttpRequest, slug: str, round_id: int, table: str) -> HttpResponse:
    document = _document(request, slug, round_id)
    found = exports.find_table(exports.result_tables(document), table)
    if found is None:
        raise Http404("No such table in these results")
    return _download(
        exports.csv_bytes(found), CSV, exports.export_filename(document, "csv", table=found.name)
    )
