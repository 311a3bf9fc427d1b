-- name: dwd.card_transaction_rejected
-- layer: dwd
-- grain: one row per ODS transaction row that dwd.card_transaction does not carry
-- owner: 012 后勤管理处
-- description: 一卡通流水 rows left out of dwd.card_transaction, with the reason: another export
--   of a 流水号 already carried (duplicate_row: the latest load is kept) or a row without 流水号
--   (missing_key). Only the 流水号 that dwd.card_transaction counted more than once are
--   compared row by row, so the tens of millions of single exports cost one scan of the key.
-- materialized: full

WITH repeated AS (
    SELECT JYLSH, _batch_id, _source, _source_row FROM dwd.card_transaction WHERE export_count > 1
),
candidates AS (
    SELECT NULLIF(TRIM(o.JYLSH), '') AS JYLSH, o._batch_id, o._source, o._source_row
    FROM ods."yikatong__transactions" AS o
    WHERE NULLIF(TRIM(o.JYLSH), '') IS NULL
       OR NULLIF(TRIM(o.JYLSH), '') IN (SELECT JYLSH FROM repeated)
)
SELECT
    c._batch_id,
    c._source,
    c._source_row,
    CASE WHEN c.JYLSH IS NULL THEN 'missing_key 流水号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM candidates AS c
WHERE c.JYLSH IS NULL
   OR NOT EXISTS (
       SELECT 1
       FROM repeated AS r
       WHERE r._batch_id = c._batch_id AND r._source = c._source AND r._source_row = c._source_row
   )
