"""``parceltrail detect``: arguments or stdin, JSON lines in input order, one-line errors."""

from __future__ import annotations

import io
import json
import sys

import pytest
from typer.testing import CliRunner

from parceltrail.cli.main import UserError, app, main


def run_main(monkeypatch, capsys, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The console script's entry point in-process: argv, stdin, exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["parceltrail", "detect", *args])
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = 0
    try:
        main()
    except SystemExit as exit_:
        code = exit_.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_from_stdin_keep_input_order_and_skip_blank_lines(monkeypatch, capsys) -> None:
    code, out, err = run_main(monkeypatch, capsys, "--json",
                              stdin="RB123456785GB\n\n 1z5r89390357567127 \nnot a number\n")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["input"], r["carrier"], r["valid"]) for r in rows] == [
        ("RB123456785GB", "royal_mail", True),
        ("1z5r89390357567127", "ups", True),
        ("not a number", None, False),
    ]


def test_table_names_carrier_and_explains_a_failed_check_digit() -> None:
    result = CliRunner().invoke(app, ["detect", "1Z5R89390357567127", "1Z5R89390357567128", "--carrier", "ups"])
    assert result.exit_code == 0, result.output
    assert "ups" in result.output and "check digit is 8" in result.output


def test_unknown_carrier_hint_is_one_line_exit_2(monkeypatch, capsys) -> None:
    code, _, err = run_main(monkeypatch, capsys, "--carrier", "pony", "1Z5R89390357567127")
    assert code == 2
    assert err.startswith("error: unknown carrier code 'pony'") and err.count("\n") == 1
    assert "Traceback" not in err


def test_no_numbers_on_stdin_is_a_usage_error(monkeypatch, capsys) -> None:
    code, _, err = run_main(monkeypatch, capsys, stdin="\n\n")
    assert code == 2 and err.startswith("error: no tracking numbers")


def test_bad_country_hint_is_a_usage_error() -> None:
    with pytest.raises(UserError, match="two-letter"):
        CliRunner().invoke(app, ["detect", "--country", "USA", "1"], catch_exceptions=False)
