-- name: dws.tuition_student_year
-- layer: dws
-- grain: one row per student (学号) and 学年 with a 缴费单 (dwd.tuition_payment)
-- owner: 005 财务处
-- description: 财务专题 学生缴费 per student and 学年 (school_year 2024-2025): receivable, received
--   and arrears in yuan over all fee items, tuition (学费) and accommodation (住宿费) apart,
--   has_arrears (arrears > 0), is_deferred (any 缓缴 item), with the student's place from
--   dws.student_profile (DWH/DWMC, ZYDM/ZYMC, BH/BJMC, NJ, XBM); student_known is false for a 学号
--   the 教务 list does not have (kept, with no place).
-- materialized: full

WITH per_student AS (
    SELECT
        student_no AS XH,
        school_year,
        SUM(receivable_yuan) AS receivable_yuan,
        SUM(received_yuan) AS received_yuan,
        SUM(arrears_yuan) AS arrears_yuan,
        COALESCE(SUM(receivable_yuan) FILTER (WHERE fee_item = '学费'), 0) AS tuition_receivable_yuan,
        COALESCE(SUM(received_yuan) FILTER (WHERE fee_item = '学费'), 0) AS tuition_received_yuan,
        COALESCE(SUM(receivable_yuan) FILTER (WHERE fee_item = '住宿费'), 0) AS accommodation_receivable_yuan,
        COALESCE(SUM(received_yuan) FILTER (WHERE fee_item = '住宿费'), 0) AS accommodation_received_yuan,
        BOOL_OR(COALESCE(is_deferred, FALSE)) AS is_deferred,
        COUNT(*) AS payments
    FROM dwd.tuition_payment
    WHERE student_no IS NOT NULL AND school_year IS NOT NULL
    GROUP BY student_no, school_year
)
SELECT
    p.XH,
    p.school_year,
    p.receivable_yuan,
    p.received_yuan,
    p.arrears_yuan,
    p.tuition_receivable_yuan,
    p.tuition_received_yuan,
    p.accommodation_receivable_yuan,
    p.accommodation_received_yuan,
    COALESCE(p.arrears_yuan, 0) > 0 AS has_arrears,
    p.is_deferred,
    p.payments,
    s.XH IS NOT NULL AS student_known,
    s.DWH,
    s.DWMC,
    s.ZYDM,
    s.ZYMC,
    s.BH,
    s.BJMC,
    s.NJ,
    s.XBM
FROM per_student AS p
LEFT JOIN dws.student_profile AS s ON s.XH = p.XH
