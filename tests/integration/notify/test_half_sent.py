"""A sender killed between a request's headers and its body (what SIGKILL did to a worker in the crash
test, once, under load): httpx writes the two separately, so the receiver saw a webhook's headers and then
the end of the stream. That is not a delivery, and the test receiver must not record one (it used to, with
body b'', which then failed standardwebhooks verification). The resend carries the same webhook-id and the
whole body, and verifies."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from standardwebhooks import Webhook

from parceltrail.notify.channels.webhook import deliver
from parceltrail.outbound import guarded_client
from tests.conftest import HUNG
from tests.receivers import Receiver

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = b'{"type":"package.delivered","timestamp":"2026-12-07T12:00:00Z","data":{"package":{"id":"pkg_1"}}}'

# The child sends one signed delivery through the project's own deliver() and dies by SIGKILL the moment
# httpcore has written the headers, before it writes the body.
CHILD = textwrap.dedent("""
    import os, signal, sys
    import httpcore._sync.http11 as http11
    from parceltrail.notify.channels.webhook import deliver
    from parceltrail.outbound import guarded_client

    def die(self, request):
        os.kill(os.getpid(), signal.SIGKILL)

    http11.HTTP11Connection._send_request_body = die
    with guarded_client(allow_private=True, timeout=120) as http:
        deliver(http, sys.argv[1], "msg_half", sys.argv[2].encode(), [sys.argv[3]])
""")


def test_a_sender_killed_after_the_headers_leaves_no_delivery_and_the_resend_verifies():
    with Receiver() as receiver:
        child = subprocess.run([sys.executable, "-c", CHILD, receiver.url + "/hook", BODY.decode(), SECRET],
                               capture_output=True, timeout=60)
        assert child.returncode == -9, child.stderr.decode()[-2000:]
        # the headers reached the receiver and the stream ended: counted, not kept
        deadline = time.monotonic() + HUNG
        while not receiver.incomplete and time.monotonic() < deadline:
            time.sleep(0.02)
        assert receiver.incomplete == 1 and receiver.requests == []
        # the message was never acknowledged, so it goes again under the same id, whole
        with guarded_client(allow_private=True, timeout=HUNG) as http:
            assert deliver(http, receiver.url + "/hook", "msg_half", BODY, [SECRET]).ok
        [request] = receiver.requests
        assert request.headers["webhook-id"] == "msg_half"
        assert Webhook(SECRET).verify(request.body, request.headers)["data"]["package"]["id"] == "pkg_1"
