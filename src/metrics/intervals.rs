//! Owns the SPEC §9 confidence intervals and the §5 `check` judgement on them.
//!
//! Every function here is total: any input (NaN, n = 0, counts larger than n) gives `None`
//! or a status, never a panic. Shares and NPS are in percent, as in the report.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub(crate) enum IntervalError {
    #[error("--confidence must be strictly between 0 and 1, e.g. 0.95; got {0}")]
    ConfidenceOutOfRange(f64),
}

/// Up to this many degrees of freedom statrs's own Student t quantile is used; it is accurate
/// to ~1e-12 there, but past a few thousand it loses digits erratically (relative errors of
/// 1e-8 at df = 5 000, 0.7 at 5e6; measured against scipy) and never returns at df = 1e9. Beyond it the quantile
/// is found by bisection on statrs's t CDF instead.
const T_QUANTILE_DIRECT_MAX_DF: f64 = 1000.0;

/// Ranks computed as `nq ∓ z·√(nq(1−q))` that land this close (relative) to an integer are taken
/// as that integer before ⌊⌋/⌈⌉, so floating-point noise (2.9999999999999996 for an exact 3)
/// cannot move a rank by one. Rounding error here is a few ulps, far below this.
const RANK_SNAP_RELATIVE: f64 = 1e-12;

/// A validated `--confidence` level with its normal quantile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Confidence {
    level: f64,
    z: f64,
}

impl Confidence {
    pub(crate) fn new(level: f64) -> Result<Confidence, IntervalError> {
        // `!(0 < level < 1)` so that NaN is rejected too.
        if !(level > 0.0 && level < 1.0) {
            return Err(IntervalError::ConfidenceOutOfRange(level));
        }
        let z = Normal::standard().inverse_cdf(upper_tail_probability(level));
        Ok(Confidence { level, z })
    }

    pub(crate) fn level(&self) -> f64 {
        self.level
    }

    /// The `1 − (1 − level)/2` quantile of Student t with `df` degrees of freedom (fractional df
    /// allowed). `None` unless `df > 0`; infinite df gives `z`.
    pub(crate) fn t(&self, df: f64) -> Option<f64> {
        if df.is_nan() || df <= 0.0 {
            return None;
        }
        if df.is_infinite() {
            return Some(self.z);
        }
        let p = upper_tail_probability(self.level);
        if df <= T_QUANTILE_DIRECT_MAX_DF {
            return Some(StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(p));
        }
        Some(self.t_by_bisection(df, p))
    }

    /// Solves `F_t(x; df) = p` by bisection on statrs's t CDF, on a bracket that holds the root:
    /// t quantiles fall with df towards z, so `z < t(df) ≤ t(1000)`, and `t(df) − z` is below
    /// twice the first Cornish–Fisher term, `(z³ + z)/(2·df)` (kernel_reference.py checks this against
    /// scipy for df 1e3–1e12 and levels 0.5 to 1 − 1e-12). The series only narrows the bracket:
    /// for df ≳ 1e7 statrs's CDF is itself noisy (its log-gamma differences cancel), and there
    /// the error reaches 5e-8 relative (worst near df = 1e7; measured against scipy on a grid of
    /// df 1e3–1e11 and levels 0.5–0.999999: below 1e-12 up to df = 1000, 2.3e-10 up to 1e5,
    /// 1.1e-9 up to 1e6). A t quantile that close to z changes no reported digit.
    fn t_by_bisection(&self, df: f64, p: f64) -> f64 {
        let z = self.z;
        let (Ok(at_max_direct), Ok(distribution)) = (
            StudentsT::new(0.0, 1.0, T_QUANTILE_DIRECT_MAX_DF),
            StudentsT::new(0.0, 1.0, df),
        ) else {
            return z;
        };
        let mut lo = z;
        let mut hi = at_max_direct
            .inverse_cdf(p)
            .min(z + (z * z * z + z) / (2.0 * df));
        // 64 halvings exhaust f64 resolution on any bracket; the midpoint test stops earlier.
        for _ in 0..64 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if distribution.cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

/// `1 − (1 − level)/2`, i.e. `(1 + level)/2`, always inside (0.5, 1) for a valid level.
fn upper_tail_probability(level: f64) -> f64 {
    (1.0 + level) / 2.0
}

/// Wilson score interval for `successes` of `n`, in percent. `None` when `n = 0` or
/// `successes > n`. At 0 successes the lower end is exactly 0 and at n successes the upper end
/// exactly 100 (their analytic values; the formula would give ±1e-17 of noise).
pub(crate) fn wilson(successes: u64, n: u64, c: &Confidence) -> Option<(f64, f64)> {
    if n == 0 || successes > n {
        return None;
    }
    let (nf, z) = (n as f64, c.z);
    let p = successes as f64 / nf;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * nf);
    let spread = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt();
    let denominator = 1.0 + z2 / nf;
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - spread) / denominator
    };
    let hi = if successes == n {
        1.0
    } else {
        (centre + spread) / denominator
    };
    Some((
        (100.0 * lo).clamp(0.0, 100.0),
        (100.0 * hi).clamp(0.0, 100.0),
    ))
}

/// The adjusted-Wald estimate behind the NPS interval: `(m, variance of m)` with
/// `n' = n + 3`, `p' = (P + ¾)/n'`, `d' = (D + ¾)/n'`, `m = p' − d'`, `var = (p' + d' − m²)/n'`.
fn nps_adjusted_estimate(promoters: u64, detractors: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 || promoters.checked_add(detractors)? > n {
        return None;
    }
    let adjusted_n = n as f64 + 3.0;
    let p = (promoters as f64 + 0.75) / adjusted_n;
    let d = (detractors as f64 + 0.75) / adjusted_n;
    let m = p - d;
    // p + d − m² ≥ 0 always (p, d ≥ 0, p + d ≤ 1); max() only guards rounding.
    let variance = ((p + d - m * m) / adjusted_n).max(0.0);
    Some((m, variance))
}

/// NPS adjusted-Wald interval (Rocks 2016) on the −100..100 scale, clipped to it. `None` when
/// `n = 0` or `promoters + detractors > n`.
pub(crate) fn nps_adjusted_wald(
    promoters: u64,
    detractors: u64,
    n: u64,
    c: &Confidence,
) -> Option<(f64, f64)> {
    let (m, variance) = nps_adjusted_estimate(promoters, detractors, n)?;
    let half_width = c.z * variance.sqrt();
    Some((
        (100.0 * (m - half_width)).clamp(-100.0, 100.0),
        (100.0 * (m + half_width)).clamp(-100.0, 100.0),
    ))
}

/// Student t interval `mean ± t(n − 1)·s/√n`. `None` when `n < 2` or the inputs are not
/// finite or `sample_sd < 0`.
pub(crate) fn t_interval(mean: f64, sample_sd: f64, n: u64, c: &Confidence) -> Option<(f64, f64)> {
    if n < 2 || !mean.is_finite() || !sample_sd.is_finite() || sample_sd < 0.0 {
        return None;
    }
    let nf = n as f64;
    let half_width = c.t(nf - 1.0)? * sample_sd / nf.sqrt();
    Some((mean - half_width, mean + half_width))
}

/// `⌊x⌋`, except that an `x` within [`RANK_SNAP_RELATIVE`] of an integer counts as that integer.
fn snapped_floor(x: f64) -> f64 {
    let nearest = x.round();
    if (x - nearest).abs() <= RANK_SNAP_RELATIVE * x.abs().max(1.0) {
        nearest
    } else {
        x.floor()
    }
}

/// `⌈x⌉` with the same snapping as [`snapped_floor`].
fn snapped_ceil(x: f64) -> f64 {
    let nearest = x.round();
    if (x - nearest).abs() <= RANK_SNAP_RELATIVE * x.abs().max(1.0) {
        nearest
    } else {
        x.ceil()
    }
}

/// 1-based ranks `(l, u)` of the order-statistic interval for quantile `q`:
/// `l = max(1, ⌊nq − z·√(nq(1−q))⌋)`, `u = min(n, ⌈nq + z·√(nq(1−q))⌉)`, with `l ≤ n` and
/// `u ≥ 1` also enforced (at `q = 0` the formula gives `u = 0`, at `q = 1` it gives `l = n`).
/// `None` when `n = 0` or `q` is outside [0, 1] or NaN.
pub(crate) fn order_statistic_ranks(n: u64, q: f64, c: &Confidence) -> Option<(u64, u64)> {
    if n == 0 || !(0.0..=1.0).contains(&q) {
        return None;
    }
    let nq = n as f64 * q;
    let spread = c.z * (nq * (1.0 - q)).sqrt();
    let last = n as f64;
    // Clamping in f64 before the cast keeps the cast exact and in range.
    let l = snapped_floor(nq - spread).clamp(1.0, last) as u64;
    let u = snapped_ceil(nq + spread).clamp(1.0, last) as u64;
    Some((l, u))
}

/// `[x_l, x_u]` from values sorted ascending (NaN-free). `None` when empty or `q` is invalid.
pub(crate) fn order_statistic_interval(
    sorted: &[f64],
    q: f64,
    c: &Confidence,
) -> Option<(f64, f64)> {
    let (l, u) = order_statistic_ranks(sorted.len() as u64, q, c)?;
    Some((*sorted.get(l as usize - 1)?, *sorted.get(u as usize - 1)?))
}

/// A `check` rule's threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bound {
    Min(f64),
    Max(f64),
}

/// What a rule is judged on besides the value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Evidence {
    /// No interval applies: plain `check`, or a metric that has none (a count such as
    /// `interactions`). Judged on the value.
    ValueOnly,
    /// `--ci` / `confident = true` on a metric of §9. `None` is its null interval (a mean with
    /// n = 1): the value is known but its uncertainty is unbounded, so the rule is uncertain.
    Interval(Option<(f64, f64)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Pass,
    Breach,
    Uncertain,
    NoData,
}

/// The §5 judgement. A null (or NaN) value is `NoData`; `min_n` is the caller's (it turns a
/// small n into `NoData` before calling). Pass conditions are written so that a NaN threshold
/// or interval end never passes.
pub(crate) fn judge(bound: Bound, value: Option<f64>, evidence: Evidence) -> Status {
    let Some(value) = value.filter(|v| !v.is_nan()) else {
        return Status::NoData;
    };
    match evidence {
        Evidence::ValueOnly => {
            let passes = match bound {
                Bound::Min(min) => value >= min,
                Bound::Max(max) => value <= max,
            };
            if passes {
                Status::Pass
            } else {
                Status::Breach
            }
        }
        Evidence::Interval(None) => Status::Uncertain,
        Evidence::Interval(Some((lo, hi))) => match bound {
            Bound::Min(min) if lo >= min => Status::Pass,
            Bound::Min(min) if hi < min => Status::Breach,
            Bound::Max(max) if hi <= max => Status::Pass,
            Bound::Max(max) if lo > max => Status::Breach,
            _ => Status::Uncertain,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= 1e-9 * expected.abs().max(1e-300) || actual == expected
    }

    fn assert_close(actual: f64, expected: f64, what: &str) {
        assert!(
            close(actual, expected),
            "{what}: got {actual:e}, expected {expected:e}"
        );
    }

    fn assert_pair(actual: Option<(f64, f64)>, expected: (f64, f64), what: &str) {
        let (lo, hi) = actual.unwrap_or_else(|| panic!("{what}: got None"));
        assert_close(lo, expected.0, &format!("{what} lo"));
        assert_close(hi, expected.1, &format!("{what} hi"));
    }

    fn confidence(level: f64) -> Confidence {
        Confidence::new(level).expect("valid level")
    }

    // Expected values below are printed by `python3 tests/data/intervals/kernel_reference.py`
    // (scipy 1.17.1, statsmodels 0.15.0), which computes them independently of this file.

    #[test]
    fn z_values_match_scipy_norm_ppf() {
        assert_close(confidence(0.9).z, 1.6448536269514722, "z 0.90");
        assert_close(confidence(0.95).z, 1.959963984540054, "z 0.95");
        assert_close(confidence(0.99).z, 2.5758293035489004, "z 0.99");
    }

    #[test]
    fn invalid_confidences_are_errors_naming_the_range() {
        for level in [
            0.0,
            1.0,
            1.5,
            -0.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            let error = Confidence::new(level).expect_err("out of range");
            let message = error.to_string();
            assert!(message.contains("strictly between 0 and 1"), "{message}");
        }
        assert_eq!(
            Confidence::new(1.5).unwrap_err().to_string(),
            "--confidence must be strictly between 0 and 1, e.g. 0.95; got 1.5"
        );
        assert!(Confidence::new(1e-300).is_ok());
        assert!(Confidence::new(1.0 - f64::EPSILON).is_ok());
    }

    #[test]
    fn t_quantiles_match_scipy_t_ppf_with_statrs_directly() {
        let cases = [
            (1.0, 0.9, 6.313751514675037),
            (1.0, 0.95, 12.706204736174694),
            (1.0, 0.99, 63.656741162871526),
            (29.0, 0.9, 1.6991270265334972),
            (29.0, 0.95, 2.045229642132703),
            (29.0, 0.99, 2.756385903670605),
            (999.0, 0.9, 1.646380345427535),
            (999.0, 0.95, 1.9623414611334493),
            (999.0, 0.99, 2.5807596372676365),
        ];
        for (df, level, expected) in cases {
            let actual = confidence(level).t(df).expect("df > 0");
            assert_close(actual, expected, &format!("t df={df} level={level}"));
        }
    }

    #[test]
    fn t_quantiles_match_scipy_by_bisection_for_large_df() {
        // Up to df = 1e5 the bisection meets the module-wide 1e-9, to 1e6 it is within 2e-9;
        // above that statrs's CDF is noisy and the documented bound is 5e-8 (statrs's own
        // inverse is off by up to 70 % there, or never returns).
        let cases = [
            (1000.5, 0.9, 1.6463780543610296, 1e-9),
            (1000.5, 0.95, 1.962337892459348, 1e-9),
            (1000.5, 0.99, 2.5807522321743113, 1e-9),
            (1500.0, 0.95, 1.9615467538950184, 1e-9),
            (1e4, 0.9, 1.645006018069243, 1e-9),
            (1e4, 0.95, 1.960201239890626, 1e-9),
            (1e4, 0.99, 2.5763210466685282, 1e-9),
            (1e5, 0.95, 1.9599877075346095, 1e-9),
            (1e6, 0.9, 1.6448551507220404, 2e-9),
            (1e6, 0.95, 1.959966356814107, 2e-9),
            (1e6, 0.99, 2.5758342201053344, 2e-9),
            (1e8, 0.9, 1.6448536421891635, 1e-7),
            (1e8, 0.95, 1.9599640082627663, 1e-7),
            (1e8, 0.99, 2.5758293527143774, 1e-7),
            (1e10, 0.95, 1.959963984777281, 1e-7),
            (1e12, 0.9, 1.644853626952996, 1e-7),
            (1e12, 0.95, 1.9599639845424262, 1e-7),
            (1e12, 0.99, 2.575829303553817, 1e-7),
        ];
        for (df, level, expected, tolerance) in cases {
            let actual = confidence(level).t(df).expect("df > 0");
            assert!(
                (actual - expected).abs() <= tolerance * expected,
                "t df={df} level={level}: got {actual:e}, expected {expected:e}"
            );
        }
    }

    #[test]
    fn t_quantile_edge_degrees_of_freedom() {
        let c = confidence(0.95);
        assert_eq!(c.t(0.0), None);
        assert_eq!(c.t(-1.0), None);
        assert_eq!(c.t(f64::NAN), None);
        assert_eq!(c.t(f64::INFINITY), Some(c.z));
    }

    #[test]
    fn wilson_matches_reference_at_0_half_and_all() {
        // (successes, n, level, lo, hi) in percent; p = 0.5 cannot occur at n = 1.
        let cases = [
            (0, 1, 0.95, 0.0, 79.34506856227625),
            (1, 1, 0.95, 20.654931437723743, 100.0),
            (0, 10, 0.95, 0.0, 27.75327998628892),
            (5, 10, 0.95, 23.6593090512564, 76.3406909487436),
            (10, 10, 0.95, 72.24672001371107, 100.0),
            (0, 1000, 0.95, 0.0, 0.3826758485555124),
            (500, 1000, 0.95, 46.90696003681042, 53.09303996318958),
            (1000, 1000, 0.95, 99.61732415144449, 100.0),
            (0, 1, 0.9, 0.0, 73.01340512159457),
            (1, 1, 0.9, 26.986594878405413, 100.0),
            (0, 10, 0.9, 0.0, 21.2941970083407),
            (5, 10, 0.9, 26.92718211382672, 73.07281788617328),
            (10, 10, 0.9, 78.70580299165931, 100.0),
            (0, 1000, 0.9, 0.0, 0.2698243239760521),
            (500, 1000, 0.9, 47.40276914784201, 52.597230852157985),
            (1000, 1000, 0.9, 99.73017567602393, 100.0),
        ];
        for (k, n, level, lo, hi) in cases {
            let what = format!("wilson {k}/{n} at {level}");
            assert_pair(wilson(k, n, &confidence(level)), (lo, hi), &what);
        }
    }

    #[test]
    fn wilson_edges_are_exact_and_bad_counts_are_none() {
        let c = confidence(0.95);
        assert_eq!(wilson(0, 1000, &c).map(|(lo, _)| lo), Some(0.0));
        assert_eq!(wilson(1000, 1000, &c).map(|(_, hi)| hi), Some(100.0));
        assert_eq!(wilson(0, 0, &c), None);
        assert_eq!(wilson(3, 2, &c), None);
    }

    #[test]
    fn nps_adjusted_wald_clips_and_matches_reference() {
        let c = confidence(0.95);
        // all promoters: the upper end is clipped to 100
        assert_pair(
            nps_adjusted_wald(10, 0, 10, &c),
            (47.5035515447902, 100.0),
            "all promoters",
        );
        // no promoters, all detractors: the lower end is clipped to -100
        assert_pair(
            nps_adjusted_wald(0, 10, 10, &c),
            (-100.0, -47.5035515447902),
            "no promoters",
        );
        assert_pair(
            nps_adjusted_wald(50, 20, 100, &c),
            (14.051130178761607, 44.20129700570441),
            "mixed",
        );
        assert_pair(
            nps_adjusted_wald(1000, 0, 1000, &c),
            (99.28678323739766, 100.0),
            "1000 promoters",
        );
        assert_pair(
            nps_adjusted_wald(1, 0, 1, &c),
            (-48.49864942025203, 98.49864942025202),
            "n = 1",
        );
    }

    #[test]
    fn nps_adjusted_wald_rejects_empty_and_impossible_counts() {
        let c = confidence(0.95);
        assert_eq!(nps_adjusted_wald(0, 0, 0, &c), None);
        assert_eq!(nps_adjusted_wald(6, 5, 10, &c), None);
        assert_eq!(nps_adjusted_wald(u64::MAX, 1, u64::MAX, &c), None);
    }

    #[test]
    fn t_interval_matches_scipy_t_interval() {
        let sd_two = 2.8284271247461903; // values 10, 14
        assert_pair(
            t_interval(12.0, sd_two, 2, &confidence(0.95)),
            (-13.412409472349388, 37.41240947234939),
            "n = 2 at 0.95",
        );
        assert_pair(
            t_interval(12.0, sd_two, 2, &confidence(0.9)),
            (-0.6275030293500894, 24.627503029350073),
            "n = 2 at 0.9",
        );
        let (mean, sd) = (85.06666666666666, 11.392475839216269); // the 30 values in kernel_reference.py
        assert_pair(
            t_interval(mean, sd, 30, &confidence(0.95)),
            (80.81264627543493, 89.3206870578984),
            "n = 30 at 0.95",
        );
        assert_pair(
            t_interval(mean, sd, 30, &confidence(0.9)),
            (81.53253002535084, 88.60080330798249),
            "n = 30 at 0.9",
        );
    }

    #[test]
    fn t_interval_needs_two_values_and_finite_stats() {
        let c = confidence(0.95);
        assert_eq!(t_interval(5.0, 1.0, 0, &c), None);
        assert_eq!(t_interval(5.0, 1.0, 1, &c), None);
        assert_eq!(t_interval(f64::NAN, 1.0, 10, &c), None);
        assert_eq!(t_interval(5.0, f64::NAN, 10, &c), None);
        assert_eq!(t_interval(5.0, -1.0, 10, &c), None);
        assert_eq!(t_interval(5.0, 0.0, 10, &c), Some((5.0, 5.0)));
    }

    #[test]
    fn order_statistic_ranks_match_exact_reference() {
        let c = confidence(0.95);
        let cases = [
            (1, 0.5, (1, 1)), // n = 1: both clamps
            (1, 0.9, (1, 1)),
            (2, 0.5, (1, 2)), // n = 2: both clamps
            (2, 0.9, (1, 2)),
            (5, 0.9, (3, 5)),   // u clamps to n
            (5, 0.1, (1, 2)),   // l clamps to 1
            (10, 0.9, (7, 10)), // u clamps to n
            (100, 0.5, (40, 60)),
            (100, 0.9, (84, 96)),
            (1000, 0.9, (881, 919)),
            (10, 0.0, (1, 1)), // formula gives u = 0; u is at least 1
            (10, 1.0, (10, 10)),
        ];
        for (n, q, expected) in cases {
            assert_eq!(
                order_statistic_ranks(n, q, &c),
                Some(expected),
                "n={n} q={q}"
            );
        }
        assert_eq!(
            order_statistic_ranks(10, 0.9, &confidence(0.9)),
            Some((7, 10))
        );
    }

    #[test]
    fn order_statistic_ranks_snap_float_noise_at_exact_integers() {
        // At level 2Φ(2) − 1, z is 2 (statrs gives it within an ulp or two), so for n = 100 and
        // q = 0.5 the ends are 50 ∓ 2·5 = 40 and 60 exactly; ⌊39.999…⌋ must not give 39.
        let c = confidence(0.9544997361036416);
        assert!((c.z - 2.0).abs() < 1e-14, "z = {:e}", c.z);
        assert_eq!(order_statistic_ranks(100, 0.5, &c), Some((40, 60)));
        assert_eq!(snapped_floor(2.9999999999999996), 3.0);
        assert_eq!(snapped_ceil(3.0000000000000004), 3.0);
        assert_eq!(snapped_floor(2.999999), 2.0);
        assert_eq!(snapped_ceil(3.000001), 4.0);
    }

    #[test]
    fn order_statistic_ranks_reject_empty_and_bad_q() {
        let c = confidence(0.95);
        assert_eq!(order_statistic_ranks(0, 0.5, &c), None);
        for q in [f64::NAN, -0.1, 1.1, f64::INFINITY] {
            assert_eq!(order_statistic_ranks(10, q, &c), None, "q={q}");
        }
    }

    #[test]
    fn order_statistic_interval_takes_the_ranked_values() {
        let c = confidence(0.95);
        let sorted: Vec<f64> = (1..=100).map(|i| i as f64 * 10.0).collect();
        assert_eq!(
            order_statistic_interval(&sorted, 0.5, &c),
            Some((400.0, 600.0))
        );
        assert_eq!(
            order_statistic_interval(&sorted, 0.9, &c),
            Some((840.0, 960.0))
        );
        assert_eq!(order_statistic_interval(&[7.0], 0.9, &c), Some((7.0, 7.0)));
        assert_eq!(order_statistic_interval(&[], 0.5, &c), None);
    }

    #[test]
    fn judge_min_rule_every_branch() {
        let min = Bound::Min(80.0);
        let on = |lo, hi| Evidence::Interval(Some((lo, hi)));
        assert_eq!(judge(min, Some(85.0), on(81.0, 89.0)), Status::Pass);
        assert_eq!(
            judge(min, Some(85.0), on(80.0, 89.0)),
            Status::Pass,
            "lo == min passes"
        );
        assert_eq!(judge(min, Some(75.0), on(70.0, 79.9)), Status::Breach);
        assert_eq!(
            judge(min, Some(75.0), on(70.0, 80.0)),
            Status::Uncertain,
            "hi == min"
        );
        assert_eq!(judge(min, Some(79.0), on(75.0, 83.0)), Status::Uncertain);
        assert_eq!(
            judge(min, Some(85.0), Evidence::Interval(None)),
            Status::Uncertain
        );
        assert_eq!(judge(min, None, on(81.0, 89.0)), Status::NoData);
        assert_eq!(
            judge(min, Some(f64::NAN), Evidence::ValueOnly),
            Status::NoData
        );
        // a count, or a plain check: judged on the value
        assert_eq!(judge(min, Some(80.0), Evidence::ValueOnly), Status::Pass);
        assert_eq!(judge(min, Some(79.0), Evidence::ValueOnly), Status::Breach);
        assert_eq!(judge(min, None, Evidence::ValueOnly), Status::NoData);
    }

    #[test]
    fn judge_max_rule_every_branch() {
        let max = Bound::Max(14400.0);
        let on = |lo, hi| Evidence::Interval(Some((lo, hi)));
        assert_eq!(
            judge(max, Some(13000.0), on(12000.0, 14000.0)),
            Status::Pass
        );
        assert_eq!(
            judge(max, Some(13000.0), on(12000.0, 14400.0)),
            Status::Pass,
            "hi == max"
        );
        assert_eq!(
            judge(max, Some(16000.0), on(14500.0, 17000.0)),
            Status::Breach
        );
        assert_eq!(
            judge(max, Some(16000.0), on(14400.0, 17000.0)),
            Status::Uncertain,
            "lo == max"
        );
        assert_eq!(
            judge(max, Some(14000.0), on(13000.0, 15000.0)),
            Status::Uncertain
        );
        assert_eq!(
            judge(max, Some(14000.0), Evidence::Interval(None)),
            Status::Uncertain
        );
        assert_eq!(judge(max, None, on(1.0, 2.0)), Status::NoData);
        assert_eq!(judge(max, Some(14400.0), Evidence::ValueOnly), Status::Pass);
        assert_eq!(
            judge(max, Some(14401.0), Evidence::ValueOnly),
            Status::Breach
        );
        assert_eq!(judge(max, None, Evidence::ValueOnly), Status::NoData);
    }

    #[test]
    fn judge_never_passes_on_a_nan_threshold() {
        let on = Evidence::Interval(Some((1.0, 2.0)));
        for bound in [Bound::Min(f64::NAN), Bound::Max(f64::NAN)] {
            assert_eq!(judge(bound, Some(1.5), on), Status::Uncertain);
            assert_eq!(judge(bound, Some(1.5), Evidence::ValueOnly), Status::Breach);
        }
    }

    #[test]
    fn no_input_panics_or_hangs() {
        let levels = [1e-300, 1e-9, 0.5, 0.95, 1.0 - 1e-12, 1.0 - f64::EPSILON];
        let counts = [0, 1, 2, 3, 1000, 1 << 40, u64::MAX];
        for level in levels {
            let c = confidence(level);
            for df in [
                1e-3,
                0.5,
                1.0,
                999.0,
                1000.0,
                1000.1,
                1e7,
                1e9,
                1e15,
                1e300,
                f64::MAX,
            ] {
                let t = c.t(df).expect("df > 0");
                assert!(
                    t.is_finite() && t >= c.z * (1.0 - 1e-12),
                    "t({df}) at {level} = {t}"
                );
            }
            for &n in &counts {
                for &k in &counts {
                    let _ = wilson(k, n, &c);
                    let _ = nps_adjusted_wald(k, k / 2, n, &c);
                    let _ = t_interval(1.0, 1.0, n, &c);
                }
                for q in [0.0, 0.5, 0.9, 1.0, f64::NAN] {
                    if let Some((l, u)) = order_statistic_ranks(n, q, &c) {
                        assert!(1 <= l && l <= u && u <= n, "n={n} q={q}: {l}, {u}");
                    }
                }
            }
        }
    }
}
