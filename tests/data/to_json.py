#!/usr/bin/env python3
"""Writes NAME.json (a JSON array) and NAME.ndjson (one object a line) holding the same records
as NAME.csv, for the format-equivalence tests of tests/cli/report.rs.

Usage: python3 tests/data/to_json.py tests/data/kpis.csv

Numbers become JSON numbers, `reopened` a JSON boolean; an empty cell is `null` in the array
and a missing key in the NDJSON lines (both are missing values, SPEC §2).
"""
import csv
import json
import sys

NUMBERS = {"first_response_seconds", "talk_seconds", "hold_seconds", "wrap_seconds",
           "handle_seconds", "contacts", "csat", "nps", "ces"}
FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def typed(column, text):
    if text == "":
        return None
    if column in NUMBERS:
        number = float(text)
        return int(number) if number.is_integer() else number
    if column == "reopened":
        return FLAGS[text.lower()]
    return text


def main(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [{k: typed(k, v) for k, v in row.items()} for row in csv.DictReader(f)]
    stem = path[: -len(".csv")]
    with open(stem + ".json", "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(stem + ".ndjson", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps({k: v for k, v in row.items() if v is not None},
                               ensure_ascii=False) + "\n")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(arg)
