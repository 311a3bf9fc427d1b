-- name: dwd.person_source_xuexi
-- layer: dwd
-- grain: one row per person record of 学习平台 xAPI actors (statements), by the record key of dwd.person_link
-- owner: 002 教务处
-- description: The person fields of 学习平台 xAPI actors (statements) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH records AS (
    -- The learning platform knows a learner only as its xAPI actor (account name = 学号, the old
    -- one after 转专业; mbox when there is no account); one record per actor.
    SELECT
        'xuexi' AS system,
        NULLIF(TRIM(s.actor_name), '') AS record_key,
        'statements' AS source_table,
        'learner' AS role,
        CAST(NULL AS VARCHAR) AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        CASE WHEN NOT starts_with(TRIM(s.actor_name), 'mailto:') THEN cb_halfwidth(s.actor_name) END
            AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        1 AS load_rank
    FROM (
        SELECT
            actor_name,
            ARG_MAX(_batch_id, (_loaded_at, _batch_id, _source_row)) AS _batch_id,
            ARG_MAX(_source, (_loaded_at, _batch_id, _source_row)) AS _source,
            ARG_MAX(_source_row, (_loaded_at, _batch_id, _source_row)) AS _source_row
        FROM ods."xuexi__statements"
        WHERE NULLIF(TRIM(actor_name), '') IS NOT NULL
        GROUP BY actor_name
    ) AS s
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL
