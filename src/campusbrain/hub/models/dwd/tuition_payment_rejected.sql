-- name: dwd.tuition_payment_rejected
-- layer: dwd
-- grain: one row per ODS row of CW_XSJF that dwd.tuition_payment does not carry
-- owner: 005 财务处
-- description: 学生缴费 rows left out of dwd.tuition_payment, with the reason: a second export
--   of the same 缴费单号 (duplicate_row) or a row without 缴费单号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("缴费单号"), '') AS payment_no,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("缴费单号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_XSJF"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN payment_no IS NULL THEN 'missing_key 缴费单号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR payment_no IS NULL
