"""Who sees which question.

A question is seen by the one who asked it, by its addressee (the person, or everyone in the
team: the organisation's people in that function), by whom it was handed to, and, when it is
about a patient, by the patient's care relations. Asking about a patient gives the addressees
a care relation (the consent rule applies), so the patient is named to them through the same
access decision as everywhere, and logged. Outsiders get 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from schakel.accounts.models import User
from schakel.audit.models import AccessEvent
from schakel.directory.access import active_roles
from schakel.directory.actor import Actor
from schakel.directory.models import PractitionerRole
from schakel.messaging.models import Question
from schakel.patients.access import (
    PatientAccess,
    get_patient_for_user,
    visible_patient_ids,
    visible_to,
)


def addressed_condition(user: User | AnonymousUser, prefix: str = "") -> Q:
    """Questions to the user: to one of their roles, held by one, or to one of their teams."""
    roles = active_roles(user)
    condition = Q(**{f"{prefix}addressee_role__in": roles}) | Q(
        **{f"{prefix}holder_role__in": roles}
    )
    for role in roles:
        condition |= Q(
            **{
                f"{prefix}team_id": role.organization_id,
                f"{prefix}team_function": role.function,
                f"{prefix}addressee_role__isnull": True,
            }
        )
    # A person away: the question went to their team (the task says so).
    condition |= Q(**{f"{prefix}task__owner_role__in": roles})
    for role in roles:
        condition |= Q(
            **{
                f"{prefix}task__owner_team_id": role.organization_id,
                f"{prefix}task__owner_function__in": ["", role.function],
            }
        )
    return condition


def visible_questions(user: User | AnonymousUser) -> QuerySet[Question]:
    """The questions the user may see. About a patient, the addressee side sees it through the
    care relation the question gave them (so an objection to sharing hides it at once)."""
    if not isinstance(user, User) or not active_roles(user):
        return Question.objects.none()
    mine = Q(asker=user)
    addressed = addressed_condition(user)
    return Question.objects.filter(
        mine | (Q(patient__isnull=True) & addressed) | Q(patient_id__in=visible_patient_ids(user))
    )


@dataclass(frozen=True)
class QuestionAccess:
    question: Question
    is_asker: bool
    is_addressee: bool
    # The patient's access (logged), when the question is about a patient the user may see.
    patient_access: PatientAccess | None

    @property
    def hidden_patient(self) -> bool:
        return self.question.patient_id is not None and self.patient_access is None

    def actor(self, request: HttpRequest) -> Actor:
        """About a patient, one writes through the patient's access; else as oneself."""
        if self.patient_access is not None:
            return self.patient_access.actor(request)
        return Actor.of(request, self.own_role(request))

    def own_role(self, request: HttpRequest) -> PractitionerRole | None:
        """The user's role on this question's side: the asking role, or the addressed one."""
        roles = active_roles(request.user)
        question = self.question
        for role in roles:
            if role.pk in (
                question.asker_role_id,
                question.addressee_role_id,
                question.holder_role_id,
            ):
                return role
        for role in roles:
            if role.organization_id == question.team_id:
                return role
        return roles[0] if roles else None


def get_question_for_user(
    request: HttpRequest, pk: int, *, event: AccessEvent = AccessEvent.READ
) -> QuestionAccess:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    question = get_object_or_404(
        visible_questions(user).select_related(
            "asker_role__practitioner",
            "asker_role__organization",
            "addressee_role__practitioner",
            "addressee_role__organization",
            "holder_role__practitioner",
            "team",
            "tumour_type",
            "task",
        ),
        pk=pk,
    )
    patient_access = None
    if question.patient_id is not None and question.patient_id in visible_to(user):
        patient_access = get_patient_for_user(request, question.patient_id, event=event)
    is_addressee = (
        Question.objects.filter(pk=question.pk).filter(addressed_condition(user)).exists()
    )
    return QuestionAccess(question, question.asker_id == user.pk, is_addressee, patient_access)
