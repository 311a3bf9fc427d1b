-- name: dws.finance_project
-- layer: dws
-- grain: one row per 项目编号 that has a budget line or expenditure entries
-- owner: 005 财务处
-- description: 财务专题 by project: budget (all 经济分类 of the project's 预算指标), spending
--   (voucher lines with a 经济分类: debit minus credit), execution_rate = spend / budget, the
--   number of entries and the first and last entry date. has_budget_line is false for a project
--   the vouchers book onto without a 预算指标 (carried-over projects, typing slips).
-- materialized: full

WITH budget AS (
    SELECT
        project_code,
        MIN(budget_year) AS budget_year,
        ANY_VALUE(department_code) AS department_code,
        ANY_VALUE(project_name) AS project_name,
        SUM(budget_yuan) AS budget_yuan
    FROM dwd.budget_line
    GROUP BY 1
),
spend AS (
    SELECT
        project_code,
        ANY_VALUE(department_code) AS department_code,
        SUM(COALESCE(debit_yuan, 0) - COALESCE(credit_yuan, 0)) AS spend_yuan,
        COUNT(*) AS entries,
        MIN(entry_date) AS first_entry_on,
        MAX(entry_date) AS last_entry_on
    FROM dwd.voucher_entry
    WHERE is_expenditure AND project_code IS NOT NULL
    GROUP BY 1
)
SELECT
    COALESCE(b.project_code, s.project_code) AS project_code,
    b.project_name,
    b.budget_year,
    COALESCE(b.department_code, s.department_code) AS department_code,
    o.DWMC AS department_name,
    b.project_code IS NOT NULL AS has_budget_line,
    COALESCE(b.budget_yuan, 0) AS budget_yuan,
    COALESCE(s.spend_yuan, 0) AS spend_yuan,
    CAST(COALESCE(s.spend_yuan, 0) / NULLIF(b.budget_yuan, 0) AS DECIMAL(10, 4)) AS execution_rate,
    COALESCE(s.entries, 0) AS entries,
    s.first_entry_on,
    s.last_entry_on
FROM budget AS b
FULL OUTER JOIN spend AS s ON s.project_code = b.project_code
LEFT JOIN dwd.org_unit AS o ON o.DWH = COALESCE(b.department_code, s.department_code)
