-- name: dwd.satisfaction_answer_rejected
-- layer: dwd
-- grain: one row per ODS row of CP_MYD that dwd.satisfaction_answer does not carry
-- owner: 011 质量管理办公室
-- description: 满意度答卷 rows left out of dwd.satisfaction_answer, with the reason: a second export of the
--   same 问卷编号或题号 (duplicate_row: the latest load is kept) or a row without 问卷编号或题号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("问卷编号"), '') AS key_1,
        TRY_CAST(TRIM("题号") AS INTEGER) AS key_2,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("问卷编号"), TRIM("题号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."ceping__CP_MYD"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN key_1 IS NULL OR key_2 IS NULL THEN 'missing_key 问卷编号或题号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR key_1 IS NULL OR key_2 IS NULL
