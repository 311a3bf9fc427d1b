-- name: dwd.income_rejected
-- layer: dwd
-- grain: one row per ODS row of CW_SR that dwd.income does not carry
-- owner: 005 财务处
-- description: 收入明细 rows left out of dwd.income, with the reason: a second export of the
--   same 收入编号 (duplicate_row) or a row without 收入编号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("收入编号"), '') AS income_no,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("收入编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_SR"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN income_no IS NULL THEN 'missing_key 收入编号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR income_no IS NULL
