-- name: dwd.person_source_zhaosheng
-- layer: dwd
-- grain: one row per person record of 招生 录取 (ZS_LQ) with the 学号 of 报到 (ZS_BD), by the record key of dwd.person_link
-- owner: 010 招生就业处
-- description: The person fields of 招生 录取 (ZS_LQ) with the 学号 of 报到 (ZS_BD) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH registration AS (
    -- 报到: the 学号 an admitted 考生 registered under (the original one for a later 转专业).
    SELECT cb_halfwidth(考生号) AS exam_no, ANY_VALUE(cb_halfwidth(学号)) AS student_no
    FROM ods."zhaosheng__ZS_BD"
    WHERE TRIM(是否报到) = '是' AND cb_halfwidth(学号) IS NOT NULL
    GROUP BY 1
),
records AS (
    SELECT
        'zhaosheng' AS system,
        NULLIF(TRIM(s.考生号), '') AS record_key,
        'ZS_LQ' AS source_table,
        'applicant' AS role,
        s.姓名 AS raw_name,
        s.身份证号 AS raw_id,
        CAST(NULL AS VARCHAR) AS raw_birth,
        s.性别 AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        CAST(NULL AS VARCHAR) AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        NULLIF(TRIM(s.录取专业名称), '') AS major,
        r.student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        cb_halfwidth(s.考生号) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.考生号), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."zhaosheng__ZS_LQ" AS s
    LEFT JOIN registration AS r ON r.exam_no = cb_halfwidth(s.考生号)
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
