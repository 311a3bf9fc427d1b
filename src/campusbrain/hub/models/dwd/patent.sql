-- name: dwd.patent
-- layer: dwd
-- grain: one row per 授权专利 (专利号: CN + application number + check character)
-- owner: 007 科研与社会服务处
-- description: 授权专利, typed: application and grant dates, the inventors as a list of 工号,
--   the patent type (发明, 实用新型, 外观设计) and the department named from the org units.
-- reconciles: ods."keyan__patents"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("专利号"), '') AS patent_no,
        NULLIF(TRIM("名称"), '') AS patent_name,
        NULLIF(TRIM("类型"), '') AS patent_type,
        TRY_CAST(NULLIF(TRIM("发明人工号"), '') AS VARCHAR[]) AS inventor_ghs,
        NULLIF(TRIM("专利权人"), '') AS patentee,
        TRY_CAST(TRIM("申请日期") AS DATE) AS applied_on,
        TRY_CAST(TRIM("授权日期") AS DATE) AS granted_on,
        NULLIF(TRIM("部门"), '') AS department_code,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("专利号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."keyan__patents"
),
org_unit AS (
    SELECT DWH AS code, DWMC AS name FROM dwd.org_unit
)
SELECT
    l.patent_no,
    l.patent_name,
    l.patent_type,
    l.inventor_ghs,
    l.patentee,
    l.applied_on,
    l.granted_on,
    YEAR(l.granted_on) AS granted_year,
    l.department_code,
    o.name AS department_name,
    o.code IS NOT NULL AS department_known,
    l._batch_id,
    l._source,
    l._source_row
FROM loaded AS l
LEFT JOIN org_unit AS o ON o.code = l.department_code
WHERE l.load_rank = 1 AND l.patent_no IS NOT NULL
