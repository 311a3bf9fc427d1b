-- Hand-written baseline for dws.learning_person_week (without person_id): the raw xAPI
-- statement files straight to weekly engagement per actor. Parameter: list of JSON-lines files.
CREATE TABLE learning_person_week AS
WITH parsed AS (
    SELECT
        JSON_EXTRACT_STRING(
            json,
            ['$.id', '$.actor.account.name', '$.actor.mbox', '$.verb.id', '$.timestamp',
             '$.result.duration', '$.context.contextActivities.grouping[0].id']
        ) AS f
    FROM read_ndjson_objects(?)
),
statements AS (
    -- A statement delivered twice is one statement.
    SELECT DISTINCT ON (f[1]) f FROM parsed WHERE NULLIF(TRIM(f[1]), '') IS NOT NULL
),
typed AS (
    SELECT
        COALESCE(NULLIF(f[2], ''), NULLIF(f[3], '')) AS actor_key,
        REGEXP_EXTRACT(NULLIF(TRIM(f[4]), ''), '([^/#]+)$', 1) AS verb,
        TRY_CAST(NULLIF(TRIM(f[5]), '') AS TIMESTAMPTZ) AT TIME ZONE 'Asia/Shanghai' AS stated_at,
        f[7] AS course_id,
        f[6] AS d
    FROM statements
)
SELECT
    actor_key,
    CAST(DATE_TRUNC('week', stated_at) AS DATE) AS week_start,
    COUNT(*) AS statements,
    COUNT(DISTINCT CAST(stated_at AS DATE)) AS active_days,
    COUNT(DISTINCT course_id) AS courses,
    COUNT(*) FILTER (WHERE verb = 'completed') AS completions,
    COUNT(*) FILTER (WHERE verb = 'passed') AS passes,
    COUNT(*) FILTER (WHERE verb = 'failed') AS fails,
    COUNT(*) FILTER (WHERE verb = 'answered') AS answers,
    ROUND(COALESCE(SUM(
        CASE
            WHEN d LIKE 'PT%M' AND TRY_CAST(d[3:-2] AS INTEGER) IS NOT NULL THEN TRY_CAST(d[3:-2] AS INTEGER) * 60.0
            WHEN REGEXP_FULL_MATCH(d, 'P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?') AND d NOT IN ('P', 'PT')
                THEN COALESCE(TRY_CAST(REGEXP_EXTRACT(d, '(\d+)D', 1) AS DOUBLE), 0) * 86400
                    + COALESCE(TRY_CAST(REGEXP_EXTRACT(d, '(\d+)H', 1) AS DOUBLE), 0) * 3600
                    + COALESCE(TRY_CAST(REGEXP_EXTRACT(d, 'T(?:\d+H)?(\d+)M', 1) AS DOUBLE), 0) * 60
                    + COALESCE(TRY_CAST(REGEXP_EXTRACT(d, '([\d.]+)S', 1) AS DOUBLE), 0)
        END
    ), 0) / 60.0, 1) AS learning_minutes
FROM typed
WHERE actor_key IS NOT NULL AND stated_at IS NOT NULL
GROUP BY 1, 2
