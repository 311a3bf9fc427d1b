-- name: dwd.library_book_rejected
-- layer: dwd
-- grain: one row per ODS row of book that dwd.library_book does not carry
-- owner: 008 图书馆
-- description: 图书 rows left out of dwd.library_book, with the reason: a second export of the
--   same 条码号 (duplicate_row: the latest load is kept) or a row without 条码号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(TXM), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(TXM)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__book"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 条码号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
