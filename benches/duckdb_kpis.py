#!/usr/bin/env python3
"""Reference implementation of `cxkpi report --format json` (no options) in ONE DuckDB query.

    python benches/duckdb_kpis.py LOG.csv [--fcr-window SECONDS] [--threads N] [--detect-types]

Reads a canonical interaction log (SPEC.md section 2) and prints one JSON object of the same
shape as cxkpi's: {"window": ..., "input": {"records": N, "skipped": 0}, "rows": [...]}, with
one row per category present (support, service, uncategorized) and `all`, each holding the
section 3 metrics:

* category: trimmed, lower-cased `category`; `support` / `service`, anything else or missing
  is `uncategorized`.
* csat: share (0-100) of answers >= 4; nps: 100 x (#>=9 - #<=6) / n; ces: mean.
* fcr: ticket mode when the file has a `contacts` column (resolved records with contacts;
  first contact = contacts <= 1 and reopened not true); otherwise repeat mode (resolved
  records with customer_id and created_at; first contact = reopened not true and no other
  record of the same customer and category created in (t, t + window], window 7 days).
* aht: handle_seconds, else the sum of the present talk/hold/wrap parts.
* ttr: resolved_at - created_at in seconds, else resolution_seconds; as frt.
* frt: first_response_at - created_at in seconds, else first_response_seconds; mean,
  median and p90 with linear interpolation (quantile_cont).
* churn: open window; base = distinct customer_ids with a record in the group, churned =
  those with a churned_at.

Timestamps are read as TIMESTAMPTZ (naive ones in UTC). With --detect-types the query reads
`read_csv('LOG.csv')` as an analyst would type it, DuckDB detecting every column's type from
the data (text columns are cast back to VARCHAR where the query trims or lower-cases them);
otherwise every column's type is given and detection is off. The input is assumed valid: this is a
reference for the metrics, not for cxkpi's validation, so `skipped` is always 0.
"""

import argparse
import csv
import sys

import duckdb
from report_shape import METRICS, write_report

# Canonical columns and their DuckDB types; any other column is read as VARCHAR.
TYPES = {
    "interaction_id": "VARCHAR",
    "customer_id": "VARCHAR",
    "category": "VARCHAR",
    "channel": "VARCHAR",
    "agent": "VARCHAR",
    "team": "VARCHAR",
    "created_at": "TIMESTAMPTZ",
    "first_response_at": "TIMESTAMPTZ",
    "first_response_seconds": "DOUBLE",
    "resolution_seconds": "DOUBLE",
    "resolved_at": "TIMESTAMPTZ",
    "talk_seconds": "DOUBLE",
    "hold_seconds": "DOUBLE",
    "wrap_seconds": "DOUBLE",
    "handle_seconds": "DOUBLE",
    "contacts": "DOUBLE",
    "reopened": "VARCHAR",
    "csat": "DOUBLE",
    "nps": "DOUBLE",
    "ces": "DOUBLE",
    "churned_at": "TIMESTAMPTZ",
}

INT_METRICS = {m for m in METRICS if m == "interactions" or m.endswith("_n")}


def read_header(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [c.strip() for c in next(csv.reader(f), [])]


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def ident(s):
    return '"' + s.replace('"', '""') + '"'


def build_query(path, header, fcr_window_s, detect_types=False):
    present = set(header)
    columns = ", ".join(f"{sql_str(c)}: {sql_str(TYPES.get(c, 'VARCHAR'))}" for c in header)
    if detect_types:
        source = f"read_csv({sql_str(path)})"
    else:
        source = (f"read_csv({sql_str(path)}, header = true, delim = ',', quote = '\"', "
                  f"escape = '\"', auto_detect = false, columns = {{{columns}}})")

    def col(name):
        if name not in present:
            return f"NULL::{TYPES[name]}"
        if detect_types and TYPES[name] == "VARCHAR":
            return f"CAST({ident(name)} AS VARCHAR)"
        return ident(name)

    ticket_mode = "contacts" in present
    if ticket_mode:
        fcr_elig = f"{col('resolved_at')} IS NOT NULL AND {col('contacts')} IS NOT NULL"
        fcr_first = f"{col('contacts')} <= 1 AND NOT reop"
    else:
        fcr_elig = "resolved_at IS NOT NULL AND cust IS NOT NULL AND created_at IS NOT NULL"
        # Records of the same customer and category created in (t, t + window]:
        # timestamps are microsecond-precise, so (t, ...] is [t + 1us, ...].
        fcr_first = (
            "NOT reop AND count(*) OVER (PARTITION BY cust, cat ORDER BY created_at "
            "RANGE BETWEEN INTERVAL 1 MICROSECOND FOLLOWING "
            f"AND INTERVAL {int(fcr_window_s)} SECOND FOLLOWING) = 0"
        )

    talk, hold, wrap = col("talk_seconds"), col("hold_seconds"), col("wrap_seconds")
    parts = (
        f"CASE WHEN {talk} IS NULL AND {hold} IS NULL AND {wrap} IS NULL THEN NULL "
        f"ELSE coalesce({talk}, 0) + coalesce({hold}, 0) + coalesce({wrap}, 0) END"
    )

    base = f"""
    SELECT
        CASE lower(trim({col('category')}))
            WHEN 'support' THEN 'support' WHEN 'service' THEN 'service'
            ELSE 'uncategorized' END AS cat,
        nullif(trim({col('customer_id')}), '') AS cust,
        {col('created_at')} AS created_at,
        {col('resolved_at')} AS resolved_at,
        {col('csat')} AS csat,
        {col('nps')} AS nps,
        {col('ces')} AS ces,
        coalesce({col('handle_seconds')}, {parts}) AS aht,
        coalesce(epoch({col('first_response_at')} - {col('created_at')}),
                 {col('first_response_seconds')}) AS frt,
        coalesce(epoch({col('resolved_at')} - {col('created_at')}),
                 {col('resolution_seconds')}) AS ttr,
        coalesce(lower(trim({col('reopened')})) IN ('true', '1', 'yes'), false) AS reop,
        {col('churned_at')} AS churned_at{', ' + col('contacts') + ' AS contacts' if ticket_mode else ''}
    FROM {source}
    """

    return f"""
    WITH base AS ({base}),
    rec AS (
        SELECT *,
            ({fcr_elig}) AS fcr_elig,
            coalesce(({fcr_first}), false) AS fcr_first
        FROM base
    )
    SELECT
        CASE WHEN grouping(cat) = 1 THEN 'all' ELSE cat END AS category,
        count(*) AS interactions,
        100.0::DOUBLE * count(*) FILTER (WHERE csat >= 4) / nullif(count(csat), 0) AS csat,
        count(csat) AS csat_n,
        100.0::DOUBLE * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6))
            / nullif(count(nps), 0) AS nps,
        count(nps) AS nps_n,
        avg(ces) AS ces,
        count(ces) AS ces_n,
        100.0::DOUBLE * count(*) FILTER (WHERE fcr_elig AND fcr_first)
            / nullif(count(*) FILTER (WHERE fcr_elig), 0) AS fcr,
        count(*) FILTER (WHERE fcr_elig) AS fcr_n,
        avg(aht) AS aht_s,
        count(aht) AS aht_n,
        avg(frt) AS frt_mean_s,
        quantile_cont(frt, 0.5) AS frt_median_s,
        quantile_cont(frt, 0.9) AS frt_p90_s,
        count(frt) AS frt_n,
        avg(ttr) AS ttr_mean_s,
        quantile_cont(ttr, 0.5) AS ttr_median_s,
        quantile_cont(ttr, 0.9) AS ttr_p90_s,
        count(ttr) AS ttr_n,
        100.0::DOUBLE * count(DISTINCT cust) FILTER (WHERE churned_at IS NOT NULL)
            / nullif(count(DISTINCT cust), 0) AS churn,
        count(DISTINCT cust) AS churn_n
    FROM rec
    GROUP BY GROUPING SETS ((cat), ())
    """


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--fcr-window", type=float, default=7 * 86400,
                    help="repeat-mode FCR window in seconds (default 7 days)")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--explain", action="store_true", help="print the SQL and exit")
    ap.add_argument("--detect-types", action="store_true",
                    help="read_csv(LOG) with DuckDB's type detection (the query as typed)")
    a = ap.parse_args()

    header = read_header(a.log)
    if "interaction_id" not in header:
        sys.exit(f"duckdb_kpis: missing required column interaction_id; found {header}")
    query = build_query(a.log, header, a.fcr_window, a.detect_types)
    if a.explain:
        print(query)
        return

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    cur = con.execute(query)
    names = [d[0] for d in cur.description]
    rows = []
    for rec in cur.fetchall():
        r = dict(zip(names, rec))
        row = {"category": r["category"]}
        for m in METRICS:
            v = r[m]
            row[m] = None if v is None else (int(v) if m in INT_METRICS else float(v))
        rows.append(row)
    write_report(rows)


if __name__ == "__main__":
    main()
