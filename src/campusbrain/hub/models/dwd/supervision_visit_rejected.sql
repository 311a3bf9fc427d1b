-- name: dwd.supervision_visit_rejected
-- layer: dwd
-- grain: one row per ODS row of CP_DDTK that dwd.supervision_visit does not carry
-- owner: 011 质量管理办公室
-- description: 督导听课 rows left out of dwd.supervision_visit, with the reason: a second export of the
--   same 听课编号 (duplicate_row: the latest load is kept) or a row without 听课编号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("听课编号"), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("听课编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."ceping__CP_DDTK"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 听课编号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
