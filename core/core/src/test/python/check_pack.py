#!/usr/bin/env python3
"""Checks our rule pack the way a Python TTP engine sees it: each rules/ttp/*.yaml loaded with PyYAML's
safe loader, each engine-owned rule's `examples:` searched with Python's own `re` (unanchored), using
the rule's field or the default field of its first source kind that has one. The Java side
(RulePackTest) runs the same examples through PythonRegex; agreement of both is the point.

    python3 core/core/src/test/python/check_pack.py [rules/ttp]

Needs PyYAML (python3-yaml). Exits 1 and lists the failures if any example disagrees.
"""
import pathlib
import re
import sys

import yaml

DEFAULT_FIELD = {"command": "command_text", "http_request": "raw_url", "email": "subject", "intel": "verdict",
                 "canary_fingerprint": "ua_signature", "auth_attempt": "username", "payload": "payload_text"}


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "rules/ttp")
    failures, checked = [], 0
    for path in sorted(root.glob("*.yaml")):
        rule = yaml.safe_load(path.read_text(encoding="utf-8"))
        match = rule.get("match") or {}
        if "pattern" not in match or str(match.get("kind", "")).startswith("lifter:"):
            continue
        rx = re.compile(match["pattern"])
        field = match.get("field") or next((DEFAULT_FIELD[k] for k in rule["applies_to"] if k in DEFAULT_FIELD), None)
        examples = rule.get("examples") or {}
        for want, key in ((True, "match"), (False, "no_match")):
            for i, example in enumerate(examples.get(key) or []):
                value = example.get(field) if isinstance(example, dict) else example
                got = isinstance(value, str) and rx.search(value) is not None
                checked += 1
                if got != want:
                    failures.append("%s: examples.%s[%d] %r: python says %s" % (path, key, i, example, got))
    print("\n".join(failures) if failures else "ok: %d examples agree with Python re" % checked)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
