-- name: dwd.budget_line
-- layer: dwd
-- grain: one row per budget line (预算指标): 自然年 × 部门 × 项目编号 × 经济分类科目
-- owner: 005 财务处
-- description: 财务预算指标, typed: the amount in yuan (the source keeps 分), the department
--   named from the college's org units (dwd.org_unit; department_known is false for a code the
--   college does not have), the 支出经济分类 code and name as booked. A line exported more than
--   once keeps its latest load; the other copies are in dwd.budget_line_rejected.
-- reconciles: ods."caiwu__CW_YSZB"
-- materialized: full

WITH loaded AS (
    SELECT
        TRY_CAST(TRIM("年度") AS INTEGER) AS budget_year,
        NULLIF(TRIM("部门代码"), '') AS department_code,
        NULLIF(TRIM("项目编号"), '') AS project_code,
        NULLIF(TRIM("项目名称"), '') AS project_name,
        NULLIF(TRIM("经济分类科目代码"), '') AS econ_class_code,
        NULLIF(TRIM("经济分类科目名称"), '') AS econ_class_name,
        NULLIF(TRIM("资金来源"), '') AS fund_source,
        CAST(TRY_CAST(TRIM("预算金额(分)") AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS budget_yuan,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("年度"), TRIM("部门代码"), TRIM("项目编号"), TRIM("经济分类科目代码")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_YSZB"
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
)
SELECT
    l.budget_year,
    l.department_code,
    o.name AS department_name,
    o.code IS NOT NULL AS department_known,
    l.project_code,
    l.project_name,
    l.econ_class_code,
    l.econ_class_name,
    l.fund_source,
    l.budget_yuan,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN org_unit AS o ON o.code = l.department_code
WHERE l.load_rank = 1 AND l.project_code IS NOT NULL AND l.budget_year IS NOT NULL
