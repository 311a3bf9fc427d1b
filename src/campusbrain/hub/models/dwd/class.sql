-- name: dwd.class
-- layer: dwd
-- grain: one row per 行政班 (班号 BH, bh_id); a class exported twice is kept once
-- owner: 002 教务处
-- description: 行政班: BH 班号, BJMC 班级名称, NJ 年级 (cohort year, INTEGER), zyh_id (join
--   dwd.major for the 2021 ZYDM), DWH 院系, FDYGH 辅导员工号 (a renshi 工号).
-- reconciles: ods."jiaowu__jw_xjgl_bjdmb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(bh_id), '') AS BH,
        NULLIF(TRIM(bj), '') AS BJMC,
        TRY_CAST(TRIM(njdm_id) AS INTEGER) AS NJ,
        NULLIF(TRIM(zyh_id), '') AS zyh_id,
        NULLIF(TRIM(jg_id), '') AS DWH,
        NULLIF(TRIM(fdy_gh), '') AS FDYGH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(bh_id), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_xjgl_bjdmb"
)
SELECT BH, BJMC, NJ, zyh_id, DWH, FDYGH, _batch_id, _source, _source_row
FROM loaded
WHERE load_rank = 1 AND BH IS NOT NULL
