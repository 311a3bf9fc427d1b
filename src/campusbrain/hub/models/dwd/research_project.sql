-- name: dwd.research_project
-- layer: dwd
-- grain: one row per 科研项目 (项目编号), 纵向 and 横向
-- owner: 007 科研与社会服务处
-- description: 科研项目, typed: dates, the 合同金额 in yuan, the members as a list of 工号. level
--   is the controlled 级别 (国家级, 省部级, 市厅级, 校级, 企业); level_raw keeps what the record says,
--   and a free-text value of the old records (院级, 企业委托, 省级, 厅局级) leaves level NULL with
--   level_problem 'code_outside_standard' rather than a guess. leader_known is false when the
--   负责人工号 is not on the staff list (人事 jzgxx), e.g. a teacher who left.
-- reconciles: ods."keyan__projects"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("项目编号"), '') AS project_code,
        NULLIF(TRIM("名称"), '') AS project_name,
        NULLIF(TRIM("类型"), '') AS project_kind,
        NULLIF(TRIM("级别"), '') AS level_raw,
        NULLIF(TRIM("类别"), '') AS category,
        NULLIF(TRIM("负责人工号"), '') AS leader_gh,
        TRY_CAST(NULLIF(TRIM("成员工号"), '') AS VARCHAR[]) AS member_ghs,
        NULLIF(TRIM("部门"), '') AS department_code,
        NULLIF(TRIM("来源单位"), '') AS sponsor,
        TRY_CAST(TRIM("立项日期") AS DATE) AS approved_on,
        TRY_CAST(TRIM("计划结题日期") AS DATE) AS planned_end_on,
        TRY_CAST(TRIM("结题日期") AS DATE) AS finished_on,
        NULLIF(TRIM("状态"), '') AS status,
        TRY_CAST(TRIM("合同金额") AS DECIMAL(16, 2)) AS contract_yuan,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("项目编号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."keyan__projects"
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
),
staff AS (
    SELECT DISTINCT NULLIF(TRIM("工号 GH"), '') AS gh FROM ods."renshi__jzgxx"
)
SELECT
    l.project_code,
    l.project_name,
    l.project_kind,
    CASE WHEN l.level_raw IN ('国家级', '省部级', '市厅级', '校级', '企业') THEN l.level_raw END AS level,
    l.level_raw,
    CASE
        WHEN l.level_raw IS NULL THEN 'missing'
        WHEN l.level_raw NOT IN ('国家级', '省部级', '市厅级', '校级', '企业') THEN 'code_outside_standard'
    END AS level_problem,
    l.category,
    l.leader_gh,
    CASE WHEN l.leader_gh IS NOT NULL THEN s.gh IS NOT NULL END AS leader_known,
    l.member_ghs,
    l.department_code,
    o.name AS department_name,
    o.code IS NOT NULL AS department_known,
    l.sponsor,
    l.approved_on,
    YEAR(l.approved_on) AS approved_year,
    l.planned_end_on,
    l.finished_on,
    l.status,
    l.contract_yuan,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN org_unit AS o ON o.code = l.department_code
LEFT JOIN staff AS s ON s.gh = l.leader_gh
WHERE l.load_rank = 1 AND l.project_code IS NOT NULL
