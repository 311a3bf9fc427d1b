-- name: dwd.card_transaction_type_rejected
-- layer: dwd
-- grain: one row per ODS row of tx_type that dwd.card_transaction_type does not carry
-- owner: 012 后勤管理处
-- description: 交易类型 rows left out of dwd.card_transaction_type, with the reason: a second export of the
--   same 交易类型码 (duplicate_row: the latest load is kept) or a row without 交易类型码 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(JYLX), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(JYLX)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__tx_type"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 交易类型码缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
