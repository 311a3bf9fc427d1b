-- name: dwd.person_source_tushu
-- layer: dwd
-- grain: one row per person record of 图书 读者 (reader), by the record key of dwd.person_link
-- owner: 008 图书馆
-- description: The person fields of 图书 读者 (reader) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH records AS (
    SELECT
        'tushu' AS system,
        NULLIF(TRIM(s.DZZH), '') AS record_key,
        'reader' AS source_table,
        CASE TRIM(s.DZLX) WHEN '学生' THEN 'student' WHEN '教工' THEN 'staff' ELSE 'reader' END AS role,
        s.XM AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        s.SJH AS raw_phone,
        NULLIF(TRIM(s.DW), '') AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        -- A reader registered at the desk (L…) has a library-only number, not a 学号/工号.
        CASE WHEN TRIM(s.DZLX) = '学生' AND NOT starts_with(TRIM(s.DZZH), 'L') THEN cb_halfwidth(s.DZZH) END
            AS student_no,
        CASE WHEN TRIM(s.DZLX) = '教工' AND NOT starts_with(TRIM(s.DZZH), 'L') THEN cb_halfwidth(s.DZZH) END
            AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.DZZH), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."tushu__reader" AS s
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
