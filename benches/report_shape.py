"""The shape of a cxkpi JSON report (SPEC section 4), shared by the reference scripts and the
comparer: the metric columns in order, and the writer of the report object. The KPI
computations themselves stay in each reference script, independent of each other."""
import json
import sys

METRICS = [
    "interactions",
    "csat", "csat_n",
    "nps", "nps_n",
    "ces", "ces_n",
    "fcr", "fcr_n",
    "aht_s", "aht_n",
    "frt_mean_s", "frt_median_s", "frt_p90_s", "frt_n",
    "ttr_mean_s", "ttr_median_s", "ttr_p90_s", "ttr_n",
    "churn", "churn_n",
]
CATEGORY_ORDER = {"support": 0, "service": 1, "uncategorized": 2, "all": 3}


def write_report(rows):
    """Prints rows (dicts with category and METRICS) as a cxkpi report, in category order."""
    rows.sort(key=lambda r: CATEGORY_ORDER[r["category"]])
    records = next((r["interactions"] for r in rows if r["category"] == "all"), 0)
    out = {
        "window": {"from": None, "to": None},
        "input": {"records": records, "skipped": 0},
        "rows": rows,
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
