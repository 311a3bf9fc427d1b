-- name: dwd.admission
-- layer: dwd
-- grain: one row per admitted 考生 (考生号 KSH); a 考生 exported twice is kept once
-- owner: 010 招生就业处
-- description: 录取名单. KSH 考生号, XM, SFZJH + id_problem (cb_id_normalize/cb_id_problem),
--   XBM 性别码 (the source writes 男/女; GB/T 2261.1 via std.crosswalk, XBM_source as written) with
--   sex_code_conflicts_id, CSRQ (from the valid ID number; the source records no birth date),
--   SYLX 生源类型, SYSF 生源省份, ZYDM 2021 录取专业代码 (2015 codes mapped, is_legacy_major_code;
--   ZYDM_source), ZYMC, LQFS 录取分数 (DOUBLE; NULL for 免试 退役军人) with score_scale ('750' for
--   普通高考 and 单独考试招生, '100' for the 百分制 综合测试 of 提前招生/中高职一体化 [K: the demo
--   college's scales], NULL when no score), LQRQ 录取日期, ZSND 招生年度.
-- reconciles: ods."zhaosheng__ZS_LQ"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("考生号"), '') AS KSH,
        NULLIF(TRIM("姓名"), '') AS XM,
        cb_id_normalize("身份证号") AS SFZJH,
        cb_id_problem("身份证号") AS id_problem,
        cb_id_sex("身份证号") AS id_sex,
        cb_id_birth_date("身份证号") AS id_birth_date,
        NULLIF(TRIM("性别"), '') AS XBM_source,
        NULLIF(TRIM("生源类型"), '') AS SYLX,
        NULLIF(TRIM("生源省份"), '') AS SYSF,
        NULLIF(TRIM("录取专业代码"), '') AS ZYDM_source,
        NULLIF(TRIM("录取专业名称"), '') AS ZYMC,
        TRY_CAST(TRIM("录取分数") AS DOUBLE) AS LQFS,
        cb_parse_date("录取日期") AS LQRQ,
        TRY_CAST(TRIM("招生年度") AS INTEGER) AS ZSND,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM("考生号"), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."zhaosheng__ZS_LQ"
),
crosswalk AS (
    SELECT field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE source = 'zhaosheng' AND "table" = 'ZS_LQ'
    GROUP BY field, source_value
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
    l.KSH,
    l.XM,
    l.SFZJH,
    l.id_problem,
    sex.code AS XBM,
    l.XBM_source,
    COALESCE(sex.code <> l.id_sex, FALSE) AS sex_code_conflicts_id,
    l.id_birth_date AS CSRQ,
    l.SYLX,
    l.SYSF,
    COALESCE(z.code, s.code_2021) AS ZYDM,
    l.ZYDM_source,
    z.code IS NULL AND s.code_2021 IS NOT NULL AS is_legacy_major_code,
    l.ZYMC,
    l.LQFS,
    CASE
        WHEN l.LQFS IS NULL THEN NULL
        WHEN l.SYLX IN ('普通高考', '单独考试招生') THEN '750'
        WHEN l.SYLX IN ('高职提前招生', '中高职一体化') THEN '100'
    END AS score_scale,
    l.LQRQ,
    l.ZSND,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN crosswalk AS sex ON sex.field = '性别' AND sex.source_value = l.XBM_source
LEFT JOIN catalog_2021 AS z ON z.code = l.ZYDM_source
LEFT JOIN successor AS s ON s.code_2015 = l.ZYDM_source
WHERE l.load_rank = 1 AND l.KSH IS NOT NULL
