"""Pages of the directory: the contact finder, organisations, reports and the worklist."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.models import User
from schakel.core.htmx import is_htmx, render_page_or_fragment
from schakel.core.redirects import safe_next
from schakel.directory.access import can_manage_directory
from schakel.directory.actions import (
    do_report_contact_entry,
    do_resolve_contact_report,
    do_verify_directory_entry,
)
from schakel.directory.actor import Actor
from schakel.directory.finder import find_contacts, search_directory
from schakel.directory.forms import (
    FinderForm,
    OrganizationFilterForm,
    ReportForm,
    ResolveReportForm,
    SearchForm,
    WorklistFilterForm,
)
from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    Organization,
    OrganizationKind,
    PractitionerRole,
    ReportReason,
)


def _get_entry(kind: str, pk: int) -> PractitionerRole | ContactPoint:
    if kind == "role":
        return get_object_or_404(PractitionerRole, pk=pk)
    if kind == "point":
        return get_object_or_404(ContactPoint, pk=pk)
    raise Http404


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required guarantees it  # noqa: S101
    return request.user


@require_GET
@login_required
def finder(request: HttpRequest) -> HttpResponse:
    """ "Wie benader ik waarvoor?": pick a hospital, tumour type and topic; see whom to contact."""
    search = request.GET.get("ziekenhuis_zoeken", "").strip()[:100]
    recent = [pk for pk in request.session.get(RECENT_HOSPITALS, []) if isinstance(pk, int)]
    data = request.GET.copy()
    data.pop("ziekenhuis_zoeken", None)
    if search:  # looking for the hospital first: nothing to complain about yet
        form = FinderForm(initial=data.dict(), user=request.user, search=search, recent=recent)
    else:
        form = FinderForm(data or None, user=request.user, search=search, recent=recent)
    result = None
    if form.is_bound and form.is_valid():
        hospital = form.cleaned_data["hospital"]
        result = find_contacts(
            hospital, form.cleaned_data["tumour_type"], form.cleaned_data["topic"]
        )
        if recent[:1] != [hospital.pk]:  # remembered for the next time (the session changes)
            remembered = [hospital.pk, *(pk for pk in recent if pk != hospital.pk)]
            request.session[RECENT_HOSPITALS] = remembered[:RECENT_LIMIT]
    context = {
        "form": form,
        "result": result,
        "hospital_search": search,
        # The plain search (without JavaScript) keeps what was chosen besides the hospital.
        "finder_keep": [(n, v) for n in ("tumour_type", "topic") if (v := form[n].value())],
    }
    return render_page_or_fragment(
        request,
        "directory/finder.html",
        "directory/_finder_results.html",
        context,
        target="finder-results",
    )


@require_GET
@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Free-text search on names and functions across the directory."""
    form = SearchForm(request.GET or None)
    roles: list[PractitionerRole] = []
    points: list[ContactPoint] = []
    if form.is_valid() and form.cleaned_data["q"]:
        roles, points = search_directory(form.cleaned_data["q"])
    context = {"form": form, "roles": roles, "points": points}
    return render_page_or_fragment(
        request, "directory/search.html", "directory/_search_results.html", context
    )


@require_GET
@login_required
def organizations(request: HttpRequest) -> HttpResponse:
    """The organisations, hospitals first, a page at a time; a search by name or place and a
    choice of kind narrow them."""
    form = OrganizationFilterForm(request.GET)
    orgs = Organization.objects.filter(is_active=True)
    if form.is_valid():
        for word in form.cleaned_data["zoek"].split()[:4]:
            orgs = orgs.filter(Q(name__icontains=word) | Q(city__icontains=word))
        if form.cleaned_data["soort"]:
            orgs = orgs.filter(kind=form.cleaned_data["soort"])
    kind_order = Case(
        *(When(kind=kind.value, then=Value(n)) for n, kind in enumerate(OrganizationKind)),
        default=Value(len(OrganizationKind)),
    )
    orgs = orgs.annotate(
        contact_count=Count("roles", filter=Q(roles__is_active=True), distinct=True),
        kind_order=kind_order,
    ).order_by("kind_order", "name", "pk")
    page = Paginator(orgs, ORGANISATIONS_PAGE_SIZE).get_page(request.GET.get("pagina"))
    rest = request.GET.copy()
    rest.pop("pagina", None)
    context = {"form": form, "page": page, "query_string": rest.urlencode()}
    return render(request, "directory/organizations.html", context)


@require_GET
@login_required
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    """One organisation with all its contact points and people, by function."""
    org = get_object_or_404(Organization, pk=pk, is_active=True)
    roles = (
        PractitionerRole.objects.active()
        .filter(organization=org)
        .select_related("practitioner", "organization")
        .prefetch_related("tumour_types", "topics")
        .order_by("function", "practitioner__sort_name")
    )
    points = (
        ContactPoint.objects.filter(organization=org, is_active=True)
        .select_related("organization")
        .prefetch_related("tumour_types", "topics")
    )
    context = {
        "organization": org,
        "roles": roles,
        "points": points,
        "can_manage": can_manage_directory(request.user),
    }
    return render(request, "directory/organization.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def report_entry(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Report an entry as wrong or outdated (the second of two clicks). The form is fetched
    when "Not correct?" is opened (htmx; without JavaScript a link shows it on a page of its
    own), so a page of contact cards does not carry a form for each."""
    entry = _get_entry(kind, pk)
    next_url = safe_next(request, entry.organization.get_absolute_url())
    if request.method == "GET":
        context = {"entry": entry, "kind": kind, "report_form": ReportForm(), "next": next_url}
        return render_page_or_fragment(
            request, "directory/report.html", "directory/_report_fields.html", context
        )
    form = ReportForm(request.POST)
    if not form.is_valid():
        context = {"entry": entry, "kind": kind, "report_form": form, "next": next_url}
        return render_page_or_fragment(
            request, "directory/report.html", "directory/_report_form.html", context, status=400
        )
    do_report_contact_entry(
        entry,
        reason=ReportReason(form.cleaned_data["reason"]),
        comment=form.cleaned_data["comment"],
        actor=Actor.of(request),
    )
    if is_htmx(request):
        return render(request, "directory/_report_thanks.html")
    messages.success(request, _("Thank you. The network coordinator will check this entry."))
    return redirect(next_url)


def _require_manager(request: HttpRequest) -> User:
    user = _user(request)
    if not can_manage_directory(user):
        raise PermissionDenied
    return user


# The finder offers the hospitals a user chose lately (beside their region's), newest first.
RECENT_HOSPITALS = "schakel_recent_hospitals"
RECENT_LIMIT = 8

# The organisations page lists this many at a time.
ORGANISATIONS_PAGE_SIZE = 40

# Each list of the worklist shows this many, oldest first; the rest are on the next pages.
WORKLIST_PAGE_SIZE = 25


@require_GET
@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The coordinator's worklist: open reports, and entries not verified for too long."""
    _require_manager(request)
    cutoff = timezone.now() - timedelta(days=settings.SCHAKEL_DIRECTORY_STALE_DAYS)
    stale = Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=cutoff)
    reports = (
        ContactReport.objects.filter(resolved_at__isnull=True)
        .select_related(
            "role__practitioner",
            "role__organization",
            "contact_point__organization",
            "reported_by__practitioner",
        )
        .order_by("created_at")
    )
    stale_roles = (
        PractitionerRole.objects.active()
        .filter(stale)
        .select_related("practitioner", "organization")
        .order_by("last_verified_at", "pk")
    )
    stale_points = (
        ContactPoint.objects.filter(stale, is_active=True)
        .select_related("organization")
        .order_by("last_verified_at", "pk")
    )
    filter_form = WorklistFilterForm(request.GET)
    words = filter_form.cleaned_data["zoek"].split() if filter_form.is_valid() else []
    for word in words[:5]:
        in_organisation = Q(organization__name__icontains=word) | Q(
            organization__city__icontains=word
        )
        reports = reports.filter(
            Q(role__practitioner__family_name__icontains=word)
            | Q(role__practitioner__given_name__icontains=word)
            | Q(role__organization__name__icontains=word)
            | Q(contact_point__name__icontains=word)
            | Q(contact_point__organization__name__icontains=word)
        )
        stale_roles = stale_roles.filter(
            in_organisation
            | Q(practitioner__family_name__icontains=word)
            | Q(practitioner__given_name__icontains=word)
            | Q(title__icontains=word)
        )
        stale_points = stale_points.filter(in_organisation | Q(name__icontains=word))

    def page(queryset: Any, param: str) -> Any:
        """One page of one list; the others keep their page in the links."""
        rest = request.GET.copy()
        rest.pop(param, None)
        found = Paginator(queryset, WORKLIST_PAGE_SIZE).get_page(request.GET.get(param))
        found.query_string = rest.urlencode()  # type: ignore[attr-defined]
        return found

    context = {
        "filter_form": filter_form,
        "reports": page(reports, "meldingen"),
        "stale_roles": page(stale_roles, "personen"),
        "stale_points": page(stale_points, "balies"),
        "resolve_form": ResolveReportForm(),
        "stale_days": settings.SCHAKEL_DIRECTORY_STALE_DAYS,
    }
    return render(request, "directory/worklist.html", context)


@require_POST
@login_required
def verify_entry(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The coordinator marks an entry as checked and current."""
    _require_manager(request)
    entry = _get_entry(kind, pk)
    do_verify_directory_entry(entry, actor=Actor.of(request))
    messages.success(request, _("Marked as verified: %(entry)s") % {"entry": entry})
    return redirect("directory:worklist")


@require_POST
@login_required
def resolve_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator closes a report, saying what was done."""
    _require_manager(request)
    report = get_object_or_404(
        ContactReport.objects.select_related("role", "contact_point"),
        pk=pk,
        resolved_at__isnull=True,
    )
    form = ResolveReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly what you did before closing the report."))
        return redirect("directory:worklist")
    do_resolve_contact_report(
        report,
        resolution=form.cleaned_data["resolution"],
        entry_verified=form.cleaned_data["entry_verified"],
        actor=Actor.of(request),
    )
    messages.success(request, _("Report closed."))
    return redirect("directory:worklist")
