-- name: dwd.person_source_caiwu
-- layer: dwd
-- grain: one row per person record of 财务 学生缴费 payers (CW_XSJF), by the record key of dwd.person_link
-- owner: 005 财务处
-- description: The person fields of 财务 学生缴费 payers (CW_XSJF) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH records AS (
    -- 学生缴费: a payment line names its payer by 学号 and 姓名 (the first-year 学费 of a 转专业
    -- student under the old 学号); the payer, not the line, is the record.
    SELECT
        'caiwu' AS system,
        NULLIF(TRIM(s.学号), '') AS record_key,
        'CW_XSJF' AS source_table,
        'student' AS role,
        s.姓名 AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        cb_halfwidth(s.学号) AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.学号), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_XSJF" AS s
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
