"""The SSRF guard judges the addresses a host resolves to, in IPv4 and IPv6, however they are spelled."""

from __future__ import annotations

import ipaddress

import pytest

from parceltrail.outbound import BlockedTarget, check_host, check_url, refusal


def resolver(table: dict[str, list[str]]):
    return lambda host, port: table[host]


@pytest.mark.parametrize("address, why", [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("fd00::1", "private"),
    ("169.254.169.254", "link-local"),  # the cloud metadata address
    ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("100.64.0.1", "shared address space (carrier-grade NAT)"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("192.0.2.10", "private"),  # documentation (TEST-NET-1): never a real receiver
    ("fec0::1", "site-local"),
])
def test_non_public_addresses_are_refused_with_their_kind(address, why):
    assert refusal(ipaddress.ip_address(address)) == why


@pytest.mark.parametrize("address, inner", [
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("::127.0.0.1", "loopback"),  # deprecated IPv4-compatible form
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"),  # Teredo client 10.0.0.1 (obfuscated)
])
def test_ipv4_inside_ipv6_is_judged_as_the_ipv4_address(address, inner):
    why = refusal(ipaddress.ip_address(address))
    assert why is not None and why.startswith(inner) and "inside an IPv6 address" in why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_a_name_that_resolves_to_a_private_address_is_refused_and_named():
    with pytest.raises(BlockedTarget) as caught:
        check_url("https://hooks.example.com/in", resolver=resolver({"hooks.example.com": ["10.0.0.7"]}))
    assert str(caught.value).startswith("hooks.example.com (10.0.0.7) is a private address")


def test_one_private_answer_among_public_ones_is_enough_to_refuse():
    table = {"mixed.example.com": ["93.184.216.34", "127.0.0.1"]}
    with pytest.raises(BlockedTarget, match="loopback"):
        check_host("mixed.example.com", 443, resolver=resolver(table))


def test_numeric_spellings_of_loopback_resolve_to_loopback_and_are_refused():
    for url in ("http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://[::ffff:7f00:1]/",
                "http://localhost:8080/x"):
        with pytest.raises(BlockedTarget, match="loopback"):
            check_url(url)


def test_userinfo_does_not_hide_the_real_host():
    with pytest.raises(BlockedTarget, match="loopback"):
        check_url("http://example.com@127.0.0.1/")


def test_allow_private_lets_private_targets_through():
    checked = check_url("http://127.0.0.1:9/hook", allow_private=True)
    assert (checked.host, checked.port, checked.addresses) == ("127.0.0.1", 9, ("127.0.0.1",))


@pytest.mark.parametrize("url, message", [
    ("ftp://example.com/", "expected a URL starting with https:// or http://"),
    ("file:///etc/passwd", "expected a URL starting with https:// or http://"),
    ("https:///nohost", "the URL has no host"),
    ("https://example.com:99999/", "the URL's port is not a number from 1 to 65535"),
    ("https://exa mple.com/", "the URL contains spaces or control characters"),
    ("http://[::1", "the URL is not valid (Invalid IPv6 URL)"),
])
def test_malformed_urls_get_a_clear_reason(url, message):
    with pytest.raises(BlockedTarget) as caught:
        check_url(url, resolver=resolver({"example.com": ["93.184.216.34"]}))
    assert str(caught.value) == message


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(BlockedTarget, match="does not resolve"):
        check_url("https://no-such-host.invalid/")
