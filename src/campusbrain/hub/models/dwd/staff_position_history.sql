-- name: dwd.staff_position_history
-- layer: dwd
-- grain: one row per 教职工 (GH) and period in which their position stayed the same (SCD2)
-- owner: 004 人事处
-- description: 岗位/职务 history from the 人事系统's record versions (dwd.staff_version):
--   consecutive versions with the same DWH 单位, RYLB 人员类别, GW 岗位, ZYJSZWM 专业技术职务码 and
--   RYXZM 人员性质码 are one period. valid_from = the first version's valid_from, valid_to = the
--   next period's valid_from (exclusive; NULL while current), is_current for the open period;
--   first_BBH/last_BBH name the versions it spans. A version that changed only other fields
--   (phone, 学历) does not start a period.
-- materialized: full

WITH versions AS (
    SELECT
        GH,
        BBH,
        DWH,
        DWMC,
        RYLB,
        GW,
        ZYJSZWM,
        ZYJSZW,
        RYXZM,
        valid_from,
        -- A new period starts where the position differs from the previous version's.
        CASE
            WHEN LAG(BBH) OVER w IS NULL THEN 1
            WHEN LAG(DWH) OVER w IS DISTINCT FROM DWH
                OR LAG(RYLB) OVER w IS DISTINCT FROM RYLB
                OR LAG(GW) OVER w IS DISTINCT FROM GW
                OR LAG(ZYJSZWM) OVER w IS DISTINCT FROM ZYJSZWM
                OR LAG(RYXZM) OVER w IS DISTINCT FROM RYXZM
                THEN 1
            ELSE 0
        END AS starts_period
    FROM dwd.staff_version
    WINDOW w AS (PARTITION BY GH ORDER BY BBH)
),
numbered AS (
    SELECT *, SUM(starts_period) OVER (PARTITION BY GH ORDER BY BBH) AS period_no
    FROM versions
),
periods AS (
    SELECT
        GH,
        period_no,
        MIN(BBH) AS first_BBH,
        MAX(BBH) AS last_BBH,
        ARG_MIN(DWH, BBH) AS DWH,
        ARG_MIN(DWMC, BBH) AS DWMC,
        ARG_MIN(RYLB, BBH) AS RYLB,
        ARG_MIN(GW, BBH) AS GW,
        ARG_MIN(ZYJSZWM, BBH) AS ZYJSZWM,
        ARG_MIN(ZYJSZW, BBH) AS ZYJSZW,
        ARG_MIN(RYXZM, BBH) AS RYXZM,
        ARG_MIN(valid_from, BBH) AS valid_from
    FROM numbered
    GROUP BY GH, period_no
)
SELECT
    GH,
    period_no,
    first_BBH,
    last_BBH,
    DWH,
    DWMC,
    RYLB,
    GW,
    ZYJSZWM,
    ZYJSZW,
    RYXZM,
    valid_from,
    LEAD(valid_from) OVER (PARTITION BY GH ORDER BY period_no) AS valid_to,
    LEAD(valid_from) OVER (PARTITION BY GH ORDER BY period_no) IS NULL AS is_current
FROM periods
