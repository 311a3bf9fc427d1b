-- name: dwd.learning_statement
-- layer: dwd
-- grain: one row per xAPI statement (statement id); a statement delivered twice is kept once
-- owner: 002 教务处
-- description: 学在望湖 learning-platform xAPI statements, with what the summaries need typed from
--   the fields the sync took out of the statement JSON (ODS keeps them as text beside it): the
--   actor key (account name — the 学号 —, or the mbox of an actor without an account;
--   dwd.person_link system 'xuexi'), the verb's short name
--   (launched, experienced, completed, answered, passed, failed…), the course (the first
--   grouping context activity), result duration in seconds, scaled score and success, and the
--   time in campus local time (Asia/Shanghai). The JSON itself stays in the ODS.
--   export_count > 1 marks a statement delivered more than once (the other copies are in
--   dwd.learning_statement_rejected).
-- reconciles: ods."xuexi__statements"
-- materialized: full

-- Almost every statement arrives once; only the ids delivered again are ranked, found by the
-- hash of the id as in dwd.card_transaction (ranking every row sorts the whole table; a test of
-- the text id against the repeated ids made DuckDB copy every row aside first). The JSON is not
-- parsed here: the sync took every path this model reads out of it in the parse it makes anyway,
-- so the wide statement text is never read.
-- As there, the statements without an id are not filtered out in the scans but ranked as one
-- more repeated key and never kept, and the long text values (ids, URLs, times) are trimmed only
-- when TRIM could change them.
WITH loaded AS NOT MATERIALIZED (
    SELECT k.*, HASH(k.statement_id) AS id_hash
    FROM (
        SELECT
            o.* EXCLUDE (statement),
            CASE
                WHEN o.id LIKE ' %' OR o.id LIKE '% ' OR STRLEN(o.id) <> LENGTH(o.id) THEN NULLIF(TRIM(o.id), '')
                ELSE NULLIF(o.id, '')
            END AS statement_id
        FROM ods."xuexi__statements" AS o
    ) AS k
),
repeated AS (
    SELECT id_hash FROM loaded GROUP BY id_hash HAVING COUNT(*) > 1
    UNION
    SELECT HASH(CAST(NULL AS VARCHAR))
),
ranked AS (
    SELECT
        l.id_hash,
        l._batch_id,
        l._source,
        l._source_row,
        l.statement_id IS NOT NULL
        AND ROW_NUMBER() OVER (
            PARTITION BY l.statement_id
            ORDER BY l._loaded_at DESC, l._batch_id DESC, l._source DESC, l._source_row DESC
        ) = 1 AS kept,
        COUNT(*) OVER (PARTITION BY l.statement_id) AS export_count
    FROM loaded AS l
    WHERE l.id_hash IN (SELECT id_hash FROM repeated)
),
statements AS (
    SELECT l.* EXCLUDE (id_hash), COALESCE(r.export_count, 1) AS export_count
    FROM loaded AS l
    LEFT JOIN ranked AS r
        ON r.id_hash = l.id_hash
        AND r._source_row = l._source_row
        AND r._batch_id = l._batch_id
        AND r._source = l._source
    WHERE r.id_hash IS NULL OR r.kept
),
typed AS (
    SELECT
        s.statement_id,
        CASE
            WHEN s.verb_id LIKE ' %' OR s.verb_id LIKE '% ' OR STRLEN(s.verb_id) <> LENGTH(s.verb_id)
                THEN NULLIF(TRIM(s.verb_id), '')
            ELSE NULLIF(s.verb_id, '')
        END AS verb_id,
        CASE
            WHEN s.object_id LIKE ' %' OR s.object_id LIKE '% ' OR STRLEN(s.object_id) <> LENGTH(s.object_id)
                THEN NULLIF(TRIM(s.object_id), '')
            ELSE NULLIF(s.object_id, '')
        END AS object_id,
        TRY_CAST(
            CASE
                WHEN s.timestamp LIKE ' %' OR s.timestamp LIKE '% ' OR STRLEN(s.timestamp) <> LENGTH(s.timestamp)
                    THEN NULLIF(TRIM(s.timestamp), '')
                ELSE NULLIF(s.timestamp, '')
            END AS TIMESTAMPTZ
        ) AT TIME ZONE 'Asia/Shanghai' AS stated_at,
        COALESCE(NULLIF(s.actor_account_name, ''), NULLIF(s.actor_mbox, '')) AS actor_key,
        s.actor_account_name IS NOT NULL AS actor_has_account,
        s.context_grouping_id AS course_id,
        s.result_duration AS duration_raw,
        TRY_CAST(s.result_score_scaled AS DOUBLE) AS score_scaled,
        TRY_CAST(s.result_success AS BOOLEAN) AS success,
        s.export_count,
        s._batch_id,
        s._source,
        s._source_row
    FROM statements AS s
)
SELECT
    statement_id,
    actor_key,
    actor_has_account,
    verb_id,
    REGEXP_EXTRACT(verb_id, '([^/#]+)$', 1) AS verb,
    object_id,
    course_id,
    stated_at,
    CAST(stated_at AS DATE) AS stated_on,
    -- An ISO 8601 duration; one that does not parse is NULL, not 0. Whole minutes (PT31M) are
    -- nearly all of them and take the cheap path; a regular expression per row would cost more
    -- than the JSON parse.
    CASE
        WHEN duration_raw LIKE 'PT%M' AND TRY_CAST(duration_raw[3:-2] AS INTEGER) IS NOT NULL
            THEN TRY_CAST(duration_raw[3:-2] AS INTEGER) * 60.0
        WHEN REGEXP_FULL_MATCH(duration_raw, 'P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?')
            AND duration_raw NOT IN ('P', 'PT')
            THEN COALESCE(TRY_CAST(REGEXP_EXTRACT(duration_raw, '(\d+)D', 1) AS DOUBLE), 0) * 86400
                + COALESCE(TRY_CAST(REGEXP_EXTRACT(duration_raw, '(\d+)H', 1) AS DOUBLE), 0) * 3600
                + COALESCE(TRY_CAST(REGEXP_EXTRACT(duration_raw, 'T(?:\d+H)?(\d+)M', 1) AS DOUBLE), 0) * 60
                + COALESCE(TRY_CAST(REGEXP_EXTRACT(duration_raw, '([\d.]+)S', 1) AS DOUBLE), 0)
    END AS duration_seconds,
    score_scaled,
    success,
    export_count,
    _batch_id,
    _source,
    _source_row
FROM typed
