-- name: dwd.timetable
-- layer: dwd
-- grain: one row per 教学班, weekday and period block of the 课表 (JXBH, XQJ, JC)
-- owner: 002 教务处
-- description: 课表: JXBH 教学班号, XQJ 星期几 (1 = Monday), JC 节次 ('3-4'), first_period and
--   last_period as integers, ZCD 周次 ('1-16周'), CDMC 上课地点.
-- reconciles: ods."jiaowu__jw_pk_kbsjb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(jxb_id), '') AS JXBH,
        TRY_CAST(TRIM(xqj) AS INTEGER) AS XQJ,
        NULLIF(TRIM(jc), '') AS JC,
        NULLIF(TRIM(zcd), '') AS ZCD,
        NULLIF(TRIM(cdmc), '') AS CDMC,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(jxb_id), ''), TRY_CAST(TRIM(xqj) AS INTEGER), NULLIF(TRIM(jc), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_pk_kbsjb"
)
SELECT
    JXBH,
    XQJ,
    JC,
    TRY_CAST(SPLIT_PART(JC, '-', 1) AS INTEGER) AS first_period,
    TRY_CAST(SPLIT_PART(JC, '-', 2) AS INTEGER) AS last_period,
    ZCD,
    CDMC,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND JXBH IS NOT NULL AND XQJ IS NOT NULL AND JC IS NOT NULL
