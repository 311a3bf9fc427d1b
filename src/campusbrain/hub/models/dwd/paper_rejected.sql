-- name: dwd.paper_rejected
-- layer: dwd
-- grain: one row per ODS row of papers that dwd.paper does not carry
-- owner: 007 科研与社会服务处
-- description: 论文 rows left out of dwd.paper, with the reason: a second export of the
--   same 论文编号 (duplicate_row: the latest load is kept) or a row without 论文编号 (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("论文编号"), '') AS record_key,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("论文编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."keyan__papers"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE WHEN record_key IS NULL THEN 'missing_key 论文编号缺失' ELSE 'duplicate_row 重复导出' END AS reason
FROM loaded
WHERE load_rank > 1 OR record_key IS NULL
