-- name: dwd.person_source_jiuye
-- layer: dwd
-- grain: one row per person record of 就业 毕业生 (JY_BYS, every 届's workbook), by the record key of dwd.person_link
-- owner: 010 招生就业处
-- description: The person fields of 就业 毕业生 (JY_BYS) as the source typed them (raw_* columns); a 学号
--   found in more than one 届's workbook keeps the latest 届, read from the file name
--   as dwd.graduate_destination reads it, then the latest load. dwd.person_record unions the systems a
--   college has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH jiuye_rows AS (
    SELECT
        *,
        'JY_BYS' AS source_table,
        TRY_CAST(REGEXP_EXTRACT(cb_halfwidth(_source), '(\d{4})\s*届[^/]*$', 1) AS INTEGER) AS graduation_year
    FROM ods."jiuye__JY_BYS"
),
records AS (
    SELECT
        'jiuye' AS system,
        NULLIF(TRIM(s.学号), '') AS record_key,
        s.source_table,
        'alumnus' AS role,
        s.姓名 AS raw_name,
        s.身份证号 AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        s.性别 AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        NULLIF(TRIM(s.学院), '') AS department,
        NULLIF(TRIM(s.班级), '') AS class_name,
        NULLIF(TRIM(s.专业名称), '') AS major,
        cb_halfwidth(s.学号) AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.学号), '')
            ORDER BY s.graduation_year DESC NULLS LAST, s._loaded_at DESC, s._batch_id DESC, s._source DESC,
                s._source_row DESC
        ) AS load_rank
    FROM jiuye_rows AS s
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
