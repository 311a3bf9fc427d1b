-- name: dwd.person_source_jiaowu
-- layer: dwd
-- grain: one row per person record of 教务 学生学籍 (jw_xjgl_xsjbxxb), by the record key of dwd.person_link
-- owner: 002 教务处
-- description: The person fields of 教务 学生学籍 (jw_xjgl_xsjbxxb) as the source typed them (raw_* columns); a record
--   exported more than once keeps its latest load. dwd.person_record unions the systems a college
--   has and normalizes them. It only reads: the system's own DWD model reconciles the ODS table.
-- materialized: full

WITH departments AS (
    SELECT NULLIF(TRIM(jg_id), '') AS code, ANY_VALUE(NULLIF(TRIM(jgmc), '')) AS name
    FROM ods."jiaowu__jw_jg_jgdmb"
    GROUP BY 1
),
records AS (
    SELECT
        'jiaowu' AS system,
        NULLIF(TRIM(s.xh), '') AS record_key,
        'jw_xjgl_xsjbxxb' AS source_table,
        'student' AS role,
        s.xm AS raw_name,
        s.zjhm AS raw_id,
        s.csrq AS raw_birth,
        s.xbm AS raw_sex,
        CAST(NULL AS VARCHAR) AS raw_phone,
        d.name AS department,
        NULLIF(TRIM(s.bh_id), '') AS class_name,
        NULLIF(TRIM(s.zyh_id), '') AS major,
        NULLIF(TRIM(s.xh), '') AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.xh), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_xjgl_xsjbxxb" AS s
    LEFT JOIN departments AS d ON d.code = NULLIF(TRIM(s.jg_id), '')
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
