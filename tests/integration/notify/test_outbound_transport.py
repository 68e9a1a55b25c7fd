"""The guarded transport checks the address it connects to, on every connection, against a real server."""

from __future__ import annotations

import httpx
import pytest

from parceltrail.outbound import BlockedTarget, guarded_client
from tests.receivers import Receiver


def test_a_loopback_receiver_is_refused_unless_private_targets_are_allowed():
    with Receiver() as receiver:
        with guarded_client() as client, pytest.raises(httpx.ConnectError) as caught:
            client.post(receiver.url + "/hook", json={})
        assert isinstance(caught.value.__cause__, BlockedTarget)
        assert "127.0.0.1 is a loopback address" in str(caught.value)
        assert receiver.requests == []
        with guarded_client(allow_private=True) as client:
            assert client.post(receiver.url + "/hook", json={}).status_code == 200
        assert len(receiver.requests) == 1


def test_the_connection_goes_to_the_address_that_was_checked_not_a_second_lookup():
    answers: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        # A hostile name: public to the first question, loopback to any later one.
        answers.append(host)
        return ["93.184.216.34"] if len(answers) == 1 else ["127.0.0.1"]

    with Receiver() as receiver:
        with guarded_client(resolver=rebinding, timeout=0.5) as client, pytest.raises(httpx.HTTPError):
            client.get(f"http://rebind.example:{receiver.port}/")
        # One lookup; the connect went to 93.184.216.34 (unreachable here), never to the loopback answer.
        assert answers == ["rebind.example"]
        assert receiver.requests == []


def test_the_host_header_keeps_the_name_while_the_socket_uses_the_checked_address():
    def local(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    with Receiver() as receiver:
        with guarded_client(allow_private=True, resolver=local) as client:
            client.post(f"http://receiver.test:{receiver.port}/in", content=b"x")
        assert receiver.requests[0].headers["host"] == f"receiver.test:{receiver.port}"


def test_redirects_are_not_followed_to_a_private_target():
    with Receiver() as receiver:
        receiver.script = [302]
        with guarded_client(allow_private=True) as client:
            response = client.post(receiver.url + "/hook", json={})
        assert response.status_code == 302 and len(receiver.requests) == 1
