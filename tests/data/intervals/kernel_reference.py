"""Independent expected values for src/metrics/intervals.rs (SPEC §9, §5).

Run: python3 tests/data/intervals/kernel_reference.py   (needs scipy; statsmodels is used for cross-checks when present)
Quantiles come from scipy.stats.norm.ppf / t.ppf; the SPEC formulas are re-derived here
from the SPEC text, not from the Rust code, and cross-checked against statsmodels where it
has the same method (Wilson). Ranks use exact decimal arithmetic (60 digits).
"""
import math

import numpy as np

np.set_printoptions(legacy="1.25")  # print np.float64 as a plain number
from decimal import Decimal, getcontext

from scipy.stats import norm, t

getcontext().prec = 60
try:
    from statsmodels.stats.proportion import proportion_confint
except ImportError:  # cross-checks are skipped, the values are not
    proportion_confint = None


def z_of(level):
    return norm.ppf((1 + level) / 2)


def wilson(k, n, level):
    z = z_of(level)
    p = k / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    den = 1 + z * z / n
    lo, hi = (centre - spread) / den, (centre + spread) / den
    if proportion_confint is not None:
        slo, shi = proportion_confint(k, n, alpha=1 - level, method="wilson")
        assert abs(slo - lo) < 1e-12 and abs(shi - hi) < 1e-12, (k, n, level)
    # At k = 0 the lower end is 0 and at k = n the upper end is 1 analytically (the formula's
    # two terms cancel); print those exact values rather than the float noise around them.
    if k == 0:
        lo = 0.0
    if k == n:
        hi = 1.0
    return max(0.0, 100 * lo), min(100.0, 100 * hi)


def nps_estimate(P, D, n):
    n1 = n + 3
    p, d = (P + 0.75) / n1, (D + 0.75) / n1
    m = p - d
    return m, (p + d - m * m) / n1


def nps(P, D, n, level):
    m, v = nps_estimate(P, D, n)
    h = z_of(level) * math.sqrt(v)
    return max(-100.0, 100 * (m - h)), min(100.0, 100 * (m + h))


def t_interval(values, level):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in values) / (n - 1))
    lo, hi = t.interval(level, n - 1, loc=mean, scale=sd / math.sqrt(n))
    return mean, sd, lo, hi


def ranks(n, q, z):
    """Exact ranks for a given z (a float or an exact Decimal)."""
    nq = Decimal(n) * Decimal(q)
    spread = Decimal(z) * (nq * (1 - Decimal(q))).sqrt()
    lo, hi = nq - spread, nq + spread
    l = max(1, int(lo.to_integral_value(rounding="ROUND_FLOOR")))
    u = min(n, int(hi.to_integral_value(rounding="ROUND_CEILING")))
    return min(l, n), max(u, 1)


def main():
    print("# z = norm.ppf((1 + level)/2)")
    for level in (0.9, 0.95, 0.99):
        print(f"z {level} {z_of(level)!r}")

    print("# t.ppf(1 - (1 - level)/2, df)")
    for df in (1, 29, 999, 1000.5, 1500, 1e4, 1e5, 1e6, 1e8, 1e10, 1e12):
        for level in (0.9, 0.95, 0.99):
            print(f"t {df} {level} {t.ppf(1 - (1 - level) / 2, df)!r}")

    # The bisection bracket of Confidence::t must hold the true quantile.
    for df in [1000 * 10 ** (k / 4) for k in range(37)]:
        for level in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.999999, 1 - 1e-12):
            z = z_of(level)
            q = t.ppf(1 - (1 - level) / 2, df)
            assert z <= q <= z + (z ** 3 + z) / (2 * df), (df, level)
    print("# bracket z <= t(df) <= z + (z^3 + z)/(2 df) holds for df 1e3..1e12, levels 0.5..1-1e-12")

    print("# wilson(k, n, level) in percent (statsmodels-checked)")
    for level in (0.95, 0.9):
        for k, n in ((0, 1), (1, 1), (0, 10), (5, 10), (10, 10), (0, 1000), (500, 1000), (1000, 1000)):
            print(f"wilson {k} {n} {level} {wilson(k, n, level)!r}")

    print("# nps(P, D, n, level)")
    for P, D, n in ((10, 0, 10), (0, 10, 10), (50, 20, 100), (1000, 0, 1000), (1, 0, 1)):
        print(f"nps {P} {D} {n} 0.95 {nps(P, D, n, 0.95)!r}")

    print("# t interval: mean, sd, lo, hi (scipy.stats.t.interval)")
    two = [10.0, 14.0]
    thirty = [float(60 + (i * 37) % 23 + i) for i in range(30)]
    print("thirty values", thirty)
    for name, values in (("n2", two), ("n30", thirty)):
        for level in (0.95, 0.9):
            print(f"t_interval {name} {level} {t_interval(values, level)!r}")

    print("# order statistic ranks (exact decimal arithmetic)")
    for n, q in ((1, 0.5), (1, 0.9), (2, 0.5), (2, 0.9), (5, 0.9), (5, 0.1), (10, 0.9),
                 (100, 0.5), (100, 0.9), (1000, 0.9), (10, 0.0), (10, 1.0)):
        print(f"ranks {n} {q} 0.95 {ranks(n, q, z_of(0.95))}")
    print("# level 2*Phi(2)-1 has z = 2 exactly: n = 100, q = 0.5 -> 50 -+ 10, integers")
    print(f"level_z2 {2 * norm.cdf(2) - 1!r} ranks {ranks(100, 0.5, 2)}")
    print(f"ranks n=10 q=0.9 level 0.9 {ranks(10, 0.9, z_of(0.9))}")

if __name__ == "__main__":
    main()
