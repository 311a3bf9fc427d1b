-- name: dws.aid_need_year
-- layer: dws
-- grain: one row per student (XH) and 学年 (XN) with a 家庭经济困难 认定 (dwd.financial_aid_need)
-- owner: 003 学生工作处
-- description: 资助 base: the 困难等级 (KNDJM 1 特别困难, 2 困难, 3 一般困难; KNDJ its name) of each
--   认定, with the student's place from dws.student_profile (DWH/DWMC, ZYDM/ZYMC, BH/BJMC, NJ,
--   XBM) and whether the student received a 助学金 (received_grant) or 奖学金 (received_scholarship)
--   in the same 学年 (dwd.scholarship). A second 认定 of one student in one 学年 keeps the latest.
-- materialized: full

WITH need AS (
    SELECT *
    FROM dwd.financial_aid_need
    WHERE XH IS NOT NULL AND XN IS NOT NULL
    QUALIFY ROW_NUMBER() OVER (PARTITION BY XH, XN ORDER BY RDRQ DESC NULLS LAST, WID DESC) = 1
),
awards AS (
    SELECT
        XH,
        XN,
        BOOL_OR(award_kind = '助学金') AS received_grant,
        BOOL_OR(award_kind = '奖学金') AS received_scholarship
    FROM dwd.scholarship
    GROUP BY XH, XN
)
SELECT
    n.XH,
    n.XN,
    n.KNDJM,
    n.KNDJ,
    n.RDRQ,
    COALESCE(a.received_grant, FALSE) AS received_grant,
    COALESCE(a.received_scholarship, FALSE) AS received_scholarship,
    s.DWH,
    s.DWMC,
    s.ZYDM,
    s.ZYMC,
    s.BH,
    s.BJMC,
    s.NJ,
    s.XBM
FROM need AS n
LEFT JOIN awards AS a ON a.XH = n.XH AND a.XN = n.XN
LEFT JOIN dws.student_profile AS s ON s.XH = n.XH
