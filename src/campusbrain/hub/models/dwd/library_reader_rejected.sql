-- name: dwd.library_reader_rejected
-- layer: dwd
-- grain: one row per ODS row of reader that dwd.library_reader does not carry
-- owner: 008 图书馆
-- description: 读者 rows left out of dwd.library_reader, with the reason: a second export of the
--   same 读者证号 (duplicate_row: the latest load is kept) or a row without 读者证号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(DZZH), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(DZZH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__reader"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 读者证号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
