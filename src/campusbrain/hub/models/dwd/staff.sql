-- name: dwd.staff
-- layer: dwd
-- grain: one row per 教职工 (工号 GH): the current (highest 版本号) undeleted version
-- owner: 004 人事处
-- description: 教职工基本信息, current state: the is_current row of dwd.staff_version with the same
--   columns (see there) minus the interval columns; is_active is 是否有效 of that version.
-- materialized: full

SELECT
    GH,
    BBH,
    XM,
    XBM,
    XBM_source,
    CSRQ,
    SFZJH,
    id_problem,
    sex_code_conflicts_id,
    birth_date_conflicts_id,
    MZM,
    MZM_source,
    ZZMMM,
    ZZMMM_source,
    XLM,
    XLM_source,
    SJH,
    DWH,
    DWMC,
    RYLB,
    GW,
    ZYJSZWM,
    ZYJSZWM_source,
    ZYJSZW,
    is_double_qualified,
    RYXZM,
    is_on_establishment,
    RZRQ,
    SFYX AS is_active,
    updated_at,
    _batch_id,
    _source,
    _source_row
FROM dwd.staff_version
WHERE is_current
