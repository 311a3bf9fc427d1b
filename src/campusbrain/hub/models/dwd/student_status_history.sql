-- name: dwd.student_status_history
-- layer: dwd
-- grain: one row per student (学号 XH) and period in which their 学籍状态 stayed the same (SCD2)
-- owner: 002 教务处
-- description: 学籍状态 history, from what the sources record: 教务 enrolment (入学日期 rxrq starts
--   a 在读 period), every version of the 教务 学籍 row (its 学籍状态 as of its modification time
--   xgsj) and every undeleted 学工 change record (its 学籍状态 as of CLRQ 处理日期, the day the
--   status took effect). Codes are JY/T 1001 XJZT via std.crosswalk; an unmapped code or an
--   unparsed date is no observation. Observations on the same day keep 教务's (system of record);
--   consecutive observations with the same code are one period. XJZTM/XJZT, valid_from, valid_to
--   (the next period's valid_from, exclusive; NULL while current), is_current, source_system of the
--   observation that opened the period, observations (how many observations it merges).
-- materialized: full

WITH crosswalk AS (
    SELECT source, "table", field, source_value, MIN(code) AS code
    FROM std.crosswalk
    WHERE (source = 'jiaowu' AND "table" = 'jw_xjgl_xsjbxxb' AND field = 'xjztdm')
        OR (source = 'xuegong' AND "table" = 'T_XG_XSJBXX' AND field = 'XJZTDM')
    GROUP BY source, "table", field, source_value
),
status_names AS (
    SELECT code, ANY_VALUE(name) AS name FROM std.code_value WHERE code_system = 'JY/T 1001 XJZT' GROUP BY code
),
enrolled_code AS (
    SELECT MIN(code) AS code FROM status_names WHERE name = '在读'
),
jiaowu_rows AS (
    SELECT
        NULLIF(TRIM(xh_id), '') AS XH,
        NULLIF(TRIM(xjztdm), '') AS status_source,
        CAST(TRY_STRPTIME(TRIM(xgsj), '%Y-%m-%d %H:%M:%S') AS DATE) AS modified_on,
        cb_parse_date(rxrq) AS entered_on
    FROM ods."jiaowu__jw_xjgl_xsjbxxb"
),
observations AS (
    SELECT j.XH, x.code AS XJZTM, j.modified_on AS observed_on, 'jiaowu' AS source_system, 1 AS priority
    FROM jiaowu_rows AS j
    JOIN crosswalk AS x
        ON x.source = 'jiaowu' AND x."table" = 'jw_xjgl_xsjbxxb' AND x.source_value = j.status_source
    UNION ALL
    SELECT DISTINCT j.XH, e.code, j.entered_on, 'jiaowu', 1
    FROM jiaowu_rows AS j
    CROSS JOIN enrolled_code AS e
    UNION ALL
    SELECT
        NULLIF(TRIM(g.XH), ''),
        x.code,
        cb_parse_date(g.CLRQ),
        'xuegong',
        2
    FROM ods."xuegong__T_XG_XSJBXX" AS g
    JOIN crosswalk AS x
        ON x.source = 'xuegong' AND x."table" = 'T_XG_XSJBXX' AND x.source_value = NULLIF(TRIM(g.XJZTDM), '')
    WHERE COALESCE(UPPER(TRIM(g.CZLX)), 'I') <> 'D'
),
one_per_day AS (
    SELECT XH, XJZTM, observed_on, source_system
    FROM (
        SELECT
            *,
            ROW_NUMBER() OVER (
                PARTITION BY XH, observed_on ORDER BY priority, XJZTM
            ) AS day_rank
        FROM observations
        WHERE XH IS NOT NULL AND XJZTM IS NOT NULL AND observed_on IS NOT NULL
    ) AS ranked
    WHERE day_rank = 1
),
marked AS (
    SELECT
        *,
        CASE WHEN LAG(XJZTM) OVER (PARTITION BY XH ORDER BY observed_on) IS NOT DISTINCT FROM XJZTM THEN 0 ELSE 1 END
            AS starts_period
    FROM one_per_day
),
numbered AS (
    SELECT *, SUM(starts_period) OVER (PARTITION BY XH ORDER BY observed_on) AS period_no
    FROM marked
),
periods AS (
    SELECT
        XH,
        period_no,
        ANY_VALUE(XJZTM) AS XJZTM,
        MIN(observed_on) AS valid_from,
        ARG_MIN(source_system, observed_on) AS source_system,
        COUNT(*) AS observations
    FROM numbered
    GROUP BY XH, period_no
)
SELECT
    p.XH,
    p.period_no,
    p.XJZTM,
    n.name AS XJZT,
    p.valid_from,
    LEAD(p.valid_from) OVER (PARTITION BY p.XH ORDER BY p.period_no) AS valid_to,
    LEAD(p.valid_from) OVER (PARTITION BY p.XH ORDER BY p.period_no) IS NULL AS is_current,
    p.source_system,
    p.observations
FROM periods AS p
LEFT JOIN status_names AS n ON n.code = p.XJZTM
