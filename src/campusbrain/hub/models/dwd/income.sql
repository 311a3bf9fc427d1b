-- name: dwd.income
-- layer: dwd
-- grain: one row per 收入明细 record (收入编号)
-- owner: 005 财务处
-- description: 财务收入明细, typed: the amount in yuan (the source keeps 分), the 收入类别 split
--   into its 大类 (income_class: 财政拨款收入, 事业收入, 科研事业收入, 其他收入) and detail, the
--   department named from the college's org units. research_funding_no is the 科研 system's
--   到款编号 that a 科研到款 line quotes in its 摘要 (the same arrival in both systems).
-- reconciles: ods."caiwu__CW_SR"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("收入编号"), '') AS income_no,
        TRY_CAST(TRIM("日期") AS DATE) AS income_date,
        NULLIF(TRIM("收入类别"), '') AS income_category,
        NULLIF(TRIM("部门代码"), '') AS department_code,
        NULLIF(TRIM("项目编号"), '') AS project_code,
        NULLIF(TRIM("摘要"), '') AS summary,
        CAST(TRY_CAST(TRIM("金额(分)") AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS amount_yuan,
        NULLIF(TRIM("来源单位"), '') AS payer,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("收入编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_SR"
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
)
SELECT
    l.income_no,
    l.income_date,
    YEAR(l.income_date) AS fiscal_year,
    l.income_category,
    SPLIT_PART(l.income_category, '-', 1) AS income_class,
    NULLIF(SPLIT_PART(l.income_category, '-', 2), '') AS income_detail,
    l.department_code,
    o.name AS department_name,
    l.project_code,
    l.summary,
    NULLIF(REGEXP_EXTRACT(l.summary, 'DK\d+'), '') AS research_funding_no,
    l.amount_yuan,
    l.payer,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN org_unit AS o ON o.code = l.department_code
WHERE l.load_rank = 1 AND l.income_no IS NOT NULL
