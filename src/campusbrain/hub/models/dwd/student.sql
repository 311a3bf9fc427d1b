-- name: dwd.student
-- layer: dwd
-- grain: one row per student (学号 XH) of the 教务 学籍 table, its latest version (xgsj, then load)
-- owner: 002 教务处
-- description: 学生学籍 from the 教务系统, the system of record for 学籍 (一数一源), standardized.
--   XH 学号, XM 姓名, XBM 性别码 (GB/T 2261.1 via std.crosswalk; XBM_source as exported), CSRQ
--   出生日期 (cb_parse_date), SFZJH 身份证件号 (cb_id_normalize: half-width, upper-case X, 15 → 18
--   digits) with id_problem (cb_id_problem: NULL when valid, else length/characters/checksum/
--   birth_date/address_code/empty), sex_code_conflicts_id and birth_date_conflicts_id (the
--   recorded value disagrees with the valid ID number; both kept as recorded), ZYDM 2021 专业代码
--   (a 2015 code mapped through std.major_crosswalk, is_legacy_major_code; ZYDM_source as
--   exported), zyh_id, BH 班号, NJ 年级, DWH 院系, XJZTM 学籍状态码 (JY/T 1001 XJZT via
--   std.crosswalk; XJZTM_source as exported) and XJZT its name, RXRQ 入学日期, updated_at (xgsj).
--   Older versions and repeated exports are in dwd.student_rejected.
-- reconciles: ods."jiaowu__jw_xjgl_xsjbxxb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(xh_id), '') AS XH,
        NULLIF(TRIM(xm), '') AS XM,
        NULLIF(TRIM(xbm), '') AS XBM_source,
        cb_parse_date(csrq) AS CSRQ,
        cb_id_normalize(zjhm) AS SFZJH,
        cb_id_problem(zjhm) AS id_problem,
        cb_id_sex(zjhm) AS id_sex,
        cb_id_birth_date(zjhm) AS id_birth_date,
        NULLIF(TRIM(zyh_id), '') AS ZYDM_source,
        NULLIF(TRIM(bh_id), '') AS BH,
        TRY_CAST(TRIM(njdm_id) AS INTEGER) AS NJ,
        NULLIF(TRIM(jg_id), '') AS DWH,
        NULLIF(TRIM(xjztdm), '') AS XJZTM_source,
        cb_parse_date(rxrq) AS RXRQ,
        TRY_STRPTIME(TRIM(xgsj), '%Y-%m-%d %H:%M:%S') AS updated_at,
        _batch_id,
        _source,
        _source_row,
        _loaded_at
    FROM ods."jiaowu__jw_xjgl_xsjbxxb"
),
ranked AS (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY XH
            ORDER BY updated_at DESC NULLS LAST, _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS version_rank
    FROM loaded
),
crosswalk AS (
    SELECT field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE source = 'jiaowu' AND "table" = 'jw_xjgl_xsjbxxb'
    GROUP BY field, source_value
),
status_names AS (
    SELECT code, ANY_VALUE(name) AS name FROM std.code_value WHERE code_system = 'JY/T 1001 XJZT' GROUP BY code
),
catalog_2021 AS (
    SELECT DISTINCT code FROM std.code_value WHERE code_system = 'ZYML 2021'
),
successor AS (
    SELECT code_2015, CASE WHEN COUNT(DISTINCT code_2021) = 1 THEN MIN(code_2021) END AS code_2021
    FROM std.major_crosswalk
    GROUP BY code_2015
)
SELECT
    r.XH,
    r.XM,
    sex.code AS XBM,
    r.XBM_source,
    r.CSRQ,
    r.SFZJH,
    r.id_problem,
    COALESCE(sex.code <> r.id_sex, FALSE) AS sex_code_conflicts_id,
    COALESCE(r.CSRQ <> r.id_birth_date, FALSE) AS birth_date_conflicts_id,
    COALESCE(z.code, s.code_2021) AS ZYDM,
    r.ZYDM_source,
    z.code IS NULL AND s.code_2021 IS NOT NULL AS is_legacy_major_code,
    r.BH,
    r.NJ,
    r.DWH,
    status.code AS XJZTM,
    r.XJZTM_source,
    status_names.name AS XJZT,
    r.RXRQ,
    r.updated_at,
    r._batch_id,
    r._source,
    r._source_row
FROM ranked AS r
LEFT JOIN crosswalk AS sex ON sex.field = 'xbm' AND sex.source_value = r.XBM_source
LEFT JOIN crosswalk AS status ON status.field = 'xjztdm' AND status.source_value = r.XJZTM_source
LEFT JOIN status_names ON status_names.code = status.code
LEFT JOIN catalog_2021 AS z ON z.code = r.ZYDM_source
LEFT JOIN successor AS s ON s.code_2015 = r.ZYDM_source
WHERE r.version_rank = 1 AND r.XH IS NOT NULL
