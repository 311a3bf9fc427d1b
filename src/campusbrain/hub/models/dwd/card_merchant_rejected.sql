-- name: dwd.card_merchant_rejected
-- layer: dwd
-- grain: one row per ODS row of merchant that dwd.card_merchant does not carry
-- owner: 012 后勤管理处
-- description: 一卡通商户 rows left out of dwd.card_merchant, with the reason: a second export of the
--   same 商户号 (duplicate_row: the latest load is kept) or a row without 商户号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(SHOPID), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(SHOPID)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__merchant"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 商户号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
