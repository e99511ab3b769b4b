"""Every coordinator page, for every role: the status it must get.

The pages: those of urls_manage.py and urls_invitations.py, and the public
framework pages. The roles: each role in the partnership, a visitor who is
signed out, and the coordinator of another partnership. The expected outcomes are written out
here by hand, not worked out from ``access.ROLE_PERMISSIONS``, so that a change
to the rules shows up as a failing test that someone has to agree with.

Whatever the outcome, a page never shows the names of a partnership the
person has no role in; a refused POST changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from stackup.core.models import AuditEvent
from stackup.partnerships import services
from stackup.partnerships.models import Invitation, Membership, Organisation, Role, Round
from stackup.partnerships.models_email import EmailBatch, EmailBatchKind, EmailBatchStatus
from tests.partnerships.factories import World, build_world
from tests.results.report_data import REPORT_PAGES, respond

SIGN_IN = "/account/sign-in/"

# What a page must give: OK is 200 for a GET, and for a POST either 200 or a
# redirect that is not to the sign-in page (the form's success). REDIRECT is a
# redirect elsewhere than the sign-in page, for a GET too.
OK, REDIRECT, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "redirect", "login", 403, 404

ROLES = ["coordinator", "partner_lead", "viewer", "helper", "signed_out", "other_coordinator"]

# Who may do what, by kind of page.
ANY_SIGNED_IN = dict.fromkeys(ROLES, OK) | {"signed_out": LOGIN}
ANY_ROLE = {
    "coordinator": OK,
    "partner_lead": OK,
    "viewer": OK,
    "helper": OK,
    "signed_out": LOGIN,
    "other_coordinator": NOT_FOUND,
}
# The framework pages are public: everyone, signed in or not, in any partnership or none.
PUBLIC = dict.fromkeys(ROLES, OK)
PUBLIC_REDIRECT = dict.fromkeys(ROLES, REDIRECT)
# Site administrators set up partnerships; no role in a partnership makes someone one.
SITE_ADMIN_ONLY = dict.fromkeys(ROLES, FORBIDDEN) | {"signed_out": LOGIN}
COORDINATOR_ONLY = {
    "coordinator": OK,
    "partner_lead": FORBIDDEN,
    "viewer": FORBIDDEN,
    "helper": FORBIDDEN,
    "signed_out": LOGIN,
    "other_coordinator": NOT_FOUND,
}


@dataclass(frozen=True)
class Page:
    name: str
    kwargs: Callable[[World], dict[str, Any]]
    expected: dict[str, Any]
    post: Callable[[World], dict[str, Any]] | None = None  # valid form data, if it takes a POST
    get: bool = True  # False for a page that only takes a POST
    query: str = ""  # added to the address of a GET
    # Makes what the page needs (before the state is taken); returns more address arguments.
    prepare: Callable[[World], dict[str, Any]] | None = None
    namespace: str = "partnerships"
    # A public page shows the partnership's own name to everyone, by design.
    public_content: bool = False

    @property
    def id(self) -> str:
        return self.name if self.namespace == "partnerships" else f"{self.namespace}-{self.name}"

    def url(self, world: World, extra: dict[str, Any] | None = None) -> str:
        kwargs = {**self.kwargs(world), **(extra or {})}
        return reverse(f"{self.namespace}:{self.name}", kwargs=kwargs)


def _slug(w: World) -> dict[str, Any]:
    return {"slug": w.partnership.slug}


def _round(w: World) -> dict[str, Any]:
    return {"slug": w.partnership.slug, "round_id": w.round.pk}


def _viewer_membership(w: World) -> dict[str, Any]:
    return {"slug": w.partnership.slug, "membership_id": w.members[Role.VIEWER].pk}


ROUND_SETTINGS = {
    "opens_on-day": "1",
    "opens_on-month": "3",
    "opens_on-year": "2026",
    "closes_on-day": "31",
    "closes_on-month": "3",
    "closes_on-year": "2026",
    "min_group_size": "5",
    "questions": ["organisation", "sector", "role_level", "uses_services"],
    "open_link": "no",
}


def _unused_organisation(w: World) -> dict[str, Any]:
    organisation = services.organisation_add(
        partnership=w.partnership, name="Riverside Added By Mistake", sector="other"
    )
    return {"organisation_id": organisation.pk}


PAGES = [
    Page("list", lambda w: {}, ANY_SIGNED_IN),
    Page(
        "new",
        lambda w: {},
        SITE_ADMIN_ONLY,
        post=lambda w: {
            "name": "Lakeside Together",
            "slug": "lakeside",
            "area": "",
            "coordinator_email": "lake@example.org",
        },
    ),
    Page("set_up", _slug, SITE_ADMIN_ONLY),
    Page(
        "organisation_edit",
        _slug,
        COORDINATOR_ONLY,
        prepare=_unused_organisation,
        post=lambda w: {"name": "Riverside Added On Purpose", "sector": "other"},
    ),
    Page(
        "organisation_remove",
        _slug,
        COORDINATOR_ONLY,
        prepare=_unused_organisation,
        post=lambda w: {},
    ),
    Page(
        "organisation_archive",
        _slug,
        COORDINATOR_ONLY,
        prepare=_unused_organisation,
        post=lambda w: {},
        get=False,
    ),
    Page("round_delete", _round, COORDINATOR_ONLY, post=lambda w: {}),
    Page("detail", _slug, ANY_ROLE),
    Page("organisations", _slug, ANY_ROLE),
    Page(
        "organisation_add",
        _slug,
        COORDINATOR_ONLY,
        post=lambda w: {"name": "Riverside Fire and Rescue", "sector": "fire_rescue"},
    ),
    Page("people", _slug, COORDINATOR_ONLY),
    Page(
        "person_add",
        _slug,
        COORDINATOR_ONLY,
        post=lambda w: {"email": "new.person@example.org", "role": "viewer", "organisation": ""},
    ),
    Page("person_added", _slug, COORDINATOR_ONLY),
    Page(
        "person_role",
        _viewer_membership,
        COORDINATOR_ONLY,
        post=lambda w: {"role": "helper", "organisation": ""},
    ),
    Page("person_remove", _viewer_membership, COORDINATOR_ONLY, post=lambda w: {}),
    Page(
        "round_create",
        _slug,
        COORDINATOR_ONLY,
        post=lambda w: {
            **ROUND_SETTINGS,
            "name": "Autumn 2026",
            "framework": "collaboration-health-check:1",
        },
    ),
    Page("round_detail", _round, COORDINATOR_ONLY),
    Page(
        "round_edit",
        _round,
        COORDINATOR_ONLY,
        post=lambda w: {**ROUND_SETTINGS, "name": "Spring 2026 (renamed)"},
    ),
    Page(
        "round_status",
        lambda w: {**_round(w), "status": "open"},
        COORDINATOR_ONLY,
        post=lambda w: {},
    ),
    Page("response_rates", _round, COORDINATOR_ONLY),
    Page("audit_log", _slug, COORDINATOR_ONLY),
]


# --- The invitation pages (urls_invitations.py) --------------------------------------------

EMAIL_TEXT = {"subject": "Tell us how we work together", "message": "Your link:\n{link}"}


def _with_unused_emailed_invitations(w: World) -> dict[str, Any]:
    services.invitations_create(
        round=w.round, emails=["ana@example.org", "bo@example.org"], acting_user=w.coordinator
    )
    return {}


def _stopped_batch(w: World) -> dict[str, Any]:
    """A reminder batch that stopped before it wrote to anyone, so it can carry on."""
    _with_unused_emailed_invitations(w)
    ids = list(Invitation.objects.filter(round=w.round).values_list("pk", flat=True))
    batch = EmailBatch.objects.create(
        round=w.round,
        kind=EmailBatchKind.REMINDER,
        subject=EMAIL_TEXT["subject"],
        body=EMAIL_TEXT["message"],
        invitation_ids=ids,
        total=len(ids),
        status=EmailBatchStatus.FAILED,
        error="The mail server went away",
        created_by=w.coordinator,
    )
    return {"batch_id": batch.pk}


INVITATION_PAGES = [
    Page("invitations", _round, COORDINATOR_ONLY),
    Page(
        "invitations_create",
        _round,
        COORDINATOR_ONLY,
        query="?output=csv",
        post=lambda w: {"output": "csv", "csv_count": "3", "organisation": ""},
    ),
    Page(
        "invitations_remind",
        _round,
        COORDINATOR_ONLY,
        prepare=_with_unused_emailed_invitations,
        post=lambda w: dict(EMAIL_TEXT),
    ),
    Page("invitation_batch", _round, COORDINATOR_ONLY, prepare=_stopped_batch),
    Page(
        "invitation_batch_carry_on",
        _round,
        COORDINATOR_ONLY,
        prepare=_stopped_batch,
        get=False,
        post=lambda w: {},
    ),
]
PAGES += INVITATION_PAGES


# --- The framework pages (public) ----------------------------------------------------------

_FRAMEWORK = {"slug": "collaboration-health-check"}

FRAMEWORK_PAGES = [
    Page("list", lambda w: {}, PUBLIC, namespace="frameworks"),
    # The newest version's own address: a redirect to it.
    Page("latest", lambda w: _FRAMEWORK, PUBLIC_REDIRECT, namespace="frameworks"),
    Page("detail", lambda w: {**_FRAMEWORK, "version": 1}, PUBLIC, namespace="frameworks"),
]
PAGES += FRAMEWORK_PAGES


# --- The action plan, benefits and risks (stackup/actions/urls.py) -------------------------

# Coordinators, and the partner lead of the organisation that owns the action.
ACTION_EDITORS = {**COORDINATOR_ONLY, "partner_lead": OK}


def _council_action(w: World) -> dict[str, Any]:
    """An action owned by the partner lead's own organisation."""
    from stackup.actions import services as action_services

    action = action_services.action_create(
        partnership=w.partnership, title="Hold meetings in the evening", owner=w.organisation
    )
    return {"action_id": action.pk}


def _risk(w: World) -> dict[str, Any]:
    from stackup.actions import services as action_services

    risk = action_services.risk_create(
        partnership=w.partnership, title="Funding ends", likelihood=3, impact=4
    )
    return {"risk_id": risk.pk}


def _action_post(w: World) -> dict[str, Any]:
    return {
        "title": "Publish what changed",
        "why": "",
        "theme_id": "service_user_perspective",
        "item_id": "",
        "owner": str(w.organisation.pk),
        "lead_person": "",
        "status": "in_progress",
        "public": "no",
    }


ACTION_PAGES = [
    Page("action_list", _slug, ANY_ROLE, namespace="actions"),
    Page("action_add", _slug, ACTION_EDITORS, post=_action_post, namespace="actions"),
    Page("action_print", _slug, ANY_ROLE, namespace="actions"),
    Page("action_export_csv", _slug, ANY_ROLE, namespace="actions"),
    Page("action_export_ods", _slug, ANY_ROLE, namespace="actions"),
    Page("action_detail", _slug, ANY_ROLE, prepare=_council_action, namespace="actions"),
    Page(
        "action_edit",
        _slug,
        ACTION_EDITORS,
        prepare=_council_action,
        post=_action_post,
        namespace="actions",
    ),
    Page(
        "action_note_add",
        _slug,
        ACTION_EDITORS,
        prepare=_council_action,
        post=lambda w: {
            "date-day": "2",
            "date-month": "2",
            "date-year": "2026",
            "text": "Venue booked",
        },
        namespace="actions",
    ),
    Page(
        "action_delete",
        _slug,
        COORDINATOR_ONLY,
        prepare=_council_action,
        post=lambda w: {},
        namespace="actions",
    ),
    Page("benefit_list", _slug, ANY_ROLE, namespace="actions"),
    Page(
        "benefit_edit",
        lambda w: {**_slug(w), "benefit_id": "wider_reach"},
        COORDINATOR_ONLY,
        post=lambda w: {"claim": "More people", "status": "emerging", "evidence_links": ""},
        namespace="actions",
    ),
    Page("risk_list", _slug, ANY_ROLE, namespace="actions"),
    Page(
        "risk_add",
        _slug,
        COORDINATOR_ONLY,
        post=lambda w: {
            "title": "Leaders leave",
            "likelihood": "4",
            "impact": "5",
            "owner": "",
            "key_leader_dependency": "yes",
            "status": "open",
        },
        namespace="actions",
    ),
    Page(
        "risk_edit",
        _slug,
        COORDINATOR_ONLY,
        prepare=_risk,
        post=lambda w: {
            "title": "Funding ends soon",
            "likelihood": "5",
            "impact": "4",
            "status": "open",
            "key_leader_dependency": "no",
        },
        namespace="actions",
    ),
    Page(
        "risk_close", _slug, COORDINATOR_ONLY, prepare=_risk, post=lambda w: {}, namespace="actions"
    ),
    Page(
        "public_page_settings",
        _slug,
        COORDINATOR_ONLY,
        post=lambda w: {"enabled": "yes"},
        namespace="actions",
    ),
]
PAGES += ACTION_PAGES


# --- The results report (stackup/results/urls.py) ------------------------------------------

# Coordinators, partner leads and viewers read a published round's results; helpers do not.
# (A closed round refuses viewers too: tests/results/test_report_views.py.)
RESULTS_READERS = {**ANY_ROLE, "helper": FORBIDDEN}


def _published_round(w: World) -> dict[str, Any]:
    """Our round, answered and published, so the report has numbers to show."""
    w.round = respond(w.round)
    return {}


RESULT_PAGES = [
    Page("index", _slug, RESULTS_READERS, prepare=_published_round, namespace="results"),
    *(
        Page(name, _round, RESULTS_READERS, prepare=_published_round, namespace="results")
        for name in REPORT_PAGES
    ),
    Page(
        "theme",
        lambda w: {**_round(w), "theme_id": "sharing_power"},
        RESULTS_READERS,
        prepare=_published_round,
        namespace="results",
    ),
]
PAGES += RESULT_PAGES

# The report's downloads (stackup/results/urls_exports.py): the same readers as the report.
DOWNLOAD_PAGES = [
    *(
        Page(name, _round, RESULTS_READERS, prepare=_published_round, namespace="results")
        for name in ("download_json", "download_pdf", "download_ods", "download_zip")
    ),
    Page(
        "download_csv",
        lambda w: {**_round(w), "table": "themes"},
        RESULTS_READERS,
        prepare=_published_round,
        namespace="results",
    ),
]
PAGES += DOWNLOAD_PAGES


# --- The workshop (stackup/actions/urls_workshop.py): the same readers as the report -------

WORKSHOP_PAGES = [
    Page("workshop", _round, RESULTS_READERS, prepare=_published_round, namespace="workshop"),
    Page(
        "starter",
        lambda w: {**_round(w), "number": 1},
        RESULTS_READERS,
        prepare=_published_round,
        namespace="workshop",
    ),
    Page("handout", _round, RESULTS_READERS, prepare=_published_round, namespace="workshop"),
]
PAGES += WORKSHOP_PAGES


# --- The public page (stackup/actions/urls_public.py): everyone, once switched on ---------


def _public_page_on(w: World) -> dict[str, Any]:
    from stackup.actions import services as action_services

    _published_round(w)
    action_services.public_page_set(partnership=w.partnership, enabled=True)
    return {}


PAGES.append(
    Page(
        "you_said_we_did",
        _slug,
        PUBLIC,
        prepare=_public_page_on,
        namespace="public",
        public_content=True,
    )
)


def _cases():
    for page in PAGES:
        methods = (["get"] if page.get else []) + (["post"] if page.post else [])
        for method in methods:
            for role in ROLES:
                yield pytest.param(page, method, role, id=f"{page.id}-{method}-{role}")


def _client(world: World, role: str) -> Client:
    client = Client()
    user = {
        "coordinator": world.coordinator,
        "partner_lead": world.partner_lead,
        "viewer": world.viewer,
        "helper": world.helper,
        "signed_out": None,
        "other_coordinator": world.other_coordinator,
    }[role]
    if user is not None:
        client.force_login(user)
    return client


def _secrets_of(world: World, role: str) -> list[str]:
    """Names a person in ``role`` must never see: those of partnerships they have no role in."""
    ours = [
        world.partnership.name,
        world.organisation.name,
        world.round.name,
        world.coordinator.email,
        world.viewer.email,
    ]
    theirs = [
        world.other_partnership.name,
        world.other_organisation.name,
        world.other_round.name,
        world.other_coordinator.email,
        world.other_membership.user.email,
    ]
    if role == "signed_out":
        return ours + theirs
    if role == "other_coordinator":
        return ours
    return theirs


def _actions_state() -> tuple:
    from stackup.actions.models import Action, ActionNote, BenefitClaim, PublicPageSettings, Risk

    return tuple(
        list(model.objects.order_by("pk").values())
        for model in (Action, ActionNote, BenefitClaim, Risk, PublicPageSettings)
    )


def _state() -> tuple:
    """Everything a refused request must leave as it was (the audit log's length first)."""
    return (
        AuditEvent.objects.count(),
        _actions_state(),
        Organisation.objects.count(),
        list(Membership.objects.order_by("pk").values_list("pk", "role")),
        list(Round.objects.order_by("pk").values_list("pk", "name", "status", "min_group_size")),
        list(
            Invitation.objects.order_by("pk").values_list("pk", "token_hash", "used", "emails_sent")
        ),
        list(EmailBatch.objects.order_by("pk").values_list("pk", "status", "run", "processed")),
        len(getattr(mail, "outbox", [])),
    )


def assert_outcome(response, expected, *, method: str) -> None:
    status = response.status_code
    if expected == OK:
        if method == "get":
            assert status == 200, f"expected 200, got {status}"
        else:
            assert status in (200, 302), f"expected success, got {status}"
            if status == 302:
                assert SIGN_IN not in response["Location"]
    elif expected == REDIRECT:
        assert status == 302, f"expected a redirect, got {status}"
        assert SIGN_IN not in response["Location"]
    elif expected == LOGIN:
        assert status == 302, f"expected a redirect to sign in, got {status}"
        assert response["Location"].startswith(SIGN_IN + "?next=")
    else:
        assert status == expected, f"expected {expected}, got {status}"


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "method", "role"), list(_cases()))
def test_page_role_matrix(page: Page, method: str, role: str):
    world = build_world()
    client = _client(world, role)
    expected = page.expected[role]
    url = page.url(world, page.prepare(world) if page.prepare else None)
    before = _state()

    if method == "get":
        response = client.get(url + page.query)
    else:
        response = client.post(url, page.post(world))

    assert_outcome(response, expected, method=method)
    # A download (the action plan's ODS) is binary; its text is still searched.
    body = response.content.decode(errors="replace")
    for secret in [] if page.public_content else _secrets_of(world, role):
        assert secret not in body, f"{secret!r} shown to {role} on {url}"
    if expected not in (OK, REDIRECT) or method == "get":
        assert _state() == before, "a refused request, or a GET, changed data"
    if expected == OK and method == "post":
        assert AuditEvent.objects.count() > before[0], "a successful form wrote no audit row"


# --- Ids that belong to another partnership, under a partnership the person is in ----------

FOREIGN_IDS = [
    ("organisation_edit", "organisation", "get"),
    ("organisation_edit", "organisation", "post"),
    ("organisation_remove", "organisation", "get"),
    ("organisation_remove", "organisation", "post"),
    ("organisation_archive", "organisation", "post"),
    ("round_delete", "round", "get"),
    ("round_delete", "round", "post"),
    ("round_detail", "round", "get"),
    ("round_edit", "round", "get"),
    ("round_edit", "round", "post"),
    ("response_rates", "round", "get"),
    ("person_role", "membership", "get"),
    ("person_role", "membership", "post"),
    ("person_remove", "membership", "get"),
    ("person_remove", "membership", "post"),
    ("invitations", "round", "get"),
    ("invitations_create", "round", "get"),
    ("invitations_create", "round", "post"),
    ("invitations_remind", "round", "get"),
    ("invitations_remind", "round", "post"),
    ("invitation_batch", "batch", "get"),
    ("invitation_batch_carry_on", "batch", "post"),
    ("invitation_batch", "round_and_batch", "get"),
    ("invitation_batch_carry_on", "round_and_batch", "post"),
]

FOREIGN_POST = {
    "role": "coordinator",
    "output": "csv",
    "csv_count": "3",
    **EMAIL_TEXT,
}


def _their_batch(world: World) -> EmailBatch:
    services.invitations_create(round=world.other_round, emails=["them.too@example.org"])
    return EmailBatch.objects.create(
        round=world.other_round,
        kind=EmailBatchKind.REMINDER,
        subject=EMAIL_TEXT["subject"],
        body=EMAIL_TEXT["message"],
        invitation_ids=list(
            Invitation.objects.filter(round=world.other_round).values_list("pk", flat=True)
        ),
        total=1,
        status=EmailBatchStatus.FAILED,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind", "method"), FOREIGN_IDS)
def test_another_partnerships_ids_are_not_found(name, kind, method):
    """Our coordinator, our slug, their round, person or batch: 404, nothing shown or changed."""
    world = build_world()
    client = _client(world, "coordinator")
    ours = {"slug": world.partnership.slug}
    if kind == "round":
        kwargs = {**ours, "round_id": world.other_round.pk}
    elif kind == "membership":
        kwargs = {**ours, "membership_id": world.other_membership.pk}
    elif kind == "organisation":
        kwargs = {**ours, "organisation_id": world.other_organisation.pk}
    elif kind == "batch":  # our round, their batch
        kwargs = {**ours, "round_id": world.round.pk, "batch_id": _their_batch(world).pk}
    else:  # their round and their batch, under our slug
        kwargs = {**ours, "round_id": world.other_round.pk, "batch_id": _their_batch(world).pk}
    url = reverse(f"partnerships:{name}", kwargs=kwargs)
    before = _state()
    response = client.get(url) if method == "get" else client.post(url, FOREIGN_POST)
    assert response.status_code == 404
    for secret in _secrets_of(world, "coordinator"):
        assert secret not in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_status_change_of_another_partnerships_round_is_not_found(method):
    world = build_world()
    client = _client(world, "coordinator")
    url = reverse(
        "partnerships:round_status",
        kwargs={"slug": world.partnership.slug, "round_id": world.other_round.pk, "status": "open"},
    )
    before = _state()
    response = client.get(url) if method == "get" else client.post(url)
    assert response.status_code == 404
    assert world.other_round.name not in response.content.decode()
    assert _state() == before


@pytest.mark.django_db
def test_unknown_partnership_is_not_found_even_for_a_coordinator():
    world = build_world()
    response = _client(world, "coordinator").get(
        reverse("partnerships:detail", kwargs={"slug": "no-such-partnership"})
    )
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", [p for p in PAGES if not (p.get and p.post)], ids=lambda page: page.id
)
def test_a_method_a_page_does_not_take_is_refused(page: Page):
    """What the matrix leaves out, the page refuses: a POST to a page only read, and so on."""
    world = build_world()
    url = page.url(world, page.prepare(world) if page.prepare else None)
    before = _state()
    client = _client(world, "coordinator")
    response = client.post(url, {}) if page.get else client.get(url)
    assert response.status_code == 405
    assert _state() == before


def test_every_page_is_in_the_matrix():
    """A new page in urls_manage, urls_invitations, frameworks, actions or results: above."""
    from stackup.actions import urls as action_urls
    from stackup.actions import urls_public, urls_workshop
    from stackup.frameworks import urls as framework_urls
    from stackup.partnerships import urls as partnership_urls
    from stackup.partnerships import urls_invitations, urls_manage
    from stackup.results import urls as result_urls

    # Every partnership page comes from one of the two files the matrix reads.
    included = {pattern.urlconf_name.__name__ for pattern in partnership_urls.urlpatterns}
    assert included == {urls_manage.__name__, urls_invitations.__name__}

    def names(module, namespace):
        found = set()
        for pattern in module.urlpatterns:
            if hasattr(pattern, "url_patterns"):  # an include() within the namespace
                found |= names(pattern.urlconf_module, namespace)
            else:
                found.add((namespace, pattern.name))
        return found

    routes = (
        names(urls_manage, "partnerships")
        | names(urls_invitations, "partnerships")
        | names(framework_urls, "frameworks")
        | names(action_urls, "actions")
        | names(urls_workshop, "workshop")
        | names(urls_public, "public")
        | names(result_urls, "results")
    )
    assert routes == {(page.namespace, page.name) for page in PAGES}
    assert len(PAGES) == len(routes), "a page is in the matrix twice"
