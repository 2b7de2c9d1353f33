from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from schakel.accounts.models import User
from schakel.core.identifiers import validate_agb, validate_big, validate_ura, validate_uzi
from schakel.demo.builder import DEMO_PASSWORD, REGION_NAME
from schakel.directory.finder import MatchLevel, find_contacts
from schakel.directory.models import (
    ContactPoint,
    ContactReport,
    ContactTopic,
    Function,
    Organization,
    OrganizationKind,
    Practitioner,
    PractitionerRole,
    Region,
    TumourType,
)


class DemoRegionTests(TestCase):
    output: StringIO

    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("demo", stdout=cls.output)

    def count(self, **filters) -> int:
        return PractitionerRole.objects.filter(**filters).count()

    def test_it_has_the_size_of_a_real_region(self):
        hospitals = Organization.objects.filter(kind=OrganizationKind.HOSPITAL)
        self.assertEqual(hospitals.count(), 5)
        self.assertEqual(Organization.objects.filter(kind=OrganizationKind.GP_PRACTICE).count(), 40)
        self.assertEqual(self.count(function__in=[Function.GP, Function.POH_ONCOLOGY]), 120)
        self.assertEqual(self.count(organization__kind=OrganizationKind.HOSPITAL), 150)
        self.assertGreaterEqual(self.count(function=Function.CASE_MANAGER), 3)
        self.assertEqual(self.count(function=Function.NETWORK_COORDINATOR), 1)
        self.assertEqual(self.count(function=Function.PRIVACY_OFFICER), 1)

    def test_every_identifier_is_valid(self):
        for practitioner in Practitioner.objects.all():
            for value, validate in (
                (practitioner.big, validate_big),
                (practitioner.agb, validate_agb),
                (practitioner.uzi, validate_uzi),
            ):
                if value:
                    validate(value)
        for org in Organization.objects.all():
            if org.agb:
                validate_agb(org.agb)
            if org.ura:
                validate_ura(org.ura)

    def test_names_are_dutch_with_voorvoegsels_sorted_on_the_family_name(self):
        with_prefix = Practitioner.objects.exclude(name_prefix="").first()
        assert with_prefix is not None
        self.assertIn(f" {with_prefix.name_prefix} ", with_prefix.full_name)
        self.assertTrue(with_prefix.sort_name.startswith(with_prefix.family_name.casefold()))

    def test_each_persona_can_log_in_with_the_printed_password(self):
        printed = self.output.getvalue()
        for email in [
            "huisarts@schakel.test",
            "poh@schakel.test",
            "specialist@schakel.test",
            "casemanager@schakel.test",
            "coordinator@schakel.test",
            "privacy@schakel.test",
        ]:
            self.assertIn(email, printed)
            user = User.objects.get(email=email)
            self.assertTrue(user.check_password(DEMO_PASSWORD))
            self.assertTrue(user.practitioner.roles.exists())
        self.assertIn(DEMO_PASSWORD, printed)

    def test_the_gps_question_has_a_specific_answer_in_every_hospital(self):
        breast = TumourType.objects.get(code="borstkanker")
        side_effects = ContactTopic.objects.get(code="bijwerkingen")
        for hospital in Organization.objects.filter(kind=OrganizationKind.HOSPITAL):
            result = find_contacts(hospital, breast, side_effects)
            self.assertEqual(result.best_level, MatchLevel.SPECIFIC, hospital)

    def test_the_worklist_has_work(self):
        self.assertEqual(ContactReport.objects.filter(resolved_at__isnull=True).count(), 2)
        self.assertTrue(PractitionerRole.objects.filter(last_verified_at__isnull=True).exists())
        self.assertTrue(ContactPoint.objects.exists())

    def test_running_it_again_changes_nothing(self):
        before = Practitioner.objects.count()
        out = StringIO()
        call_command("demo", stdout=out)
        self.assertIn("already present", out.getvalue())
        self.assertEqual(Practitioner.objects.count(), before)
        self.assertEqual(Region.objects.filter(name=REGION_NAME).count(), 1)


class DemoScaleTests(TestCase):
    def test_scale_multiplies_the_region(self):
        call_command("demo", "--scale", "3", stdout=StringIO())
        self.assertEqual(Organization.objects.filter(kind=OrganizationKind.HOSPITAL).count(), 15)
        self.assertEqual(
            Organization.objects.filter(kind=OrganizationKind.GP_PRACTICE).count(), 120
        )
        self.assertEqual(
            PractitionerRole.objects.filter(organization__kind=OrganizationKind.HOSPITAL).count(),
            450,
        )
        names = list(Organization.objects.values_list("name", flat=True))
        self.assertEqual(len(names), len(set(names)))


class DemoPatientsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=StringIO())

    def test_patients_have_valid_bsns_and_consent_in_every_state(self):
        from schakel.core.identifiers import validate_bsn
        from schakel.patients.models import Patient, Sharing

        self.assertEqual(Patient.objects.count(), 207)
        for bsn in Patient.objects.values_list("bsn", flat=True):
            validate_bsn(bsn)
        states = set(Patient.objects.values_list("sharing", flat=True))
        self.assertEqual(states, {Sharing.PERMITTED, Sharing.NOT_ASKED, Sharing.OBJECTED})

    def test_the_personas_see_their_own_patients_and_not_those_who_objected(self):
        from schakel.patients.access import visible_patients
        from schakel.patients.models import Sharing

        gp = User.objects.get(email="huisarts@schakel.test")
        seen = list(visible_patients(gp))
        self.assertGreaterEqual(len(seen), 3)
        self.assertNotIn(Sharing.OBJECTED, {p.sharing for p in seen})
        for email in ("specialist@schakel.test", "casemanager@schakel.test"):
            self.assertTrue(visible_patients(User.objects.get(email=email)).exists(), email)
        for email in ("coordinator@schakel.test", "privacy@schakel.test"):
            self.assertFalse(visible_patients(User.objects.get(email=email)).exists(), email)


class DemoPathwaysTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=StringIO())

    def test_pathways_in_every_phase_with_tasks_and_signals(self):
        from django.db.models import Count

        from schakel.pathways.models import CarePathway, Phase
        from schakel.work.models import Signal, Task

        phases = set(CarePathway.objects.values_list("phase", flat=True))
        self.assertEqual(phases, set(Phase.values))
        self.assertTrue(Task.objects.overdue().exists())
        self.assertTrue(Signal.objects.filter(resolved_at__isnull=True).exists())
        self.assertTrue(Signal.objects.filter(resolved_at__isnull=False).exists())
        three = CarePathway.objects.annotate(n=Count("hospitals")).filter(n__gte=3)
        self.assertTrue(three.exists())

    def test_the_gp_persona_follows_a_patient_who_moved_hospitals(self):
        from django.db.models import Count

        from schakel.pathways.access import visible_pathways

        gp = User.objects.get(email="huisarts@schakel.test")
        moved = visible_pathways(gp).annotate(n=Count("hospitals")).filter(n__gte=3)
        self.assertTrue(moved.exists())


class DemoMdoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=StringIO())

    def test_meetings_agendas_requests_in_several_states_and_advice_to_acknowledge(self):
        from schakel.mdo.models import AgendaItem, MdoMeeting, MdoOutcome, MdoSeries
        from schakel.work.models import TaskStatus

        self.assertEqual(MdoSeries.objects.filter(hospital__isnull=False).count(), 5)
        self.assertTrue(MdoSeries.objects.filter(hospital__isnull=True).exists())  # regional
        self.assertTrue(MdoMeeting.objects.filter(starts_at__gt=timezone.now()).exists())
        self.assertTrue(MdoOutcome.objects.filter(acknowledged_at__isnull=True).exists())
        statuses = set(
            AgendaItem.objects.exclude(input_request=None).values_list(
                "input_request__status", flat=True
            )
        )
        self.assertTrue(
            {TaskStatus.COMPLETED, TaskStatus.REQUESTED, TaskStatus.DECLINED} <= statuses
        )
        from schakel.mdo.rules import MdoRule
        from schakel.work.models import Signal

        self.assertTrue(
            Signal.objects.filter(rule=MdoRule.ADVICE_NOT_SENT, resolved_at__isnull=True).exists()
        )

    def test_questionnaire_trends_a_task_and_a_working_patient_link(self):
        from schakel.proms.models import Score
        from schakel.work.models import Task

        self.assertGreaterEqual(Score.objects.filter(instrument__code="gfi").count(), 4)
        self.assertTrue(Task.objects.filter(focus_type="Score").exists())
        page = self.client.get("/v/demo-patient-gfi/")
        self.assertContains(page, "Groningen Frailty Indicator")

    def test_handovers_in_every_status_with_aftercare_the_gp_persona_meets(self):
        from schakel.handovers.models import Direction, Handover, HandoverStatus
        from schakel.handovers.rules import HandoverRule
        from schakel.work.models import Signal, Task

        gp = User.objects.get(email="huisarts@schakel.test")
        specialist = User.objects.get(email="specialist@schakel.test")
        mine = Handover.objects.filter(receiver_role__practitioner__user=gp)
        self.assertEqual(set(mine.values_list("status", flat=True)), set(HandoverStatus.values))
        self.assertTrue(mine.filter(times_sent=2, status=HandoverStatus.ACCEPTED).exists())
        revised = mine.filter(plan__versions__number=2)
        self.assertTrue(revised.exists())  # a plan changed after acceptance
        checks = Task.objects.filter(kind="handovers.check", owner_role__practitioner__user=gp)
        self.assertTrue(checks.overdue().exists())
        self.assertTrue(checks.open().exclude(pk__in=checks.overdue()).exists())
        back = Handover.objects.get(direction=Direction.TO_HOSPITAL)
        assert back.receiver_role is not None
        self.assertEqual(back.receiver_role.practitioner.user, specialist)
        self.assertTrue(
            Handover.objects.filter(
                direction=Direction.TRANSFER, status=HandoverStatus.REQUESTED
            ).exists()
        )
        open_rules = set(Signal.objects.filter(resolved_at=None).values_list("rule", flat=True))
        self.assertTrue(
            {HandoverRule.NOT_ACCEPTED, HandoverRule.CHECK_OVERDUE} <= open_rules, open_rules
        )


def check_coherence(case: TestCase) -> None:
    """The demo as a GP would read it: it must make clinical sense."""
    from django.db.models import Q

    from schakel.demo.pathways import TUMOUR_TYPES
    from schakel.pathways.models import CarePathway, EventKind, PathwayEvent, PathwayHospital
    from schakel.proms.models import Response

    pathways = CarePathway.objects.select_related("patient", "tumour_type")
    case.assertTrue(pathways.exists())
    for pathway in pathways:
        code, sex = pathway.tumour_type.code, pathway.patient.gender
        case.assertIn(sex, TUMOUR_TYPES[code][0], f"{code} for a {sex} patient")
        current = set(
            pathway.hospitals.filter(until__isnull=True).values_list("hospital_id", flat=True)
        )
        for member in pathway.team.filter(until__isnull=True).select_related("role"):
            case.assertIn(member.role.organization_id, current, pathway.pk)
            case.assertTrue(member.role.tumour_types.filter(code=code).exists(), pathway.pk)
        allowed_owners = {
            pathway.general_practitioner_id,
            pathway.case_manager_id,
            *pathway.team.values_list("role_id", flat=True),
            # The practice's POH, when a contact moment made her the next one aan zet.
            *PractitionerRole.objects.filter(
                organization=pathway.patient.gp_practice, function=Function.POH_ONCOLOGY
            ).values_list("pk", flat=True),
        }
        for task in pathway.tasks.open().exclude(owner_role=None):
            if task.kind == "pathways.step":
                case.assertIn(task.owner_role_id, allowed_owners, task.title)
    treatments = PathwayEvent.objects.filter(
        kind__in=[EventKind.TREATMENT_START, EventKind.TREATMENT_END]
    ).select_related("pathway__tumour_type")
    for event in treatments:
        allowed = TUMOUR_TYPES[event.pathway.tumour_type.code][1]
        case.assertIn(event.modality, allowed, event.pathway.tumour_type.code)
    # What a hospital did, it did where the patient was (a handover's acceptance is the GP's).
    located = PathwayEvent.objects.filter(
        Q(kind__in=[EventKind.TREATMENT_START, EventKind.TREATMENT_END])
        | Q(kind=EventKind.HANDOVER, organization__kind=OrganizationKind.HOSPITAL)
    )
    for event in located:
        day = timezone.localdate(event.occurred_at)
        there = PathwayHospital.objects.filter(
            pathway=event.pathway_id, hospital=event.organization_id, since__lte=day
        ).exclude(until__lt=day)
        case.assertTrue(there.exists(), (event.kind, event.pathway_id, day))
    check_handovers(case)
    for response in Response.objects.select_related("version__instrument"):
        note = PathwayEvent.objects.filter(
            pathway=response.pathway_id,
            kind=EventKind.NOTE,
            summary__startswith=response.version.instrument.name,
            occurred_at=response.submitted_at,
        ).first()
        case.assertIsNotNone(note, response.version.instrument.name)
        assert note is not None
        if response.by_patient:
            case.assertIsNone(note.recorded_by_id)  # the patient, not who invited them


def check_handovers(case: TestCase) -> None:
    """A pathway in aftercare was handed over to its GP practice and accepted, with a plan; a
    handover leaves from a hospital where the patient was; an accepted transfer arrived."""
    from schakel.handovers.models import Direction, Handover, HandoverStatus
    from schakel.pathways.models import CarePathway, EventKind, PathwayEvent, PathwayHospital, Phase

    taken_over = {HandoverStatus.ACCEPTED, HandoverStatus.COMPLETED}
    for pathway in CarePathway.objects.filter(phase=Phase.AFTERCARE).select_related("patient"):
        accepted = Handover.objects.filter(
            pathway=pathway, direction=Direction.TO_GP, status__in=taken_over
        ).select_related("plan")
        case.assertTrue(accepted.exists(), pathway.pk)
        for handover in accepted:
            case.assertEqual(handover.receiver_organization_id, pathway.patient.gp_practice_id)
            case.assertTrue(handover.plan.versions.exists())
    for handover in Handover.objects.exclude(direction=Direction.TO_HOSPITAL):
        day = timezone.localdate(handover.sent_at)
        there = PathwayHospital.objects.filter(
            pathway=handover.pathway_id, hospital=handover.sender_organization_id, since__lte=day
        ).exclude(until__lt=day)
        case.assertTrue(there.exists(), (handover.pk, handover.direction))
        if handover.direction == Direction.TRANSFER and handover.status in taken_over:
            case.assertTrue(
                PathwayEvent.objects.filter(
                    pathway=handover.pathway_id,
                    kind=EventKind.ARRIVAL,
                    organization=handover.receiver_organization_id,
                ).exists()
            )


class DemoCoherenceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=StringIO())

    def test_the_demo_makes_clinical_sense(self):
        check_coherence(self)


class DemoCoherenceAtScaleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", "--scale", "2", stdout=StringIO())

    def test_the_demo_makes_clinical_sense_at_twice_the_size(self):
        check_coherence(self)
