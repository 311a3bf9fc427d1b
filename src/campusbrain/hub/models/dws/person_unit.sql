-- name: dws.person_unit
-- layer: dws
-- grain: one row per golden person (person_id) who is a student (dws.student_profile) or a member of staff (dws.staff_profile)
-- owner: 009 信息与数据中心
-- description: Where a person belongs, so that metrics over per-person facts (一卡通, 学习平台, 图书)
--   can be cut by 二级学院/专业/班级 and scoped to a department: person_kind (学生 or 教工),
--   DWH + DWMC, and for students ZYDM/ZYMC, BH/BJMC, NJ, XBM. A person who is both (a member of
--   staff studying part-time) counts as a student while 在读, else as staff while in post, else by
--   their latest student record. A student with two 学号 (转专业) keeps the record in 在读, else
--   the latest 入学日期.
-- materialized: full

WITH candidates AS (
    SELECT
        person_id,
        '学生' AS person_kind,
        XH AS record_key,
        DWH,
        DWMC,
        ZYDM,
        ZYMC,
        BH,
        BJMC,
        NJ,
        XBM,
        CASE WHEN XJZTM = '01' THEN 1 ELSE 3 END AS preference,
        RXRQ AS since
    FROM dws.student_profile
    WHERE person_id IS NOT NULL
    UNION ALL
    SELECT
        person_id,
        '教工' AS person_kind,
        GH AS record_key,
        DWH,
        DWMC,
        NULL AS ZYDM,
        NULL AS ZYMC,
        NULL AS BH,
        NULL AS BJMC,
        NULL AS NJ,
        XBM,
        CASE WHEN is_active THEN 2 ELSE 4 END AS preference,
        RZRQ AS since
    FROM dws.staff_profile
    WHERE person_id IS NOT NULL
),
ranked AS (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY person_id ORDER BY preference, since DESC NULLS LAST, record_key
        ) AS pick
    FROM candidates
)
SELECT person_id, person_kind, record_key, DWH, DWMC, ZYDM, ZYMC, BH, BJMC, NJ, XBM
FROM ranked
WHERE pick = 1
