-- name: dwd.teaching_evaluation_rejected
-- layer: dwd
-- grain: one row per ODS row of CP_XSPJ that dwd.teaching_evaluation does not carry
-- owner: 011 质量管理办公室
-- description: 学生评教 rows left out of dwd.teaching_evaluation, with the reason: a second export of the
--   same 评价ID (duplicate_row: the latest load is kept) or a row without 评价ID (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("评价ID"), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("评价ID")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."ceping__CP_XSPJ"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 评价ID缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
