"""Per-module mutation score of the guards after `mutmut run` (used by `make mutate`).

Reads mutmut's results in mutants/, keeps the mutants matching the guard patterns given
as arguments, prints killed/total per module and every survivor. Exits 1 if a mutant
survived that tests/MUTATION.md does not list as equivalent.
"""
from __future__ import annotations

import fnmatch
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

KILLED = {1, 3, 36, 24, -24, 152, 255}  # a failing test, or a timeout (the mutant hung)
SURVIVED = {0}
NO_TESTS = {5, 33}


def equivalents(text: str) -> set[str]:
    """The mutants named before the dash of each bullet; `_N` after a full name is its sibling."""
    names: set[str] = set()
    for bullet in re.findall(r"^- (.*?) —\s", text, re.M | re.S):
        last = None
        for name in re.findall(r"`([^`]+)`", bullet):
            if re.fullmatch(r"_\d+", name) and last:
                name = re.sub(r"_\d+$", name, last)
            names.add(name)
            last = name
    return names


def main(patterns: list[str]) -> int:
    documented = equivalents(Path("tests/MUTATION.md").read_text()) if Path("tests/MUTATION.md").exists() else set()
    results: dict[str, dict[str, int | None]] = defaultdict(dict)
    for meta in sorted(Path("mutants").rglob("*.py.meta")):
        module = str(meta.relative_to("mutants"))[:-len(".py.meta")].replace("/", ".")
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            if any(fnmatch.fnmatch(name, p) for p in patterns):
                results[module][name] = code
    if not results:
        print("no guard mutants found: did mutmut run?", file=sys.stderr)
        return 1
    undocumented = []
    print(f"{'module':45} {'killed':>7} / total  score")
    for module, codes in sorted(results.items()):
        killed = sum(code in KILLED for code in codes.values())
        print(f"{module:45} {killed:7d} / {len(codes):5d}  {100 * killed / len(codes):5.1f}%")
    for codes in results.values():
        for name, code in sorted(codes.items()):
            if code in KILLED:
                continue
            state = ("survived" if code in SURVIVED else "no tests" if code in NO_TESTS
                     else "unchecked" if code is None else f"exit {code}")
            equivalent = name in documented
            print(f"  {state:9} {name}{'  (equivalent: tests/MUTATION.md)' if equivalent else ''}")
            if not equivalent:
                undocumented.append(name)
    if undocumented:
        print(f"{len(undocumented)} guard mutant(s) not killed; see `.venv/bin/mutmut show <name>`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
