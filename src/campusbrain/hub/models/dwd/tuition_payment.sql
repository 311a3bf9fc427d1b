-- name: dwd.tuition_payment
-- layer: dwd
-- grain: one row per 学生缴费 record (缴费单号): student × 学年 × 收费项目
-- owner: 005 财务处
-- description: 学生缴费, typed: 应收, 实收 and 欠费 in yuan (the source keeps 分), the payment date
--   and method. is_deferred marks 绿色通道缓缴 (students with economic difficulty pay later).
--   The 学号 is as the finance system has it: a 转专业 student's first-year fees stay under the
--   old 学号; identity resolution (dwd.person_link, system 'jiaowu'/'xuegong' keys) joins them.
-- reconciles: ods."caiwu__CW_XSJF"
-- materialized: full

WITH loaded AS (
    SELECT
        NULLIF(TRIM("缴费单号"), '') AS payment_no,
        NULLIF(TRIM("学号"), '') AS student_no,
        NULLIF(TRIM("姓名"), '') AS student_name,
        NULLIF(TRIM("学年"), '') AS school_year,
        NULLIF(TRIM("收费项目"), '') AS fee_item,
        CAST(TRY_CAST(TRIM("应收金额(分)") AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS receivable_yuan,
        CAST(TRY_CAST(TRIM("实收金额(分)") AS DECIMAL(18, 0)) * 0.01 AS DECIMAL(16, 2)) AS received_yuan,
        TRY_CAST(TRIM("缴费日期") AS DATE) AS paid_on,
        NULLIF(TRIM("缴费方式"), '') AS payment_method,
        _batch_id,
        _source,
        _source_row,
        ROW_NUMBER() OVER (
            PARTITION BY TRIM("缴费单号")
            ORDER BY _loaded_at DESC, _batch_id DESC, _source DESC, _source_row DESC
        ) AS load_rank
    FROM ods."caiwu__CW_XSJF"
)
SELECT
    payment_no,
    student_no,
    student_name,
    school_year,
    TRY_CAST(LEFT(school_year, 4) AS INTEGER) AS school_year_start,
    fee_item,
    receivable_yuan,
    received_yuan,
    receivable_yuan - received_yuan AS arrears_yuan,
    paid_on,
    payment_method,
    COALESCE(payment_method = '绿色通道缓缴', FALSE) AS is_deferred,
    _batch_id,
    _source,
    _source_row
FROM loaded
WHERE load_rank = 1 AND payment_no IS NOT NULL
