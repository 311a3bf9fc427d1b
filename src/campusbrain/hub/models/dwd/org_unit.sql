-- name: dwd.org_unit
-- layer: dwd
-- grain: one row per 机构 (单位号 DWH) of the 教务 机构代码表; a unit exported twice is kept once
-- owner: 002 教务处
-- description: 机构 (学院 and 职能部门) as the 教务系统 knows them. Columns: DWH 单位号 (jg_id),
--   DWMC 单位名称, unit_type 教学单位/职能部门 and is_teaching_unit. Rows not carried (an empty
--   DWH, a repeated export) are in dwd.org_unit_rejected.
-- reconciles: ods."jiaowu__jw_jg_jgdmb"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(jg_id), '') AS DWH,
        NULLIF(TRIM(jgmc), '') AS DWMC,
        NULLIF(TRIM(jglx), '') AS unit_type,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY NULLIF(TRIM(jg_id), '')
            ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS load_rank
    FROM ods."jiaowu__jw_jg_jgdmb"
)
SELECT
    DWH,
    DWMC,
    unit_type,
    unit_type = '教学单位' AS is_teaching_unit,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND DWH IS NOT NULL
