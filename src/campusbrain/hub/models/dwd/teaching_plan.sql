-- name: dwd.teaching_plan
-- layer: dwd
-- grain: one row per 专业, 学期序号 and 课程 of the 教学执行计划 (zyh_id, XQXH, KCH)
-- owner: 002 教务处
-- description: 教学执行计划: which course each major runs in its 1st … 6th term (XQXH, counted
--   from the cohort's first term), KCXZ 必修/选修.
-- reconciles: ods."jiaowu__jw_jh_jxzxjhkcxxb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(zyh_id), '') AS zyh_id,
        TRY_CAST(TRIM(xq) AS INTEGER) AS XQXH,
        NULLIF(TRIM(kch_id), '') AS KCH,
        NULLIF(TRIM(kcxzmc), '') AS KCXZ,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(zyh_id), ''), TRY_CAST(TRIM(xq) AS INTEGER), NULLIF(TRIM(kch_id), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_jh_jxzxjhkcxxb"
)
SELECT zyh_id, XQXH, KCH, KCXZ, _batch_id, _source, _source_row
FROM loaded
WHERE load_rank = 1 AND zyh_id IS NOT NULL AND XQXH IS NOT NULL AND KCH IS NOT NULL
