"""The API's contract over real HTTP: the OpenAPI document declares the error bodies the server really sends,
its examples are valid, and bad input of every kind is a problem+json 4xx, never a 500."""

from __future__ import annotations

import json
import socket
from urllib.parse import quote

import httpx
import jsonschema
import pytest

from tests.conftest import HUNG

PROBLEM_CODES = {"400", "401", "404", "409", "413", "422", "429", "500"}


@pytest.fixture
def client(api, uow):
    from parceltrail.services import create_shop

    key = create_shop(uow, "Contract shop").api_key
    return httpx.Client(base_url=api.url, headers={"Authorization": f"Bearer {key}"}, timeout=HUNG)


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in ("get", "put", "post", "delete", "patch"):
                yield path, method, operation


def test_every_operation_declares_problem_bodies_and_no_fastapi_validation_error(api):
    spec = httpx.get(f"{api.url}/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(spec)
    assert spec["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status", "detail", "errors"]
    operations = list(_operations(spec))
    assert len(operations) >= 8
    for path, method, operation in operations:
        responses = operation["responses"]
        assert PROBLEM_CODES <= set(responses), (method, path, sorted(responses))
        for code, response in responses.items():
            if code[0] in "45":
                # a page opened from an email (opt-in, unsubscribe) answers its own errors as a page too
                pages = ["text/html"] if not path.startswith("/v1/") and path != "/healthz" else []
                assert list(response["content"]) in (["application/problem+json"], ["application/problem+json",
                                                                                      *pages]), (method, path, code)
            else:  # no answer but an error is a problem+json (a case's problem kind once became one)
                assert '/schemas/Problem"' not in json.dumps(response), (method, path, code)
    limit = next(p for p in spec["paths"]["/v1/packages"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 200


def _resolver_schema(spec: dict, schema: dict) -> dict:
    return {**schema, "components": spec["components"]}


def test_every_documented_example_is_valid_against_its_own_schema(api):
    spec = httpx.get(f"{api.url}/openapi.json").json()
    checked = 0

    def walk(node, owner):
        nonlocal checked
        if isinstance(node, dict):
            if "examples" in node and isinstance(node["examples"], list) and ("type" in node or "anyOf" in node
                                                                               or "$ref" in node):
                subject = {k: v for k, v in node.items() if k != "examples"}
                for example in node["examples"]:
                    jsonschema.validate(example, _resolver_schema(spec, subject))
                    checked += 1
            for value in node.values():
                walk(value, owner)
        elif isinstance(node, list):
            for value in node:
                walk(value, owner)

    walk(spec["components"]["schemas"], "components")
    for path, method, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            for example in parameter["schema"].get("examples", []):
                jsonschema.validate(example, _resolver_schema(spec, parameter["schema"]))
                checked += 1
    assert checked >= 10


def test_a_body_built_from_the_documented_examples_is_accepted(client):
    spec = client.get("/openapi.json").json()
    schema = spec["components"]["schemas"]["PackageBody"]
    body = {name: prop["examples"][0] for name, prop in schema["properties"].items() if "examples" in prop}
    response = client.post("/v1/packages", json=body)
    assert response.status_code == 201, response.text


def test_non_ascii_cursor_is_a_422_problem(client):
    for cursor in ("é", "\u00ff\u00fe", "pkg_☃", "%%%"):
        response = client.get("/v1/packages", params={"cursor": cursor})
        assert response.status_code == 422, (cursor, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_times_outside_utc_years_are_422_in_queries_and_events(client, when):
    listed = client.get("/v1/packages", params={"updated_since": when})
    assert listed.status_code == 422 and listed.json()["errors"][0]["field"] == "updated_since"
    package = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    posted = client.post(f"/v1/packages/{package['id']}/events",
                         json={"events": [{"occurred_at": when, "status": "in_transit"}]})
    assert posted.status_code == 422 and posted.json()["errors"][0]["field"] == "events[0].occurred_at"
    assert client.get(f"/v1/packages/{package['id']}").json()["event_count"] == 0


@pytest.mark.parametrize("value", ["0", "0.5", "1700000000"])
def test_numbers_are_not_read_as_unix_times(client, value):
    assert client.get("/v1/packages", params={"updated_since": value}).status_code == 422
    package = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    posted = client.post(f"/v1/packages/{package['id']}/events",
                         json={"events": [{"occurred_at": float(value), "status": "in_transit"}]})
    assert posted.status_code == 422


def test_unknown_query_parameters_are_refused_by_name_on_every_operation(client):
    listed = client.get("/v1/packages", params={"stauts": "delivered", "limit": 5, "colour": "red"})
    assert listed.status_code == 400
    problem = listed.json()
    assert [e["field"] for e in problem["errors"]] == ["colour", "stauts"]
    assert "limit" in problem["detail"] and "status" in problem["detail"]
    for path in ("/v1/carrier-accounts", "/v1/carriers", "/v1/tracking-numbers/1Z999AA10123456784"):
        response = client.get(path, params={"nonsense": "1"})
        assert response.status_code == 400, path
        assert response.json()["errors"][0]["field"] == "nonsense"
    assert client.get("/v1/packages", params={"limit": 5}).status_code == 200
    assert httpx.get(client.base_url.join("/v1/packages"), params={"colour": "red"}).status_code == 401  # key first


CONTROLS = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x9b"]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c[0]):04X}" for c in CONTROLS])
def test_control_characters_in_text_are_refused_naming_the_field(client, control):
    registered = client.post("/v1/packages", json={"tracking_number": "PKG0001", "order_ref": f"A{control}B"})
    assert registered.status_code == 422
    assert registered.json()["errors"][0]["field"] == "order_ref"
    assert "control character" in registered.json()["errors"][0]["message"]
    package = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    events = [{"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit"},
              {"occurred_at": "2026-11-20T11:00:00Z", "status": "in_transit",
               "location": {"city": f"Louis{control}ville"}}]
    posted = client.post(f"/v1/packages/{package['id']}/events", json={"events": events})
    assert posted.status_code == 422 and posted.json()["errors"][0]["field"] == "events[1].location.city"
    assert client.get(f"/v1/packages/{package['id']}").json()["event_count"] == 0
    query = client.get("/v1/packages", params={"carrier": f"ups{control}"})
    assert query.status_code == 422 and query.json()["errors"][0]["field"] == "carrier"
    path = client.get(f"/v1/packages/pkg{quote(control)}x")
    assert path.status_code == 422 and path.json()["errors"][0]["field"] == "path"


def test_tabs_and_line_breaks_in_descriptions_are_kept(client):
    package = client.post("/v1/packages", json={"tracking_number": "PKG0001"}).json()
    text = "Arrived at facility\n\tLouisville, KY\r\n"
    posted = client.post(f"/v1/packages/{package['id']}/events",
                         json={"events": [{"occurred_at": "2026-11-20T10:00:00Z", "status": "in_transit",
                                           "description": text}]})
    assert posted.status_code == 200
    assert client.get(f"/v1/packages/{package['id']}").json()["events"][0]["description"] == text


def test_method_not_allowed_lists_every_method_of_the_path(client):
    response = client.request("PATCH", "/v1/carrier-accounts")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert {"GET"} <= set(response.headers["allow"].split(", "))
    response = client.request("OPTIONS", "/v1/packages")
    assert {"GET", "POST"} <= set(response.headers["allow"].split(", "))


def _raw_exchange(sock: socket.socket, path: str) -> tuple[int, dict[str, str], bytes]:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers["content-length"]):
        body += sock.recv(65536)
    return int(lines[0].split()[1]), headers, body


def test_an_unexpected_error_is_a_problem_500_and_the_connection_stays_usable(settings, engine, caplog):
    from parceltrail.api import create_app
    from tests.conftest import LiveServer

    app = create_app(settings, engine)

    @app.get("/v1/explode", include_in_schema=False)
    def explode() -> None:
        raise RuntimeError("kaboom")

    with (LiveServer(app) as server,
          socket.create_connection(("127.0.0.1", server.port), timeout=HUNG) as sock):
        status, headers, body = _raw_exchange(sock, "/v1/explode")
        assert status == 500 and headers["content-type"] == "application/problem+json"
        assert headers.get("connection", "keep-alive") != "close"
        problem = json.loads(body)
        assert problem["status"] == 500 and "kaboom" not in problem["detail"]
        status, _, body = _raw_exchange(sock, "/healthz")  # the same connection still answers
        assert status == 200 and json.loads(body)["status"] == "ok"
    assert any("kaboom" in (r.exc_text or "") or "kaboom" in str(r.exc_info) for r in caplog.records)


def test_every_list_refuses_a_non_ascii_cursor_with_a_422(client):
    spec = client.get("/openapi.json").json()
    lists = [path for path, item in spec["paths"].items()
             if "get" in item and any(p["name"] == "cursor" for p in item["get"].get("parameters", []))]
    assert "/v1/packages" in lists and "/v1/orders" in lists
    for path in lists:
        response = client.get(path, params={"cursor": "é☃"})
        assert response.status_code == 422, (path, response.text)
        assert response.json()["errors"][0]["field"] == "cursor"


def test_non_ascii_tokens_in_email_links_and_forms_are_refused_not_a_500(settings, engine):
    """Found by the bounded schemathesis run: a signed token compared as text with non-ASCII in it raised
    (hmac.compare_digest takes ASCII text only) and answered 500; the opt-in link and the form token."""
    from pydantic import SecretStr

    from parceltrail.api import create_app
    from tests.conftest import LiveServer

    app = create_app(settings.model_copy(update={"secret_key": SecretStr("contract-secret-key")}), engine)
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=HUNG) as http:
        for method in ("GET", "POST"):
            assert http.request(method, "/opt-in/Zi%C3%A5%C3%83").status_code == 404
        assert http.get("/app/login").status_code == 200  # sets the form cookie
        refused = http.post("/app/login", data={"email": "a@example.com", "password": "x", "csrf_token": "é☃"})
        assert refused.status_code == 403
