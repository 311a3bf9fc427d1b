-- name: dwd.voucher_entry_rejected
-- layer: dwd
-- grain: one row per ODS row of CW_PZ that dwd.voucher_entry does not carry
-- owner: 005 财务处
-- description: 凭证分录 rows left out of dwd.voucher_entry, with the reason: a second export of
--   the same 分录 (duplicate_row) or a row without 凭证号 or 分录号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("凭证号"), '') AS voucher_no,
        TRY_CAST(TRIM("分录号") AS INTEGER) AS entry_no,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("凭证号"), TRIM("分录号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_PZ"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE
        WHEN voucher_no IS NULL OR entry_no IS NULL THEN 'missing_key 凭证号或分录号缺失'
        ELSE 'duplicate_row 重复导出'
    END AS reason
FROM loaded
WHERE load_rank > 1 OR voucher_no IS NULL OR entry_no IS NULL
