-- name: dwd.voucher_entry
-- layer: dwd
-- grain: one row per 记账凭证分录 (凭证号 + 分录号)
-- owner: 005 财务处
-- description: 财务记账凭证分录, typed: debit and credit in yuan (the source keeps 分), the entry
--   date, the 会计科目 and the 支出经济分类 side by side (credit lines that pay out of 零余额账户 or
--   银行存款 leave 经济分类 empty). is_expenditure marks the lines that carry a 经济分类 — the ones
--   budget execution counts. project_problem is 'no_budget_line' when a line books onto a
--   项目编号 that has no 预算指标 (carried-over projects, typing slips): the line is kept and
--   flagged, its spend is not moved anywhere. An 分录 exported twice keeps its latest load.
-- reconciles: ods."caiwu__CW_PZ"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("凭证号"), '') AS voucher_no,
        TRY_CAST(TRIM("分录号") AS INTEGER) AS entry_no,
        TRY_CAST(TRIM("日期") AS DATE) AS entry_date,
        NULLIF(TRIM("部门代码"), '') AS department_code,
        NULLIF(TRIM("项目编号"), '') AS project_code,
        NULLIF(TRIM("会计科目代码"), '') AS account_code,
        NULLIF(TRIM("会计科目名称"), '') AS account_name,
        NULLIF(TRIM("经济分类科目代码"), '') AS econ_class_code,
        NULLIF(TRIM("摘要"), '') AS summary,
        CAST(TRY_CAST(TRIM("借方金额(分)") AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS debit_yuan,
        CAST(TRY_CAST(TRIM("贷方金额(分)") AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS credit_yuan,
        NULLIF(TRIM("经办人工号"), '') AS handler_gh,
        NULLIF(TRIM("制单人工号"), '') AS maker_gh,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("凭证号"), TRIM("分录号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_PZ"
),
budget_project AS (
    SELECT DISTINCT project_code FROM dwd.budget_line
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
)
SELECT
    l.voucher_no,
    l.entry_no,
    l.entry_date,
    YEAR(l.entry_date) AS fiscal_year,
    l.department_code,
    o.name AS department_name,
    l.project_code,
    l.account_code,
    l.account_name,
    l.econ_class_code,
    l.summary,
    l.debit_yuan,
    l.credit_yuan,
    l.econ_class_code IS NOT NULL AS is_expenditure,
    CASE WHEN l.project_code IS NOT NULL AND b.project_code IS NULL THEN 'no_budget_line' END AS project_problem,
    l.handler_gh,
    l.maker_gh,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN budget_project AS b ON b.project_code = l.project_code
LEFT JOIN org_unit AS o ON o.code = l.department_code
WHERE l.load_rank = 1 AND l.voucher_no IS NOT NULL AND l.entry_no IS NOT NULL
