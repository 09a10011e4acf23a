#!/usr/bin/env python3
"""Splink 5 (DuckDB backend) run with the same interface as `rightsdoc link`.

    python splink_link.py INPUT.csv [INPUT2.csv ...] --out CLUSTERS.csv [--threshold P] [--json]

Reads the CSVs (columns id,list,first_name,last_name,father_name,full_name,birth_year,
place,truth; every column as text; files concatenated), deduplicates them with a
Fellegi-Sunter model trained without labels, clusters the pairs at the threshold and
writes `id,cluster_id`, one row per input row. The `truth` column is never read.
Splink's log goes to stderr; with --json stdout holds exactly one JSON object.
See README.md for the configuration and why.
"""
import time

T0 = time.perf_counter()  # wall time of the whole run, imports and loading included

import argparse
import contextlib
import json
import logging
import os
import resource
import sys

# The columns the model sees. `truth` (ground truth) is never selected; neither is `list`
# (a source label, not a property of the person). `full_name` is only used to fill in
# first and last name on rows that have neither (split at the last space), as a Splink user
# would prepare such rows; compared on its own it would count the same evidence twice.
FEATURES = ["first_name", "last_name", "father_name", "birth_year", "place"]

U_MAX_PAIRS = 1e7  # record pairs sampled to estimate u (Splink stops early once every level is seen 100 times)
EM_MAX_PAIRS = 1e7  # cap on the blocked pairs each EM pass iterates over


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("inputs", nargs="+", metavar="INPUT.csv")
    p.add_argument("--out", required=True, metavar="CLUSTERS.csv")
    p.add_argument("--threshold", type=float, default=0.9,
                   help="match probability at or above which pairs are linked (default 0.9)")
    p.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    p.add_argument("--seed", type=int, default=42, help="seed for u sampling (default 42)")
    p.add_argument("--save-model", metavar="MODEL.json",
                   help="also write the trained Splink model (settings, m and u values) here")
    args = p.parse_args()
    if not 0.0 < args.threshold < 1.0:
        p.error("--threshold must be strictly between 0 and 1")
    return args


def sql_str(s):
    return "'" + s.replace("'", "''") + "'"


def cores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def log(msg):
    print(f"splink_link: {msg}", file=sys.stderr, flush=True)


def run(args):
    import duckdb
    import splink
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.internals.exceptions import EMTrainingException

    con = duckdb.connect(":memory:", config={"threads": cores()})
    # DuckDB 2 refuses new work on a connection while a result is still open, so every
    # statement here is fetched to the end.
    def q(sql):
        return con.execute(sql).fetchall()

    q("SET enable_progress_bar = false")

    # ---- load: every column as text, files concatenated, `truth` not selected ----
    files = "[" + ", ".join(sql_str(os.path.abspath(f)) for f in args.inputs) + "]"
    raw = (f"read_csv({files}, header = true, all_varchar = true, delim = ',', "
           f"quote = '\"', escape = '\"', union_by_name = true)")
    header = [r[0] for r in q(f"DESCRIBE SELECT * FROM {raw}")]
    if "id" not in header:
        raise SystemExit("splink_link: input has no `id` column")
    missing = [c for c in FEATURES if c not in header]

    def std(c):
        # What a normal user does: lower-case, trim, empty string -> NULL.
        return "NULL" if c in missing else f"NULLIF(lower(trim({c})), '')"

    q(f"""
        CREATE TABLE input_rows AS
        SELECT row_number() OVER () AS input_order, id
        FROM {raw}""")
    if "full_name" in header:
        full = "NULLIF(lower(trim(full_name)), '')"
        both_missing = f"{std('first_name')} IS NULL AND {std('last_name')} IS NULL"
        first_sql = (f"CASE WHEN {both_missing} THEN "
                     f"NULLIF(regexp_replace({full}, '\\s*\\S+$', ''), '') ELSE {std('first_name')} END")
        last_sql = (f"CASE WHEN {both_missing} THEN "
                    f"regexp_extract({full}, '(\\S+)$', 1) ELSE {std('last_name')} END")
    else:
        first_sql, last_sql = std('first_name'), std('last_name')
    q(f"""
        CREATE TABLE records AS
        SELECT id,
               {first_sql} AS first_name,
               {last_sql} AS last_name,
               {std('father_name')} AS father_name,
               {std('birth_year')} AS birth_year,
               TRY_CAST({std('birth_year')} AS INTEGER) AS birth_year_num,
               {std('place')} AS place
        FROM {raw}""")
    n_records, n_ids = q("SELECT count(*), count(DISTINCT id) FROM records")[0]
    if n_records != n_ids:
        raise SystemExit(f"splink_link: `id` is not unique ({n_records} rows, {n_ids} ids)")
    t_load = time.perf_counter()
    log(f"loaded {n_records} records in {t_load - T0:.2f}s "
        f"(splink {splink.__version__}, duckdb {duckdb.__version__}, {cores()} threads)")

    # ---- model ----
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            # null / exact (with term-frequency adjustment) / JW >= 0.92 / 0.88 / 0.70 / else
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.NameComparison("father_name"),
            cl.CustomComparison(
                output_column_name="birth_year",
                comparison_levels=[
                    cll.NullLevel("birth_year"),
                    cll.ExactMatchLevel("birth_year"),
                    cll.AbsoluteDifferenceLevel("birth_year_num", 1),
                    cll.AbsoluteDifferenceLevel("birth_year_num", 5),
                    cll.ElseLevel(),
                ],
                comparison_description="birth year: exact, within 1, within 5, else",
            ),
            cl.ExactMatch("place").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "last_name"),
            block_on("last_name", "birth_year"),
            block_on("first_name", "father_name"),
            block_on("substr(last_name, 1, 3)", "birth_year"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )

    db_api = DuckDBAPI(connection=con)
    records = db_api.register("records")
    linker = Linker(records, settings, log_level=logging.INFO)  # Splink logs to stderr

    # ---- training (unsupervised) ----
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "last_name", "birth_year"),
            block_on("first_name", "last_name", "father_name"),
        ],
        recall=0.7,
    )
    if linker._settings_obj._probability_two_random_records_match <= 0:
        # Degenerate input (no pair meets either rule): an estimate of 0 would make
        # predict() fail on log(0), so keep the SettingsCreator default instead.
        log("no deterministic matches; keeping the default prior 1e-4")
        linker._settings_obj._probability_two_random_records_match = 1e-4
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=args.seed)
    # Each EM pass estimates the m values of the comparisons its rule does not use.
    # max_pairs caps the blocked pairs EM iterates over (Splink 5 samples records by a
    # deterministic hash); it only bites above a few hundred thousand records.
    for rule in (block_on("first_name", "last_name"), block_on("birth_year", "place")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS)
        except EMTrainingException as e:
            # Only on tiny inputs: no pair satisfies the rule. Predict then uses
            # Splink's default m values for the comparisons this pass would have trained.
            log(f"EM pass skipped: {str(e).splitlines()[0]}")
    t_train = time.perf_counter()
    if args.save_model:
        linker.misc.save_model_to_json(args.save_model, overwrite=True)
    log(f"trained in {t_train - t_load:.2f}s")

    # ---- prediction ----
    # Materialise the blocked pairs first (predict() reuses this cached table) so the
    # number of pairs predict() scores can be counted before thresholding.
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs_compared = q(f"SELECT count(*) FROM {blocked.physical_name}")[0][0]
    df_predict = linker.inference.predict(threshold_match_probability=args.threshold)
    n_links = q(f"SELECT count(*) FROM {df_predict.physical_name}")[0][0]
    t_pred = time.perf_counter()
    log(f"scored {pairs_compared} blocked pairs, {n_links} at or above "
        f"{args.threshold}, in {t_pred - t_train:.2f}s")

    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        df_predict, threshold_match_probability=args.threshold)
    out = os.path.abspath(args.out)
    q(f"""
        COPY (
            SELECT i.id, c.cluster_id
            FROM input_rows i JOIN {clusters.physical_name} c ON c.id = i.id
            ORDER BY i.input_order
        ) TO {sql_str(out)} (FORMAT csv, HEADER true, DELIMITER ',')""")
    n_out, n_clusters = q(
        f"SELECT count(*), count(DISTINCT cluster_id) FROM {clusters.physical_name}")[0]
    if n_out != n_records:
        raise SystemExit(f"splink_link: clustering returned {n_out} rows for {n_records} records")
    t_end = time.perf_counter()
    log(f"clustered into {n_clusters} clusters in {t_end - t_pred:.2f}s; wrote {out}")

    return {
        "tool": "splink",
        "splink_version": splink.__version__,
        "records": int(n_records),
        "clusters": int(n_clusters),
        "pairs_compared": int(pairs_compared),
        "seconds": None,
        "peak_rss_bytes": None,
    }


def main():
    args = parse_args()
    # Nothing but the JSON may reach stdout: Splink and DuckDB print to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        summary = run(args)
    summary["seconds"] = round(time.perf_counter() - T0, 3)
    summary["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if args.json:
        print(json.dumps(summary), flush=True)
    else:
        log(f"{summary['records']} records, {summary['clusters']} clusters, "
            f"{summary['pairs_compared']} pairs compared, {summary['seconds']}s, "
            f"peak RSS {summary['peak_rss_bytes'] / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
