-- name: dws.research_department_year
-- layer: dws
-- grain: one row per 自然年 and department (部门代码) with any research activity
-- owner: 007 科研与社会服务处
-- description: 科研专题 by department and calendar year: projects approved (纵向, 横向, and 纵向 by
--   controlled 级别 — a project whose 级别 is outside the controlled list counts in
--   projects_level_unknown), contract value approved, funding received (the arrival's year; the
--   department of its project), papers published (all and 核心/收录), patents granted (all and 发明).
-- materialized: full

WITH events AS (
    SELECT
        approved_year AS year,
        department_code,
        1 AS projects,
        CASE WHEN project_kind = '纵向' THEN 1 ELSE 0 END AS projects_vertical,
        CASE WHEN project_kind = '横向' THEN 1 ELSE 0 END AS projects_horizontal,
        CASE WHEN level = '国家级' THEN 1 ELSE 0 END AS projects_national,
        CASE WHEN level = '省部级' THEN 1 ELSE 0 END AS projects_provincial,
        CASE WHEN level = '市厅级' THEN 1 ELSE 0 END AS projects_municipal,
        CASE WHEN level = '校级' THEN 1 ELSE 0 END AS projects_college,
        CASE WHEN level IS NULL THEN 1 ELSE 0 END AS projects_level_unknown,
        COALESCE(contract_yuan, 0) AS contract_yuan,
        0 AS funding_yuan,
        0 AS papers,
        0 AS core_papers,
        0 AS patents,
        0 AS invention_patents
    FROM dwd.research_project
    UNION ALL
    SELECT received_year, department_code, 0, 0, 0, 0, 0, 0, 0, 0, 0, COALESCE(amount_yuan, 0), 0, 0, 0, 0
    FROM dwd.research_funding
    UNION ALL
    SELECT published_year, department_code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, CASE WHEN is_core THEN 1 ELSE 0 END, 0, 0
    FROM dwd.paper
    UNION ALL
    SELECT granted_year, department_code, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, CASE WHEN patent_type = '发明' THEN 1 ELSE 0 END
    FROM dwd.patent
)
SELECT
    e.year,
    e.department_code,
    ANY_VALUE(o.DWMC) AS department_name,
    SUM(e.projects) AS projects,
    SUM(e.projects_vertical) AS projects_vertical,
    SUM(e.projects_horizontal) AS projects_horizontal,
    SUM(e.projects_national) AS projects_national,
    SUM(e.projects_provincial) AS projects_provincial,
    SUM(e.projects_municipal) AS projects_municipal,
    SUM(e.projects_college) AS projects_college,
    SUM(e.projects_level_unknown) AS projects_level_unknown,
    SUM(e.contract_yuan) AS contract_yuan,
    SUM(e.funding_yuan) AS funding_yuan,
    SUM(e.papers) AS papers,
    SUM(e.core_papers) AS core_papers,
    SUM(e.patents) AS patents,
    SUM(e.invention_patents) AS invention_patents
FROM events AS e
LEFT JOIN dwd.org_unit AS o ON o.DWH = e.department_code
WHERE e.year IS NOT NULL
GROUP BY e.year, e.department_code
