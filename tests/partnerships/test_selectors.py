"""The reads the pages use: response rates (with small counts hidden), the audit log, rounds."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from stackup.accounts.models import User
from stackup.core.audit import audit_log
from stackup.partnerships import selectors, services
from stackup.partnerships.models import Invitation
from stackup.partnerships.selectors import Count
from stackup.responding.models import Channel, Response

pytestmark = pytest.mark.django_db

FRAMEWORK = "collaboration-health-check"


def test_count_hides_values_below_the_threshold_but_not_zero():
    assert Count.of(0, threshold=5) == Count(value=0, below_threshold=False, threshold=5)
    for small in (1, 2, 3, 4):
        hidden = Count.of(small, threshold=5)
        assert hidden.value is None and hidden.below_threshold and hidden.hidden
        assert str(hidden) == "fewer than 5"
    assert Count.of(5, threshold=5) == Count(value=5, below_threshold=False, threshold=5)
    assert str(Count.of(0, threshold=5)) == "0"
    assert str(Count.of(12, threshold=5)) == "12"
    assert not Count.of(12, threshold=5).hidden


def test_a_count_hidden_beside_a_small_one_has_no_value():
    hidden = Count.of(12, threshold=5, complementary=True)
    assert hidden.value is None and hidden.hidden and hidden.complementary
    assert not hidden.below_threshold
    assert str(hidden) == "hidden"
    # A small count stays "fewer than", and nothing is hidden in a 0.
    assert str(Count.of(3, threshold=5, complementary=True)) == "fewer than 5"
    assert Count.of(0, threshold=5, complementary=True).value == 0


# --- Complementary hiding: no hidden count can be worked out by subtraction ----------------


def _hide(values, *sums, threshold=5, labels=None):
    return selectors.complementary_cells(
        values,
        [selectors.Sum(total, parts) for total, parts in sums],
        threshold=threshold,
        labels=labels,
    )


def test_one_small_count_hides_the_smallest_other_non_zero_one():
    values = {"total": 40, "a": 3, "b": 0, "c": 9, "d": 28}
    assert _hide(values, ("total", ["a", "b", "c", "d"])) == {"c"}


def test_a_tie_for_smallest_is_broken_by_the_label():
    values = {"total": 23, "a": 3, "x": 10, "y": 10}
    labels = {"x": "Zeta Trust", "y": "Alpha Council"}
    assert _hide(values, ("total", ["a", "x", "y"]), labels=labels) == {"y"}


def test_two_small_counts_hide_nothing_more():
    values = {"total": 40, "a": 3, "b": 4, "c": 9, "d": 24}
    assert _hide(values, ("total", ["a", "b", "c", "d"])) == set()


def test_no_small_count_hides_nothing():
    values = {"total": 40, "a": 0, "b": 5, "c": 35}
    assert _hide(values, ("total", ["a", "b", "c"])) == set()


def test_a_lone_small_part_with_nothing_else_to_hide_hides_the_total():
    # An organisation hidden beside a small one would still be readable in the row
    # of its sector, if it is the sector's only organisation: so the sector is hidden.
    values = {"total": 15, "org": 12, "small": 3, "sector": 12}
    hidden = _hide(values, ("total", ["org", "small"]), ("sector", ["org"]))
    assert hidden == {"org", "sector"}


def test_hiding_starts_in_the_small_counts_own_sector():
    # North and south are one sector, east another; the tables share the total.
    values = {"total": 20, "north": 2, "south": 10, "east": 8, "ns": 12, "e": 8}
    organisations = ("total", ["north", "south", "east"])
    # The organisations' table alone would hide east, its smallest other count...
    assert _hide(values, organisations) == {"east"}
    # ...but then the sector row 12 less south's 10 gives north away. Hiding south,
    # in north's own sector, leaves two unknowns in every sum.
    sums = [("ns", ["north", "south"]), ("e", ["east"]), organisations, ("total", ["ns", "e"])]
    assert _hide(values, *sums) == {"south"}


def test_hiding_carries_on_into_every_sum_a_cell_is_in():
    # North is alone in its sector; south and east share one.
    values = {"total": 20, "north": 2, "south": 10, "east": 8, "n": 2, "se": 18}
    sums = [
        ("n", ["north"]),
        ("se", ["south", "east"]),
        ("total", ["north", "south", "east"]),
        ("total", ["n", "se"]),
    ]
    # The table hides east; east's sector then hides south; the sectors' table,
    # with only north's sector hidden, hides the other sector too.
    assert _hide(values, *sums) == {"east", "south", "se"}


def test_used_and_not_used_links_are_hidden_together():
    def shown(made, used, threshold=5):
        return tuple(map(str, selectors.invitation_use(made=made, used=used, threshold=threshold)))

    assert shown(40, 10) == ("10", "30")
    assert shown(40, 2) == ("fewer than 5", "hidden")  # else 40 - 38
    assert shown(40, 37) == ("hidden", "fewer than 5")  # else 40 - 37
    assert shown(7, 3) == ("fewer than 5", "fewer than 5")  # both small: nothing more
    assert shown(40, 0) == ("0", "40")
    assert shown(3, 0) == ("0", "fewer than 5")  # (no other to hide: 0 is never hidden)
    used, not_used = selectors.invitation_use(made=40, used=2, threshold=5)
    assert used.value is None and not_used.value is None


def _worked_out(sums, hidden) -> set:
    """The hidden cells that some combination of the sums gives away (linear algebra)."""
    cells = sorted(hidden, key=str)
    if not cells:
        return set()
    column = {cell: i for i, cell in enumerate(cells)}
    rows = []
    for relation in sums:
        row = np.zeros(len(cells))
        for cell, sign in [(relation.total, 1), *((part, -1) for part in relation.parts)]:
            if cell in column:
                row[column[cell]] += sign
        rows.append(row)
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    return {
        cell
        for cell, i in column.items()
        if np.linalg.matrix_rank(np.vstack([matrix, np.eye(len(cells))[i]])) == rank
    }


def test_no_hidden_count_can_be_worked_out_from_the_shown_ones():
    """Random partnerships, each table's sums as the page shows them: nothing gives way."""
    rng = random.Random(4)
    for _ in range(500):
        organisations = {
            f"o{i}": rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 12, 40])
            for i in range(rng.randint(1, 8))
        }
        sectors: dict[str, list[str]] = {}
        for organisation in organisations:
            sectors.setdefault(f"s{rng.randrange(4)}", []).append(organisation)
        values = dict(organisations)
        values.update({s: sum(organisations[o] for o in members) for s, members in sectors.items()})
        org_rows, sector_rows = list(organisations), list(sectors)
        unassigned = rng.choice([None, 0, 2, 7])
        if unassigned is not None:
            values["none"] = unassigned
            org_rows.append("none")
            sector_rows.append("none")
        values["total"] = sum(values[row] for row in org_rows)
        sums = [selectors.Sum(s, members) for s, members in sectors.items()]
        sums += [selectors.Sum("total", org_rows), selectors.Sum("total", sector_rows)]
        small = {cell for cell, value in values.items() if 0 < value < 5}
        hidden = small | selectors.complementary_cells(values, sums, threshold=5)
        assert not _worked_out(sums, hidden), (values, sectors, hidden)
        assert _worked_out(sums, small) <= small  # (the check itself sees the plain leaks)


def test_the_check_above_sees_a_leak():
    sums = [selectors.Sum("total", ["a", "b", "c"])]
    assert _worked_out(sums, {"a"}) == {"a"}
    assert _worked_out(sums, {"a", "b"}) == set()


def _invitations(round_, organisation, *, used=0, started_only=0, untouched=0):
    issued = services.invitations_create(
        round=round_, count=used + started_only + untouched, organisation=organisation
    )
    ids = [i.invitation.pk for i in issued]
    # Used links count as started even where the started flag was never set.
    Invitation.objects.filter(pk__in=ids[:used]).update(used=True)
    Invitation.objects.filter(pk__in=ids[used : used + started_only]).update(started=True)


def _responses(round_, count):
    Response.objects.bulk_create(
        Response(round=round_, channel=Channel.ONLINE, submitted_on=dt.date(2026, 3, 2))
        for _ in range(count)
    )


@pytest.fixture
def rates_round():
    partnership = services.partnership_create(slug="p", name="P")
    council = services.organisation_add(partnership=partnership, name="Council", sector="council")
    school = services.organisation_add(partnership=partnership, name="Academy", sector="education")
    homes = services.organisation_add(partnership=partnership, name="Homes", sector="council")
    police = services.organisation_add(partnership=partnership, name="Police", sector="police")
    round_ = services.round_create(
        partnership=partnership, name="R", framework_slug=FRAMEWORK, min_group_size=3
    )
    _invitations(round_, council, used=4, started_only=2, untouched=4)  # 10 / 6 / 4
    _invitations(round_, homes, used=1, untouched=1)  # 2 / 1 / 1
    _invitations(round_, None, untouched=3)  # 3 / 0 / 0
    # Another round's invitations and responses must not count.
    other = services.round_create(partnership=partnership, name="Other", framework_slug=FRAMEWORK)
    _invitations(other, council, used=7)
    _responses(other, 7)
    # 5 used links and 3 responses by the open link or on paper.
    _responses(round_, 8)
    return round_, {"council": council, "school": school, "homes": homes, "police": police}


def _shown(count):
    """A count as a page shows it: "<" for a small one, "hidden" for one hidden beside it."""
    if count.below_threshold:
        return "<"
    return "hidden" if count.complementary else count.value


def _values(row):
    return tuple(_shown(count) for count in (row.invited, row.started, row.completed))


def test_response_rates_by_organisation(rates_round, django_assert_num_queries):
    round_, _organisations = rates_round
    with django_assert_num_queries(3):
        rates = selectors.response_rates(round=round_)
    assert rates.threshold == 3
    # Homes (2/1/1) is small. The council sector (12/7/5) is shown, so Council
    # (10/6/4), the other organisation in it, is hidden too: else 12 - 10 = 2.
    assert [(row.label, _values(row)) for row in rates.by_organisation] == [
        ("Academy", (0, 0, 0)),
        ("Council", ("hidden", "hidden", "hidden")),
        ("Homes", ("<", "<", "<")),
        ("Police", (0, 0, 0)),
        ("No organisation given", (3, 0, 0)),
    ]
    assert rates.by_organisation[1].invited.value is None  # not handed out, even by mistake
    assert rates.by_organisation[1].completed_percent is None  # hidden counts give no rate
    assert rates.by_organisation[2].completed_percent is None
    assert rates.by_organisation[0].completed_percent is None  # nobody invited
    assert rates.any_complementary


def test_response_rates_by_sector_add_up_organisations_before_hiding(rates_round):
    round_, _organisations = rates_round
    rates = selectors.response_rates(round=round_)
    # Council (10/6/4) and Homes (2/1/1) are both councils: 12/7/5, nothing hidden.
    assert [(row.key, _values(row)) for row in rates.by_sector] == [
        ("council", (12, 7, 5)),
        ("police", (0, 0, 0)),
        ("education", (0, 0, 0)),
        ("none", (3, 0, 0)),
    ]


def test_response_rates_totals_and_other_channels(rates_round):
    round_, _organisations = rates_round
    rates = selectors.response_rates(round=round_)
    assert _values(rates.total) == (15, 7, 5)
    assert rates.total.completed_percent == 33
    assert rates.responses.value == 8
    assert rates.other_channels.value == 3  # 8 responses less 5 used links


def test_response_rates_hide_a_small_other_channels_figure(rates_round):
    round_, _organisations = rates_round
    Response.objects.filter(round=round_).first().delete()  # 7 responses, 5 used links
    rates = selectors.response_rates(round=round_)
    assert rates.other_channels.below_threshold and rates.other_channels.value is None
    assert str(rates.other_channels) == "fewer than 3"
    # 7 responses less 5 used links would give the 2 away: the responses are hidden
    # too (not the used links, which are the total of the tables' columns).
    assert rates.responses.complementary and rates.responses.value is None
    assert str(rates.responses) == "hidden"
    assert _values(rates.total) == (15, 7, 5)


def test_response_rates_never_go_negative(rates_round):
    round_, _organisations = rates_round
    Response.objects.filter(round=round_).delete()  # erased, say, while the links stay used
    rates = selectors.response_rates(round=round_)
    assert rates.other_channels.value == 0
    assert rates.responses.value == 0


def test_response_rates_for_an_empty_round():
    partnership = services.partnership_create(slug="p", name="P")
    round_ = services.round_create(partnership=partnership, name="R", framework_slug=FRAMEWORK)
    rates = selectors.response_rates(round=round_)
    assert rates.by_organisation == rates.by_sector == []
    assert _values(rates.total) == (0, 0, 0)
    assert rates.other_channels.value == 0


@pytest.fixture
def three_sectors():
    """Three organisations, each the only one in its sector; a minimum group size of 5."""
    partnership = services.partnership_create(slug="p", name="P")
    round_ = services.round_create(
        partnership=partnership, name="R", framework_slug=FRAMEWORK, min_group_size=5
    )
    organisations = [
        services.organisation_add(partnership=partnership, name=name, sector=sector)
        for name, sector in (("Alder", "council"), ("Birch", "nhs"), ("Cedar", "police"))
    ]
    return round_, organisations


def test_response_rates_hide_the_next_smallest_beside_one_small_count(three_sectors):
    round_, (alder, birch, cedar) = three_sectors
    _invitations(round_, alder, untouched=2)
    _invitations(round_, birch, untouched=8)
    _invitations(round_, cedar, untouched=20)
    rates = selectors.response_rates(round=round_)
    # Alder's 2 would be 30 - 8 - 20: Birch, the smallest other, is hidden too; and
    # so is Birch's sector, which is Birch alone.
    assert [(row.label, _values(row)) for row in rates.by_organisation] == [
        ("Alder", ("<", 0, 0)),
        ("Birch", ("hidden", 0, 0)),
        ("Cedar", (20, 0, 0)),
    ]
    assert [(row.key, _values(row)) for row in rates.by_sector] == [
        ("council", ("<", 0, 0)),
        ("nhs", ("hidden", 0, 0)),
        ("police", (20, 0, 0)),
    ]
    assert _values(rates.total) == (30, 0, 0)
    assert rates.any_complementary


def test_response_rates_hide_nothing_more_beside_two_small_counts(three_sectors):
    round_, (alder, birch, cedar) = three_sectors
    _invitations(round_, alder, untouched=2)
    _invitations(round_, birch, untouched=3)
    _invitations(round_, cedar, untouched=20)
    rates = selectors.response_rates(round=round_)
    assert [_values(row) for row in rates.by_organisation] == [
        ("<", 0, 0),
        ("<", 0, 0),
        (20, 0, 0),
    ]
    assert [_values(row) for row in rates.by_sector] == [("<", 0, 0), ("<", 0, 0), (20, 0, 0)]
    assert not rates.any_complementary


def test_response_rates_hide_per_column(three_sectors):
    round_, (alder, birch, cedar) = three_sectors
    _invitations(round_, alder, used=6)  # 6 / 6 / 6
    _invitations(round_, birch, used=3, untouched=7)  # 10 / 3 / 3
    _invitations(round_, cedar, used=9, untouched=11)  # 20 / 9 / 9
    rates = selectors.response_rates(round=round_)
    # Nothing is small in the invited column; in the others, Birch's 3 is, and the
    # smallest other count in that column (Alder's 6) is hidden with it.
    assert [_values(row) for row in rates.by_organisation] == [
        (6, "hidden", "hidden"),
        (10, "<", "<"),
        (20, 9, 9),
    ]
    assert _values(rates.total) == (36, 18, 18)


def test_audit_events_pages_newest_first_with_actors(django_assert_num_queries):
    ours = services.partnership_create(slug="ours", name="Ours")  # one event
    theirs = services.partnership_create(slug="theirs", name="Theirs")
    actor = User.objects.create_user("a@example.org", "a-long-password-1")
    for number in range(59):
        audit_log(action="test", summary=f"event {number}", actor=actor, partnership=ours)
    audit_log(action="test", summary="not ours", partnership=theirs)
    with django_assert_num_queries(2):  # how many, and the page with its actors
        page = selectors.audit_events(partnership=ours, page=1)
        summaries = [(event.summary, event.actor and event.actor.email) for event in page]
    assert page.paginator.count == 60
    assert len(summaries) == 50
    assert summaries[0] == ("event 58", "a@example.org")
    second = selectors.audit_events(partnership=ours, page="2")
    assert [e.summary for e in second][-1] == "Created partnership Ours (ours)"
    assert len(second) == 10
    assert selectors.audit_events(partnership=ours, page="junk").number == 1
    assert selectors.audit_events(partnership=ours, page=99).number == 2
    assert len(selectors.audit_events(partnership=ours, page=1, per_page=7)) == 7


def test_rounds_for_lists_a_partnerships_rounds_with_invitation_counts():
    ours = services.partnership_create(slug="ours", name="Ours")
    theirs = services.partnership_create(slug="theirs", name="Theirs")
    first = services.round_create(partnership=ours, name="First", framework_slug=FRAMEWORK)
    second = services.round_create(partnership=ours, name="Second", framework_slug=FRAMEWORK)
    services.round_create(partnership=theirs, name="Theirs", framework_slug=FRAMEWORK)
    _invitations(first, None, used=2, untouched=3)
    rounds = list(selectors.rounds_for(partnership=ours))
    assert [r.name for r in rounds] == ["Second", "First"]
    assert [(r.invitation_count, r.invitations_used) for r in rounds] == [(0, 0), (5, 2)]
    assert selectors.round_get(partnership=ours, round_id=str(second.pk)) == second
    theirs_round = theirs.rounds.get()
    assert selectors.round_get(partnership=ours, round_id=theirs_round.pk) is None
    for junk in ("x", None, -1, 0, 2**70):
        assert selectors.round_get(partnership=ours, round_id=junk) is None


def test_organisations_and_people_of_a_partnership_only():
    ours = services.partnership_create(slug="ours", name="Ours")
    theirs = services.partnership_create(slug="theirs", name="Theirs")
    services.organisation_add(partnership=ours, name="Zeta", sector="nhs")
    services.organisation_add(partnership=ours, name="Alpha", sector="nhs")
    services.organisation_add(partnership=theirs, name="Hidden", sector="nhs")
    services.user_add(email="b@example.org", partnership=ours, role="viewer")
    services.user_add(email="a@example.org", partnership=ours, role="coordinator")
    services.user_add(email="c@example.org", partnership=theirs, role="viewer")
    assert [o.name for o in selectors.organisations_for(partnership=ours)] == ["Alpha", "Zeta"]
    assert [m.user.email for m in selectors.memberships_for(partnership=ours)] == [
        "a@example.org",
        "b@example.org",
    ]
