-- name: dwd.financial_aid_need
-- layer: dwd
-- grain: one row per 家庭经济困难认定 (WID): one student in one 学年
-- owner: 003 学生工作处
-- description: 家庭经济困难学生认定. WID, XH 学号, XN 学年 ('2024-2025'), KNDJM 困难等级 (the
--   college's code: 1 特别困难, 2 困难, 3 一般困难 [K: the demo college's meaning, not a national
--   code set]), RDRQ 认定日期.
-- reconciles: ods."xuegong__T_XG_KNSRD"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(WID), '') AS WID,
        NULLIF(TRIM(XH), '') AS XH,
        NULLIF(TRIM(XN), '') AS XN,
        NULLIF(TRIM(KNDJDM), '') AS KNDJM,
        cb_parse_date(RDRQ) AS RDRQ,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(WID), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."xuegong__T_XG_KNSRD"
)
SELECT
    WID,
    XH,
    XN,
    KNDJM,
    CASE KNDJM WHEN '1' THEN '特别困难' WHEN '2' THEN '困难' WHEN '3' THEN '一般困难' END AS KNDJ,
    RDRQ,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND WID IS NOT NULL
