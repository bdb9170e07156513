#!/usr/bin/env python3
"""An independent reference for the expected values of tests/cli/report.rs (and of the history
rows of tests/cli/snapshot.rs, run on tests/data/snapshot/log.csv): computes the SPEC §3
metrics of a canonical CSV log in plain Python (no code shared with cxkpi) and prints the
`--format csv` report SPEC §4 describes.

Usage: python3 tests/data/reference.py FILE.csv [--from TS] [--to TS] [--by K1,K2]
       [--fcr-window SECONDS]

Only what the fixtures use: valid records, timestamps written as RFC 3339 with `Z`, window
bounds given as `YYYY-MM-DDTHH:MM:SSZ`. Percentiles follow numpy's default ("linear") method,
written out here, including numpy's two-sided interpolation.
"""
import argparse
import csv
import math
from datetime import datetime

CATEGORIES = ["support", "service", "uncategorized", "all"]


def ts(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timestamp() if text else None


def num(text):
    return float(text) if text not in (None, "") else None


def flag(text):
    return {"true": True, "1": True, "yes": True, "false": False, "0": False,
            "no": False}.get((text or "").lower())


def quantile(values, p):
    v = sorted(values)
    index = p * (len(v) - 1)
    lo = math.floor(index)
    hi = min(lo + 1, len(v) - 1)
    t = index - lo
    a, b = v[lo], v[hi]
    # numpy._lerp: a + (b - a) * t, from the other end when t >= 0.5
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def mean(values):
    return sum(values) / len(values) if values else None


def share(hits, n):
    return hits * 100.0 / n if n else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--from", dest="start")
    ap.add_argument("--to", dest="end")
    ap.add_argument("--by", default="")
    ap.add_argument("--fcr-window", type=float, default=7 * 86400)
    args = ap.parse_args()
    by = [k for k in args.by.split(",") if k]
    start, end = ts(args.start), ts(args.end)

    with open(args.file, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        records = list(reader)
    for r in records:
        c = (r.get("category") or "").strip().lower()
        r["_cat"] = c if c in ("support", "service") else "uncategorized"
        r["_t"] = ts(r.get("created_at"))

    ticket_mode = "contacts" in columns
    for r in records:
        resolved = bool(r.get("resolved_at"))
        reopened = flag(r.get("reopened")) is True
        if ticket_mode:
            contacts = num(r.get("contacts"))
            r["_fcr_eligible"] = resolved and contacts is not None
            r["_fcr_first"] = contacts is not None and contacts <= 1 and not reopened
        else:
            # repeats are searched among all records, not only those in the window
            cust = r.get("customer_id")
            r["_fcr_eligible"] = resolved and bool(cust) and r["_t"] is not None
            repeat = any(o is not r and o.get("customer_id") == cust and o["_cat"] == r["_cat"]
                         and o["_t"] is not None and r["_t"] < o["_t"] <= r["_t"] + args.fcr_window
                         for o in records) if r["_fcr_eligible"] else False
            r["_fcr_first"] = not reopened and not repeat
        handle = num(r.get("handle_seconds"))
        if handle is None:
            parts = [num(r.get(p)) for p in ("talk_seconds", "hold_seconds", "wrap_seconds")]
            parts = [p for p in parts if p is not None]
            handle = sum(parts) if parts else None
        r["_aht"] = handle
        fra = ts(r.get("first_response_at"))
        r["_frt"] = fra - r["_t"] if fra is not None else num(r.get("first_response_seconds"))
        # TTR: resolved_at − created_at when both are present, else resolution_seconds
        res = ts(r.get("resolved_at"))
        r["_ttr"] = (res - r["_t"] if res is not None and r["_t"] is not None
                     else num(r.get("resolution_seconds")))

    window = [r for r in records
              if (start is None or r["_t"] >= start) and (end is None or r["_t"] < end)]

    def key_of(r):
        return tuple((r.get(k) or "").strip() or None for k in by)

    def sort_key(item):
        cat, keys = item
        return (CATEGORIES.index(cat),) + tuple((k is None, k or "") for k in keys)

    groups = {}
    for r in window:
        for cat in (r["_cat"], "all"):
            groups.setdefault((cat, key_of(r)), []).append(r)
    if not by:
        for cat in ("support", "service", "all"):
            groups.setdefault((cat, ()), [])

    print(",".join(["category"] + by + [
        "interactions", "csat", "csat_n", "nps", "nps_n", "ces", "ces_n", "fcr", "fcr_n",
        "aht_s", "aht_n", "frt_mean_s", "frt_median_s", "frt_p90_s", "frt_n", "ttr_mean_s",
        "ttr_median_s", "ttr_p90_s", "ttr_n", "churn", "churn_n"]))
    for cat, keys in sorted(groups, key=sort_key):
        rs = groups[(cat, keys)]
        csat = [num(r.get("csat")) for r in rs if num(r.get("csat")) is not None]
        nps = [num(r.get("nps")) for r in rs if num(r.get("nps")) is not None]
        ces = [num(r.get("ces")) for r in rs if num(r.get("ces")) is not None]
        fcr = [r["_fcr_first"] for r in rs if r["_fcr_eligible"]]
        aht = [r["_aht"] for r in rs if r["_aht"] is not None]
        frt = [r["_frt"] for r in rs if r["_frt"] is not None]
        ttr = [r["_ttr"] for r in rs if r["_ttr"] is not None]
        base, churned = set(), set()
        for r in rs:
            cust, churn_at = r.get("customer_id"), ts(r.get("churned_at"))
            if not cust or (start is not None and churn_at is not None and churn_at < start):
                continue
            base.add(cust)
            if churn_at is not None and (end is None or churn_at < end):
                churned.add(cust)
        values = [
            len(rs),
            share(sum(1 for v in csat if v >= 4), len(csat)), len(csat),
            share(sum(1 for v in nps if v >= 9) - sum(1 for v in nps if v <= 6), len(nps)),
            len(nps),
            mean(ces), len(ces),
            share(sum(fcr), len(fcr)), len(fcr),
            mean(aht), len(aht),
            mean(frt), quantile(frt, 0.5) if frt else None,
            quantile(frt, 0.9) if frt else None, len(frt),
            mean(ttr), quantile(ttr, 0.5) if ttr else None,
            quantile(ttr, 0.9) if ttr else None, len(ttr),
            share(len(churned), len(base)), len(base),
        ]
        cells = [cat] + [k or "" for k in keys]
        cells += ["" if v is None else repr(v) for v in values]
        print(",".join(cells))


if __name__ == "__main__":
    main()
