-- name: dwd.scholarship
-- layer: dwd
-- grain: one row per 奖助学金 award (WID): one award to one student in one 学年
-- owner: 003 学生工作处
-- description: 奖学金 and 助学金 awarded. WID, XH 学号, XN 学年, JXJDM 奖助项目代码 (the college's
--   codes), JXJMC 名称, award_kind (奖学金 / 助学金, from the name), is_national (国家 funded), JE
--   金额 (元, DECIMAL), PDRQ 评定日期.
-- reconciles: ods."xuegong__T_XG_JZXX"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(WID), '') AS WID,
        NULLIF(TRIM(XH), '') AS XH,
        NULLIF(TRIM(XN), '') AS XN,
        NULLIF(TRIM(JXJDM), '') AS JXJDM,
        NULLIF(TRIM(JXJMC), '') AS JXJMC,
        TRY_CAST(TRIM(JE) AS DECIMAL(12, 2)) AS JE,
        cb_parse_date(PDRQ) AS PDRQ,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(WID), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."xuegong__T_XG_JZXX"
)
SELECT
    WID,
    XH,
    XN,
    JXJDM,
    JXJMC,
    CASE WHEN JXJMC LIKE '%助学金%' THEN '助学金' WHEN JXJMC LIKE '%奖学金%' THEN '奖学金' END AS award_kind,
    JXJMC LIKE '国家%' AS is_national,
    JE,
    PDRQ,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND WID IS NOT NULL
