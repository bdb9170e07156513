"""Independent expected values for tests/cli_intervals.rs: SPEC §3 metrics and §9 intervals of
tests/data/intervals/log.csv, per category, re-derived from the SPEC text (not from cxkpi).

Run: python3 tests/data/intervals/reference.py [LEVEL ...]   (default 0.95 0.9; needs scipy)
Quantiles of the normal and t distributions come from scipy.stats; percentiles from
numpy.quantile (linear); order-statistic ranks in exact decimal arithmetic (60 digits).
Prints one line per category, metric and level: value, lo, hi, n (None = null).

The log has no created_at, so FRT is first_response_seconds; FCR is ticket mode (contacts);
churn has no window: every customer is in the base, churned are those with churned_at.
"""
import csv
import math
import sys
from decimal import Decimal, getcontext
from pathlib import Path

import numpy as np
from scipy.stats import norm, t

np.set_printoptions(legacy="1.25")  # print np.float64 as a plain number

getcontext().prec = 60
LOG = Path(__file__).with_name("log.csv")


def z_of(level):
    return float(norm.ppf((1 + level) / 2))


def wilson(k, n, level):
    if n == 0:
        return None, None
    z = z_of(level)
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    den = 1 + z * z / n
    lo, hi = (centre - spread) / den, (centre + spread) / den
    if k == 0:
        lo = 0.0  # analytically; the formula leaves float noise
    if k == n:
        hi = 1.0
    return 100 * lo, 100 * hi


def nps_wald(P, D, n, level):
    if n == 0:
        return None, None
    n1 = n + 3
    p, d = (P + 0.75) / n1, (D + 0.75) / n1
    m = p - d
    h = z_of(level) * math.sqrt((p + d - m * m) / n1)
    return max(-100.0, 100 * (m - h)), min(100.0, 100 * (m + h))


def t_interval(values, level):
    n = len(values)
    if n < 2:
        return None, None
    mean = sum(values) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in values) / (n - 1))
    lo, hi = t.interval(level, n - 1, loc=mean, scale=sd / math.sqrt(n))
    return float(lo), float(hi)


def order_statistics(values, q, level):
    n = len(values)
    if n == 0:
        return None, None
    nq = Decimal(n) * Decimal(q)
    spread = Decimal(float(z_of(level))) * (nq * (1 - Decimal(q))).sqrt()
    l = max(1, int((nq - spread).to_integral_value(rounding="ROUND_FLOOR")))
    u = min(n, int((nq + spread).to_integral_value(rounding="ROUND_CEILING")))
    l, u = min(l, n), max(u, 1)
    s = sorted(values)
    return s[l - 1], s[u - 1]


def number(text):
    return float(text) if text != "" else None


def metrics(records, level):
    out = {}
    csat = [number(r["csat"]) for r in records if r["csat"] != ""]
    k = sum(1 for x in csat if x >= 4)
    out["csat"] = (100 * k / len(csat) if csat else None, *wilson(k, len(csat), level), len(csat))
    nps = [number(r["nps"]) for r in records if r["nps"] != ""]
    P, D = sum(1 for x in nps if x >= 9), sum(1 for x in nps if x <= 6)
    out["nps"] = (100 * (P - D) / len(nps) if nps else None, *nps_wald(P, D, len(nps), level), len(nps))
    for name, column in (("ces", "ces"), ("aht_s", "handle_seconds")):
        values = [number(r[column]) for r in records if r[column] != ""]
        mean = sum(values) / len(values) if values else None
        out[name] = (mean, *t_interval(values, level), len(values))
    eligible = [r for r in records if r["resolved_at"] != "" and r["contacts"] != ""]
    first = sum(1 for r in eligible if float(r["contacts"]) <= 1)
    out["fcr"] = (100 * first / len(eligible) if eligible else None,
                  *wilson(first, len(eligible), level), len(eligible))
    frt = [number(r["first_response_seconds"]) for r in records if r["first_response_seconds"] != ""]
    out["frt_mean_s"] = (sum(frt) / len(frt) if frt else None, *t_interval(frt, level), len(frt))
    for name, q in (("frt_median_s", 0.5), ("frt_p90_s", 0.9)):
        value = float(np.quantile(frt, q)) if frt else None
        out[name] = (value, *order_statistics(frt, q, level), len(frt))
    customers = {r["customer_id"] for r in records if r["customer_id"] != ""}
    churned = {r["customer_id"] for r in records if r["customer_id"] != "" and r["churned_at"] != ""}
    out["churn"] = (100 * len(churned) / len(customers) if customers else None,
                    *wilson(len(churned), len(customers), level), len(customers))
    return out


def main(levels):
    with LOG.open(newline="") as f:
        records = list(csv.DictReader(f))
    for r in records:
        category = r["category"].strip().lower()
        r["group"] = category if category in ("support", "service") else "uncategorized"
    groups = [(g, [r for r in records if r["group"] == g]) for g in ("support", "service", "uncategorized")]
    groups.append(("all", records))
    for level in levels:
        print(f"# level {level}: z = {z_of(level)!r}")
        for name, rows in groups:
            for metric, (value, lo, hi, n) in metrics(rows, level).items():
                print(f"{level} {name} {metric} value={value!r} lo={lo!r} hi={hi!r} n={n}")


if __name__ == "__main__":
    main([float(x) for x in sys.argv[1:]] or [0.95, 0.9])
