"""Question pages: the inbox (to me and my teams, or asked by me), asking, one question with
its thread (answer, follow-up, close, withdraw, hand to a colleague, attachments), and marking
oneself away. Reads go through ``messaging.access``; writes through ``messaging.actions``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.core.converters import id_param
from schakel.core.forms import kept_initial
from schakel.directory.access import active_roles
from schakel.directory.actions import do_set_absence
from schakel.directory.actor import Actor
from schakel.directory.models import Organization, PractitionerRole
from schakel.messaging import actions
from schakel.messaging.access import (
    QuestionAccess,
    addressed_condition,
    get_question_for_user,
    visible_questions,
)
from schakel.messaging.forms import (
    AbsenceForm,
    AnswerForm,
    AskForm,
    CloseForm,
    FollowUpForm,
    HandOverForm,
    WithdrawForm,
)
from schakel.messaging.models import MessageKind, QuestionAttachment, QuestionStatus, Urgency
from schakel.pathways.access import get_pathway_for_user
from schakel.pathways.models import CarePathway
from schakel.patients.access import log_patients_shown
from schakel.work.actions import TransitionError

PAGE_SIZE = 25
SEARCH = "zoek"
STATUS_FILTERS = {
    "lopend": [QuestionStatus.OPEN, QuestionStatus.ANSWERED],
    "open": [QuestionStatus.OPEN],
    "beantwoord": [QuestionStatus.ANSWERED],
    "gesloten": [QuestionStatus.CLOSED, QuestionStatus.WITHDRAWN],
}


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User) or not active_roles(request.user):
        raise PermissionDenied
    return request.user


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Questions to me and my teams, or the ones I asked; by status and urgency."""
    user = _user(request)
    box = "gesteld" if request.GET.get("map") == "gesteld" else "aan-mij"
    status = request.GET.get("status", "lopend")
    if status not in STATUS_FILTERS and status != "alle":
        status = "lopend"
    urgency = request.GET.get("urgentie", "")
    questions = visible_questions(user)
    if box == "gesteld":
        questions = questions.filter(asker=user)
    else:
        questions = questions.filter(addressed_condition(user)).exclude(asker=user)
    if status != "alle":
        questions = questions.filter(status__in=STATUS_FILTERS[status])
    if urgency in Urgency.values:
        questions = questions.filter(urgency=urgency)
    # Open ones first, the earliest reply-by on top; then the rest, the newest first.
    questions = questions.annotate(
        waiting=Case(
            When(status=QuestionStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("waiting", "reply_by", "-asked_at", "pk")
    page = Paginator(
        questions.select_related(
            "asker_role__practitioner",
            "asker_role__organization",
            "addressee_role__practitioner",
            "team",
            "tumour_type",
            "patient",
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    shown = log_patients_shown(request, [q.patient_id for q in page if q.patient_id])
    query = {"map": box, "status": status, "urgentie": urgency}
    return render(
        request,
        "messaging/inbox.html",
        {
            "page": page,
            "shown": shown,
            "box": box,
            "status": status,
            "urgency": urgency,
            "urgencies": Urgency.choices,
            "now": timezone.now(),
            "query_string": urlencode({k: v for k, v in query.items() if v}),
            "away": [role for role in active_roles(user) if role.is_away()],
        },
    )


def _initial(request: HttpRequest) -> dict[str, Any]:
    """What the finder or a page pre-fills: a person, or a team, a subject."""
    initial: dict[str, Any] = {}
    if (role := id_param(request.GET.get("rol"))) is not None:
        initial["to_role"] = role
    if (team := id_param(request.GET.get("organisatie"))) is not None:
        initial["team"] = team
        initial["team_function"] = request.GET.get("functie", "")
    if (tumour := id_param(request.GET.get("tumor"))) is not None:
        initial["tumour_type"] = tumour
    if subject := request.GET.get("onderwerp", "").strip()[:200]:
        initial["subject"] = subject
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def ask(request: HttpRequest) -> HttpResponse:
    """Ask a person or a team; from a pathway, about its patient (ticked by default)."""
    user = _user(request)
    pathway_id = id_param(request.GET.get("traject"))
    pathway_access = None
    if pathway_id is not None:
        event = AccessEvent.UPDATE if request.method == "POST" else AccessEvent.READ
        pathway_access = get_pathway_for_user(request, pathway_id, event=event)
    pathway: CarePathway | None = pathway_access.pathway if pathway_access else None
    posted = request.method == "POST"
    initial = {**_initial(request), **kept_initial(request, AskForm, SEARCH)}
    if pathway is not None:
        initial.setdefault("about_patient", True)
    form = AskForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=user,
        pathway=pathway,
        search=request.GET.get(SEARCH, ""),
        initial=initial,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        about = pathway if pathway is not None and data.get("about_patient") else None
        if about is not None and pathway_access is not None:
            actor = pathway_access.actor(request)
        else:
            actor = Actor.of(request)
        try:
            question = actions.do_ask_question(
                subject=data["subject"],
                text=data["text"],
                urgency=data["urgency"],
                actor=actor,
                addressee_role=data["to_role"],
                team=data["team"],
                team_function=data["team_function"],
                tumour_type=data["tumour_type"],
                pathway=about,
            )
            if data.get("attachment"):
                actions.do_add_question_attachment(question, data["attachment"], actor=actor)
        except actions.NotShared:
            form.add_error(
                None,
                _(
                    "The patient did not consent to sharing their data beyond the organisation "
                    "that registered them: ask without the patient, or someone of that "
                    "organisation."
                ),
            )
        except TransitionError:
            form.add_error(None, _("This question cannot be sent; check whom you ask."))
        else:
            messages.success(request, _("Question sent. The addressee is aan zet."))
            return redirect(question)
    return render(
        request,
        "messaging/ask.html",
        {
            "form": form,
            "pathway": pathway,
            "search": request.GET.get(SEARCH, ""),
            "search_param": SEARCH,
            "keep": [("traject", pathway.pk)] if pathway is not None else [],
        },
        status=400 if posted else 200,
    )


def _context(request: HttpRequest, access: QuestionAccess, **forms: Any) -> dict[str, Any]:
    question = access.question
    is_open = question.status == QuestionStatus.OPEN
    answered = question.status == QuestionStatus.ANSWERED
    addressee = access.is_addressee
    holder = question.holder_role or question.addressee_role
    team_org: Organization = holder.organization if holder is not None else question.team
    function = holder.function if holder is not None else question.team_function
    context: dict[str, Any] = {
        "question": question,
        "access": access,
        "pathway": question.pathway if access.patient_access else None,
        "thread": list(
            question.messages.select_related(
                "author_role__practitioner", "author_role__organization"
            )
        ),
        "attachments": list(question.attachments.all()),
        "late": is_open and question.reply_by < timezone.now(),
        "answer_form": forms.get("answer_form")
        or (AnswerForm() if is_open and addressee else None),
        "follow_up_form": forms.get("follow_up_form")
        or (FollowUpForm() if answered and access.is_asker else None),
        "close_form": forms.get("close_form")
        or (CloseForm() if answered and access.is_asker else None),
        "withdraw_form": forms.get("withdraw_form")
        or (WithdrawForm() if is_open and access.is_asker else None),
        "hand_over_form": forms.get("hand_over_form")
        or (
            HandOverForm(organization=team_org, function=function, user=request.user)
            if is_open and addressee
            else None
        ),
        "message_kinds": MessageKind,
    }
    return context


@require_GET
@login_required
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_question_for_user(request, pk)
    return render(request, "messaging/question.html", _context(request, access))


def _refused(request: HttpRequest, access: QuestionAccess, **forms: Any) -> HttpResponse:
    return render(
        request, "messaging/question.html", _context(request, access, **forms), status=400
    )


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_question_for_user(request, pk, event=AccessEvent.UPDATE)
    if not access.is_addressee or access.question.status != QuestionStatus.OPEN:
        raise PermissionDenied
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, access, answer_form=form)
    actor = access.actor(request)
    actions.do_answer_question(access.question, text=form.cleaned_data["text"], actor=actor)
    if form.cleaned_data.get("attachment"):
        actions.do_add_question_attachment(
            access.question, form.cleaned_data["attachment"], actor=actor
        )
    messages.success(request, _("Answer sent; the one who asked is told."))
    return redirect(access.question)


@require_POST
@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_question_for_user(request, pk, event=AccessEvent.UPDATE)
    if not access.is_asker or access.question.status != QuestionStatus.ANSWERED:
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _refused(request, access, follow_up_form=form)
    actions.do_ask_follow_up(
        access.question, text=form.cleaned_data["text"], actor=access.actor(request)
    )
    messages.success(request, _("Follow-up question sent."))
    return redirect(access.question)


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_question_for_user(request, pk, event=AccessEvent.UPDATE)
    if not access.is_asker or access.question.status != QuestionStatus.ANSWERED:
        raise PermissionDenied
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _refused(request, access, close_form=form)
    actions.do_close_question(
        access.question, note=form.cleaned_data["note"], actor=access.actor(request)
    )
    messages.success(request, _("Question closed."))
    return redirect(access.question)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_question_for_user(request, pk, event=AccessEvent.UPDATE)
    if not access.is_asker or access.question.status != QuestionStatus.OPEN:
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _refused(request, access, withdraw_form=form)
    actions.do_withdraw_question(
        access.question, reason=form.cleaned_data["reason"], actor=access.actor(request)
    )
    messages.success(request, _("Question withdrawn."))
    return redirect(access.question)


@require_http_methods(["GET", "POST"])
@login_required
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the colleague search (htmx or plain); POST: hand it over."""
    posted = request.method == "POST"
    access = get_question_for_user(
        request, pk, event=AccessEvent.UPDATE if posted else AccessEvent.READ
    )
    question = access.question
    if not access.is_addressee or question.status != QuestionStatus.OPEN:
        raise PermissionDenied
    holder = question.holder_role or question.addressee_role
    form = HandOverForm(
        request.POST if posted else None,
        organization=holder.organization if holder is not None else question.team,
        function=holder.function if holder is not None else question.team_function,
        user=request.user,
        search=request.GET.get(SEARCH, ""),
        initial=kept_initial(request, HandOverForm, SEARCH),
    )
    if not posted or not form.is_valid():
        return render(
            request,
            "messaging/question.html",
            _context(request, access, hand_over_form=form),
            status=400 if posted else 200,
        )
    to: PractitionerRole = form.cleaned_data["to"]
    try:
        actions.do_hand_over_question(
            question, to=to, note=form.cleaned_data["note"], actor=access.actor(request)
        )
    except actions.NotShared:
        form.add_error("to", _("The patient did not consent to sharing with this colleague."))
        return _refused(request, access, hand_over_form=form)
    except TransitionError:
        form.add_error("to", _("The question cannot go to this colleague."))
        return _refused(request, access, hand_over_form=form)
    messages.success(request, _("Handed to %(name)s.") % {"name": to.practitioner.full_name})
    return redirect(question)


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only through the question's access (an export when about a patient, logged)."""
    file = get_object_or_404(QuestionAttachment.objects.only("pk", "question_id"), pk=pk)
    access = get_question_for_user(request, file.question_id, event=AccessEvent.EXPORT)
    if access.hidden_patient:
        raise Http404
    file = QuestionAttachment.objects.get(pk=pk)
    response = FileResponse(
        file.file.open("rb"), as_attachment=True, filename=file.name, content_type=file.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def absence(request: HttpRequest) -> HttpResponse:
    """Mark myself away until a day: new questions to me go to my team meanwhile."""
    user = _user(request)
    roles = list(active_roles(user))
    first = roles[0]
    posted = request.method == "POST"
    form = AbsenceForm(
        request.POST if posted else None,
        initial={"away_until": first.away_until, "note": first.away_note},
    )
    if posted and form.is_valid():
        for role in roles:
            do_set_absence(
                PractitionerRole.objects.get(pk=role.pk),
                until=form.cleaned_data["away_until"],
                note=form.cleaned_data["note"],
                actor=Actor.of(request, role),
            )
        messages.success(
            request,
            _("You are marked away; new questions go to your team.")
            if form.cleaned_data["away_until"]
            else _("You are marked present again."),
        )
        return redirect("messaging:inbox")
    return render(
        request,
        "messaging/absence.html",
        {"form": form, "roles": roles},
        status=400 if posted else 200,
    )
