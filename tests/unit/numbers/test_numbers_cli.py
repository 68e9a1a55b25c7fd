"""``parceltrail detect``: arguments or stdin, JSON lines in input order, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from parceltrail.cli.main import UserError, app


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "parceltrail", "detect", *args], check=False, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_json_lines_from_stdin_keep_input_order_and_skip_blank_lines() -> None:
    result = run("--json", stdin="RB123456785GB\n\n 1z5r89390357567127 \nnot a number\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["input"], r["carrier"], r["valid"]) for r in rows] == [
        ("RB123456785GB", "royal_mail", True),
        ("1z5r89390357567127", "ups", True),
        ("not a number", None, False),
    ]


def test_table_names_carrier_and_explains_a_failed_check_digit() -> None:
    result = CliRunner().invoke(app, ["detect", "1Z5R89390357567127", "1Z5R89390357567128", "--carrier", "ups"])
    assert result.exit_code == 0, result.output
    assert "ups" in result.output and "check digit is 8" in result.output


def test_unknown_carrier_hint_is_one_line_exit_2() -> None:
    result = run("--carrier", "pony", "1Z5R89390357567127")
    assert result.returncode == 2
    assert result.stderr.startswith("error: unknown carrier code 'pony'") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_no_numbers_on_stdin_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["detect"], input="\n\n")
    assert isinstance(result.exception, UserError) and result.exception.exit_code == 2
    assert str(result.exception).startswith("no tracking numbers")


def test_bad_country_hint_is_a_usage_error() -> None:
    with pytest.raises(UserError, match="two-letter"):
        CliRunner().invoke(app, ["detect", "--country", "USA", "1"], catch_exceptions=False)
