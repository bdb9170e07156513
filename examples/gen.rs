//! Deterministic generator of synthetic, realistic canonical interaction logs (SPEC.md §2).
//!
//! ```text
//! cargo run --release --example gen -- ROWS OUT [--seed N] [--start 2026-01-01] [--days 90] [--no-contacts]
//! ```
//!
//! OUT's extension picks the format: `.csv` (header row, comma, RFC 4180 quoting, LF line
//! ends) or `.ndjson` / `.jsonl` (one JSON object a line, missing values as `null`).
//! The same arguments always give the same bytes.
//!
//! Rows are streamed out in `created_at` order (interaction ids ascend with time), so memory
//! does not grow with ROWS: the only state is a per-hour weight table for the span and a
//! bounded ring of recent contacts used to produce follow-up (repeat) contacts. Per-customer
//! and per-agent traits (churn date, agent skill) are derived statelessly from a hash of the
//! seed and the id, so they are consistent across all of a customer's or agent's rows.
//!
//! This program is deliberately standalone: it uses neither the `cxkpi` crate nor polars.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "\
usage: gen ROWS OUT [--seed N] [--start YYYY-MM-DD] [--days N] [--no-contacts]

Writes ROWS synthetic interaction records in the canonical cxkpi schema to OUT.
OUT's extension picks the format: .csv, or .ndjson / .jsonl.

options:
  --seed N         PRNG seed (default 42); the same seed gives the same bytes
  --start DATE     first day of the span, UTC (default 2026-01-01)
  --days N         length of the span in days, 1..=36600 (default 90)
  --no-contacts    omit the contacts column (FCR then runs in repeat mode)
  -h, --help       print this help
";

const COLUMNS: [&str; 19] = [
    "interaction_id",
    "customer_id",
    "category",
    "channel",
    "agent",
    "team",
    "created_at",
    "first_response_at",
    "resolved_at",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "handle_seconds",
    "contacts",
    "reopened",
    "csat",
    "nps",
    "ces",
    "churned_at",
];
const CONTACTS_COL: usize = 13;

// ---------------------------------------------------------------------------------------
// Arguments

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Ndjson,
}

struct Args {
    rows: u64,
    out: String,
    format: Format,
    seed: u64,
    start_day: i64,
    days: i64,
    contacts: bool,
}

enum ArgError {
    Help,
    Bad(String),
}

fn parse_u64(s: &str) -> Option<u64> {
    let digits: String = s.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn parse_args(argv: &[String]) -> Result<Args, ArgError> {
    let mut positional = Vec::new();
    let mut seed = 42u64;
    let mut start_day = days_from_civil(2026, 1, 1);
    let mut days = 90i64;
    let mut contacts = true;
    let mut i = 0;
    while i < argv.len() {
        let a = argv[i].as_str();
        // Accept both `--opt value` and `--opt=value`.
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a, None),
        };
        let mut value = |what: &str| -> Result<String, ArgError> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            argv.get(i)
                .cloned()
                .ok_or_else(|| ArgError::Bad(format!("{what} needs a value")))
        };
        match name {
            "-h" | "--help" => return Err(ArgError::Help),
            "--seed" => {
                let v = value("--seed")?;
                seed = parse_u64(&v).ok_or_else(|| {
                    ArgError::Bad(format!("--seed: not an unsigned integer: {v:?}"))
                })?;
            }
            "--start" => {
                let v = value("--start")?;
                start_day = parse_date(&v).ok_or_else(|| {
                    ArgError::Bad(format!("--start: not a date YYYY-MM-DD: {v:?}"))
                })?;
            }
            "--days" => {
                let v = value("--days")?;
                days = match parse_u64(&v) {
                    Some(d @ 1..=36600) => d as i64,
                    _ => {
                        return Err(ArgError::Bad(format!(
                            "--days: expected 1..=36600, got {v:?}"
                        )))
                    }
                };
            }
            "--no-contacts" if inline.is_none() => contacts = false,
            _ if a.starts_with('-') && a.len() > 1 => {
                return Err(ArgError::Bad(format!("unknown option {a:?}")))
            }
            _ => positional.push(a.to_string()),
        }
        i += 1;
    }
    if positional.len() != 2 {
        return Err(ArgError::Bad(format!(
            "expected 2 arguments ROWS OUT, got {}",
            positional.len()
        )));
    }
    let rows = parse_u64(&positional[0]).ok_or_else(|| {
        ArgError::Bad(format!(
            "ROWS: not an unsigned integer: {:?}",
            positional[0]
        ))
    })?;
    if rows > 9_999_999_999 {
        return Err(ArgError::Bad("ROWS: at most 9999999999".into()));
    }
    let out = positional[1].clone();
    let lower = out.to_ascii_lowercase();
    let format = if lower.ends_with(".csv") {
        Format::Csv
    } else if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
        Format::Ndjson
    } else {
        return Err(ArgError::Bad(format!(
            "OUT must end in .csv, .ndjson or .jsonl: {out:?}"
        )));
    };
    Ok(Args {
        rows,
        out,
        format,
        seed,
        start_day,
        days,
        contacts,
    })
}

// ---------------------------------------------------------------------------------------
// Calendar (proleptic Gregorian, UTC), after H. Hinnant's civil-date algorithms.

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// 0 = Monday .. 6 = Sunday.
fn weekday(day: i64) -> usize {
    // 1970-01-01 was a Thursday (3).
    (day + 3).rem_euclid(7) as usize
}

// ---------------------------------------------------------------------------------------
// Output helpers

fn push_uint(buf: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (tmp.len() - i)..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// RFC 3339 UTC with a `Z` suffix, whole seconds.
fn push_timestamp(buf: &mut Vec<u8>, t: i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    if y < 0 {
        buf.push(b'-');
    }
    push_uint(buf, y.unsigned_abs(), 4);
    buf.push(b'-');
    push_uint(buf, m as u64, 2);
    buf.push(b'-');
    push_uint(buf, d as u64, 2);
    buf.push(b'T');
    push_uint(buf, (s / 3600) as u64, 2);
    buf.push(b':');
    push_uint(buf, (s / 60 % 60) as u64, 2);
    buf.push(b':');
    push_uint(buf, (s % 60) as u64, 2);
    buf.push(b'Z');
}

/// A number of tenths, written with exactly one decimal (`123.4`).
fn push_tenths(buf: &mut Vec<u8>, tenths: u64) {
    push_uint(buf, tenths / 10, 1);
    buf.push(b'.');
    buf.push(b'0' + (tenths % 10) as u8);
}

fn push_csv_str(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

fn push_json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    for c in s.chars() {
        match c {
            '"' => buf.extend_from_slice(b"\\\""),
            '\\' => buf.extend_from_slice(b"\\\\"),
            '\n' => buf.extend_from_slice(b"\\n"),
            '\r' => buf.extend_from_slice(b"\\r"),
            '\t' => buf.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                buf.extend_from_slice(b"\\u00");
                let hex = b"0123456789abcdef";
                buf.push(hex[(c as usize) >> 4]);
                buf.push(hex[(c as usize) & 15]);
            }
            c => {
                let mut tmp = [0u8; 4];
                buf.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            }
        }
    }
    buf.push(b'"');
}

/// One output value. Text values go through quoting/escaping; the rest are written raw.
enum Val<'a> {
    Null,
    Str(&'a str),
    Id(u8, u64, usize), // prefix letter, number, zero-padded width
    Agent(u16),
    Time(i64),
    Tenths(u32),
    Int(u64),
    Bool(bool),
}

struct Line {
    format: Format,
    buf: Vec<u8>,
    first: bool,
    keys: Vec<Vec<u8>>, // JSON: `"name":` for each column
}

impl Line {
    fn new(format: Format) -> Self {
        let keys = COLUMNS
            .iter()
            .map(|c| {
                let mut k = Vec::new();
                push_json_str(&mut k, c);
                k.push(b':');
                k
            })
            .collect();
        Line {
            format,
            buf: Vec::with_capacity(512),
            first: true,
            keys,
        }
    }

    fn begin(&mut self) {
        self.buf.clear();
        self.first = true;
        if self.format == Format::Ndjson {
            self.buf.push(b'{');
        }
    }

    /// Writes the value for column `col` (an index into COLUMNS).
    fn put(&mut self, col: usize, v: Val) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        let json = self.format == Format::Ndjson;
        if json {
            self.buf.extend_from_slice(&self.keys[col]);
        }
        let b = &mut self.buf;
        match v {
            Val::Null => {
                if json {
                    b.extend_from_slice(b"null");
                }
            }
            Val::Str(s) => {
                if json {
                    push_json_str(b, s)
                } else {
                    push_csv_str(b, s)
                }
            }
            Val::Id(prefix, n, width) => {
                if json {
                    b.push(b'"');
                }
                b.push(prefix);
                push_uint(b, n, width);
                if json {
                    b.push(b'"');
                }
            }
            Val::Agent(n) => {
                if json {
                    b.push(b'"');
                }
                b.extend_from_slice(b"agent-");
                push_uint(b, u64::from(n), 3);
                if json {
                    b.push(b'"');
                }
            }
            Val::Time(t) => {
                if json {
                    b.push(b'"');
                }
                push_timestamp(b, t);
                if json {
                    b.push(b'"');
                }
            }
            Val::Tenths(x) => push_tenths(b, u64::from(x)),
            Val::Int(n) => push_uint(b, n, 1),
            Val::Bool(x) => b.extend_from_slice(if x { b"true" } else { b"false" }),
        }
    }

    fn end(&mut self) {
        if self.format == Format::Ndjson {
            self.buf.push(b'}');
        }
        self.buf.push(b'\n');
    }
}

// ---------------------------------------------------------------------------------------
// Randomness

/// SplitMix64 finalizer: a stateless hash used for per-customer and per-agent traits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform in [0, 1) from a hash value.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

struct Rand {
    rng: fastrand::Rng,
    spare_normal: Option<f64>,
}

impl Rand {
    fn new(seed: u64) -> Self {
        Rand {
            rng: fastrand::Rng::with_seed(seed),
            spare_normal: None,
        }
    }

    fn f64(&mut self) -> f64 {
        self.rng.f64()
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.f64() < p
    }

    /// Uniform integer in 0..n (n > 0).
    fn below(&mut self, n: usize) -> usize {
        self.rng.usize(..n)
    }

    /// Standard normal (Box–Muller, both values used).
    fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        let u1 = 1.0 - self.rng.f64(); // (0, 1]
        let u2 = self.rng.f64();
        let r = (-2.0 * u1.ln()).sqrt();
        let th = std::f64::consts::TAU * u2;
        self.spare_normal = Some(r * th.sin());
        r * th.cos()
    }

    /// Log-normal with the given median and log-space sigma.
    fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Index drawn from a table of weights.
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------------------
// The model

const SUPPORT: u8 = 0;
const SERVICE: u8 = 1;
// Category kind 2 is "uncategorized".

const EMAIL: u8 = 0;
const CHAT: u8 = 1;
const PHONE: u8 = 2;
const SOCIAL: u8 = 3;
const CHANNELS: [&str; 4] = ["email", "chat", "phone", "social"];

/// Teams and the agents that belong to them (agent numbers are 1-based, consecutive).
const TEAMS: [(&str, u16, u16); 4] = [
    ("tier1", 1, 18),
    ("tier2", 19, 28),
    ("billing", 29, 34),
    ("onboarding", 35, 40),
];

const SUPPORT_VARIANTS: [&str; 5] = ["Support", "SUPPORT", "support ", " Support", "Support "];
const SERVICE_VARIANTS: [&str; 5] = ["Service", "SERVICE", "service ", " service", "Service "];
/// Uncategorized labels and their weights; "" is written as a missing value.
const UNCAT_LABELS: [&str; 5] = ["", "billing", "sales", "returns, refunds", "other"];
const UNCAT_WEIGHTS: [f64; 5] = [0.35, 0.25, 0.15, 0.10, 0.15];

/// Relative contact volume by weekday (Mon..Sun) and by UTC hour of day.
const WEEKDAY_WEIGHT: [f64; 7] = [1.18, 1.10, 1.05, 1.0, 0.92, 0.38, 0.30];
const HOUR_WEIGHT: [f64; 24] = [
    0.10, 0.07, 0.05, 0.05, 0.06, 0.10, 0.22, 0.45, 0.85, 1.20, 1.35, 1.30, //
    1.05, 1.15, 1.30, 1.25, 1.10, 0.90, 0.65, 0.50, 0.42, 0.35, 0.25, 0.16,
];

struct Gen {
    r: Rand,
    seed: u64,
    span_start: i64,
    span_end: i64,
    /// Cumulative share of volume at the end of each hour of the span.
    cum: Vec<f64>,
    bin: usize,
    /// Running order statistic: created_at times come out ascending.
    u: f64,
    remaining: u64,
    /// Customer pool: ids are a scrambled bijection of popularity ranks 0..pool.
    pool: u64,
    scramble: u64,
    cust_width: usize,
    /// Recent contacts (customer rank, category, channel) for follow-ups.
    recent: Vec<(u64, u8, u8)>,
    recent_cap: usize,
    recent_pos: usize,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Customer number for a popularity rank: a bijection of 0..pool onto 1..=pool that scatters
/// the heavy contacters over the id range.
fn customer_id(pool: u64, scramble: u64, rank: u64) -> u64 {
    ((u128::from(rank) * u128::from(scramble) + 7) % u128::from(pool)) as u64 + 1
}

impl Gen {
    fn new(args: &Args) -> Self {
        let span_start = args.start_day * 86_400;
        let span_end = span_start + args.days * 86_400;
        let hours = (args.days * 24) as usize;
        let mut cum = Vec::with_capacity(hours);
        let mut acc = 0.0;
        for h in 0..hours {
            let day = args.start_day + (h / 24) as i64;
            acc += WEEKDAY_WEIGHT[weekday(day)] * HOUR_WEIGHT[h % 24];
            cum.push(acc);
        }
        for c in &mut cum {
            *c /= acc;
        }
        let pool = (args.rows * 3 / 5).max(1);
        let mut scramble = 2_654_435_761 % pool;
        while gcd(scramble, pool) != 1 {
            scramble = (scramble + 1) % pool;
        }
        let cust_width = pool.to_string().len().max(6);
        let per_day = args.rows as f64 / args.days as f64;
        let recent_cap = ((per_day * 3.0) as usize).clamp(8, 65_536);
        Gen {
            r: Rand::new(args.seed),
            seed: args.seed,
            span_start,
            span_end,
            cum,
            bin: 0,
            u: 0.0,
            remaining: args.rows,
            pool,
            scramble,
            cust_width,
            recent: Vec::with_capacity(recent_cap),
            recent_cap,
            recent_pos: 0,
        }
    }

    /// Next created_at: the next order statistic of `remaining` uniforms, mapped through the
    /// inverse of the weekday/hour volume curve. Ascending, O(1) memory.
    fn next_created(&mut self) -> i64 {
        let k = self.remaining as f64;
        self.remaining -= 1;
        let v = 1.0 - self.r.f64(); // (0, 1]
        self.u += (1.0 - self.u) * -(v.ln() / k).exp_m1();
        let u = self.u.min(1.0 - 1e-15);
        while self.bin + 1 < self.cum.len() && self.cum[self.bin] <= u {
            self.bin += 1;
        }
        let lo = if self.bin == 0 {
            0.0
        } else {
            self.cum[self.bin - 1]
        };
        let frac = ((u - lo) / (self.cum[self.bin] - lo)).clamp(0.0, 1.0);
        let secs = ((frac * 3600.0) as i64).min(3599);
        self.span_start + self.bin as i64 * 3600 + secs
    }

    /// Stateless per-customer churn date: about 5% of customers, uniform over the span.
    fn churned_at(&self, cust: u64) -> Option<i64> {
        let h = mix(self.seed ^ mix(cust ^ 0xC4_0000_0000));
        if unit(h) < 0.05 {
            let span = (self.span_end - self.span_start) as f64;
            Some(self.span_start + (unit(mix(h)) * span) as i64)
        } else {
            None
        }
    }

    /// Stateless per-agent skill in about [-1, 1].
    fn agent_skill(&self, agent: u16) -> f64 {
        unit(mix(self.seed ^ mix(u64::from(agent) ^ 0xA6_0000_0000))) * 2.0 - 1.0
    }

    fn write_row(&mut self, id: u64, contacts_col: bool, line: &mut Line) {
        let created = self.next_created();
        let hour = created.rem_euclid(86_400) / 3600;
        let business = (8..18).contains(&hour) && weekday(created.div_euclid(86_400)) < 5;
        let r = &mut self.r;

        // Who, what, where. A share of contacts are follow-ups of a recent contact.
        let fresh_cat = r.pick(&[0.55, 0.405, 0.045]) as u8;
        let fresh_chan = if business {
            r.pick(&[0.34, 0.28, 0.28, 0.10])
        } else {
            r.pick(&[0.45, 0.30, 0.08, 0.17])
        } as u8;
        let (rank, cat, chan) = if !self.recent.is_empty() && r.chance(0.10) {
            let (rank, c, ch) = self.recent[r.below(self.recent.len())];
            let cat = if r.chance(0.85) { c } else { fresh_cat };
            let chan = if r.chance(0.6) { ch } else { fresh_chan };
            (rank, cat, chan)
        } else {
            // Popularity-skewed draw: low ranks (heavy contacters) are much more likely.
            let rank = ((self.pool as f64) * r.f64().powf(1.6)) as u64;
            (rank.min(self.pool - 1), fresh_cat, fresh_chan)
        };
        if self.recent.len() < self.recent_cap {
            self.recent.push((rank, cat, chan));
        } else {
            self.recent[self.recent_pos] = (rank, cat, chan);
            self.recent_pos = (self.recent_pos + 1) % self.recent_cap;
        }
        let anonymous = matches!(chan, CHAT | SOCIAL) && r.chance(0.02);
        let cust = customer_id(self.pool, self.scramble, rank);

        let category: Option<&'static str> = match cat {
            SUPPORT if r.chance(0.03) => Some(SUPPORT_VARIANTS[r.below(5)]),
            SUPPORT => Some("support"),
            SERVICE if r.chance(0.03) => Some(SERVICE_VARIANTS[r.below(5)]),
            SERVICE => Some("service"),
            _ => match UNCAT_LABELS[r.pick(&UNCAT_WEIGHTS)] {
                "" => None,
                s => Some(s),
            },
        };

        // Team by category, agent within team (agents always belong to one team).
        let team = match cat {
            SUPPORT => r.pick(&[0.70, 0.30, 0.0, 0.0]),
            SERVICE => r.pick(&[0.50, 0.0, 0.30, 0.20]),
            _ => r.pick(&[0.45, 0.0, 0.55, 0.0]),
        };
        let (team_name, lo, hi) = TEAMS[team];
        let agent = lo + r.below(usize::from(hi - lo + 1)) as u16;

        // First response: minutes for chat and phone, hours for email and social.
        let mut first = if r.chance(0.045) {
            None
        } else {
            let wait = match chan {
                CHAT => r.lognormal(75.0, 0.9),
                PHONE => r.lognormal(110.0, 0.8),
                EMAIL => r.lognormal(if business { 2.5 } else { 7.0 } * 3600.0, 0.9),
                _ => r.lognormal(if business { 1.0 } else { 3.5 } * 3600.0, 1.0),
            };
            Some(created + (wait as i64).max(5))
        };
        // An export is taken at the end of the span: later events have not happened yet.
        if first.is_some_and(|t| t >= self.span_end) {
            first = None;
        }

        // Contacts (agent touches), escalation to tier 2 takes more.
        let mut contacts: u64 = match chan {
            CHAT | PHONE => 1 + r.pick(&[0.84, 0.11, 0.035, 0.01, 0.005]) as u64,
            _ => 1 + r.pick(&[0.62, 0.22, 0.09, 0.04, 0.03]) as u64,
        };
        if team == 1 && r.chance(0.3) {
            contacts = (contacts + 1).min(5);
        }

        // Resolution: after the first response (or, without one, closed by the customer).
        let mut resolved = match first {
            Some(f) if !r.chance(0.05) => {
                let work = match chan {
                    CHAT => r.lognormal(11.0 * 60.0, 0.7),
                    PHONE => r.lognormal(8.0 * 60.0, 0.7),
                    EMAIL => r.lognormal(18.0 * 3600.0, 1.1),
                    _ => r.lognormal(6.0 * 3600.0, 1.1),
                } * (1.0 + 0.6 * (contacts - 1) as f64);
                Some(f + (work as i64).max(30))
            }
            None if r.chance(0.35) => Some(created + r.lognormal(2.0 * 3600.0, 1.5) as i64 + 60),
            _ => None,
        };
        if resolved.is_some_and(|t| t >= self.span_end) {
            resolved = None;
        }
        let handled = first.is_some();

        // Handle time: talk/hold/wrap for phone and chat, a total for some email tickets.
        let skill = self.agent_skill(agent);
        let r = &mut self.r;
        let pace = (-0.25 * skill).exp();
        let tenths = |x: f64| (x * 10.0).round().max(0.0) as u32;
        let (mut talk, mut hold, mut wrap, mut handle) = (None, None, None, None);
        if handled {
            match chan {
                PHONE => {
                    talk = Some(tenths(r.lognormal(330.0, 0.6) * pace));
                    if r.chance(0.40) {
                        hold = Some(tenths(r.lognormal(55.0, 0.8)));
                    }
                    if r.chance(0.95) {
                        wrap = Some(tenths(r.lognormal(50.0, 0.6) * pace));
                    }
                }
                CHAT => {
                    talk = Some(tenths(r.lognormal(540.0, 0.6) * pace));
                    if r.chance(0.10) {
                        hold = Some(tenths(r.lognormal(40.0, 0.7)));
                    }
                    if r.chance(0.90) {
                        wrap = Some(tenths(r.lognormal(35.0, 0.6) * pace));
                    }
                }
                EMAIL if r.chance(0.55) => {
                    handle = Some(tenths(
                        r.lognormal(420.0, 0.7) * pace * (1.0 + 0.5 * (contacts - 1) as f64),
                    ));
                }
                _ => {}
            }
        }

        // Reopened: only resolved interactions, more likely after several touches.
        let reopened =
            resolved.is_some() && r.chance(0.062 + 0.02 * contacts.saturating_sub(1) as f64);

        // Sparse surveys on resolved interactions, skewed positive, worse after a bad
        // experience (slow first reply, many touches, reopen) and better with skilled agents.
        let (mut csat, mut nps, mut ces) = (None, None, None);
        if let Some(res) = resolved {
            let slow = first.map_or(1.0, |f| {
                let frt = (f - created) as f64;
                let norm = match chan {
                    CHAT | PHONE => 300.0,
                    _ => 8.0 * 3600.0,
                };
                (frt / norm).min(3.0)
            });
            let slow_fix = ((res - created) as f64 / 86_400.0).min(4.0);
            let mood = 1.15 + 0.35 * skill
                - 0.35 * slow
                - 0.25 * contacts.saturating_sub(1) as f64
                - 0.15 * slow_fix
                - if reopened { 1.0 } else { 0.0 };
            let latent = mood + r.normal();
            if r.chance(0.25) {
                csat = Some(match latent {
                    x if x < -1.1 => 1,
                    x if x < -0.6 => 2,
                    x if x < -0.1 => 3,
                    x if x < 0.7 => 4,
                    _ => 5,
                });
            }
            if r.chance(0.15) {
                let z = latent + 0.5 * r.normal();
                nps = Some((7.3 + 1.7 * z).round().clamp(0.0, 10.0) as u64);
            }
            if r.chance(0.10) {
                let z = latent + 0.5 * r.normal();
                ces = Some((5.3 + 1.3 * z).round().clamp(1.0, 7.0) as u64);
            }
        }

        let churned = self.churned_at(cust);

        // Serialize.
        use Val::*;
        let opt_time = |t: Option<i64>| t.map_or(Null, Time);
        let opt_tenths = |t: Option<u32>| t.map_or(Null, Tenths);
        let opt_int = |t: Option<u64>| t.map_or(Null, Int);
        line.begin();
        line.put(0, Id(b'I', id, 8));
        line.put(
            1,
            if anonymous {
                Null
            } else {
                Id(b'C', cust, self.cust_width)
            },
        );
        line.put(2, category.map_or(Null, Str));
        line.put(3, Str(CHANNELS[usize::from(chan)]));
        line.put(4, if handled { Agent(agent) } else { Null });
        line.put(5, Str(team_name));
        line.put(6, Time(created));
        line.put(7, opt_time(first));
        line.put(8, opt_time(resolved));
        line.put(9, opt_tenths(talk));
        line.put(10, opt_tenths(hold));
        line.put(11, opt_tenths(wrap));
        line.put(12, opt_tenths(handle));
        if contacts_col {
            line.put(CONTACTS_COL, Int(contacts));
        }
        line.put(14, Bool(reopened));
        line.put(15, opt_int(csat));
        line.put(16, opt_int(nps));
        line.put(17, opt_int(ces));
        line.put(18, opt_time(churned));
        line.end();
    }
}

fn run(args: &Args) -> std::io::Result<()> {
    let file = File::create(&args.out)?;
    let mut out = BufWriter::with_capacity(8 << 20, file);
    let mut line = Line::new(args.format);
    if args.format == Format::Csv {
        let header: Vec<&str> = COLUMNS
            .iter()
            .enumerate()
            .filter(|(i, _)| args.contacts || *i != CONTACTS_COL)
            .map(|(_, c)| *c)
            .collect();
        out.write_all(header.join(",").as_bytes())?;
        out.write_all(b"\n")?;
    }
    let mut g = Gen::new(args);
    for id in 1..=args.rows {
        g.write_row(id, args.contacts, &mut line);
        out.write_all(&line.buf)?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(ArgError::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(ArgError::Bad(msg)) => {
            eprintln!("gen: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: cannot write {:?}: {e}", args.out);
            ExitCode::from(3)
        }
    }
}
