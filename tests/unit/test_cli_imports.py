"""Every command module imports on its own, in a fresh interpreter, without going through ``cli.main``
first (importing one used to fail on a circular import: main registers every command module, which
needed main's error class)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import parceltrail.cli as cli_package


def test_each_command_module_imports_alone():
    names = sorted(f"parceltrail.cli.{m.name}" for m in pkgutil.iter_modules(cli_package.__path__))
    code = ("import importlib, sys\nfailed = []\nfor name in sys.argv[1:]:\n"
            "    for loaded in [k for k in sys.modules if k.startswith('parceltrail.cli')]:\n"
            "        del sys.modules[loaded]\n"
            "    try:\n        importlib.import_module(name)\n"
            "    except ImportError as error:\n        failed.append(f'{name}: {error}')\n"
            "print('\\n'.join(failed))\nsys.exit(1 if failed else 0)\n")
    done = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
