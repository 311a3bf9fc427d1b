-- name: dwd.card_reissue_rejected
-- layer: dwd
-- grain: one row per ODS row of card_reissue that dwd.card_reissue does not carry
-- owner: 012 后勤管理处
-- description: 补卡 rows left out of dwd.card_reissue, with the reason: the same account and
--   physical card exported again (duplicate_row: the latest load is kept) or a row without
--   CARDNO or WLKH (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(CARDNO), '') AS CARDNO,
        NULLIF(TRIM(WLKH), '') AS WLKH,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(CARDNO), TRIM(WLKH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__card_reissue"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE
        WHEN CARDNO IS NULL OR WLKH IS NULL THEN 'missing_key 卡号或物理卡号缺失'
        ELSE 'duplicate_row 重复导出'
    END AS reason
FROM loaded
WHERE load_rank > 1 OR CARDNO IS NULL OR WLKH IS NULL
