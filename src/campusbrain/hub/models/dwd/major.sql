-- name: dwd.major
-- layer: dwd
-- grain: one row per 专业 of the 教务 专业代码表 (zyh_id); a major exported twice is kept once
-- owner: 002 教务处
-- description: 专业 standardized to the 职业教育专业目录 (2021): ZYDM is the 2021 专业代码 (the
--   source code when it is a 2021 code, else its 2015 → 2021 successor from std.major_crosswalk,
--   never a guess: an unknown code gives NULL and is_legacy_major_code false), ZYDM_source the code
--   as the source wrote it, ZYDM_2015 the college's own 旧专业号 (jzyh); ZYMC 专业名称, DWH 院系,
--   XZ 学制 (years); ZYLDM/ZYLMC 专业类 and ZYDLDM/ZYDLMC 专业大类 from the catalog hierarchy.
-- reconciles: ods."jiaowu__zftal_xtgl_zydmb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(zyh_id), '') AS zyh_id,
        NULLIF(TRIM(zyh), '') AS ZYDM_source,
        NULLIF(TRIM(zymc), '') AS ZYMC,
        NULLIF(TRIM(jg_id), '') AS DWH,
        TRY_CAST(TRIM(xz) AS INTEGER) AS XZ,
        NULLIF(TRIM(jzyh), '') AS ZYDM_2015,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(zyh_id), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__zftal_xtgl_zydmb"
),
catalog_2021 AS (
    SELECT code, ANY_VALUE(name) AS name, ANY_VALUE(parent) AS parent
    FROM std.code_value
    WHERE code_system = 'ZYML 2021'
    GROUP BY code
),
-- A 2015 major split into several 2021 majors has no single successor: left NULL, not guessed.
successor AS (
    SELECT code_2015, CASE WHEN COUNT(DISTINCT code_2021) = 1 THEN MIN(code_2021) END AS code_2021
    FROM std.major_crosswalk
    GROUP BY code_2015
)
SELECT
    l.zyh_id,
    COALESCE(z.code, s.code_2021) AS ZYDM,
    l.ZYDM_source,
    z.code IS NULL AND s.code_2021 IS NOT NULL AS is_legacy_major_code,
    l.ZYMC,
    l.DWH,
    l.XZ,
    l.ZYDM_2015,
    lei.code AS ZYLDM,
    lei.name AS ZYLMC,
    dalei.code AS ZYDLDM,
    dalei.name AS ZYDLMC,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN catalog_2021 AS z ON z.code = l.ZYDM_source
LEFT JOIN successor AS s ON s.code_2015 = l.ZYDM_source
LEFT JOIN catalog_2021 AS zm ON zm.code = COALESCE(z.code, s.code_2021)
LEFT JOIN catalog_2021 AS lei ON lei.code = zm.parent
LEFT JOIN catalog_2021 AS dalei ON dalei.code = lei.parent
WHERE l.load_rank = 1 AND l.zyh_id IS NOT NULL
