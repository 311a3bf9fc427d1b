-- name: dwd.person_source_renshi
-- layer: dwd
-- grain: one row per person record of 人事 教职工信息 (jzgxx, the highest 版本号 of each 工号), by the record key of dwd.person_link
-- owner: 004 人事处
-- description: The person fields of 人事 教职工信息 (jzgxx, the highest 版本号 of each 工号) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH records AS (
    SELECT
        'renshi' AS system,
        NULLIF(TRIM(s."工号 GH"), '') AS record_key,
        'jzgxx' AS source_table,
        'staff' AS role,
        s."姓名 XM" AS raw_name,
        s."身份证件号 SFZJH" AS raw_id,
        s."出生日期 CSRQ" AS raw_birth,
        s."性别码 XBM" AS raw_sex,
        s."手机号 SJH" AS raw_phone,
        NULLIF(TRIM(s."单位名称 DWMC"), '') AS department,
        CAST(NULL AS VARCHAR) AS class_name,
        CAST(NULL AS VARCHAR) AS major,
        CAST(NULL AS VARCHAR) AS student_no,
        NULLIF(TRIM(s."工号 GH"), '') AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        -- 人事 keeps every version of a person (版本号 BBH); the highest one is current.
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s."工号 GH"), '')
            ORDER BY TRY_CAST(TRIM(s."版本号 BBH") AS INTEGER) DESC NULLS LAST,
                s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."renshi__jzgxx" AS s
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
