-- name: dwd.admission_plan
-- layer: dwd
-- grain: one row per 招生计划 line (招生年度 ZSND, source 专业代码, 生源类型 SYLX, 省份 SFDM)
-- owner: 010 招生就业处
-- description: 招生计划. ZSND 年度, ZYDM the 2021 专业代码 (2015 codes of the 2021 spring rounds
--   mapped through std.major_crosswalk, is_legacy_major_code; ZYDM_source as written), ZYMC, SYLX
--   生源类型 (普通高考, 高职提前招生, 单独考试招生, 中高职一体化, 退役军人), SFDM 省份代码 (2-digit
--   GB/T 2260 province prefix as the source writes it) and SFMC, JHS 计划数, XZ 学制, XF 学费
--   (元/年).
-- reconciles: ods."zhaosheng__ZS_JHS"
-- materialized: full

WITH loaded AS (
    SELECT
        TRY_CAST(TRIM("年度") AS INTEGER) AS ZSND,
        NULLIF(TRIM("专业代码"), '') AS ZYDM_source,
        NULLIF(TRIM("专业名称"), '') AS ZYMC,
        NULLIF(TRIM("生源类型"), '') AS SYLX,
        NULLIF(TRIM("省份代码"), '') AS SFDM,
        NULLIF(TRIM("省份名称"), '') AS SFMC,
        TRY_CAST(TRIM("计划数") AS INTEGER) AS JHS,
        TRY_CAST(TRIM("学制") AS INTEGER) AS XZ,
        TRY_CAST(TRIM("学费(元/年)") AS DECIMAL(12, 2)) AS XF,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY
                TRY_CAST(TRIM("年度") AS INTEGER),
                NULLIF(TRIM("专业代码"), ''),
                NULLIF(TRIM("生源类型"), ''),
                NULLIF(TRIM("省份代码"), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."zhaosheng__ZS_JHS"
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
    l.ZSND,
    COALESCE(z.code, s.code_2021) AS ZYDM,
    l.ZYDM_source,
    z.code IS NULL AND s.code_2021 IS NOT NULL AS is_legacy_major_code,
    l.ZYMC,
    l.SYLX,
    l.SFDM,
    l.SFMC,
    l.JHS,
    l.XZ,
    l.XF,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN catalog_2021 AS z ON z.code = l.ZYDM_source
LEFT JOIN successor AS s ON s.code_2015 = l.ZYDM_source
WHERE l.load_rank = 1 AND l.ZSND IS NOT NULL AND l.ZYDM_source IS NOT NULL AND l.SYLX IS NOT NULL
    AND l.SFDM IS NOT NULL
