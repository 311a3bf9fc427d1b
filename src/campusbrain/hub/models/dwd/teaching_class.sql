-- name: dwd.teaching_class
-- layer: dwd
-- grain: one row per 教学班 (JXBH, jxb_id); a teaching class exported twice is kept once
-- owner: 002 教务处
-- description: 教学班 (one course taught to one 行政班 in one term). The 正方 term fields are
--   decoded: xnm is the 学年 start year, xqm 3 = 第1学期 and 12 = 第2学期. Columns: JXBH,
--   XN 学年 ('2024-2025'), XQ 学期 (1/2), term_label ('2024-2025-1'), KCH 课程号, JXBMC, JSGH
--   任课教师工号, BH 行政班号.
-- reconciles: ods."jiaowu__jw_jxrw_jxbxxb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(jxb_id), '') AS JXBH,
        TRY_CAST(TRIM(xnm) AS INTEGER) AS xn_start,
        CASE TRIM(xqm) WHEN '3' THEN 1 WHEN '12' THEN 2 END AS XQ,
        NULLIF(TRIM(kch_id), '') AS KCH,
        NULLIF(TRIM(jxbmc), '') AS JXBMC,
        NULLIF(TRIM(jsgh), '') AS JSGH,
        NULLIF(TRIM(bh_id), '') AS BH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(jxb_id), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_jxrw_jxbxxb"
)
SELECT
    JXBH,
    xn_start || '-' || (xn_start + 1) AS XN,
    XQ,
    xn_start || '-' || (xn_start + 1) || '-' || XQ AS term_label,
    KCH,
    JXBMC,
    JSGH,
    BH,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND JXBH IS NOT NULL
