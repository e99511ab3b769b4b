"""Reading partnerships, rounds, response rates and the audit log. Nothing here changes data.

Counts that could point at a few people are never handed out raw: a count from
1 up to one below the round's minimum group size comes back as a ``Count`` marked
``below_threshold``, with no value, so a page cannot show it by accident. Where
a hidden count could be worked out by subtraction (a total less the counts
shown), another count is hidden with it (``complementary``): see
``complementary_cells``, which applies the results' rule to every sum a page shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count as CountOf
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from stackup.core.models import AuditEvent
from stackup.frameworks.selectors import framework_list
from stackup.partnerships.models import Membership, Organisation, Partnership, Round, Sector
from stackup.partnerships.models_email import EmailBatch

__all__ = [
    "Count",
    "RateRow",
    "ResponseRates",
    "Sum",
    "all_partnerships",
    "audit_events",
    "complementary_cells",
    "email_batch_get",
    "framework_choices",
    "invitation_use",
    "membership_get",
    "memberships_for",
    "organisations_for",
    "organisations_offered",
    "partnership_get",
    "response_rates",
    "round_get",
    "rounds_for",
]

NO_ORGANISATION = "none"
# The framework offered first when a round is set up.
DEFAULT_FRAMEWORK = "collaboration-health-check"


# --- Response rates -----------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """A count fit to show: its value, or only that it is hidden.

    A count from 1 up to one below the threshold is ``below_threshold``; a larger
    one hidden so that a small one beside it cannot be worked out by subtraction
    is ``complementary``. ``value`` is None exactly when the count is hidden;
    0 is shown as 0.
    """

    value: int | None
    below_threshold: bool
    threshold: int = 0
    complementary: bool = False

    @classmethod
    def of(cls, number: int, *, threshold: int, complementary: bool = False) -> Count:
        if 0 < number < threshold:
            return cls(value=None, below_threshold=True, threshold=threshold)
        if complementary and number > 0:
            return cls(value=None, below_threshold=False, threshold=threshold, complementary=True)
        return cls(value=number, below_threshold=False, threshold=threshold)

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.below_threshold:
            return _("fewer than %(n)s") % {"n": self.threshold}
        if self.complementary:
            return _("hidden")
        return str(self.value)


@dataclass(frozen=True)
class Sum:
    """Cells a page shows that add up to another cell it shows: ``total = sum(parts)``.

    ``prefer_total``: when one more cell must be hidden, hide the total rather
    than a part (for a total that is not itself the sum of a table's column).
    """

    total: Hashable
    parts: Sequence[Hashable]
    prefer_total: bool = False


def complementary_cells(
    values: Mapping[Hashable, int],
    sums: Iterable[Sum],
    *,
    threshold: int,
    labels: Mapping[Hashable, str] | None = None,
) -> set[Hashable]:
    """The cells to hide besides the small ones, so that no hidden cell can be subtracted out.

    The rule the results use (see docs/methodology.md), for every sum a page
    shows: a cell from 1 to ``threshold - 1`` is hidden; if exactly one cell of
    a sum is hidden, its value is the total less the others, so the smallest
    other non-zero part is hidden too (ties: the label first in the alphabet),
    or the total where no such part is left. If two or more are hidden, nothing
    more is. Hiding a cell can expose another sum it belongs to (a sector's
    row is also the sum of its organisations' rows), so the rule is applied
    again until no sum has exactly one hidden cell.
    """
    labels = labels or {}
    sums = list(sums)
    hidden = {cell for cell, value in values.items() if 0 < value < threshold}
    extra: set[Hashable] = set()

    def order(cell: Hashable) -> tuple:
        return (values[cell], str(labels.get(cell, "")), str(cell))

    def one_more(relation: Sum) -> Hashable | None:
        """The cell to hide in ``relation``, or None if it gives nothing away."""
        if sum(cell in hidden for cell in (relation.total, *relation.parts)) != 1:
            return None
        parts = sorted((c for c in relation.parts if c not in hidden and values[c] > 0), key=order)
        total_free = relation.total not in hidden and values[relation.total] > 0
        if total_free and (relation.prefer_total or not parts):
            return relation.total
        return parts[0] if parts else None  # (a lone hidden cell has a non-zero partner)

    # Each time a cell is hidden, start again from the first sum: the order of
    # ``sums`` says where hiding is tried first.
    while True:
        pick = next((cell for cell in map(one_more, sums) if cell is not None), None)
        if pick is None:
            return extra
        hidden.add(pick)
        extra.add(pick)


@dataclass(frozen=True)
class RateRow:
    """One group's invitations: how many were sent, started and completed.

    ``key`` is the organisation's id, the sector's value, ``"none"`` for
    invitations made without an organisation, or ``"total"``.
    """

    key: str
    label: str
    invited: Count
    started: Count
    completed: Count

    @property
    def completed_percent(self) -> int | None:
        """Completed as a whole percentage of invited, when both numbers can be shown."""
        if self.invited.hidden or self.completed.hidden or not self.invited.value:
            return None
        return round(100 * self.completed.value / self.invited.value)


@dataclass(frozen=True)
class ResponseRates:
    round: Round
    threshold: int
    by_organisation: list[RateRow]
    by_sector: list[RateRow]
    #: Every invitation in the round.
    total: RateRow
    #: Responses that came by the open link, on paper or by phone: all responses less used links.
    other_channels: Count
    #: Every response in the round, however it came.
    responses: Count

    @property
    def any_complementary(self) -> bool:
        """True when a count that is not small is hidden, which the page then explains."""
        rows = [*self.by_organisation, *self.by_sector, self.total]
        counts = [c for row in rows for c in (row.invited, row.started, row.completed)]
        return any(c.complementary for c in [*counts, self.other_channels, self.responses])


def invitation_use(*, made: int, used: int, threshold: int) -> tuple[Count, Count]:
    """How many of a round's invitations were used, and how many not: fit to show.

    The number made is always shown (the coordinator made them), and it is used
    plus not used: so when one of the two is hidden, the other is hidden too.
    """
    values = {"made": made, "used": used, "not_used": made - used}
    extra = complementary_cells(values, [Sum("made", ["used", "not_used"])], threshold=threshold)
    return (
        Count.of(used, threshold=threshold, complementary="used" in extra),
        Count.of(made - used, threshold=threshold, complementary="not_used" in extra),
    )


COLUMNS = ("invited", "started", "completed")


@dataclass
class _Tally:
    invited: int = 0
    started: int = 0
    completed: int = 0

    def add(self, other: _Tally) -> None:
        self.invited += other.invited
        self.started += other.started
        self.completed += other.completed


def response_rates(*, round: Round) -> ResponseRates:
    """Invited, started and completed, by organisation and by sector, for one round.

    Three queries, whatever the number of organisations or invitations. Responses
    carry no invitation id, so responses that came some other way (the open link,
    paper, phone) are counted as all responses less the invitations used.

    Small counts are hidden, and so are the counts that would give them away by
    subtraction (``complementary_cells``), with every sum the page shows in
    mind: each column of each table adds up to the total, each sector's row to
    its organisations' rows, and all responses to used links and other channels.
    """
    from stackup.responding.models import Response

    threshold = round.min_group_size
    organisations = list(Organisation.objects.filter(partnership_id=round.partnership_id))
    tallies: dict[int | None, _Tally] = {}
    grouped = (
        round.invitations.order_by()
        .values("organisation_id")
        .annotate(
            invited=CountOf("id"),
            started=CountOf("id", filter=Q(started=True) | Q(used=True)),
            completed=CountOf("id", filter=Q(used=True)),
        )
    )
    for group in grouped:
        tallies[group["organisation_id"]] = _Tally(
            group["invited"], group["started"], group["completed"]
        )
    response_count = Response.objects.filter(round=round).count()

    # Each row of either table: (cell key, label, tally). The row for invitations
    # without an organisation (never given, or since removed) is in both tables.
    org_rows: list[tuple[tuple, str, _Tally]] = []
    sector_members: dict[str, list[tuple]] = defaultdict(list)
    sector_tally: dict[str, _Tally] = defaultdict(_Tally)
    total = _Tally()
    for organisation in organisations:
        tally = tallies.get(organisation.pk, _Tally())
        key = ("organisation", str(organisation.pk))
        org_rows.append((key, organisation.name, tally))
        sector_members[organisation.sector].append(key)
        sector_tally[organisation.sector].add(tally)
        total.add(tally)
    sector_rows = [
        (("sector", sector), str(label), sector_tally[sector])
        for sector, label in Sector.choices
        if sector in sector_tally
    ]
    unassigned = tallies.get(None)
    if unassigned is not None:
        row = ((NO_ORGANISATION,), _("No organisation given"), unassigned)
        org_rows.append(row)
        sector_rows.append(row)
        total.add(unassigned)
    total_row = (("total",), _("Total"), total)
    other_channels = max(response_count - total.completed, 0)

    values: dict[tuple, int] = {("responses",): response_count, ("other",): other_channels}
    labels: dict[tuple, str] = {}
    for key, label, tally in [*org_rows, *sector_rows, total_row]:
        for column in COLUMNS:
            values[(*key, column)] = getattr(tally, column)
            labels[(*key, column)] = label
    # The sectors' own sums first: hiding a second organisation in the same sector
    # keeps both tables safe with fewer counts hidden than starting from the tables.
    sums = [
        Sum(("sector", sector, column), [(*key, column) for key in members])
        for column in COLUMNS
        for sector, members in sector_members.items()
    ]
    sums += [
        Sum(("total", column), [(*key, column) for key, _label, _tally in rows])
        for column in COLUMNS
        for rows in (org_rows, sector_rows)
    ]
    sums.append(Sum(("responses",), [("total", "completed"), ("other",)], prefer_total=True))
    extra = complementary_cells(values, sums, threshold=threshold, labels=labels)

    def count(cell: tuple) -> Count:
        return Count.of(values[cell], threshold=threshold, complementary=cell in extra)

    def rate_row(key: tuple, label: str, _tally: _Tally) -> RateRow:
        return RateRow(
            key=key[-1],
            label=label,
            **{column: count((*key, column)) for column in COLUMNS},
        )

    return ResponseRates(
        round=round,
        threshold=threshold,
        by_organisation=[rate_row(*row) for row in org_rows],
        by_sector=[rate_row(*row) for row in sector_rows],
        total=rate_row(*total_row),
        other_channels=count(("other",)),
        responses=count(("responses",)),
    )


# --- The audit log ------------------------------------------------------------------------


def audit_events(*, partnership: Partnership, page: int | str | None, per_page: int = 50) -> Page:
    """One page of a partnership's audit log, newest first, with who did each thing.

    ``page`` may come straight from the query string: anything that is not a page
    number gives the first page, a number past the end the last one.
    """
    events = (
        AuditEvent.objects.filter(partnership=partnership)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    return Paginator(events, per_page).get_page(page)


# --- Partnerships, rounds, people ---------------------------------------------------------


def rounds_for(*, partnership: Partnership) -> QuerySet[Round]:
    """A partnership's rounds, newest first, with their framework and invitation counts.

    Each round carries ``invitation_count`` and ``invitations_used``.
    """
    return (
        Round.objects.filter(partnership=partnership)
        .select_related("framework")
        .annotate(
            invitation_count=CountOf("invitations"),
            invitations_used=CountOf("invitations", filter=Q(invitations__used=True)),
        )
        .order_by("-created_at", "-id")
    )


def _id(value: int | str | None) -> int | None:
    """A database id from a page address or a form, or None for anything that cannot be one."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def partnership_get(*, slug: str) -> Partnership | None:
    return Partnership.objects.filter(slug=slug).first()


def all_partnerships() -> QuerySet[Partnership]:
    """Every partnership on this installation, by name: for site administrators."""
    return Partnership.objects.order_by("name")


def round_get(*, partnership: Partnership, round_id: int | str) -> Round | None:
    """One round of this partnership by its id, or None (including for another partnership's)."""
    pk = _id(round_id)
    if pk is None:
        return None
    return (
        Round.objects.select_related("framework", "partnership")
        .filter(partnership=partnership, pk=pk)
        .first()
    )


def membership_get(*, partnership: Partnership, membership_id: int | str) -> Membership | None:
    """One person's role in this partnership by its id, or None (also for another's)."""
    pk = _id(membership_id)
    if pk is None:
        return None
    return (
        Membership.objects.filter(partnership=partnership, pk=pk)
        .select_related("user", "organisation")
        .first()
    )


def email_batch_get(*, round: Round, batch_id: int | str) -> EmailBatch | None:
    """One batch of emails of this round by its id, or None (also for another round's)."""
    pk = _id(batch_id)
    if pk is None:
        return None
    return (
        EmailBatch.objects.filter(round=round, pk=pk)
        .select_related("organisation", "created_by")
        .first()
    )


def framework_choices() -> list:
    """Every stored framework version, the default framework first, each newest version first.

    The documents themselves are not loaded: a list needs only names and versions.
    """
    rows = list(framework_list().only("id", "slug", "version", "title"))
    rows.sort(key=lambda f: (f.slug != DEFAULT_FRAMEWORK, f.slug, -f.version))
    return rows


def organisations_for(*, partnership: Partnership) -> QuerySet[Organisation]:
    """A partnership's member organisations, by name, archived ones included."""
    return Organisation.objects.filter(partnership=partnership).order_by("name")


def organisations_offered(*, partnership: Partnership) -> QuerySet[Organisation]:
    """The organisations people can choose now: respondents, invitations, partner leads."""
    return organisations_for(partnership=partnership).filter(archived=False)


def memberships_for(*, partnership: Partnership) -> QuerySet[Membership]:
    """Who holds which role in a partnership, by email address."""
    return (
        Membership.objects.filter(partnership=partnership)
        .select_related("user", "organisation")
        .order_by("user__email")
    )
