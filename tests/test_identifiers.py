import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from schakel.core.forms import AgbField, BigField, BsnField, UraField, UziField
from schakel.core.identifiers import (
    IdentifierSystem,
    canonical_system,
    make_valid_bsn,
    normalise_bsn,
    validate_agb,
    validate_big,
    validate_bsn,
    validate_ura,
    validate_uzi,
)


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "1234.56.782", " 111 222 333 "])
def test_valid_bsns_pass(bsn):
    validate_bsn(bsn)


@pytest.mark.parametrize(
    ("bsn", "code"),
    [
        ("738472983", "bsn_check"),
        ("000000000", "bsn_zero"),
        ("12345678901", "bsn_length"),
        ("1234567", "bsn_length"),
        ("12345678a", "bsn_digits"),
        ("abcdefghi", "bsn_digits"),
        ("", "bsn_length"),
    ],
)
def test_invalid_bsns_are_refused_with_a_reason(bsn, code):
    with pytest.raises(ValidationError) as info:
        validate_bsn(bsn)
    assert info.value.code == code


def test_an_eight_digit_bsn_gets_its_leading_zero_back():
    # 012345672 passes the 11-check; written as a number it loses the zero.
    assert normalise_bsn("12345672") == "012345672"
    validate_bsn("12345672")


def test_the_bsn_form_field_normalises_and_explains_in_dutch():
    field = BsnField()
    assert field.clean("1234.56.782") == "123456782"
    assert field.clean("12345672") == "012345672"
    with translation.override("nl"):
        with pytest.raises(ValidationError) as info:
            field.clean("738472983")
        assert "11-proef" in info.value.messages[0]


def test_make_valid_bsn_completes_eight_digits():
    bsn = make_valid_bsn("11122233")
    assert bsn == "111222333"


@pytest.mark.parametrize(
    ("validator", "good", "bad"),
    [
        (validate_agb, "01012345", ["0101234", "010123456", "0101234a"]),
        (validate_big, "19012345601", ["1901234560", "190123456012", "1901234560x"]),
        (validate_ura, "00001234", ["1234567", "123456789"]),
        (validate_uzi, "900000013", ["90000001", "9000000130"]),
    ],
)
def test_fixed_length_identifiers(validator, good, bad):
    validator(good)
    for value in bad:
        with pytest.raises(ValidationError):
            validator(value)


@pytest.mark.parametrize(
    ("field", "typed", "clean"),
    [
        (AgbField, "0101 2345", "01012345"),
        (BigField, "190-123-456-01", "19012345601"),
        (UraField, "0000.1234", "00001234"),
        (UziField, "900 000 013", "900000013"),
    ],
)
def test_identifier_form_fields_accept_what_people_type(field, typed, clean):
    assert field().clean(typed) == clean


def test_legacy_oids_map_to_the_fhir_naming_systems():
    assert canonical_system("urn:oid:2.16.840.1.113883.2.4.6.3") == IdentifierSystem.BSN
    assert canonical_system("urn:oid:2.16.840.1.113883.2.4.6.1") == IdentifierSystem.AGB
    assert canonical_system("urn:oid:2.16.528.1.1007.3.1") == IdentifierSystem.UZI_PERSON
    assert canonical_system(IdentifierSystem.BIG) == "http://fhir.nl/fhir/NamingSystem/big"
    assert canonical_system("http://example.org/other") == "http://example.org/other"
