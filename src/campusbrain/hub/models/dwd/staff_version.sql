-- name: dwd.staff_version
-- layer: dwd
-- grain: one row per 教职工 record version (工号 GH, 版本号 BBH) that the 人事系统 has not deleted
-- owner: 004 人事处
-- description: 教职工基本信息 (JY/T 1006 GXJG0101) with every version the 人事系统 kept, standardized.
--   GH 工号, BBH 版本号, XM, XBM 性别码 / MZM 民族码 / ZZMMM 政治面貌码 / XLM 学历码 (JY/T 1001 XL) /
--   ZYJSZWM 专业技术职务码, each via std.crosswalk with *_source as exported; CSRQ (cb_parse_date of
--   the mixed formats), SFZJH + id_problem + sex_code_conflicts_id + birth_date_conflicts_id as in
--   dwd.student; SJH (cb_phone_normalize); DWH/DWMC 单位; RYLB 人员类别; GW 岗位; ZYJSZW 职务名称;
--   is_double_qualified 双师素质; RYXZM 人员性质码 with is_on_establishment (95 退休返聘 and 96
--   外聘 are not 在编); RZRQ 入职日期; SFYX 是否有效; updated_at (GXSJ). Versions are SCD2
--   intervals: valid_from is RZRQ for the first version and the GXSJ date for later ones,
--   valid_to the next version's valid_from (exclusive), is_current for the highest BBH. Rows
--   flagged 是否删除 = 是, repeated exports and rows without GH/BBH are in dwd.staff_version_rejected.
-- reconciles: ods."renshi__jzgxx"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("工号 GH"), '') AS GH,
        TRY_CAST(TRIM("版本号 BBH") AS INTEGER) AS BBH,
        NULLIF(TRIM("姓名 XM"), '') AS XM,
        NULLIF(TRIM("性别码 XBM"), '') AS XBM_source,
        cb_parse_date("出生日期 CSRQ") AS CSRQ,
        cb_id_normalize("身份证件号 SFZJH") AS SFZJH,
        cb_id_problem("身份证件号 SFZJH") AS id_problem,
        cb_id_sex("身份证件号 SFZJH") AS id_sex,
        cb_id_birth_date("身份证件号 SFZJH") AS id_birth_date,
        NULLIF(TRIM("民族码 MZM"), '') AS MZM_source,
        NULLIF(TRIM("政治面貌码 ZZMMM"), '') AS ZZMMM_source,
        NULLIF(TRIM("学历码 XLM"), '') AS XLM_source,
        cb_phone_normalize("手机号 SJH") AS SJH,
        NULLIF(TRIM("单位号 DWH"), '') AS DWH,
        NULLIF(TRIM("单位名称 DWMC"), '') AS DWMC,
        NULLIF(TRIM("人员类别 RYLB"), '') AS RYLB,
        NULLIF(TRIM("岗位 GW"), '') AS GW,
        NULLIF(TRIM("专业技术职务码 ZYJSZWM"), '') AS ZYJSZWM_source,
        NULLIF(TRIM("专业技术职务 ZYJSZW"), '') AS ZYJSZW,
        TRIM("双师素质 SFSSSZ") = '是' AS is_double_qualified,
        NULLIF(TRIM("人员性质码 RYXZM"), '') AS RYXZM,
        cb_parse_date("入职日期 RZRQ") AS RZRQ,
        TRIM("是否有效 SFYX") = '是' AS SFYX,
        TRY_CAST(TRIM("更新时间 GXSJ") AS TIMESTAMP) AS updated_at,
        COALESCE(TRIM("是否删除 SFSC") = '是', FALSE) AS is_deleted,
        _batch_id,
        _source,
        _source_row,
        _loaded_at
    FROM ods."renshi__jzgxx"
),
versions AS (
    SELECT *
    FROM (
        SELECT
            *,
            ROW_NUMBER() OVER (
                PARTITION BY GH, BBH
                ORDER BY _loaded_at DESC, _batch_id DESC, _source_row DESC
            ) AS load_rank
        FROM loaded
        WHERE GH IS NOT NULL AND BBH IS NOT NULL AND NOT is_deleted
    ) AS ranked
    WHERE load_rank = 1
),
dated AS (
    SELECT
        *,
        CASE
            WHEN ROW_NUMBER() OVER (PARTITION BY GH ORDER BY BBH) = 1 THEN COALESCE(RZRQ, CAST(updated_at AS DATE))
            ELSE CAST(updated_at AS DATE)
        END AS valid_from,
        BBH = MAX(BBH) OVER (PARTITION BY GH) AS is_current
    FROM versions
),
crosswalk AS (
    SELECT field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE source = 'renshi' AND "table" = 'jzgxx'
    GROUP BY field, source_value
)
SELECT
    v.GH,
    v.BBH,
    v.XM,
    sex.code AS XBM,
    v.XBM_source,
    v.CSRQ,
    v.SFZJH,
    v.id_problem,
    COALESCE(sex.code <> v.id_sex, FALSE) AS sex_code_conflicts_id,
    COALESCE(v.CSRQ <> v.id_birth_date, FALSE) AS birth_date_conflicts_id,
    ethnicity.code AS MZM,
    v.MZM_source,
    political.code AS ZZMMM,
    v.ZZMMM_source,
    education.code AS XLM,
    v.XLM_source,
    v.SJH,
    v.DWH,
    v.DWMC,
    v.RYLB,
    v.GW,
    title.code AS ZYJSZWM,
    v.ZYJSZWM_source,
    v.ZYJSZW,
    v.is_double_qualified,
    v.RYXZM,
    v.RYXZM NOT IN ('95', '96') AS is_on_establishment,
    v.RZRQ,
    v.SFYX,
    v.updated_at,
    v.valid_from,
    LEAD(v.valid_from) OVER (PARTITION BY v.GH ORDER BY v.BBH) AS valid_to,
    v.is_current,
    v._batch_id,
    v._source,
    v._source_row
FROM dated AS v
LEFT JOIN crosswalk AS sex ON sex.field = '性别码 XBM' AND sex.source_value = v.XBM_source
LEFT JOIN crosswalk AS ethnicity ON ethnicity.field = '民族码 MZM' AND ethnicity.source_value = v.MZM_source
LEFT JOIN crosswalk AS political ON political.field = '政治面貌码 ZZMMM' AND political.source_value = v.ZZMMM_source
LEFT JOIN crosswalk AS education ON education.field = '学历码 XLM' AND education.source_value = v.XLM_source
LEFT JOIN crosswalk AS title
    ON title.field = '专业技术职务码 ZYJSZWM' AND title.source_value = v.ZYJSZWM_source
