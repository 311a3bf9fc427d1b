-- name: dws.admission_year
-- layer: dws
-- grain: one row per 招生年度 (ZSND), 2021 专业代码 (ZYDM), 生源省份 (province_code) and 生源类型 (SYLX)
-- owner: 010 招生就业处
-- description: 招生 summary. The plan (dwd.admission_plan) and the admitted 考生 (dwd.admission)
--   meet on year, 2021 major code, 生源类型 and province, the province as its GB/T 2260 code via
--   std.crosswalk (the plan writes '33', the 录取 list '浙江省'; both become 330000). ZSND, ZYDM,
--   ZYMC, province_code, province_name (GB/T 2260 name), SYLX; plan (计划数), admitted,
--   plan_fill_rate (admitted / plan), registered (报到, dwd.enrolment_check_in), registration_rate
--   (registered / admitted); score_scale, average_score, min_score and max_score of 录取分数 (one
--   生源类型 has one scale, so a row never mixes 750-point and 百分制 scores; NULL for 免试).
-- materialized: full

WITH provinces AS (
    SELECT field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE source = 'zhaosheng' AND field IN ('省份代码', '生源省份')
    GROUP BY field, source_value
),
division_names AS (
    SELECT code, ANY_VALUE(name) AS name FROM std.code_value WHERE code_system = 'GB/T 2260' GROUP BY code
),
plan AS (
    SELECT p.ZSND, p.ZYDM, ANY_VALUE(p.ZYMC) AS ZYMC, pr.code AS province_code, p.SYLX, SUM(p.JHS) AS plan
    FROM dwd.admission_plan AS p
    LEFT JOIN provinces AS pr ON pr.field = '省份代码' AND pr.source_value = p.SFDM
    GROUP BY p.ZSND, p.ZYDM, pr.code, p.SYLX
),
admitted AS (
    SELECT
        a.ZSND,
        a.ZYDM,
        ANY_VALUE(a.ZYMC) AS ZYMC,
        pr.code AS province_code,
        a.SYLX,
        COUNT(*) AS admitted,
        COUNT(*) FILTER (WHERE b.is_registered) AS registered,
        ANY_VALUE(a.score_scale) AS score_scale,
        ROUND(AVG(a.LQFS), 2) AS average_score,
        MIN(a.LQFS) AS min_score,
        MAX(a.LQFS) AS max_score
    FROM dwd.admission AS a
    LEFT JOIN provinces AS pr ON pr.field = '生源省份' AND pr.source_value = a.SYSF
    LEFT JOIN dwd.enrolment_check_in AS b ON b.KSH = a.KSH
    GROUP BY a.ZSND, a.ZYDM, pr.code, a.SYLX
)
SELECT
    COALESCE(p.ZSND, a.ZSND) AS ZSND,
    COALESCE(p.ZYDM, a.ZYDM) AS ZYDM,
    COALESCE(a.ZYMC, p.ZYMC) AS ZYMC,
    COALESCE(p.province_code, a.province_code) AS province_code,
    d.name AS province_name,
    COALESCE(p.SYLX, a.SYLX) AS SYLX,
    COALESCE(p.plan, 0) AS plan,
    COALESCE(a.admitted, 0) AS admitted,
    ROUND(COALESCE(a.admitted, 0) / NULLIF(p.plan, 0), 4) AS plan_fill_rate,
    COALESCE(a.registered, 0) AS registered,
    ROUND(a.registered / NULLIF(a.admitted, 0), 4) AS registration_rate,
    a.score_scale,
    a.average_score,
    a.min_score,
    a.max_score
FROM plan AS p
FULL OUTER JOIN admitted AS a
    ON a.ZSND = p.ZSND AND a.ZYDM IS NOT DISTINCT FROM p.ZYDM
    AND a.province_code IS NOT DISTINCT FROM p.province_code AND a.SYLX = p.SYLX
LEFT JOIN division_names AS d ON d.code = COALESCE(p.province_code, a.province_code)
