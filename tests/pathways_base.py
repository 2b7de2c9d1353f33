"""A care pathway for Piet Jansen, built through the actions, as the pages do."""

from __future__ import annotations

from schakel.pathways import actions
from schakel.pathways.models import CarePathway, Phase
from schakel.patients.actions import Actor
from tests.patients_base import PatientTestCase


class PathwayTestCase(PatientTestCase):
    pathway: CarePathway

    @classmethod
    def actor(cls, user) -> Actor:
        return Actor(user=user, role=user.practitioner.roles.get())

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.pathway = actions.do_start_pathway(
            cls.patient,
            tumour_type=cls.breast,
            phase=Phase.TREATMENT,
            hospital=cls.hospital,
            specialist=cls.specialist.practitioner.roles.get(),
            case_manager=cls.case_manager.practitioner.roles.get(),
            actor=cls.actor(cls.case_manager),
        )
