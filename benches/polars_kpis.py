#!/usr/bin/env python3
"""Reference implementation of `cxkpi report --format json` (no options) with Python polars.

    python benches/polars_kpis.py LOG.csv [--fcr-window SECONDS]

Lazy (scan_csv) and streaming-friendly; prints the same JSON shape as cxkpi and as
benches/duckdb_kpis.py (see that file for the metric definitions it follows): one row per
category present (support, service, uncategorized) and `all`.

Timestamps are read as Datetime("us", "UTC"). The input is assumed valid (this is a reference
for the metrics, not for cxkpi's validation), so `skipped` is always 0.
"""

import argparse
import csv
import sys

import polars as pl
from report_shape import METRICS, write_report

TS = pl.Datetime("us", "UTC")
TYPES = {
    "interaction_id": pl.String,
    "customer_id": pl.String,
    "category": pl.String,
    "channel": pl.String,
    "agent": pl.String,
    "team": pl.String,
    "created_at": TS,
    "first_response_at": TS,
    "first_response_seconds": pl.Float64,
    "resolution_seconds": pl.Float64,
    "resolved_at": TS,
    "talk_seconds": pl.Float64,
    "hold_seconds": pl.Float64,
    "wrap_seconds": pl.Float64,
    "handle_seconds": pl.Float64,
    "contacts": pl.Float64,
    "reopened": pl.String,
    "csat": pl.Float64,
    "nps": pl.Float64,
    "ces": pl.Float64,
    "churned_at": TS,
}

N_OF = {
    "csat": "csat_n", "nps": "nps_n", "ces": "ces_n", "fcr": "fcr_n", "aht_s": "aht_n",
    "frt_mean_s": "frt_n", "frt_median_s": "frt_n", "frt_p90_s": "frt_n", "churn": "churn_n",
    "ttr_mean_s": "ttr_n", "ttr_median_s": "ttr_n", "ttr_p90_s": "ttr_n",
}


def read_header(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [c.strip() for c in next(csv.reader(f), [])]


def parse_ts(name):
    """A String column of RFC 3339 (offset or Z) or naive (read as UTC) timestamps or dates."""
    s = pl.col(name).str.strip_chars()
    naive = [
        s.str.to_datetime(fmt, time_unit="us", strict=False).dt.replace_time_zone("UTC")
        for fmt in ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d")
    ]
    aware = [
        s.str.to_datetime(fmt, time_unit="us", time_zone="UTC", strict=False)
        for fmt in ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z")
    ]
    return pl.coalesce(*aware, *naive).alias(name)


def build(path, header, fcr_window_s, mixed_ts=False):
    """The lazy plan. With mixed_ts, timestamps are read as text and parsed format by format
    (any RFC 3339 / naive mix); otherwise the CSV reader parses them directly (fast path,
    enough for generated logs, whose timestamps are all RFC 3339 UTC)."""
    present = set(header)
    schema = {c: TYPES.get(c, pl.String) for c in header}
    if mixed_ts:
        schema = {c: pl.String if t == TS else t for c, t in schema.items()}
    lf = pl.scan_csv(path, has_header=True, schema=schema, empty_string_is_null=True)
    if mixed_ts:
        lf = lf.with_columns(parse_ts(c) for c in header if TYPES.get(c) == TS)

    def col(name):
        return pl.col(name) if name in present else pl.lit(None, dtype=TYPES[name])

    cat = col("category").str.strip_chars().str.to_lowercase()
    cat = (
        pl.when(cat == "support").then(pl.lit("support"))
        .when(cat == "service").then(pl.lit("service"))
        .otherwise(pl.lit("uncategorized"))
    )
    cust = col("customer_id").str.strip_chars()
    cust = pl.when(cust == "").then(None).otherwise(cust)
    parts = [col("talk_seconds"), col("hold_seconds"), col("wrap_seconds")]
    any_part = parts[0].is_not_null() | parts[1].is_not_null() | parts[2].is_not_null()
    aht = pl.coalesce(
        col("handle_seconds"),
        pl.when(any_part).then(pl.sum_horizontal(parts)),
    )
    frt = pl.coalesce(
        (col("first_response_at") - col("created_at")).dt.total_microseconds() / 1e6,
        col("first_response_seconds"),
    )
    ttr = pl.coalesce(
        (col("resolved_at") - col("created_at")).dt.total_microseconds() / 1e6,
        col("resolution_seconds"),
    )
    reop = (
        col("reopened").str.strip_chars().str.to_lowercase().is_in(["true", "1", "yes"])
        .fill_null(False)
    )

    lf = lf.select(
        cat.alias("cat"),
        cust.alias("cust"),
        col("created_at").alias("created_at"),
        col("resolved_at").alias("resolved_at"),
        col("csat").alias("csat"),
        col("nps").alias("nps"),
        col("ces").alias("ces"),
        aht.alias("aht"),
        frt.alias("frt"),
        ttr.alias("ttr"),
        reop.alias("reop"),
        col("contacts").alias("contacts"),
        col("churned_at").alias("churned_at"),
    )

    if "contacts" in present:
        # Ticket mode.
        lf = lf.with_columns(
            fcr_elig=pl.col("resolved_at").is_not_null() & pl.col("contacts").is_not_null(),
        ).with_columns(
            fcr_first=pl.col("fcr_elig") & (pl.col("contacts") <= 1) & ~pl.col("reop"),
        )
    else:
        # Repeat mode: the next strictly later created_at of the same customer and category
        # is within (t, t + window].
        keys = ["cust", "cat"]
        nxt = (
            lf.filter(pl.col("cust").is_not_null() & pl.col("created_at").is_not_null())
            .select(*keys, "created_at")
            .unique()
            .sort(*keys, "created_at")
            .with_columns(next_at=pl.col("created_at").shift(-1).over(keys))
        )
        window = pl.duration(microseconds=int(round(fcr_window_s * 1e6)))
        lf = (
            lf.join(nxt, on=[*keys, "created_at"], how="left", nulls_equal=False)
            .with_columns(
                fcr_elig=pl.col("resolved_at").is_not_null()
                & pl.col("cust").is_not_null()
                & pl.col("created_at").is_not_null(),
                repeat=(pl.col("next_at") <= pl.col("created_at") + window).fill_null(False),
            )
            .with_columns(fcr_first=pl.col("fcr_elig") & ~pl.col("reop") & ~pl.col("repeat"))
        )

    aggs = [
        pl.len().alias("interactions"),
        ((pl.col("csat") >= 4).sum() * 100.0 / pl.col("csat").count()).alias("csat"),
        pl.col("csat").count().alias("csat_n"),
        # Counts are unsigned in polars: cast before subtracting, or fewer promoters than
        # detractors wraps around.
        (((pl.col("nps") >= 9).sum().cast(pl.Int64) - (pl.col("nps") <= 6).sum().cast(pl.Int64))
         * 100.0
         / pl.col("nps").count()).alias("nps"),
        pl.col("nps").count().alias("nps_n"),
        pl.col("ces").mean().alias("ces"),
        pl.col("ces").count().alias("ces_n"),
        (pl.col("fcr_first").sum() * 100.0 / pl.col("fcr_elig").sum()).alias("fcr"),
        pl.col("fcr_elig").sum().alias("fcr_n"),
        pl.col("aht").mean().alias("aht_s"),
        pl.col("aht").count().alias("aht_n"),
        pl.col("frt").mean().alias("frt_mean_s"),
        pl.col("frt").quantile(0.5, interpolation="linear").alias("frt_median_s"),
        pl.col("frt").quantile(0.9, interpolation="linear").alias("frt_p90_s"),
        pl.col("frt").count().alias("frt_n"),
        pl.col("ttr").mean().alias("ttr_mean_s"),
        pl.col("ttr").quantile(0.5, interpolation="linear").alias("ttr_median_s"),
        pl.col("ttr").quantile(0.9, interpolation="linear").alias("ttr_p90_s"),
        pl.col("ttr").count().alias("ttr_n"),
        (pl.col("cust").filter(pl.col("churned_at").is_not_null()).drop_nulls().n_unique()
         * 100.0 / pl.col("cust").drop_nulls().n_unique()).alias("churn"),
        pl.col("cust").drop_nulls().n_unique().alias("churn_n"),
    ]
    per_cat = lf.group_by("cat").agg(aggs).rename({"cat": "category"})
    total = lf.select(pl.lit("all").alias("category"), *aggs)
    return pl.concat([per_cat, total], how="vertical_relaxed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--fcr-window", type=float, default=7 * 86400,
                    help="repeat-mode FCR window in seconds (default 7 days)")
    ap.add_argument("--mixed-timestamps", action="store_true",
                    help="parse timestamps format by format (slower; automatic fallback)")
    ap.add_argument("--explain", action="store_true", help="print the query plan and exit")
    a = ap.parse_args()

    header = read_header(a.log)
    if "interaction_id" not in header:
        sys.exit(f"polars_kpis: missing required column interaction_id; found {header}")
    plan = build(a.log, header, a.fcr_window, a.mixed_timestamps)
    if a.explain:
        print(plan.explain())
        return

    try:
        df = plan.collect()
    except pl.exceptions.ComputeError:
        if a.mixed_timestamps:
            raise
        # The reader's timestamp parser follows the first value's format: fall back to
        # parsing each format explicitly.
        df = build(a.log, header, a.fcr_window, mixed_ts=True).collect()
    rows = []
    for r in df.iter_rows(named=True):
        row = {"category": r["category"]}
        for m in METRICS:
            v = r[m]
            if m in N_OF:
                v = None if not r[N_OF[m]] or v is None else float(v)
            else:
                v = int(v or 0)
            row[m] = v
        rows.append(row)
    write_report(rows)


if __name__ == "__main__":
    main()
