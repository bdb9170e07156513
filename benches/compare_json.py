#!/usr/bin/env python3
"""Compare the `rows` of several cxkpi-shaped JSON reports, metric by metric.

    python benches/compare_json.py [--rtol 1e-9] NAME=FILE NAME=FILE [NAME=FILE ...]

The first report is the subject (cxkpi); the others are references. Rows are matched by
every non-metric key (category and any --by keys). Two values agree when both are null, or
both are numbers with |a - b| <= rtol * max(|a|, |b|). Every difference is printed; when the
references agree with each other and the subject disagrees with all of them, the line is
flagged "SUBJECT DISAGREES WITH ALL REFERENCES". Exit status 0 when everything agrees, 1
otherwise.
"""

import argparse
import json
import sys
from report_shape import METRICS



def agree(a, b, rtol):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def rows_by_key(doc):
    out = {}
    for r in doc["rows"]:
        key = tuple((k, r[k]) for k in r if k not in METRICS)
        out[key] = r
    return out


def fmt_key(key):
    return ",".join(f"{k}={v}" for k, v in key)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("reports", nargs="+", metavar="NAME=FILE")
    a = ap.parse_args()
    if len(a.reports) < 2:
        ap.error("need at least two reports")

    names, docs = [], []
    for spec in a.reports:
        name, _, path = spec.partition("=")
        if not path:
            name, path = spec, spec
        with open(path) as f:
            docs.append(rows_by_key(json.load(f)))
        names.append(name)

    subject, refs = docs[0], docs[1:]
    problems = 0
    compared = 0
    all_keys = list(subject)
    for d in refs:
        all_keys += [k for k in d if k not in all_keys]
    for key in all_keys:
        missing = [n for n, d in zip(names, docs) if key not in d]
        if missing:
            print(f"row {fmt_key(key)}: missing from {', '.join(missing)}")
            problems += 1
            continue
        for m in METRICS:
            vals = [d[key].get(m) for d in docs]
            compared += 1
            pairs_ok = [agree(vals[0], v, a.rtol) for v in vals[1:]]
            refs_ok = all(agree(vals[1], v, a.rtol) for v in vals[2:])
            if all(pairs_ok) and refs_ok:
                continue
            problems += 1
            shown = "  ".join(f"{n}={v!r}" for n, v in zip(names, vals))
            flag = ""
            if refs_ok and not any(pairs_ok) and len(refs) >= 1:
                flag = f"  <-- {names[0].upper()} DISAGREES WITH ALL REFERENCES"
            print(f"DIFF {fmt_key(key)} {m}: {shown}{flag}")
    verdict = "AGREE" if problems == 0 else f"{problems} DIFFERENCE(S)"
    print(f"compared {compared} values across {len(all_keys)} rows "
          f"({' vs '.join(names)}, rtol {a.rtol:g}): {verdict}")
    sys.exit(0 if problems == 0 else 1)


if __name__ == "__main__":
    main()
