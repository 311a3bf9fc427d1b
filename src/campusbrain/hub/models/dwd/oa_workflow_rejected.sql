-- name: dwd.oa_workflow_rejected
-- layer: dwd
-- grain: one row per ODS row of liucheng that dwd.oa_workflow does not carry
-- owner: 001 党政办公室
-- description: 流程实例 rows left out of dwd.oa_workflow, with the reason: a second export of the
--   same 流程编号 (duplicate_row: the latest load is kept) or a row without 流程编号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("流程编号"), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("流程编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."oa__liucheng"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 流程编号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
