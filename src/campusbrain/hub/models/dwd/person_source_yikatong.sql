-- name: dwd.person_source_yikatong
-- layer: dwd
-- grain: one row per person record of 一卡通 卡户 (card_account), by the record key of dwd.person_link
-- owner: 012 后勤管理处
-- description: The person fields of 一卡通 卡户 (card_account) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH records AS (
    SELECT
        'yikatong' AS system,
        NULLIF(TRIM(s.CARDNO), '') AS record_key,
        'card_account' AS source_table,
        CASE TRIM(s.SFLB) WHEN '学生' THEN 'student' WHEN '教工' THEN 'staff' ELSE 'card_holder' END AS role,
        s.XM AS raw_name,
        CAST(NULL AS VARCHAR) AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        CAST(NULL AS VARCHAR) AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        CASE WHEN TRIM(s.SFLB) = '学生' THEN cb_halfwidth(s.XGH) END AS student_no,
        CASE WHEN TRIM(s.SFLB) = '教工' THEN cb_halfwidth(s.XGH) END AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.CARDNO), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."yikatong__card_account" AS s
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
