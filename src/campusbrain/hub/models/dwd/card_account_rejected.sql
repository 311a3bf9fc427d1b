-- name: dwd.card_account_rejected
-- layer: dwd
-- grain: one row per ODS row of card_account that dwd.card_account does not carry
-- owner: 012 后勤管理处
-- description: 一卡通卡账户 rows left out of dwd.card_account, with the reason: a second export of the
--   same 卡号 (duplicate_row: the latest load is kept) or a row without 卡号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(CARDNO), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(CARDNO)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__card_account"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 卡号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
