-- name: dwd.course
-- layer: dwd
-- grain: one row per 课程 (课程号 KCH, kch_id); a course exported twice is kept once
-- owner: 002 教务处
-- description: 课程: KCH 课程号, KCMC 课程名称, XF 学分 (DECIMAL), ZXS 总学时, KCLB 课程类别
--   (A 纯理论 / B 理论+实践 / C 纯实践, the 状态数据采集平台 classification), KCXZ 课程性质
--   (必修/选修), KKDWH 开课单位号, is_common_course (公共课, codes GGnn).
-- reconciles: ods."jiaowu__jw_jh_kcdmb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(kch_id), '') AS KCH,
        NULLIF(TRIM(kcmc), '') AS KCMC,
        TRY_CAST(TRIM(xf) AS DECIMAL(5, 1)) AS XF,
        TRY_CAST(TRIM(zxs) AS INTEGER) AS ZXS,
        NULLIF(TRIM(kclbdm), '') AS KCLB,
        NULLIF(TRIM(kcxzmc), '') AS KCXZ,
        NULLIF(TRIM(kkbm_id), '') AS KKDWH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(kch_id), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_jh_kcdmb"
)
SELECT
    KCH,
    KCMC,
    XF,
    ZXS,
    KCLB,
    KCXZ,
    KKDWH,
    KCH LIKE 'GG%' AS is_common_course,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND KCH IS NOT NULL
