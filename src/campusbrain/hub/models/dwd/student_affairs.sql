-- name: dwd.student_affairs
-- layer: dwd
-- grain: one row per 学工 student record (WID), its latest change record (TBRQ, then load);
--   records the source deleted (CZLX D) are not carried
-- owner: 003 学生工作处
-- description: 学生基本信息 as the 学工系统 (金智) keeps it, standardized: the 学工 side of the
--   student (民族, 政治面貌, 籍贯, 联系电话, 困难等级, 宿舍) that 教务 does not hold. XH 学号, XM,
--   XBM 性别码 / MZM 民族码 (GB/T 3304; unpadded "1" maps to "01") / ZZMMM 政治面貌码 (GB/T 4762)
--   / SFZJLXM 身份证件类型码 (JY/T 1001 SFZJLX) / XJZTM 学籍状态码 (school codes 10/20/30/40 →
--   JY/T 1001 XJZT), each via std.crosswalk with the *_source value as exported (NULL code =
--   unmapped, reported in std.unmapped_value); CSRQ (cb_parse_date of yyyymmdd and the mixed
--   spellings), SFZJH + id_problem + sex_code_conflicts_id + birth_date_conflicts_id as in
--   dwd.student; JGM 籍贯 and CSDM 出生地码 (GB/T 2260, with jgm_is_valid/csdm_is_valid against
--   any version of the code set); DWH 院系; ZYDM (the 2021 code, after dropping the school suffix
--   "-07" and mapping 2015 codes), ZYDM_source; BH 班号; LXDH (cb_phone_normalize); KNDJM 家庭经济
--   困难等级 (school code 1/2/3, empty = not 困难); SSH 宿舍号; RXNY 入学年月 (DATE, first of
--   month); status_date (CLRQ 处理日期, when the current 学籍状态 took effect), CZLX, SJLY, TBRQ.
-- reconciles: ods."xuegong__T_XG_XSJBXX"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM(WID), '') AS WID,
        NULLIF(TRIM(XH), '') AS XH,
        NULLIF(TRIM(XM), '') AS XM,
        NULLIF(TRIM(XBDM), '') AS XBM_source,
        cb_parse_date(CSRQ) AS CSRQ,
        NULLIF(TRIM(MZDM), '') AS MZM_source,
        NULLIF(TRIM(ZZMMDM), '') AS ZZMMM_source,
        NULLIF(TRIM(SFZJLXDM), '') AS SFZJLXM_source,
        cb_id_normalize(SFZJH) AS SFZJH,
        cb_id_problem(SFZJH) AS id_problem,
        cb_id_sex(SFZJH) AS id_sex,
        cb_id_birth_date(SFZJH) AS id_birth_date,
        NULLIF(TRIM(JGDM), '') AS JGM,
        NULLIF(TRIM(CSDDM), '') AS CSDM,
        NULLIF(TRIM(XYDM), '') AS DWH,
        NULLIF(TRIM(ZYDM), '') AS ZYDM_source,
        NULLIF(TRIM(BJDM), '') AS BH,
        NULLIF(TRIM(XJZTDM), '') AS XJZTM_source,
        cb_phone_normalize(LXDH) AS LXDH,
        NULLIF(TRIM(JTJJKNDJDM), '') AS KNDJM,
        NULLIF(TRIM(SSH), '') AS SSH,
        TRY_STRPTIME(TRIM(RXNY) || '01', '%Y%m%d')::DATE AS RXNY,
        cb_parse_date(CLRQ) AS status_date,
        UPPER(NULLIF(TRIM(CZLX), '')) AS CZLX,
        NULLIF(TRIM(SJLY), '') AS SJLY,
        cb_parse_date(TBRQ) AS TBRQ,
        _batch_id,
        _source,
        _source_row,
        _loaded_at
    FROM ods."xuegong__T_XG_XSJBXX"
),
ranked AS (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY WID
            ORDER BY TBRQ DESC NULLS LAST, _loaded_at DESC, _batch_id DESC, _source_row DESC
        ) AS version_rank
    FROM loaded
),
crosswalk AS (
    SELECT field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE source = 'xuegong' AND "table" = 'T_XG_XSJBXX'
    GROUP BY field, source_value
),
status_names AS (
    SELECT code, ANY_VALUE(name) AS name FROM std.code_value WHERE code_system = 'JY/T 1001 XJZT' GROUP BY code
),
divisions AS (
    SELECT DISTINCT code FROM std.code_value WHERE code_system = 'GB/T 2260'
),
catalog_2021 AS (
    SELECT DISTINCT code FROM std.code_value WHERE code_system = 'ZYML 2021'
),
successor AS (
    SELECT code_2015, CASE WHEN COUNT(DISTINCT code_2021) = 1 THEN MIN(code_2021) END AS code_2021
    FROM std.major_crosswalk
    GROUP BY code_2015
),
current_rows AS (
    SELECT *, SPLIT_PART(ZYDM_source, '-', 1) AS major_code
    FROM ranked
    WHERE version_rank = 1 AND WID IS NOT NULL AND COALESCE(CZLX, 'I') <> 'D'
)
SELECT
    r.WID,
    r.XH,
    r.XM,
    sex.code AS XBM,
    r.XBM_source,
    r.CSRQ,
    ethnicity.code AS MZM,
    r.MZM_source,
    political.code AS ZZMMM,
    r.ZZMMM_source,
    id_type.code AS SFZJLXM,
    r.SFZJLXM_source,
    r.SFZJH,
    r.id_problem,
    COALESCE(sex.code <> r.id_sex, FALSE) AS sex_code_conflicts_id,
    COALESCE(r.CSRQ <> r.id_birth_date, FALSE) AS birth_date_conflicts_id,
    r.JGM,
    EXISTS (SELECT 1 FROM divisions AS d WHERE d.code = r.JGM) AS jgm_is_valid,
    r.CSDM,
    EXISTS (SELECT 1 FROM divisions AS d WHERE d.code = r.CSDM) AS csdm_is_valid,
    r.DWH,
    COALESCE(z.code, s.code_2021) AS ZYDM,
    r.ZYDM_source,
    z.code IS NULL AND s.code_2021 IS NOT NULL AS is_legacy_major_code,
    r.BH,
    status.code AS XJZTM,
    r.XJZTM_source,
    status_names.name AS XJZT,
    r.LXDH,
    r.KNDJM,
    r.SSH,
    r.RXNY,
    r.status_date,
    r.CZLX,
    r.SJLY,
    r.TBRQ,
    r._batch_id,
    r._source,
    r._source_row
FROM current_rows AS r
LEFT JOIN crosswalk AS sex ON sex.field = 'XBDM' AND sex.source_value = r.XBM_source
LEFT JOIN crosswalk AS ethnicity ON ethnicity.field = 'MZDM' AND ethnicity.source_value = r.MZM_source
LEFT JOIN crosswalk AS political ON political.field = 'ZZMMDM' AND political.source_value = r.ZZMMM_source
LEFT JOIN crosswalk AS id_type ON id_type.field = 'SFZJLXDM' AND id_type.source_value = r.SFZJLXM_source
LEFT JOIN crosswalk AS status ON status.field = 'XJZTDM' AND status.source_value = r.XJZTM_source
LEFT JOIN status_names ON status_names.code = status.code
LEFT JOIN catalog_2021 AS z ON z.code = r.major_code
LEFT JOIN successor AS s ON s.code_2015 = r.major_code
