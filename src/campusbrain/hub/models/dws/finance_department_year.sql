-- name: dws.finance_department_year
-- layer: dws
-- grain: one row per 自然年, department (部门代码) and 支出经济分类科目 with a budget or spending
-- owner: 005 财务处
-- description: 财务专题 budget execution: the 预算指标 (dwd.budget_line) against what the vouchers
--   spent (dwd.voucher_entry lines that carry a 经济分类: debit minus credit, booked in the year of
--   the entry date), by department and 经济分类, with execution_rate = spend / budget (NULL where
--   there is no budget). Spending on a project with no budget line counts here under its
--   department and 经济分类; dws.finance_project shows which projects those are.
-- materialized: full

WITH budget AS (
    SELECT
        budget_year AS year,
        department_code,
        econ_class_code,
        SUM(budget_yuan) AS budget_yuan,
        COUNT(*) AS budget_lines
    FROM dwd.budget_line
    GROUP BY 1, 2, 3
),
spend AS (
    SELECT
        fiscal_year AS year,
        department_code,
        econ_class_code,
        SUM(COALESCE(debit_yuan, 0) - COALESCE(credit_yuan, 0)) AS spend_yuan,
        COUNT(*) AS entries
    FROM dwd.voucher_entry
    WHERE is_expenditure AND fiscal_year IS NOT NULL
    GROUP BY 1, 2, 3
),
econ_class AS (
    SELECT econ_class_code, ANY_VALUE(econ_class_name ORDER BY budget_year DESC) AS econ_class_name
    FROM dwd.budget_line
    WHERE econ_class_code IS NOT NULL
    GROUP BY 1
),
joined AS (
    SELECT
        COALESCE(b.year, s.year) AS year,
        COALESCE(b.department_code, s.department_code) AS department_code,
        COALESCE(b.econ_class_code, s.econ_class_code) AS econ_class_code,
        COALESCE(b.budget_yuan, 0) AS budget_yuan,
        COALESCE(s.spend_yuan, 0) AS spend_yuan,
        COALESCE(b.budget_lines, 0) AS budget_lines,
        COALESCE(s.entries, 0) AS entries
    FROM budget AS b
    FULL OUTER JOIN spend AS s
        ON s.year = b.year
        AND s.department_code IS NOT DISTINCT FROM b.department_code
        AND s.econ_class_code IS NOT DISTINCT FROM b.econ_class_code
)
SELECT
    j.year,
    j.department_code,
    o.DWMC AS department_name,
    j.econ_class_code,
    e.econ_class_name,
    -- 支出经济分类 类级 (the first three digits: 301 工资福利支出, 302 商品和服务支出, 303 对个人和家庭的补助, 310 资本性支出).
    LEFT(j.econ_class_code, 3) AS econ_class_group,
    j.budget_yuan,
    j.spend_yuan,
    CAST(j.spend_yuan / NULLIF(j.budget_yuan, 0) AS DECIMAL(10, 4)) AS execution_rate,
    j.budget_lines,
    j.entries
FROM joined AS j
LEFT JOIN dwd.org_unit AS o ON o.DWH = j.department_code
LEFT JOIN econ_class AS e ON e.econ_class_code = j.econ_class_code
