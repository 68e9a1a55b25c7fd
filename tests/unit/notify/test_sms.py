"""SMS length as gateways bill it (3GPP TS 23.038): 160 GSM-7 septets or 70 UCS-2 units in one part, 153
or 67 per part beyond; extension characters take two septets; one character outside GSM-7 makes it UCS-2."""

from __future__ import annotations

import pytest

from parceltrail.notify.sms import sms_length


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("€" * 80, "GSM-7", 160, 1),            # the euro sign is in the extension table: two septets
    ("[x]" * 54, "GSM-7", 270, 2),
    ("Café déjà vu? ¿Sí?", "UCS-2", 18, 1),  # é and à are GSM-7; í is not
    ("á" * 70, "UCS-2", 70, 1),
    ("á" * 71, "UCS-2", 71, 2),
    ("📦" * 35, "UCS-2", 70, 1),              # outside the BMP: two UTF-16 units each
    ("", "GSM-7", 0, 1),
])
def test_parts_and_encoding(text, encoding, units, parts):
    length = sms_length(text)
    assert (length.encoding, length.units, length.parts) == (encoding, units, parts)
    assert length.characters == len(text)


def test_the_characters_that_forced_ucs2_are_named_once_in_order():
    assert sms_length("Llegó el paquete; llegó").outside_gsm == "ó"
    assert sms_length("Ünïcode Ça").outside_gsm == "ï"
    assert sms_length("plain text").outside_gsm == ""
