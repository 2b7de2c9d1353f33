"""Demo questions between professionals, in every state, made through the actions (so tasks,
care relations and notifications are the real ones) and then moved back in time to when they
were asked. A question about a patient goes to the hospital where that patient is treated now,
to someone who covers the patient's tumour type: the oncologist persona has a tamoxifen
question waiting, the GP persona an answer from the nurses to read, one question went past its
time and escalated to the operating specialist's team; the POH's general question is closed, a
team question was picked up by a colleague, the case manager asks the POH, the oncologist asks
the GP, one was withdrawn; and a lung-cancer nurse is away on holiday."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from schakel.directory.actions import do_set_absence
from schakel.directory.actor import Actor
from schakel.directory.models import MEDICAL_SPECIALISTS, Function, PractitionerRole
from schakel.messaging import actions
from schakel.messaging.models import Message, MessageKind, Question, Urgency
from schakel.pathways.access import visible_pathways
from schakel.pathways.models import CarePathway, Phase
from schakel.work.engine import evaluate_signals
from schakel.work.models import Task

# Who treats beside the oncologist: the surgeon, urologist, gynaecologist, ... of the tumour type.
OPERATING: list[str] = [f for f in MEDICAL_SPECIALISTS if f != Function.MEDICAL_ONCOLOGIST]


def _actor(role: PractitionerRole) -> Actor:
    return Actor(role.practitioner.user, role)


def _persona(email: str) -> PractitionerRole:
    return PractitionerRole.objects.select_related("organization", "practitioner__user").get(
        practitioner__user__email=email
    )


def _back(question: Question, asked_hours: float, answered_hours: float | None = None) -> None:
    """As if asked ``asked_hours`` ago (and answered, closed ``answered_hours`` ago): the moments
    move back, the reply-by is worked out again from the earlier moment (working hours), and an
    open addressee task is due then."""
    question.refresh_from_db()
    asked = timedelta(hours=asked_hours)
    answered = timedelta(hours=answered_hours if answered_hours is not None else 0)
    asked_at = question.asked_at - asked
    reply_by = actions.reply_by(asked_at, question.urgency)
    Question.objects.filter(pk=question.pk).update(
        asked_at=asked_at,
        reply_by=reply_by,
        first_answered_at=F("first_answered_at") - answered,
        answered_at=F("answered_at") - answered,
        closed_at=F("closed_at") - answered,
    )
    messages = Message.objects.filter(question=question)
    messages.filter(kind=MessageKind.QUESTION).update(created_at=F("created_at") - asked)
    messages.exclude(kind=MessageKind.QUESTION).update(created_at=F("created_at") - answered)
    tasks = Task.objects.filter(subject_id=question.pk, kind__startswith="messaging.")
    tasks.filter(kind="messaging.question").update(created_at=F("created_at") - asked)
    if question.task_id is not None and question.status == "open":
        Task.objects.filter(pk=question.task_id).update(due_at=reply_by)


def _treating(pathway: CarePathway, functions: list[str]) -> PractitionerRole | None:
    """Someone at the patient's current hospital in one of these functions who covers the
    patient's tumour type, and may be asked about them (consent)."""
    for stay in pathway.hospitals.filter(until__isnull=True).order_by("pk"):
        if not actions.may_share(pathway.patient, stay.hospital_id):
            continue
        role = (
            PractitionerRole.objects.active()
            .filter(
                organization_id=stay.hospital_id,
                function__in=functions,
                tumour_types=pathway.tumour_type,
            )
            .select_related("practitioner__user", "organization")
            .order_by("pk")
            .first()
        )
        if role is not None:
            return role
    return None


def build_demo_questions() -> int:
    """Returns the number of questions made."""
    gp = _persona("huisarts@schakel.test")
    poh = _persona("poh@schakel.test")
    specialist = _persona("specialist@schakel.test")
    manager = _persona("casemanager@schakel.test")
    hospital = specialist.organization
    colleague = (
        PractitionerRole.objects.active()
        .filter(organization=hospital, function=Function.MEDICAL_ONCOLOGIST)
        .exclude(pk=specialist.pk)
        .select_related("practitioner__user")
        .first()
    )
    assert gp.practitioner.user is not None  # noqa: S101 - a persona has an account
    open_pathways = list(
        visible_pathways(gp.practitioner.user)
        .exclude(phase=Phase.CLOSED)
        .select_related("patient", "tumour_type")
        .order_by("pk")[:40]
    )
    in_treatment = [p for p in open_pathways if p.phase == Phase.TREATMENT]
    # The oncologist persona's own patients in follow-up (breast cancer at their hospital).
    own = [
        p
        for p in open_pathways
        if p.phase != Phase.TREATMENT and _treating(p, [Function.MEDICAL_ONCOLOGIST]) == specialist
    ]
    if colleague is None or len(in_treatment) < 2 or len(own) < 2:
        return 0
    # Each question with how long ago it was asked, and answered (None: not answered).
    made: list[tuple[Question, float, float | None]] = []

    def ask(hours_ago: float, answered_ago: float | None = None, **fields: object) -> Question:
        question = actions.do_ask_question(**fields)  # type: ignore[arg-type]
        made.append((question, hours_ago, answered_ago))
        return question

    # Waiting for the oncologist persona: a task on their "Vandaag".
    ask(
        3,
        subject="Opvliegers onder tamoxifen",
        text="Mevrouw heeft sinds een maand veel opvliegers en slaapt slecht. Zij wil stoppen "
        "met de tamoxifen. Kan ik iets voorschrijven, of wilt u haar eerder zien?",
        urgency=Urgency.TWO_DAYS,
        actor=_actor(gp),
        addressee_role=specialist,
        pathway=own[0],
    )
    # The oncologist asks the GP (answered, closed).
    history = ask(
        24 * 3,
        24 * 2,
        subject="Botdichtheid bij anastrozol",
        text="Is er bij u een recente DEXA-scan bekend? Wij overwegen over te stappen op "
        "anastrozol en willen dan calcium en vitamine D laten starten.",
        urgency=Urgency.TWO_DAYS,
        actor=_actor(specialist),
        addressee_role=gp,
        pathway=own[1],
    )
    actions.do_answer_question(
        history,
        text="Geen DEXA bekend. Wel al vitamine D 800 IE sinds vorig jaar; calcium start ik "
        "op uw advies.",
        actor=_actor(gp),
    )
    actions.do_close_question(history, note="", actor=_actor(specialist))
    # Answered by the nurses of the patient's hospital: the GP persona is aan zet to close.
    treated, later = in_treatment[0], in_treatment[1]
    nurse = _treating(treated, [Function.NURSE_SPECIALIST])
    if nurse is not None:
        skin = ask(
            26,
            2,
            subject="Huidklachten tijdens de behandeling",
            text="Roodheid en schilfering van handpalmen en voetzolen, pijnlijk bij lopen. "
            "Door met de behandeling of eerst overleg?",
            urgency=Urgency.TODAY,
            actor=_actor(gp),
            team=nurse.organization,
            team_function=Function.NURSE_SPECIALIST,
            tumour_type=treated.tumour_type,
            pathway=treated,
        )
        actions.do_answer_question(
            skin,
            text="Dit past bij hand-voetsyndroom graad 2. Tot de poli-afspraak van donderdag de "
            "tabletten onderbreken en ureumcrème 10% twee keer per dag. Bij blaren of koorts "
            "bellen met de dagbehandeling.",
            actor=_actor(nurse),
        )
    # The case manager asks the POH about the same patient (open, a week).
    ask(
        5,
        subject="Vermoeidheid en stemming",
        text="Bij de laatste vragenlijst gaf patiënt veel vermoeidheid en somberheid aan. Wilt "
        "u deze week bellen en zo nodig een afspraak maken?",
        urgency=Urgency.WEEK,
        actor=_actor(manager),
        addressee_role=poh,
        pathway=treated,
    )
    # Unanswered past its time: the signal escalates it to the operating specialist's team.
    operating = _treating(later, OPERATING)
    if operating is not None:
        ask(
            24 * 3,
            subject="Wondvocht na de operatie",
            text="Tien dagen na de operatie lekt er nog helder wondvocht uit het litteken, "
            "zonder koorts of roodheid. Kan dit thuis worden afgewacht of moet patiënt "
            "terugkomen op de poli?",
            urgency=Urgency.TODAY,
            actor=_actor(gp),
            addressee_role=operating,
            pathway=later,
        )
    # A general question of the POH, answered and closed.
    fever = ask(
        24 * 6,
        24 * 5,
        subject="Koorts tijdens chemotherapie: wanneer insturen?",
        text="Welke grens hanteren jullie voor koorts bij patiënten in chemotherapie? En moeten "
        "ze zelf de SEH bellen of eerst de huisarts?",
        urgency=Urgency.WEEK,
        actor=_actor(poh),
        addressee_role=specialist,
    )
    actions.do_answer_question(
        fever,
        text="Vanaf 38,5 °C (of tweemaal 38,0 °C binnen een uur) direct de oncologische "
        "dagbehandeling bellen, dag en nacht via het nummer op de patiëntenkaart; niet eerst "
        "de huisarts. Zie ook het regionale koortsprotocol.",
        actor=_actor(specialist),
    )
    actions.do_close_question(
        fever, note="Dank, opgenomen in ons praktijkprotocol.", actor=_actor(poh)
    )
    # A team question picked up by a colleague of the oncologist persona.
    elderly = ask(
        24 * 2,
        20,
        subject="Immunotherapie bij kwetsbare ouderen",
        text="Geldt er een leeftijdsgrens voor immunotherapie, of kijken jullie naar de G8?",
        urgency=Urgency.WEEK,
        actor=_actor(gp),
        team=hospital,
        team_function=Function.MEDICAL_ONCOLOGIST,
    )
    actions.do_answer_question(
        elderly,
        text="Geen leeftijdsgrens; we beslissen op de G8 en zo nodig een geriatrisch consult. "
        "Uw inbreng over kwetsbaarheid voor het MDO helpt daarbij.",
        actor=_actor(colleague),
    )
    # Withdrawn by the POH before an answer came.
    dressing = ask(
        24,
        22,
        subject="Wondverband na okselklierdissectie",
        text="Welk verband adviseren jullie na een okselklierdissectie?",
        urgency=Urgency.TWO_DAYS,
        actor=_actor(poh),
        team=hospital,
        team_function=Function.NURSE_SPECIALIST,
    )
    actions.do_withdraw_question(
        dressing, reason="Al opgelost via de wondverpleegkundige.", actor=_actor(poh)
    )
    for question, asked_ago, answered_ago in made:
        _back(question, asked_ago, answered_ago)
    evaluate_signals()
    # A lung-cancer nurse on holiday: the finder says so, her questions go to her team.
    away = (
        PractitionerRole.objects.active()
        .filter(
            organization=hospital,
            function=Function.NURSE_SPECIALIST,
            tumour_types__code="longkanker",
        )
        .first()
    )
    if away is not None:
        do_set_absence(
            away,
            until=timezone.localdate() + timedelta(days=6),
            note="Vakantie; vragen gaan naar het team verpleegkundig specialisten.",
            actor=_actor(away),
        )
    return len(made)
