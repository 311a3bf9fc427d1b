-- name: dwd.person_source_xuegong
-- layer: dwd
-- grain: one row per person record of 学工 学生基本信息 (T_XG_XSJBXX), by the record key of dwd.person_link
-- owner: 003 学生工作处
-- description: The person fields of 学工 学生基本信息 (T_XG_XSJBXX) as the source typed them (raw_* columns); a record
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
        'xuegong' AS system,
        NULLIF(TRIM(s.XH), '') AS record_key,
        'T_XG_XSJBXX' AS source_table,
        'student' AS role,
        s.XM AS raw_name,
        s.SFZJH AS raw_id,
        s.CSRQ AS raw_birth,
        s.XBDM AS raw_sex,
        s.LXDH AS raw_phone,
        d.name AS department,
        NULLIF(TRIM(s.BJDM), '') AS class_name,
        NULLIF(TRIM(s.ZYDM), '') AS major,
        NULLIF(TRIM(s.XH), '') AS student_no,
        CAST(NULL AS VARCHAR) AS staff_no,
        CAST(NULL AS VARCHAR) AS exam_no,
        s._batch_id,
        s._source,
        s._source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(s.XH), '')
            ORDER BY s._loaded_at DESC, s._batch_id DESC, s._source_row DESC
        ) AS load_rank
    FROM ods."xuegong__T_XG_XSJBXX" AS s
    LEFT JOIN departments AS d ON d.code = NULLIF(TRIM(s.XYDM), '')
)
SELECT * EXCLUDE (load_rank)
FROM records
WHERE record_key IS NOT NULL AND load_rank = 1
