"""What happens to a question: asked, answered, a follow-up, handed to a colleague, escalated
when its reply-by time passes, closed (by the asker, or by itself some days after the answer),
withdrawn. Each write is one transaction with its access-log (about a patient) or change-log
entry; whose move it is, is a task of the work layer.

Routing: a question to a person who is away goes to their team (the organisation's people in
the same function); a question to a team goes to the team. About a patient, the addressees get
a care relation for as long as the question needs (until two weeks after it closes); without the
patient's consent to share, only someone at the organisation that recorded the patient can be
asked about them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from schakel.audit.models import AccessEvent, ChangeAction
from schakel.core.uploads import store_attachment
from schakel.core.workdays import add_working_hours
from schakel.directory.actor import Actor
from schakel.directory.changes import log_change
from schakel.directory.models import Function, Organization, PractitionerRole, TumourType
from schakel.messaging.models import (
    URGENCY_HOURS,
    Message,
    MessageKind,
    Question,
    QuestionAttachment,
    QuestionStatus,
    Urgency,
)
from schakel.pathways.models import CarePathway
from schakel.patients.actions import do_start_care_relation, log_patient_change
from schakel.patients.models import Patient, RelationKind, Sharing
from schakel.work.actions import (
    TransitionError,
    do_create_task,
    do_hand_over_task,
    do_transition_task,
)
from schakel.work.engine import evaluate_now
from schakel.work.models import OPEN_TASK_STATUSES, Task, TaskStatus

# How long the addressees keep access to the patient after the question closes.
RELATION_DAYS_AFTER = 14
# How long the asker has to read an answer before the question closes by itself.
READ_ANSWER_DAYS = 7


class NotShared(TransitionError):
    """The patient did not consent to sharing beyond the organisation that recorded them."""


def reply_by(asked_at: datetime, urgency: str) -> datetime:
    """Today: four working hours; two working days: eighteen; a week: forty-five. Working
    hours are 08:00-17:00 on working days (weekends and Dutch public holidays skipped)."""
    return add_working_hours(asked_at, URGENCY_HOURS[Urgency(urgency)])


def autoclose_days() -> int:
    """After how many days an answered question closes by itself (the region may set it)."""
    return int(settings.SCHAKEL_QUESTION_AUTOCLOSE_DAYS)


def team_roles(
    organization: Organization, function: str, tumour_type: TumourType | None = None
) -> list[PractitionerRole]:
    """The people of a team: the organisation's active roles in that function; for a tumour
    type, those who cover it (or, when nobody does, all of them)."""
    team = (
        PractitionerRole.objects.active()
        .filter(organization=organization, function=function)
        .select_related("practitioner", "organization")
    )
    if tumour_type is not None:
        covering = list(team.filter(tumour_types=tumour_type))
        if covering:
            return covering
    return list(team)


def may_share(patient: Patient, organization_id: int) -> bool:
    """The consent rule: beyond the organisation that recorded the patient, only with consent."""
    return patient.sharing == Sharing.PERMITTED or patient.recorded_by_id == organization_id


def _log(actor: Actor, question: Question, event: AccessEvent, detail: str = "") -> None:
    """The write in the access log (about a patient) or the change log; and the question's
    signal evaluated when it commits (an answer resolves "not answered in time" at once)."""
    evaluate_now(question)
    if question.patient is not None:
        log_patient_change(
            actor,
            question.patient,
            event,
            object_type="Question",
            object_id=question.pk,
            detail=detail,
        )
    else:
        action = ChangeAction.CREATE if event == AccessEvent.CREATE else ChangeAction.UPDATE
        log_change(actor, question, action, {"status": [None, detail]})


def _message(question: Question, kind: MessageKind, actor: Actor, text: str = "") -> Message:
    return Message.objects.create(
        question=question, kind=kind, author=actor.user, author_role=actor.role, text=text
    )


def _give_access(question: Question, roles: list[PractitionerRole], actor: Actor) -> None:
    """About a patient: a care relation for each addressee, open while the question needs it."""
    if question.patient is None:
        return
    for role in roles:
        if not may_share(question.patient, role.organization_id):
            continue
        relation = do_start_care_relation(
            question.patient, role, kind=RelationKind.CONSULTED, actor=actor
        )
        question.relations.add(relation)


def _end_access(question: Question, actor: Actor) -> None:
    """The question is done: its care relations end two weeks from now, unless another open
    question still needs them."""
    until = timezone.now() + timedelta(days=RELATION_DAYS_AFTER)
    still_needed = set(
        Question.relations.through.objects.filter(
            question__status__in=[QuestionStatus.OPEN, QuestionStatus.ANSWERED]
        )
        .exclude(question=question)
        .values_list("carerelation_id", flat=True)
    )
    for relation in question.relations.filter(ended_at__isnull=True):
        if relation.pk in still_needed:
            continue
        relation.ended_at = until
        relation.save(update_fields=["ended_at", "updated_at"])
        log_patient_change(
            actor,
            relation.patient,
            AccessEvent.UPDATE,
            object_type="CareRelation",
            object_id=relation.pk,
            detail=f"ends {until:%Y-%m-%d} (question {question.pk} closed)",
        )


def _close_task(task: Task | None, actor: Actor, status: TaskStatus = TaskStatus.COMPLETED) -> None:
    if task is not None and task.status in OPEN_TASK_STATUSES:
        do_transition_task(task, status, actor=actor)


def _addressee_task(question: Question, actor: Actor, *, due_at: datetime) -> Task:
    """The addressee's move: the person (or, away, their team) or the team, by the reply-by
    time; escalated to the patient's case manager when it is late."""
    person = question.holder_role or question.addressee_role
    owner: dict[str, object]
    if person is not None and not person.is_away():
        owner = {"owner_role": person}
    else:
        function = person.function if person is not None else question.team_function
        organization = person.organization if person is not None else question.team
        owner = {"owner_team": organization, "owner_function": function}
    asker = question.asker_role
    return do_create_task(
        question,
        kind="messaging.question",
        title=f"Vraag van {asker.practitioner.full_name} ({asker.organization.name}): "
        f"{question.subject}"[:200],
        due_at=due_at,
        actor=actor,
        escalation_role=question.pathway.case_manager if question.pathway else None,
        **owner,  # type: ignore[arg-type]
    )


@transaction.atomic
def do_ask_question(
    *,
    subject: str,
    text: str,
    urgency: str,
    actor: Actor,
    addressee_role: PractitionerRole | None = None,
    team: Organization | None = None,
    team_function: str = "",
    tumour_type: TumourType | None = None,
    pathway: CarePathway | None = None,
    patient: Patient | None = None,
) -> Question:
    """Ask a person (in a role) or a team (an organisation and a function) a question, about a
    patient (through their pathway) or general. The addressee is aan zet by the reply-by time."""
    if not subject.strip() or not text.strip():
        raise TransitionError("a question has a subject and a text")
    organization = addressee_role.organization if addressee_role is not None else team
    if organization is None or (addressee_role is None and not team_function):
        raise TransitionError("a question goes to a person or to a team with a function")
    if team_function and team_function not in Function.values:
        raise TransitionError("no such function")
    if pathway is not None:
        patient = pathway.patient
    if addressee_role is not None and addressee_role.practitioner.user_id == actor.user_id:
        raise TransitionError("a question goes to someone else")
    if patient is not None and not may_share(patient, organization.pk):
        raise NotShared(patient.pk)
    now = timezone.now()
    question = Question.objects.create(
        asker=actor.account,
        asker_role=actor.acting_role,
        addressee_role=addressee_role,
        team=organization,
        team_function="" if addressee_role is not None else team_function,
        tumour_type=tumour_type,
        patient=patient,
        pathway=pathway,
        subject=subject.strip(),
        urgency=urgency,
        asked_at=now,
        reply_by=reply_by(now, urgency),
    )
    _message(question, MessageKind.QUESTION, actor, text.strip())
    _give_access(
        question,
        [addressee_role]
        if addressee_role is not None and not addressee_role.is_away()
        else team_roles(
            organization,
            addressee_role.function if addressee_role else team_function,
            tumour_type,
        ),
        actor,
    )
    question.task = _addressee_task(question, actor, due_at=question.reply_by)
    question.save(update_fields=["task", "updated_at"])
    _log(actor, question, AccessEvent.CREATE, "asked")
    return question


@transaction.atomic
def do_answer_question(question: Question, *, text: str, actor: Actor) -> Message:
    """The addressee (or a colleague of the team) answers: the asker is aan zet to read it,
    close it or ask a follow-up."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.OPEN:
        raise TransitionError(f"the question is {question.status}")
    if not text.strip():
        raise TransitionError("an answer says something")
    message = _message(question, MessageKind.ANSWER, actor, text.strip())
    now = timezone.now()
    question.status = QuestionStatus.ANSWERED
    question.first_answered_at = question.first_answered_at or now
    question.answered_at = now
    question.holder_role = actor.role
    _close_task(question.task, actor)
    question.task = do_create_task(
        question,
        kind="messaging.answer",
        title=f"Antwoord op uw vraag: {question.subject}"[:200],
        due_at=now + timedelta(days=READ_ANSWER_DAYS),
        actor=actor,
        owner_role=question.asker_role,
    )
    question.save(
        update_fields=[
            "status",
            "first_answered_at",
            "answered_at",
            "holder_role",
            "task",
            "updated_at",
        ]
    )
    _log(actor, question, AccessEvent.UPDATE, "answered")
    return message


@transaction.atomic
def do_ask_follow_up(question: Question, *, text: str, actor: Actor) -> Message:
    """The asker asks further: the one who answered is aan zet again, with a new reply-by."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.ANSWERED:
        raise TransitionError("a follow-up comes after an answer")
    if not text.strip():
        raise TransitionError("a follow-up says something")
    message = _message(question, MessageKind.FOLLOW_UP, actor, text.strip())
    question.status = QuestionStatus.OPEN
    question.reply_by = reply_by(timezone.now(), question.urgency)
    question.escalated_at = None
    _close_task(question.task, actor)
    question.task = _addressee_task(question, actor, due_at=question.reply_by)
    question.save(update_fields=["status", "reply_by", "escalated_at", "task", "updated_at"])
    _log(actor, question, AccessEvent.UPDATE, "follow-up")
    return message


@transaction.atomic
def do_close_question(question: Question, *, actor: Actor | None, note: str = "") -> None:
    """The asker has what they needed (or, ``actor`` None, the answer went unread long
    enough: the question closes by itself with a note)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.ANSWERED:
        raise TransitionError("only an answered question is closed")
    system = actor or Actor.system()
    _message(question, MessageKind.CLOSED, system, note.strip())
    question.status = QuestionStatus.CLOSED
    question.closed_at = timezone.now()
    _close_task(question.task, system)
    question.save(update_fields=["status", "closed_at", "updated_at"])
    _end_access(question, system)
    _log(system, question, AccessEvent.UPDATE, "closed" if actor else "closed by itself")


@transaction.atomic
def do_withdraw_question(question: Question, *, reason: str, actor: Actor) -> None:
    """The asker no longer needs an answer (before it came)."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.OPEN:
        raise TransitionError("only an open question is withdrawn")
    _message(question, MessageKind.WITHDRAWN, actor, reason.strip())
    question.status = QuestionStatus.WITHDRAWN
    question.closed_at = timezone.now()
    _close_task(question.task, actor, TaskStatus.CANCELLED)
    question.save(update_fields=["status", "closed_at", "updated_at"])
    _end_access(question, actor)
    _log(actor, question, AccessEvent.UPDATE, "withdrawn")


@transaction.atomic
def do_hand_over_question(
    question: Question, *, to: PractitionerRole, note: str, actor: Actor
) -> None:
    """Someone on the addressee's side gives the question to a colleague, with a note."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != QuestionStatus.OPEN or question.task is None:
        raise TransitionError("only an open question is handed over")
    if to.practitioner.user_id == question.asker_id:
        raise TransitionError("not back to the one who asked")
    if question.patient is not None and not may_share(question.patient, to.organization_id):
        raise NotShared(question.patient.pk)
    _message(question, MessageKind.HANDED_OVER, actor, note.strip())
    question.holder_role = to
    _give_access(question, [to], actor)
    do_hand_over_task(question.task, actor=actor, owner_role=to, note=note.strip())
    question.save(update_fields=["holder_role", "updated_at"])
    _log(actor, question, AccessEvent.UPDATE, "handed over")


@transaction.atomic
def do_escalate_question(question: Question) -> None:
    """Past its reply-by time: a question to a person goes to their team as well (the task
    becomes the team's); the patient's case manager (the task's escalation contact) and the
    asker see it. Done once per reply-by time."""
    # Lock the question's row only (its person columns are outer joins, which PostgreSQL
    # does not lock).
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("task", "addressee_role", "holder_role", "asker_role")
        .get(pk=question.pk)
    )
    if question.status != QuestionStatus.OPEN or question.escalated_at is not None:
        return
    system = Actor.system()
    _message(question, MessageKind.ESCALATED, system)
    question.escalated_at = timezone.now()
    person = question.holder_role or question.addressee_role
    task = question.task
    if person is not None and task is not None and task.is_open and task.owner_role_id:
        _give_access(
            question,
            team_roles(person.organization, person.function, question.tumour_type),
            system,
        )
        do_hand_over_task(
            task,
            actor=system,
            owner_team=person.organization,
            owner_function=person.function,
            note="Niet beantwoord binnen de gevraagde tijd",
        )
    question.save(update_fields=["escalated_at", "updated_at"])


def do_close_answered_questions(now: datetime | None = None) -> int:
    """Answered questions not closed for the region's number of days close by themselves."""
    now = now or timezone.now()
    due = Question.objects.filter(
        status=QuestionStatus.ANSWERED, answered_at__lt=now - timedelta(days=autoclose_days())
    ).values_list("pk", flat=True)
    closed = 0
    for pk in list(due[:500]):
        do_close_question(
            Question(pk=pk),
            actor=None,
            note="Automatisch gesloten: het antwoord kwam meer dan "
            f"{autoclose_days()} dagen geleden.",
        )
        closed += 1
    return closed


@transaction.atomic
def do_add_question_attachment(
    question: Question, upload: UploadedFile, *, actor: Actor
) -> QuestionAttachment:
    """Store an attachment (checked by its bytes and size) with the question."""
    if question.status in (QuestionStatus.CLOSED, QuestionStatus.WITHDRAWN):
        raise TransitionError("the question is closed")
    attachment = QuestionAttachment(question=question)
    store_attachment(attachment, upload, user=actor.user)
    _log(actor, question, AccessEvent.CREATE, f"attachment {attachment.pk}")
    return attachment
