-- name: dwd.budget_line_rejected
-- layer: dwd
-- grain: one row per ODS row of CW_YSZB that dwd.budget_line does not carry
-- owner: 005 财务处
-- description: 预算指标 rows left out of dwd.budget_line, with the reason: a later export of
--   the same line (duplicate_row: the latest load is kept) or a line without 年度 or 项目编号
--   (missing_key).
-- materialized: full

WITH loaded AS (
    SELECT
        TRY_CAST(TRIM("年度") AS INTEGER) AS budget_year,
        NULLIF(TRIM("项目编号"), '') AS project_code,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("年度"), TRIM("部门代码"), TRIM("项目编号"), TRIM("经济分类科目代码")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_YSZB"
)
SELECT
    _batch_id,
    _source,
    _source_row,
    CASE
        WHEN project_code IS NULL OR budget_year IS NULL THEN 'missing_key 年度或项目编号缺失'
        ELSE 'duplicate_row 重复导出'
    END AS reason
FROM loaded
WHERE load_rank > 1 OR project_code IS NULL OR budget_year IS NULL
