-- name: dwd.library_gate_entry_rejected
-- layer: dwd
-- grain: one row per ODS row of gate that dwd.library_gate_entry does not carry
-- owner: 008 图书馆
-- description: 入馆记录 rows left out of dwd.library_gate_entry, with the reason: the same
--   reader, second and gate exported again (duplicate_row: the latest load is kept), or a row
--   without 读者证号 or a readable 入馆时间 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(DZZH), '') AS DZZH,
        TRY_STRPTIME(TRIM(RGSJ), '%Y%m%d%H%M%S') AS entered_at,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM(DZZH), TRIM(RGSJ), TRIM(MJH)
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."tushu__gate"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE
        WHEN DZZH IS NULL OR entered_at IS NULL THEN 'missing_key 读者证号或入馆时间缺失'
        ELSE 'duplicate_row 重复导出'
    END AS reason
FROM loaded
WHERE load_rank > 1 OR DZZH IS NULL OR entered_at IS NULL
