-- name: dwd.card_transaction_type
-- layer: dwd
-- grain: one row per 一卡通 transaction type code (JYLX)
-- owner: 012 后勤管理处
-- description: 一卡通交易类型 (110 充值, 120 补助发放, 210 消费, 211 冲正 in the demo college's
--   vendor), the lookup dwd.card_transaction names its rows with. A code exported more than once
--   keeps its latest load (dwd.card_transaction_type_rejected).
-- reconciles: ods."yikatong__tx_type"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(JYLX), '') AS JYLX,
        NULLIF(TRIM(JYLXMC), '') AS JYLXMC,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(JYLX), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."yikatong__tx_type"
)
SELECT JYLX, JYLXMC, _batch_id, _source, _source_row
FROM loaded
WHERE load_rank = 1 AND JYLX IS NOT NULL
